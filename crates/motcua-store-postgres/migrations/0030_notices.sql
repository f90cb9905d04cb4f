-- Notices to applicants by e-mail and SMS (issue 15 item 7):
-- one row per (exchange event, channel), written by the notices sinks after
-- the SMTP server or the SMS gateway took the message, so a retried
-- delivery never sends twice; the officer's dossier page lists them.
CREATE TABLE notices (
    event_id      TEXT NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    dossier_code  TEXT NOT NULL,
    kind          TEXT NOT NULL,
    recipient     TEXT NOT NULL,
    subject       TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('sent', 'opted_out', 'no_contact', 'refused')),
    at            TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (event_id, channel)
);
CREATE INDEX notices_dossier ON notices (dossier_code, at);

-- Each contact (normalised e-mail or phone) with the token of its
-- unsubscribe link, and its opt-out (at filing, or by the link).
CREATE TABLE notice_contacts (
    contact       TEXT PRIMARY KEY,
    token         TEXT NOT NULL UNIQUE,
    opted_out_at  TIMESTAMPTZ
);
