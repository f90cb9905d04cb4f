-- Exchange (trao đổi dữ liệu): the outbox relay's lease and dead-letter
-- columns, and the national hub's index. Claims lock rows with
-- FOR UPDATE SKIP LOCKED, so concurrent relays never take the same row.
ALTER TABLE outbox ADD COLUMN claimed_by text;
ALTER TABLE outbox ADD COLUMN last_error text;
ALTER TABLE outbox ADD COLUMN dead_at timestamptz;
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_dead ON outbox (id) WHERE dead_at IS NOT NULL;

CREATE TABLE national_events (
    event_id    text COLLATE "C" PRIMARY KEY,
    province    text NOT NULL,
    code        text COLLATE "C" NOT NULL,
    event_type  text NOT NULL,
    received_at timestamptz NOT NULL
);
CREATE INDEX national_events_province ON national_events (province);

CREATE TABLE national_dossiers (
    province         text NOT NULL,
    code             text COLLATE "C" NOT NULL,
    version          bigint NOT NULL,
    procedure_code   text NOT NULL,
    receiving_agency text NOT NULL,
    deciding_agency  text NOT NULL,
    commune          text,
    status           text NOT NULL,
    portal_status    smallint NOT NULL CHECK (portal_status BETWEEN 1 AND 10),
    channel          smallint NOT NULL CHECK (channel BETWEEN 1 AND 3),
    started_at       timestamptz NOT NULL,
    due_at           timestamptz,
    finished_at      timestamptz,
    on_time          boolean,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (province, code)
);
CREATE INDEX national_dossiers_started ON national_dossiers (started_at);
