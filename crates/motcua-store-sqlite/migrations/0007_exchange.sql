-- Exchange (trao đổi dữ liệu): the outbox relay's lease and dead-letter
-- columns, and the national hub's index. SQLite has one writer, so a claim
-- is one UPDATE ... RETURNING statement: atomic without row locks.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN dead_at TEXT;
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_dead ON outbox (id) WHERE dead_at IS NOT NULL;

-- Every event id the hub received: a re-delivery is a duplicate.
CREATE TABLE national_events (
    event_id    TEXT PRIMARY KEY,
    province    TEXT NOT NULL,
    code        TEXT NOT NULL,
    event_type  TEXT NOT NULL,
    received_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX national_events_province ON national_events (province);

-- One row per synced dossier: index facts only, no personal data.
CREATE TABLE national_dossiers (
    province         TEXT NOT NULL,
    code             TEXT NOT NULL,
    version          INTEGER NOT NULL,
    procedure_code   TEXT NOT NULL,
    receiving_agency TEXT NOT NULL,
    deciding_agency  TEXT NOT NULL,
    commune          TEXT,
    status           TEXT NOT NULL,
    portal_status    INTEGER NOT NULL CHECK (portal_status BETWEEN 1 AND 10),
    channel          INTEGER NOT NULL CHECK (channel BETWEEN 1 AND 3),
    started_at       TEXT NOT NULL,
    due_at           TEXT,
    finished_at      TEXT,
    on_time          INTEGER,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (province, code)
) WITHOUT ROWID;
CREATE INDEX national_dossiers_started ON national_dossiers (started_at);
