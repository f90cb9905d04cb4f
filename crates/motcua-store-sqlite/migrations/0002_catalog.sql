-- The procedure catalog: each version stored whole as the JSON of the domain
-- type (body), with the columns that lists, look-ups and search filter on.
CREATE TABLE procedure_versions (
    code         TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    valid_from   TEXT NOT NULL,
    valid_to     TEXT,
    name         TEXT NOT NULL,
    name_folded  TEXT NOT NULL,
    field_folded TEXT NOT NULL,
    body         TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    PRIMARY KEY (code, version),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
) WITHOUT ROWID;
CREATE INDEX procedure_versions_validity ON procedure_versions (valid_from, valid_to);
CREATE INDEX procedure_versions_field ON procedure_versions (field_folded);
