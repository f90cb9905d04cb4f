-- Obstacles (khó khăn, vướng mắc) reported upward, issue 16: the case
-- projection (its state as JSON, indexed by raising unit, owner, watcher
-- and due key in epoch milliseconds, 9223372036854775807 when none) and its
-- event history, one row per step.
CREATE TABLE obstacles (
    id             TEXT PRIMARY KEY,
    unit_agency    TEXT NOT NULL,
    province_root  TEXT NOT NULL,
    category       TEXT NOT NULL,
    status         TEXT NOT NULL,
    owner_agency   TEXT,
    watcher_agency TEXT,
    due_key        INTEGER NOT NULL,
    merged_into    TEXT,
    text_folded    TEXT NOT NULL,
    submitted_at   TEXT,
    created_at     TEXT NOT NULL,
    version        INTEGER NOT NULL CHECK (version >= 1),
    state          TEXT NOT NULL
);
CREATE INDEX obstacles_unit ON obstacles (unit_agency, due_key);
CREATE INDEX obstacles_owner ON obstacles (owner_agency, due_key);
CREATE INDEX obstacles_watcher ON obstacles (watcher_agency, due_key);
CREATE INDEX obstacles_category ON obstacles (category, status);

CREATE TABLE obstacle_events (
    id         TEXT NOT NULL REFERENCES obstacles (id),
    version    INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL,
    event      TEXT NOT NULL,
    PRIMARY KEY (id, version)
) WITHOUT ROWID;
