-- A cursor per sink (ADR 0035). Until now every outbox row got one
-- delivery row per sink (the `outbox_fan_out` trigger), leased when claimed
-- and marked when delivered: three writes per event and sink. Now a sink
-- keeps a cursor, the place in the delivery order up to which every row is
-- delivered unless it has a delivery row of its own saying otherwise (it
-- failed, is dead, or waits behind an earlier event of its dossier). Rows
-- past the cursor are pending. One relay at a time works a sink, under the
-- sink's lease (`leased_by`, `leased_until`); the rows with a delivery row
-- of their own keep their row leases.
--
-- The delivery order is (txid, id): the transaction that wrote the row,
-- then the row. A sequence gives ids at insert, so id 100 may commit after
-- id 101; a claim takes only rows of transactions older than every
-- transaction still running (the snapshot's xmin), so the cursor never
-- passes a row still to commit. Rows already written get this migration's
-- transaction id, in id order.
ALTER TABLE outbox ADD COLUMN txid bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX outbox_delivery_order ON outbox (txid, id);

ALTER TABLE exchange_sinks
    ADD COLUMN delivered_through_txid bigint NOT NULL DEFAULT 0,
    ADD COLUMN delivered_through bigint NOT NULL DEFAULT 0,
    ADD COLUMN leased_by text,
    ADD COLUMN leased_until timestamptz;

-- Every outbox row had its delivery row (the trigger, or the copy at the
-- sink's registration): the cursor goes past the last, and the rows that
-- were delivered need no row of their own any more.
UPDATE exchange_sinks s SET delivered_through = COALESCE(
    (SELECT max(d.outbox_id) FROM outbox_deliveries d WHERE d.sink = s.sink), 0);
UPDATE exchange_sinks SET delivered_through_txid = pg_current_xact_id()::text::bigint
    WHERE delivered_through > 0;
DELETE FROM outbox_deliveries WHERE delivered_at IS NOT NULL;

DROP TRIGGER outbox_fan_out ON outbox;
DROP FUNCTION outbox_fan_out();
