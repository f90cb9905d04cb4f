-- The outbox payload is stored as `json` (its text, checked for syntax)
-- instead of `jsonb` (issue 19 item 4). Nothing queries inside a payload:
-- the relay reads it back as text to sign and send, and jsonb's text output
-- took about half of each claim on this engine (the relay's pace against
-- NATS). SQLite keeps the text as written too, so both engines now send the
-- bytes the writer produced.
ALTER TABLE outbox ALTER COLUMN payload TYPE json USING payload::json;
