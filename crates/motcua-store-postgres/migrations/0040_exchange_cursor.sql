-- A cursor per sink (ADR 0035). Until now every outbox row got one
-- delivery row per sink (the `outbox_fan_out` trigger), leased when claimed
-- and marked when delivered: three writes per event and sink. Now a sink
-- keeps `delivered_through`, the outbox id up to which every row is
-- delivered unless it has a delivery row of its own saying otherwise (it
-- failed, is dead, or waits behind an earlier event of its dossier). Rows
-- past the cursor are pending. One relay at a time works a sink, under the
-- sink's lease (`leased_by`, `leased_until`); the rows with a delivery row
-- of their own keep their row leases. Outbox ids must then be given in
-- commit order: every transaction that appends to the outbox takes the
-- advisory lock `motcua_store_sql::OUTBOX_LOCK` first (ADR 0035).
ALTER TABLE exchange_sinks
    ADD COLUMN delivered_through bigint NOT NULL DEFAULT 0,
    ADD COLUMN leased_by text,
    ADD COLUMN leased_until timestamptz;

UPDATE exchange_sinks s SET delivered_through = COALESCE(
    (SELECT max(d.outbox_id) FROM outbox_deliveries d WHERE d.sink = s.sink), 0);
DELETE FROM outbox_deliveries WHERE delivered_at IS NOT NULL;

DROP TRIGGER outbox_fan_out ON outbox;
DROP FUNCTION outbox_fan_out();
