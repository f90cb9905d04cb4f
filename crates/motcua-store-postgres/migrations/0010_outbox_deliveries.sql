-- Per-sink delivery state (ADR 0018). Each sink (hub, nats, portal, ...)
-- that a relay has registered gets one delivery row per outbox row: its own
-- attempts, lease, error, dead letter and delivery. A trigger writes the
-- rows in the transaction that writes the outbox row, so no sink can miss
-- an event. The old single-state columns of `outbox` (attempts,
-- claimed_until, claimed_by, last_error, dead_at, delivered_at) are no
-- longer written: a sink registered for the first time copies them into
-- its delivery rows (a row delivered before 0010 counts as delivered).
-- Claims lock rows with FOR UPDATE SKIP LOCKED, per sink.
CREATE TABLE exchange_sinks (
    sink          text PRIMARY KEY,
    registered_at timestamptz NOT NULL
);

CREATE TABLE outbox_deliveries (
    sink          text NOT NULL REFERENCES exchange_sinks (sink),
    outbox_id     bigint NOT NULL REFERENCES outbox (id),
    dossier_code  text COLLATE "C" NOT NULL,
    attempts      integer NOT NULL DEFAULT 0,
    available_at  timestamptz NOT NULL,
    claimed_by    text,
    claimed_until timestamptz,
    last_error    text,
    dead_at       timestamptz,
    delivered_at  timestamptz,
    PRIMARY KEY (sink, outbox_id)
);
CREATE INDEX outbox_deliveries_pending ON outbox_deliveries (sink, outbox_id)
    WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_deliveries_held ON outbox_deliveries (sink, dossier_code, outbox_id)
    WHERE delivered_at IS NULL;
CREATE INDEX outbox_deliveries_dead ON outbox_deliveries (outbox_id)
    WHERE dead_at IS NOT NULL;

CREATE FUNCTION outbox_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox_deliveries (sink, outbox_id, dossier_code, available_at)
    SELECT s.sink, NEW.id, NEW.dossier_code, NEW.available_at FROM exchange_sinks s;
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_fan_out AFTER INSERT ON outbox
    FOR EACH ROW EXECUTE FUNCTION outbox_fan_out();
