-- Attachments (tệp đính kèm) of dossiers: metadata only; the bytes live in
-- the object store under `object_key` (derived from the SHA-256, never from
-- the client's file name, which is kept only as `display_name`).
CREATE TABLE dossier_attachments (
    id            TEXT PRIMARY KEY,
    dossier_code  TEXT NOT NULL REFERENCES dossiers (code),
    component     TEXT NOT NULL,
    object_key    TEXT NOT NULL,
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    size_bytes    BIGINT NOT NULL CHECK (size_bytes > 0),
    content_type  TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    uploaded_by   TEXT NOT NULL,
    uploaded_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX dossier_attachments_dossier ON dossier_attachments (dossier_code, uploaded_at);
