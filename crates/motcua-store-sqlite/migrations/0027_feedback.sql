-- Citizens' feedback and complaints (phản ánh, kiến nghị — PAKN, issue 15).
-- The state of each feedback is kept as JSON (state_json, the domain's
-- `Feedback`, folded from its events) beside the columns the lists and the
-- 766 index read. The sender's name and contact are personal data: only in
-- state_json, shown to officers of the unit (audited), never published.
-- token_hash: SHA-256 of the sender's token (the feedback's own verifier).
CREATE TABLE feedback (
    id             TEXT PRIMARY KEY,
    unit_code      TEXT NOT NULL,
    dossier_code   TEXT,
    procedure_code TEXT,
    status         TEXT NOT NULL,
    classification TEXT,
    received_at    TEXT NOT NULL,
    due_at         TEXT NOT NULL,
    next_due_at    TEXT,
    handled_at     TEXT,
    published_at   TEXT,
    reaction       TEXT,
    follow_up      INTEGER NOT NULL CHECK (follow_up IN (0, 1)),
    token_hash     TEXT NOT NULL,
    state_json     TEXT NOT NULL,
    version        INTEGER NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX feedback_unit_received ON feedback (unit_code, received_at);
CREATE INDEX feedback_unit_next_due ON feedback (unit_code, next_due_at);
CREATE INDEX feedback_published ON feedback (published_at) WHERE published_at IS NOT NULL;

CREATE TABLE feedback_events (
    feedback_id  TEXT NOT NULL REFERENCES feedback (id),
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    at           TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    PRIMARY KEY (feedback_id, seq)
);
