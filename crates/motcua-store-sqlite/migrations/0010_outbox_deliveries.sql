-- Per-sink delivery state (ADR 0018). Each sink (hub, nats, portal, ...)
-- that a relay has registered gets one delivery row per outbox row: its own
-- attempts, lease, error, dead letter and delivery. A trigger writes the
-- rows in the transaction that writes the outbox row, so no sink can miss
-- an event. The old single-state columns of `outbox` (attempts,
-- claimed_until, claimed_by, last_error, dead_at, delivered_at) are no
-- longer written: a sink registered for the first time copies them into
-- its delivery rows (a row delivered before 0010 counts as delivered).
CREATE TABLE exchange_sinks (
    sink          TEXT PRIMARY KEY,
    registered_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE outbox_deliveries (
    sink          TEXT NOT NULL REFERENCES exchange_sinks (sink),
    outbox_id     INTEGER NOT NULL REFERENCES outbox (id),
    dossier_code  TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    available_at  TEXT NOT NULL,
    claimed_by    TEXT,
    claimed_until TEXT,
    last_error    TEXT,
    dead_at       TEXT,
    delivered_at  TEXT,
    PRIMARY KEY (sink, outbox_id)
) WITHOUT ROWID;
-- Claimable candidates, oldest first.
CREATE INDEX outbox_deliveries_pending ON outbox_deliveries (sink, outbox_id)
    WHERE delivered_at IS NULL AND dead_at IS NULL;
-- "Is an earlier event of this dossier still undelivered to this sink?"
CREATE INDEX outbox_deliveries_held ON outbox_deliveries (sink, dossier_code, outbox_id)
    WHERE delivered_at IS NULL;
CREATE INDEX outbox_deliveries_dead ON outbox_deliveries (outbox_id)
    WHERE dead_at IS NOT NULL;

CREATE TRIGGER outbox_fan_out AFTER INSERT ON outbox
BEGIN
    INSERT INTO outbox_deliveries (sink, outbox_id, dossier_code, available_at)
    SELECT sink, NEW.id, NEW.dossier_code, NEW.available_at FROM exchange_sinks;
END;
