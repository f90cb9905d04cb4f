-- Dossiers (hồ sơ): same tables and columns as the SQLite engine, with
-- PostgreSQL types. `due_key` is the due instant in epoch milliseconds
-- (9223372036854775807 when there is none) so that work lists sort and page
-- by (due_key, code) as on SQLite; codes use the "C" collation for the same
-- byte-wise order.
CREATE TABLE dossiers (
    code                text COLLATE "C" PRIMARY KEY,
    procedure_code      text NOT NULL,
    procedure_version   integer NOT NULL,
    status              text NOT NULL,
    sub_status          text NOT NULL,
    portal_status       smallint NOT NULL CHECK (portal_status BETWEEN 1 AND 10),
    clock_running       boolean NOT NULL,
    receiving_unit      text COLLATE "C" NOT NULL,
    deciding_agency     text COLLATE "C" NOT NULL,
    current_agency      text COLLATE "C" NOT NULL,
    assignee            text,
    channel             smallint NOT NULL CHECK (channel BETWEEN 1 AND 3),
    applicant_kind      smallint NOT NULL CHECK (applicant_kind IN (1, 2)),
    applicant_id_masked text NOT NULL,
    applicant_name      text NOT NULL,
    phone_last4         text,
    submitted_at        timestamptz NOT NULL,
    received_at         timestamptz,
    due_at              timestamptz,
    due_key             bigint NOT NULL,
    counts_late         boolean NOT NULL,
    version             bigint NOT NULL CHECK (version >= 1),
    state               jsonb NOT NULL,
    verifier_hash       text NOT NULL,
    updated_at          timestamptz NOT NULL
);
CREATE INDEX dossiers_current_due ON dossiers (current_agency, due_key, code);
CREATE INDEX dossiers_receiving_due ON dossiers (receiving_unit, due_key, code);
CREATE INDEX dossiers_due ON dossiers (due_key, code);

CREATE TABLE dossier_events (
    code            text COLLATE "C" NOT NULL REFERENCES dossiers (code),
    version         bigint NOT NULL,
    event_type      text NOT NULL,
    event           jsonb NOT NULL,
    actor           text NOT NULL,
    at              timestamptz NOT NULL,
    idempotency_key text NOT NULL,
    PRIMARY KEY (code, version)
);

CREATE TABLE idempotency (
    actor        text NOT NULL,
    key          text NOT NULL,
    dossier_code text NOT NULL,
    fingerprint  text NOT NULL,
    answer       text NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (actor, key)
);

CREATE TABLE dossier_sequences (
    agency text COLLATE "C" NOT NULL,
    day    date NOT NULL,
    last   integer NOT NULL,
    PRIMARY KEY (agency, day)
);

CREATE TABLE outbox (
    id            bigserial PRIMARY KEY,
    dossier_code  text COLLATE "C" NOT NULL,
    event_version bigint NOT NULL,
    message_type  text NOT NULL,
    payload       jsonb NOT NULL,
    created_at    timestamptz NOT NULL,
    available_at  timestamptz NOT NULL,
    attempts      integer NOT NULL DEFAULT 0,
    claimed_until timestamptz,
    delivered_at  timestamptz
);
CREATE INDEX outbox_pending ON outbox (available_at) WHERE delivered_at IS NULL;
CREATE INDEX outbox_dossier ON outbox (dossier_code, id);
