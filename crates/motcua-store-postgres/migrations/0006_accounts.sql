-- Accounts, role assignments, sessions and API keys (identity).
-- Secrets are never stored: passwords as argon2id PHC strings, session
-- tokens and API-key secrets as SHA-256 digests.

CREATE TABLE accounts (
    id              TEXT PRIMARY KEY,
    display_name    TEXT NOT NULL,
    agency_id       TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
    password_hash   TEXT,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    locked_until    TIMESTAMPTZ,
    oidc_subject    TEXT UNIQUE,
    email           TEXT,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX accounts_email ON accounts (lower(email)) WHERE email IS NOT NULL;

-- A role in a scope: a subtree of administrative units or of agencies.
CREATE TABLE role_assignments (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    role       TEXT NOT NULL CHECK (role IN ('reception', 'specialist', 'leader',
                   'unit_admin', 'province_admin', 'auditor', 'system')),
    scope_kind TEXT NOT NULL CHECK (scope_kind IN ('unit', 'agency')),
    scope_id   TEXT NOT NULL,
    PRIMARY KEY (account_id, role, scope_kind, scope_id)
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    prefix      TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    scopes      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX api_keys_account ON api_keys (account_id);
