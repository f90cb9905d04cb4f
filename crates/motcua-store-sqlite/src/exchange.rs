//! The outbox relay's store on SQLite, per sink (ADRs 0018, 0035): the
//! shared SQL of `motcua-store-sql`, and this engine's own claim and
//! settle. One writer at a time: a claim, like an outcome, runs in one
//! `BEGIN IMMEDIATE` transaction, with the next claim when the relay asks
//! for both (`settle_and_claim`). Outbox ids grow in commit order
//! (AUTOINCREMENT, one writer), so a sink's cursor never passes a row
//! still to commit.

motcua_store_sql::exchange_store!();

/// The claim and the settle, this engine's own way.
mod lanes {
    use chrono::{DateTime, Utc};
    use motcua_app::StoreError;
    use motcua_app::ports::dossiers::OutboxRecord;
    use motcua_app::ports::exchange::{Attempt, ClaimRequest, Settled, Settlement};
    use sqlx::{Row, SqliteConnection};

    use crate::{SqliteStore, other};

    fn placeholders(n: usize) -> String {
        vec!["?"; n].join(", ")
    }

    /// A fresh row's columns: the outbox row, never attempted, and whether
    /// an undelivered delivery row of its dossier comes before it.
    const FRESH_COLUMNS: &str = "o.id AS id, o.dossier_code AS dossier_code, \
        o.event_version AS event_version, o.message_type AS message_type, o.payload AS payload, \
        o.created_at AS created_at, o.available_at AS available_at, 0 AS attempts, \
        NULL AS claimed_until, NULL AS delivered_at, 0 AS txid, \
        EXISTS (SELECT 1 FROM outbox_deliveries h INDEXED BY outbox_deliveries_held \
                WHERE h.sink = ? AND h.dossier_code = o.dossier_code \
                  AND h.outbox_id < o.id AND h.delivered_at IS NULL) AS held";

    /// Gives `ids` (outbox rows of `sink`) a delivery row of their own,
    /// pending, or releases the lease `relay` holds on the one they have.
    async fn hold(
        conn: &mut SqliteConnection,
        sink: &str,
        relay: &str,
        ids: &[i64],
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut held = 0;
        for chunk in ids.chunks(500) {
            let sql = format!(
                "INSERT INTO outbox_deliveries (sink, outbox_id, dossier_code, available_at) \
                 SELECT ?, o.id, o.dossier_code, ? FROM outbox o WHERE o.id IN ({}) \
                 ON CONFLICT (sink, outbox_id) DO UPDATE SET claimed_until = NULL, \
                   claimed_by = NULL WHERE outbox_deliveries.claimed_by = ?",
                placeholders(chunk.len())
            );
            let mut q = sqlx::query(&sql).bind(sink).bind(now);
            for id in chunk {
                q = q.bind(id);
            }
            held += q
                .bind(relay)
                .execute(&mut *conn)
                .await
                .map_err(|e| other(e, "holding deliveries"))?
                .rows_affected();
        }
        Ok(held)
    }

    impl SqliteStore {
        /// The claim of `ExchangeStore::claim_outbox` on `conn` (the write
        /// transaction of `claim_outbox` or of `settle_and_claim`).
        pub(crate) async fn engine_claim_in(
            conn: &mut SqliteConnection,
            req: &ClaimRequest,
        ) -> Result<Vec<OutboxRecord>, StoreError> {
            let Some(sink) = sqlx::query(
                "SELECT delivered_through, leased_by, leased_until FROM exchange_sinks WHERE sink = ?",
            )
            .bind(&req.sink)
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| other(e, "reading a sink"))?
            else {
                return Ok(Vec::new());
            };
            let cursor: i64 = sink.try_get(0).map_err(|e| other(e, "cursor"))?;
            let leased_by: Option<String> = sink.try_get(1).map_err(|e| other(e, "leased_by"))?;
            let leased_until: Option<DateTime<Utc>> =
                sink.try_get(2).map_err(|e| other(e, "leased_until"))?;
            if req.yields_to(leased_by.as_deref(), leased_until) {
                return Ok(Vec::new()); // another relay works this sink
            }
            // Delivery rows that head their dossier (no undelivered row,
            // with or without a delivery row, before them), leased.
            let own: Vec<i64> = sqlx::query_scalar(
                "UPDATE outbox_deliveries SET claimed_until = ?, claimed_by = ? \
                 WHERE sink = ? AND outbox_id IN ( \
                   SELECT d.outbox_id FROM outbox_deliveries d INDEXED BY outbox_deliveries_pending \
                   WHERE d.sink = ? AND d.delivered_at IS NULL AND d.dead_at IS NULL \
                     AND d.available_at <= ? AND (d.claimed_until IS NULL OR d.claimed_until < ?) \
                     AND NOT EXISTS (SELECT 1 FROM outbox_deliveries p INDEXED BY outbox_deliveries_held \
                                     WHERE p.sink = d.sink AND p.dossier_code = d.dossier_code \
                                     AND p.outbox_id < d.outbox_id AND p.delivered_at IS NULL) \
                     AND NOT EXISTS (SELECT 1 FROM outbox f INDEXED BY outbox_dossier \
                                     WHERE f.dossier_code = d.dossier_code AND f.id > ? \
                                     AND f.id < d.outbox_id AND NOT EXISTS ( \
                                       SELECT 1 FROM outbox_deliveries x \
                                       WHERE x.sink = d.sink AND x.outbox_id = f.id)) \
                   ORDER BY d.outbox_id LIMIT ?) \
                 RETURNING outbox_id",
            )
            .bind(req.lease_until)
            .bind(&req.relay)
            .bind(&req.sink)
            .bind(&req.sink)
            .bind(req.now)
            .bind(req.now)
            .bind(cursor)
            .bind(i64::from(req.limit))
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| other(e, "claiming deliveries"))?;
            let mut records = Vec::with_capacity(req.limit as usize);
            if !own.is_empty() {
                let sql = format!(
                    "SELECT {} FROM outbox_deliveries d JOIN outbox o ON o.id = d.outbox_id \
                     WHERE d.sink = ? AND d.outbox_id IN ({}) ORDER BY o.id",
                    super::record_columns(),
                    placeholders(own.len())
                );
                let mut q = sqlx::query(&sql).bind(&req.sink);
                for id in &own {
                    q = q.bind(id);
                }
                for r in q
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(|e| other(e, "reading claimed rows"))?
                {
                    records.push(super::record_of(&r, false)?);
                }
            }
            // Fresh rows past the cursor and whatever is in flight; those
            // behind an undelivered row of their dossier are held. A page
            // held whole is followed by the next.
            let mut after = cursor.max(req.after.map_or(0, |p| p.id));
            let fresh_sql = format!(
                "SELECT {FRESH_COLUMNS} FROM outbox o WHERE o.id > ? AND NOT EXISTS ( \
                   SELECT 1 FROM outbox_deliveries x WHERE x.sink = ? AND x.outbox_id = o.id) \
                 ORDER BY o.id LIMIT ?"
            );
            loop {
                let room = i64::from(req.limit) - records.len() as i64;
                if room <= 0 {
                    break;
                }
                let page = sqlx::query(&fresh_sql)
                    .bind(&req.sink)
                    .bind(after)
                    .bind(&req.sink)
                    .bind(room)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(|e| other(e, "reading fresh rows"))?;
                let full = page.len() as i64 == room;
                let (held, sent, last) = super::sort_fresh(&page, &mut records)?;
                after = last.map_or(after, |p| p.id);
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

        /// The outcome of `ExchangeStore::settle` recorded on `tx` (a write
        /// transaction the caller commits); nothing when the relay no
        /// longer holds the sink.
        pub(crate) async fn engine_settle_in(
            tx: &mut SqliteConnection,
            s: &Settlement<'_>,
        ) -> Result<Settled, StoreError> {
            let holds = sqlx::query(
                "UPDATE exchange_sinks SET delivered_through = \
                   max(delivered_through, COALESCE(?, delivered_through)) \
                 WHERE sink = ? AND leased_by = ?",
            )
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
            for chunk in s.delivered.chunks(500) {
                let sql = format!(
                    "UPDATE outbox_deliveries SET delivered_at = ?, claimed_until = NULL, \
                     last_error = NULL WHERE sink = ? AND claimed_by = ? AND delivered_at IS NULL \
                     AND outbox_id IN ({})",
                    placeholders(chunk.len())
                );
                let mut q = sqlx::query(&sql).bind(s.now).bind(s.sink).bind(s.relay);
                for id in chunk {
                    q = q.bind(id);
                }
                out.delivered += q
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| other(e, "marking deliveries"))?
                    .rows_affected();
            }
            for f in s.failed {
                let (retry, dead) = match f.next {
                    Attempt::RetryAt(at) => (Some(at), None),
                    Attempt::Dead => (None, Some(s.now)),
                };
                out.failed += sqlx::query(
                    "INSERT INTO outbox_deliveries (sink, outbox_id, dossier_code, attempts, \
                       available_at, last_error, dead_at) \
                     SELECT ?, o.id, o.dossier_code, 1, ?, ?, ? FROM outbox o WHERE o.id = ? \
                     ON CONFLICT (sink, outbox_id) DO UPDATE SET \
                       attempts = outbox_deliveries.attempts + 1, last_error = excluded.last_error, \
                       claimed_until = NULL, \
                       available_at = COALESCE(?, outbox_deliveries.available_at), \
                       dead_at = excluded.dead_at \
                     WHERE outbox_deliveries.claimed_by = ? AND outbox_deliveries.delivered_at IS NULL",
                )
                .bind(s.sink)
                .bind(retry.unwrap_or(s.now))
                .bind(&f.error)
                .bind(dead)
                .bind(f.id)
                .bind(retry)
                .bind(s.relay)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "recording a failed delivery"))?
                .rows_affected();
            }
            hold(&mut *tx, s.sink, s.relay, s.held, s.now).await?;
            Ok(out)
        }
    }
}
