-- The national hub's index of obstacle cases (issue 16 item 5): the newest
-- version received of each province's case. Event ids go to
-- national_events like a dossier's, so a re-delivery changes nothing.
CREATE TABLE national_obstacles (
    province     text COLLATE "C" NOT NULL,
    id           text COLLATE "C" NOT NULL,
    version      bigint NOT NULL,
    event_id     text NOT NULL,
    event_type   text NOT NULL,
    category     text NOT NULL,
    status       text NOT NULL,
    title        text NOT NULL,
    unit_agency  text NOT NULL,
    unit_name    text NOT NULL,
    commune      text NOT NULL,
    owner_agency text,
    owner_name   text,
    owner_level  text,
    submitted_at timestamptz,
    due_at       timestamptz,
    answered_at  timestamptz,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (province, id)
);
CREATE INDEX national_obstacles_status ON national_obstacles (status, submitted_at);
