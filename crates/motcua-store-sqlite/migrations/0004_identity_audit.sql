-- Identity and audit: the hash-chained audit log, grants of access to the
-- population database, and the residents of the embedded registry.

-- Append-only log. Each row: hash = SHA-256(prev_hash || canonical content).
-- No CHECK on content columns: a tampered row must stay readable so that
-- `motcua audit verify` can name it.
CREATE TABLE audit_log (
    seq            INTEGER PRIMARY KEY,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL,
    occurred_at    TEXT NOT NULL,
    officer_id     TEXT NOT NULL,
    action         TEXT NOT NULL,
    unit_code      TEXT,
    agency_id      TEXT,
    subject_key    TEXT,
    subject_masked TEXT,
    fields         TEXT NOT NULL,
    dossier_code   TEXT,
    grant_id       TEXT,
    purpose        TEXT,
    outcome        TEXT NOT NULL,
    reason         TEXT
);
CREATE INDEX audit_log_hash ON audit_log (hash);
CREATE INDEX audit_log_subject ON audit_log (subject_key, seq) WHERE subject_key IS NOT NULL;

-- The last appended entry, updated in the append's transaction, so that
-- entries removed from the end of the log are noticed.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Grants (phân quyền khai thác dữ liệu dân cư).
CREATE TABLE access_grants (
    id          TEXT PRIMARY KEY,
    officer_id  TEXT NOT NULL,
    unit_code   TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    valid_from  TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    granted_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
) WITHOUT ROWID;
CREATE INDEX access_grants_officer ON access_grants (officer_id, created_at);

-- Residents of the embedded population registry.
CREATE TABLE residents (
    personal_id        TEXT PRIMARY KEY,
    full_name          TEXT NOT NULL,
    birth_date         TEXT NOT NULL,
    sex                TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    permanent_unit     TEXT NOT NULL,
    temporary_unit     TEXT,
    household_code     TEXT NOT NULL,
    household_relation TEXT NOT NULL
) WITHOUT ROWID;
