-- Administrative units of both eras, their lineage, applied changes, agencies.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE units (
    era           TEXT NOT NULL CHECK (era IN ('current', 'legacy')),
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    short_name    TEXT NOT NULL,
    name_folded   TEXT NOT NULL,
    unit_type     TEXT NOT NULL,
    level         TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    parent_code   TEXT,
    province_code TEXT NOT NULL,
    valid_from    TEXT,
    valid_to      TEXT,
    PRIMARY KEY (era, code)
) WITHOUT ROWID;
CREATE INDEX units_parent ON units (era, parent_code);
CREATE INDEX units_level_type ON units (era, level, unit_type);

CREATE TABLE unit_lineage (
    old_code          TEXT NOT NULL,
    old_level         TEXT NOT NULL,
    old_name          TEXT NOT NULL,
    old_district_code TEXT NOT NULL,
    old_province_code TEXT NOT NULL,
    new_code          TEXT NOT NULL,
    new_name          TEXT NOT NULL,
    new_province_code TEXT NOT NULL,
    partial           INTEGER NOT NULL,
    targets           INTEGER NOT NULL,
    default_target    INTEGER,
    PRIMARY KEY (old_level, old_code, new_code)
) WITHOUT ROWID;
CREATE INDEX unit_lineage_new ON unit_lineage (new_code);
CREATE INDEX unit_lineage_old ON unit_lineage (old_code);

CREATE TABLE unit_changes (
    code         TEXT NOT NULL,
    level        TEXT NOT NULL,
    name_before  TEXT NOT NULL,
    type_before  TEXT NOT NULL,
    name_after   TEXT NOT NULL,
    type_after   TEXT NOT NULL,
    legal_basis  TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    applied_at   TEXT NOT NULL,
    PRIMARY KEY (code, legal_basis)
) WITHOUT ROWID;

CREATE TABLE agencies (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    kind        TEXT NOT NULL,
    unit_code   TEXT NOT NULL,
    parent_id   TEXT REFERENCES agencies (id),
    active      INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT NOT NULL
);
CREATE INDEX agencies_unit ON agencies (unit_code);
