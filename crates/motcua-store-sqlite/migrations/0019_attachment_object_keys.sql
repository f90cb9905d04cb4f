-- The attachment sweeper asks whether a stored file (by its content key)
-- is still referenced by any attachment row.
CREATE INDEX dossier_attachments_object_key ON dossier_attachments (object_key);
