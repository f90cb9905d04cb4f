-- Webhook subscriptions of sector systems (ADR 0019): where to POST dossier
-- events, which ones (filter_json: event types, procedures, scopes), and the
-- Standard Webhooks signing secrets. Secrets must sign, so they are kept as
-- they are: only in this database, never logged, never listed by the API.
CREATE TABLE webhook_subscriptions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    url         text NOT NULL,
    filter_json text NOT NULL,
    active      boolean NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- One current secret (expires_at NULL) and, during a rotation, the old
-- ones until their end.
CREATE TABLE webhook_secrets (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    secret          text NOT NULL,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz
);
CREATE INDEX webhook_secrets_subscription ON webhook_secrets (subscription_id);
