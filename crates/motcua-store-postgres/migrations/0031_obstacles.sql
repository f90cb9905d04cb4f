-- Obstacles (khó khăn, vướng mắc) reported upward, issue 16: the case
-- projection (its state as JSON text, indexed by raising unit, owner,
-- watcher and due key in epoch milliseconds, 9223372036854775807 when none)
-- and its event history, one row per step.
CREATE TABLE obstacles (
    id             text COLLATE "C" PRIMARY KEY,
    unit_agency    text NOT NULL,
    province_root  text NOT NULL,
    category       text NOT NULL,
    status         text NOT NULL,
    owner_agency   text,
    watcher_agency text,
    due_key        bigint NOT NULL,
    merged_into    text,
    text_folded    text NOT NULL,
    submitted_at   timestamptz,
    created_at     timestamptz NOT NULL,
    version        bigint NOT NULL CHECK (version >= 1),
    state          text NOT NULL
);
CREATE INDEX obstacles_unit ON obstacles (unit_agency, due_key);
CREATE INDEX obstacles_owner ON obstacles (owner_agency, due_key);
CREATE INDEX obstacles_watcher ON obstacles (watcher_agency, due_key);
CREATE INDEX obstacles_category ON obstacles (category, status);

CREATE TABLE obstacle_events (
    id         text COLLATE "C" NOT NULL REFERENCES obstacles (id),
    version    bigint NOT NULL,
    event_type text NOT NULL,
    actor      text NOT NULL,
    at         timestamptz NOT NULL,
    event      text NOT NULL,
    PRIMARY KEY (id, version)
);
