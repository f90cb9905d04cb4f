-- The national hub's index of obstacle cases (issue 16 item 5): the newest
-- version received of each province's case. Event ids go to
-- national_events like a dossier's, so a re-delivery changes nothing.
CREATE TABLE national_obstacles (
    province     TEXT NOT NULL,
    id           TEXT NOT NULL,
    version      INTEGER NOT NULL,
    event_id     TEXT NOT NULL,
    event_type   TEXT NOT NULL,
    category     TEXT NOT NULL,
    status       TEXT NOT NULL,
    title        TEXT NOT NULL,
    unit_agency  TEXT NOT NULL,
    unit_name    TEXT NOT NULL,
    commune      TEXT NOT NULL,
    owner_agency TEXT,
    owner_name   TEXT,
    owner_level  TEXT,
    submitted_at TEXT,
    due_at       TEXT,
    answered_at  TEXT,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (province, id)
);
CREATE INDEX national_obstacles_status ON national_obstacles (status, submitted_at);
