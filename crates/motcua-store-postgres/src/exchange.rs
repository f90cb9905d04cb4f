//! The outbox relay's store on PostgreSQL, per sink (ADRs 0018, 0035):
//! the shared SQL of `motcua-store-sql`, and this engine's own claim and
//! settle. A claim locks the sink's row (`FOR UPDATE`) for its
//! transaction, so two relays never claim one sink at once. Rows are
//! delivered in (writing transaction, id) order and a claim takes only
//! rows of transactions older than every transaction still running, so a
//! sink's cursor never passes a row still to commit.

motcua_store_sql::exchange_store!();

/// The claim and the settle, this engine's own way.
mod lanes {
    use chrono::{DateTime, Utc};
    use motcua_app::StoreError;
    use motcua_app::ports::dossiers::OutboxRecord;
    use motcua_app::ports::exchange::{Attempt, ClaimRequest, OutboxPosition, Settled, Settlement};
    use sqlx::{PgConnection, Row};

    use crate::{PgStore, other};

    /// A fresh row's columns: the outbox row, never attempted, and whether
    /// an undelivered delivery row of its dossier comes before it.
    const FRESH_COLUMNS: &str = "o.id AS id, o.dossier_code AS dossier_code, \
        o.event_version AS event_version, o.message_type AS message_type, \
        o.payload::text AS payload, o.created_at AS created_at, o.available_at AS available_at, \
        0::int4 AS attempts, NULL::timestamptz AS claimed_until, \
        NULL::timestamptz AS delivered_at, o.txid AS txid, \
        EXISTS (SELECT 1 FROM outbox_deliveries h WHERE h.sink = $1 \
                AND h.dossier_code = o.dossier_code AND h.outbox_id < o.id \
                AND h.delivered_at IS NULL) AS held";

    /// The horizon of fresh rows: every transaction of this database below
    /// it has ended (its rows are visible to every later statement), and
    /// every transaction still to commit is at or above it. It is the
    /// oldest transaction the snapshot sees running, leaving out those that
    /// `pg_stat_activity` shows in another database of the cluster (a long
    /// transaction there must not stall this province's relay; one it
    /// cannot place, it keeps), or the snapshot's `xmax` when none runs.
    async fn horizon(conn: &mut PgConnection) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "SELECT COALESCE( \
               (SELECT min(x::text::bigint) FROM pg_snapshot_xip(s.snap) AS x \
                WHERE NOT EXISTS ( \
                  SELECT 1 FROM pg_stat_activity a \
                  WHERE a.backend_xid::text::bigint = x::text::bigint % 4294967296 \
                    AND a.datname IS NOT NULL AND a.datname <> current_database())), \
               pg_snapshot_xmax(s.snap)::text::bigint) \
             FROM (SELECT pg_current_snapshot() AS snap) s",
        )
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| other(e, "reading the outbox horizon"))
    }

    /// Gives `ids` (outbox rows of `sink`) a delivery row of their own,
    /// pending, or releases the lease `relay` holds on the one they have.
    async fn hold(
        conn: &mut PgConnection,
        sink: &str,
        relay: &str,
        ids: &[i64],
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        if ids.is_empty() {
            return Ok(0);
        }
        Ok(sqlx::query(
            "INSERT INTO outbox_deliveries (sink, outbox_id, dossier_code, available_at) \
             SELECT $1, o.id, o.dossier_code, $2 FROM outbox o WHERE o.id = ANY($3) \
             ON CONFLICT (sink, outbox_id) DO UPDATE SET claimed_until = NULL, claimed_by = NULL \
             WHERE outbox_deliveries.claimed_by = $4",
        )
        .bind(sink)
        .bind(now)
        .bind(ids)
        .bind(relay)
        .execute(&mut *conn)
        .await
        .map_err(|e| other(e, "holding deliveries"))?
        .rows_affected())
    }

    impl PgStore {
        /// `ExchangeStore::claim_outbox` on this engine, on `conn` (the
        /// transaction of `claim_outbox` or of `settle_and_claim`). A
        /// delivery row is a candidate when it heads its dossier: the `min`
        /// of the dossier's undelivered delivery rows (a correlated subplan
        /// the planner runs as one probe of `outbox_deliveries_held`; the
        /// `NOT EXISTS` form became an anti join that scanned the sink's
        /// rows per candidate, ADR 0034), with no fresh row of the dossier
        /// before it.
        pub(crate) async fn engine_claim_in(
            conn: &mut PgConnection,
            req: &ClaimRequest,
        ) -> Result<Vec<OutboxRecord>, StoreError> {
            let Some(sink) = sqlx::query(
                "SELECT delivered_through_txid, delivered_through, leased_by, leased_until \
                 FROM exchange_sinks WHERE sink = $1 FOR UPDATE",
            )
            .bind(&req.sink)
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| other(e, "reading a sink"))?
            else {
                return Ok(Vec::new());
            };
            let cursor = OutboxPosition {
                txid: sink.try_get(0).map_err(|e| other(e, "cursor txid"))?,
                id: sink.try_get(1).map_err(|e| other(e, "cursor"))?,
            };
            let leased_by: Option<String> = sink.try_get(2).map_err(|e| other(e, "leased_by"))?;
            let leased_until: Option<DateTime<Utc>> =
                sink.try_get(3).map_err(|e| other(e, "leased_until"))?;
            if req.yields_to(leased_by.as_deref(), leased_until) {
                return Ok(Vec::new()); // another relay works this sink
            }
            let horizon = horizon(&mut *conn).await?;
            let sql = format!(
                "WITH claimed AS ( \
                   UPDATE outbox_deliveries SET claimed_until = $1, claimed_by = $2 \
                   WHERE sink = $3 AND outbox_id IN ( \
                     SELECT d.outbox_id FROM outbox_deliveries d \
                     WHERE d.sink = $3 AND d.delivered_at IS NULL AND d.dead_at IS NULL \
                       AND d.available_at <= $4 AND (d.claimed_until IS NULL OR d.claimed_until < $4) \
                       AND d.outbox_id = (SELECT min(p.outbox_id) FROM outbox_deliveries p \
                                          WHERE p.sink = d.sink AND p.dossier_code = d.dossier_code \
                                            AND p.delivered_at IS NULL) \
                       AND NOT EXISTS (SELECT 1 FROM outbox f \
                                       WHERE f.dossier_code = d.dossier_code \
                                         AND (f.txid, f.id) > ($6, $7) \
                                         AND f.id < d.outbox_id AND NOT EXISTS ( \
                                           SELECT 1 FROM outbox_deliveries x \
                                           WHERE x.sink = d.sink AND x.outbox_id = f.id)) \
                     ORDER BY d.outbox_id LIMIT $5) \
                   RETURNING * ) \
                 SELECT {} FROM claimed d JOIN outbox o ON o.id = d.outbox_id \
                 ORDER BY o.id",
                super::record_columns()
            );
            let mut records = Vec::with_capacity(req.limit as usize);
            for r in sqlx::query(&sql)
                .bind(req.lease_until)
                .bind(&req.relay)
                .bind(&req.sink)
                .bind(req.now)
                .bind(i64::from(req.limit))
                .bind(cursor.txid)
                .bind(cursor.id)
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| other(e, "claiming deliveries"))?
            {
                records.push(super::record_of(&r, false)?);
            }
            // Fresh rows past the cursor and whatever is in flight; those
            // behind an undelivered row of their dossier are held. A page
            // held whole is followed by the next.
            let mut after = cursor.max(req.after.unwrap_or_default());
            let fresh_sql = format!(
                "SELECT {FRESH_COLUMNS} FROM outbox o \
                 WHERE (o.txid, o.id) > ($2, $3) AND o.txid < $4 AND NOT EXISTS ( \
                   SELECT 1 FROM outbox_deliveries x WHERE x.sink = $1 AND x.outbox_id = o.id) \
                 ORDER BY o.txid, o.id LIMIT $5"
            );
            loop {
                let room = i64::from(req.limit) - records.len() as i64;
                if room <= 0 {
                    break;
                }
                let page = sqlx::query(&fresh_sql)
                    .bind(&req.sink)
                    .bind(after.txid)
                    .bind(after.id)
                    .bind(horizon)
                    .bind(room)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(|e| other(e, "reading fresh rows"))?;
                let full = page.len() as i64 == room;
                let (held, sent, last) = super::sort_fresh(&page, &mut records)?;
                after = last.unwrap_or(after);
                hold(&mut *conn, &req.sink, &req.relay, &held, req.now).await?;
                if sent > 0 || !full {
                    break;
                }
            }
            if !records.is_empty() {
                super::take_sink(&mut *conn, req).await?;
            }
            records.sort_by_key(|r| r.id);
            Ok(records)
        }

        /// The outcome of `ExchangeStore::settle` recorded on `tx` (a
        /// transaction the caller commits); nothing when the relay no
        /// longer holds the sink.
        pub(crate) async fn engine_settle_in(
            tx: &mut PgConnection,
            s: &Settlement<'_>,
        ) -> Result<Settled, StoreError> {
            // The cursor moves forward only (both columns from the old row).
            let holds = sqlx::query(
                "UPDATE exchange_sinks SET \
                   delivered_through_txid = CASE WHEN ($1::bigint, $2::bigint) > \
                     (delivered_through_txid, delivered_through) THEN $1 ELSE delivered_through_txid END, \
                   delivered_through = CASE WHEN ($1::bigint, $2::bigint) > \
                     (delivered_through_txid, delivered_through) THEN $2 ELSE delivered_through END \
                 WHERE sink = $3 AND leased_by = $4",
            )
            .bind(s.through.map(|p| p.txid))
            .bind(s.through.map(|p| p.id))
            .bind(s.sink)
            .bind(s.relay)
            .execute(&mut *tx)
            .await
            .map_err(|e| other(e, "moving a sink's cursor"))?
            .rows_affected();
            if holds == 0 {
                return Ok(Settled::default());
            }
            let mut out = Settled {
                delivered: s.fresh_delivered,
                failed: 0,
            };
            if !s.delivered.is_empty() {
                out.delivered += sqlx::query(
                    "UPDATE outbox_deliveries SET delivered_at = $1, claimed_until = NULL, \
                     last_error = NULL WHERE sink = $2 AND claimed_by = $3 AND delivered_at IS NULL \
                     AND outbox_id = ANY($4)",
                )
                .bind(s.now)
                .bind(s.sink)
                .bind(s.relay)
                .bind(s.delivered)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "marking deliveries"))?
                .rows_affected();
            }
            if !s.failed.is_empty() {
                let ids: Vec<i64> = s.failed.iter().map(|f| f.id).collect();
                let errors: Vec<&str> = s.failed.iter().map(|f| f.error.as_str()).collect();
                // The retry instant, or NULL for a dead letter (then dead_at = now).
                let retry: Vec<Option<DateTime<Utc>>> = s
                    .failed
                    .iter()
                    .map(|f| match f.next {
                        Attempt::RetryAt(at) => Some(at),
                        Attempt::Dead => None,
                    })
                    .collect();
                out.failed = sqlx::query(
                    "INSERT INTO outbox_deliveries AS d (sink, outbox_id, dossier_code, attempts, \
                       available_at, last_error, dead_at) \
                     SELECT $1, o.id, o.dossier_code, 1, COALESCE(f.retry, $3), f.error, \
                       CASE WHEN f.retry IS NULL THEN $3::timestamptz END \
                     FROM unnest($4::bigint[], $5::text[], $6::timestamptz[]) AS f(id, error, retry) \
                     JOIN outbox o ON o.id = f.id \
                     ON CONFLICT (sink, outbox_id) DO UPDATE SET attempts = d.attempts + 1, \
                       last_error = excluded.last_error, claimed_until = NULL, \
                       available_at = CASE WHEN excluded.dead_at IS NULL \
                         THEN excluded.available_at ELSE d.available_at END, \
                       dead_at = excluded.dead_at \
                     WHERE d.claimed_by = $2 AND d.delivered_at IS NULL",
                )
                .bind(s.sink)
                .bind(s.relay)
                .bind(s.now)
                .bind(&ids)
                .bind(&errors)
                .bind(&retry)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "recording failed deliveries"))?
                .rows_affected();
            }
            hold(&mut *tx, s.sink, s.relay, s.held, s.now).await?;
            Ok(out)
        }
    }
}
