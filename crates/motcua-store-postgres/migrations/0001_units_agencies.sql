-- Administrative units of both eras, their lineage, applied changes, agencies.
-- Same tables and columns as the SQLite engine; PostgreSQL types where natural.
-- Codes and identifiers use the "C" collation so that ORDER BY sorts them
-- byte-wise, as SQLite does, whatever the database locale.
CREATE TABLE meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE units (
    era           text NOT NULL CHECK (era IN ('current', 'legacy')),
    code          text COLLATE "C" NOT NULL,
    name          text NOT NULL,
    short_name    text NOT NULL,
    name_folded   text COLLATE "C" NOT NULL,
    unit_type     text NOT NULL,
    level         text COLLATE "C" NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    parent_code   text COLLATE "C",
    province_code text COLLATE "C" NOT NULL,
    valid_from    date,
    valid_to      date,
    PRIMARY KEY (era, code)
);
CREATE INDEX units_parent ON units (era, parent_code);
CREATE INDEX units_level_type ON units (era, level, unit_type);

CREATE TABLE unit_lineage (
    old_code          text COLLATE "C" NOT NULL,
    old_level         text NOT NULL,
    old_name          text NOT NULL,
    old_district_code text COLLATE "C" NOT NULL,
    old_province_code text COLLATE "C" NOT NULL,
    new_code          text COLLATE "C" NOT NULL,
    new_name          text NOT NULL,
    new_province_code text COLLATE "C" NOT NULL,
    partial           boolean NOT NULL,
    targets           integer NOT NULL,
    default_target    boolean,
    PRIMARY KEY (old_level, old_code, new_code)
);
CREATE INDEX unit_lineage_new ON unit_lineage (new_code);
CREATE INDEX unit_lineage_old ON unit_lineage (old_code);

CREATE TABLE unit_changes (
    code         text COLLATE "C" NOT NULL,
    level        text NOT NULL,
    name_before  text NOT NULL,
    type_before  text NOT NULL,
    name_after   text NOT NULL,
    type_after   text NOT NULL,
    legal_basis  text NOT NULL,
    effective_on date NOT NULL,
    applied_at   timestamptz NOT NULL,
    PRIMARY KEY (code, legal_basis)
);

CREATE TABLE agencies (
    id          text COLLATE "C" PRIMARY KEY,
    name        text NOT NULL,
    name_folded text COLLATE "C" NOT NULL,
    kind        text NOT NULL,
    unit_code   text COLLATE "C" NOT NULL,
    parent_id   text COLLATE "C" REFERENCES agencies (id),
    active      boolean NOT NULL DEFAULT true,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX agencies_unit ON agencies (unit_code);
CREATE INDEX agencies_parent ON agencies (parent_id);
