-- Dossiers (hồ sơ): the projection of each dossier's current state, its
-- append-only events, idempotent answers, per-agency daily sequences and the
-- outbox. Every command writes events, projection, outbox and answer in one
-- transaction. Instants are UTC; `due_key` is the due instant in epoch
-- milliseconds (9223372036854775807 when there is none) so that work lists
-- sort and page by (due_key, code) the same way on both engines.
CREATE TABLE dossiers (
    code                TEXT PRIMARY KEY,
    procedure_code      TEXT NOT NULL,
    procedure_version   INTEGER NOT NULL,
    status              TEXT NOT NULL,
    sub_status          TEXT NOT NULL,
    portal_status       INTEGER NOT NULL CHECK (portal_status BETWEEN 1 AND 10),
    clock_running       INTEGER NOT NULL,
    receiving_unit      TEXT NOT NULL,
    deciding_agency     TEXT NOT NULL,
    current_agency      TEXT NOT NULL,
    assignee            TEXT,
    channel             INTEGER NOT NULL CHECK (channel BETWEEN 1 AND 3),
    applicant_kind      INTEGER NOT NULL CHECK (applicant_kind IN (1, 2)),
    applicant_id_masked TEXT NOT NULL,
    applicant_name      TEXT NOT NULL,
    phone_last4         TEXT,
    submitted_at        TEXT NOT NULL,
    received_at         TEXT,
    due_at              TEXT,
    due_key             INTEGER NOT NULL,
    counts_late         INTEGER NOT NULL,
    version             INTEGER NOT NULL CHECK (version >= 1),
    state               TEXT NOT NULL,
    verifier_hash       TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX dossiers_current_due ON dossiers (current_agency, due_key, code);
CREATE INDEX dossiers_receiving_due ON dossiers (receiving_unit, due_key, code);
CREATE INDEX dossiers_due ON dossiers (due_key, code);

CREATE TABLE dossier_events (
    code            TEXT NOT NULL REFERENCES dossiers (code),
    version         INTEGER NOT NULL,
    event_type      TEXT NOT NULL,
    event           TEXT NOT NULL,
    actor           TEXT NOT NULL,
    at              TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    PRIMARY KEY (code, version)
) WITHOUT ROWID;

CREATE TABLE idempotency (
    actor        TEXT NOT NULL,
    key          TEXT NOT NULL,
    dossier_code TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    answer       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (actor, key)
) WITHOUT ROWID;

CREATE TABLE dossier_sequences (
    agency TEXT NOT NULL,
    day    TEXT NOT NULL,
    last   INTEGER NOT NULL,
    PRIMARY KEY (agency, day)
) WITHOUT ROWID;

CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_code  TEXT NOT NULL,
    event_version INTEGER NOT NULL,
    message_type  TEXT NOT NULL,
    payload       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    available_at  TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    claimed_until TEXT,
    delivered_at  TEXT
);
CREATE INDEX outbox_pending ON outbox (available_at) WHERE delivered_at IS NULL;
CREATE INDEX outbox_dossier ON outbox (dossier_code, id);
