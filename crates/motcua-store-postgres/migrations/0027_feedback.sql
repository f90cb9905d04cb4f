-- Citizens' feedback and complaints (phản ánh, kiến nghị — PAKN, issue 15).
-- The state of each feedback is kept as JSON (state_json, the domain's
-- `Feedback`, folded from its events) beside the columns the lists and the
-- 766 index read. The sender's name and contact are personal data: only in
-- state_json, shown to officers of the unit (audited), never published.
-- token_hash: SHA-256 of the sender's token (the feedback's own verifier).
CREATE TABLE feedback (
    id             text PRIMARY KEY,
    unit_code      text NOT NULL,
    dossier_code   text,
    procedure_code text,
    status         text NOT NULL,
    classification text,
    received_at    timestamptz NOT NULL,
    due_at         timestamptz NOT NULL,
    next_due_at    timestamptz,
    handled_at     timestamptz,
    published_at   timestamptz,
    reaction       text,
    follow_up      boolean NOT NULL,
    token_hash     text NOT NULL,
    state_json     text NOT NULL,
    version        bigint NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX feedback_unit_received ON feedback (unit_code, received_at);
CREATE INDEX feedback_unit_next_due ON feedback (unit_code, next_due_at);
CREATE INDEX feedback_published ON feedback (published_at) WHERE published_at IS NOT NULL;

CREATE TABLE feedback_events (
    feedback_id  text NOT NULL REFERENCES feedback (id),
    seq          bigint NOT NULL,
    kind         text NOT NULL,
    at           timestamptz NOT NULL,
    payload_json text NOT NULL,
    PRIMARY KEY (feedback_id, seq)
);
