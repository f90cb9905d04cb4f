-- Webhook subscriptions of sector systems (ADR 0019): where to POST dossier
-- events, which ones (filter_json: event types, procedures, scopes), and the
-- Standard Webhooks signing secrets. Secrets must sign, so they are kept as
-- they are: only in this database, never logged, never listed by the API.
CREATE TABLE webhook_subscriptions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    url         TEXT NOT NULL,
    filter_json TEXT NOT NULL,
    active      INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- One current secret (expires_at NULL) and, during a rotation, the old
-- ones until their end.
CREATE TABLE webhook_secrets (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id INTEGER NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    secret          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT
);
CREATE INDEX webhook_secrets_subscription ON webhook_secrets (subscription_id);
