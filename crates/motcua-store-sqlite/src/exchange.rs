//! The outbox relay's store on SQLite, per sink (ADR 0018): the
//! shared SQL of `motcua-store-sql`, and this engine's own claim, settle
//! and sink registration. One writer at a
//! time: a claim is a single `UPDATE ... RETURNING`, atomic on its own, so
//! two relays never take the same delivery; a batch's outcome is recorded
//! in one `BEGIN IMMEDIATE` transaction, with the next claim when the relay
//! asks for both (`settle_and_claim`).

motcua_store_sql::exchange_store!();

/// The claim, the settle and the sink registration, this engine's own way.
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

    impl SqliteStore {
        /// `ExchangeStore::register_sink` on this engine.
        pub(crate) async fn engine_register_sink(
            &self,
            sink: &str,
            now: DateTime<Utc>,
        ) -> Result<bool, StoreError> {
            let known: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM exchange_sinks WHERE sink = ?")
                    .bind(sink)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| other(e, "reading sinks"))?;
            if known.is_some() {
                return Ok(false);
            }
            // BEGIN IMMEDIATE: no outbox row can be written between the
            // registration and the copy, so none is missed or doubled.
            let mut tx = self.begin_write().await?;
            let added = sqlx::query(
                "INSERT INTO exchange_sinks (sink, registered_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            )
            .bind(sink)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| other(e, "registering a sink"))?
            .rows_affected();
            if added == 1 {
                sqlx::query(
                    "INSERT INTO outbox_deliveries (sink, outbox_id, dossier_code, attempts, \
                       available_at, last_error, dead_at, delivered_at) \
                     SELECT ?, id, dossier_code, attempts, available_at, last_error, dead_at, \
                       delivered_at FROM outbox ORDER BY id",
                )
                .bind(sink)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "creating a new sink's deliveries"))?;
            }
            tx.commit().await.map_err(|e| other(e, "commit"))?;
            Ok(added == 1)
        }

        /// The claim of `ExchangeStore::claim_outbox` on `conn` (a pooled
        /// connection, or the write transaction of `settle_and_claim`).
        pub(crate) async fn engine_claim_in(
            conn: &mut SqliteConnection,
            req: &ClaimRequest,
        ) -> Result<Vec<OutboxRecord>, StoreError> {
            let claimed = sqlx::query(
                "UPDATE outbox_deliveries SET claimed_until = ?, claimed_by = ? \
                 WHERE sink = ? AND outbox_id IN ( \
                   SELECT d.outbox_id FROM outbox_deliveries d INDEXED BY outbox_deliveries_pending \
                   WHERE d.sink = ? AND d.delivered_at IS NULL AND d.dead_at IS NULL \
                     AND d.available_at <= ? AND (d.claimed_until IS NULL OR d.claimed_until < ?) \
                     AND NOT EXISTS (SELECT 1 FROM outbox_deliveries p INDEXED BY outbox_deliveries_held \
                                     WHERE p.sink = d.sink \
                                     AND p.dossier_code = d.dossier_code \
                                     AND p.outbox_id < d.outbox_id AND p.delivered_at IS NULL) \
                   ORDER BY d.outbox_id LIMIT ?) \
                 RETURNING outbox_id",
            )
            .bind(req.lease_until)
            .bind(&req.relay)
            .bind(&req.sink)
            .bind(&req.sink)
            .bind(req.now)
            .bind(req.now)
            .bind(i64::from(req.limit))
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| other(e, "claiming deliveries"))?;
            if claimed.is_empty() {
                return Ok(Vec::new());
            }
            let ids: Vec<i64> = claimed
                .iter()
                .map(|r| r.try_get::<i64, _>(0))
                .collect::<Result<_, _>>()
                .map_err(|e| other(e, "claimed id"))?;
            let sql = format!(
                "SELECT {} FROM outbox_deliveries d JOIN outbox o ON o.id = d.outbox_id \
                 WHERE d.sink = ? AND d.outbox_id IN ({}) ORDER BY o.id",
                super::record_columns(),
                placeholders(ids.len())
            );
            let mut q = sqlx::query(&sql).bind(&req.sink);
            for id in &ids {
                q = q.bind(id);
            }
            let rows = q
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| other(e, "reading claimed rows"))?;
            rows.iter().map(super::record_of).collect()
        }

        /// The outcome of `ExchangeStore::settle` recorded on `tx` (a write
        /// transaction the caller commits).
        pub(crate) async fn engine_settle_in(
            tx: &mut SqliteConnection,
            s: &Settlement<'_>,
        ) -> Result<Settled, StoreError> {
            let mut out = Settled::default();
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
                let (available, dead) = match f.next {
                    Attempt::RetryAt(at) => (Some(at), None),
                    Attempt::Dead => (None, Some(s.now)),
                };
                out.failed += sqlx::query(
                    "UPDATE outbox_deliveries SET attempts = attempts + 1, last_error = ?, \
                     claimed_until = NULL, available_at = COALESCE(?, available_at), dead_at = ? \
                     WHERE sink = ? AND outbox_id = ? AND claimed_by = ? AND delivered_at IS NULL",
                )
                .bind(&f.error)
                .bind(available)
                .bind(dead)
                .bind(s.sink)
                .bind(f.id)
                .bind(s.relay)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "recording a failed delivery"))?
                .rows_affected();
            }
            Ok(out)
        }
    }
}
