-- The procedure catalog: each version stored whole as the JSON of the domain
-- type (body), with the columns that lists, look-ups and search filter on.
-- Same columns as the SQLite engine; "C" collation so codes sort byte-wise.
CREATE TABLE procedure_versions (
    code         text COLLATE "C" NOT NULL,
    version      integer NOT NULL CHECK (version >= 1),
    valid_from   date NOT NULL,
    valid_to     date,
    name         text NOT NULL,
    name_folded  text COLLATE "C" NOT NULL,
    field_folded text COLLATE "C" NOT NULL,
    body         jsonb NOT NULL,
    imported_at  timestamptz NOT NULL,
    PRIMARY KEY (code, version),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX procedure_versions_validity ON procedure_versions (valid_from, valid_to);
CREATE INDEX procedure_versions_field ON procedure_versions (field_folded);
