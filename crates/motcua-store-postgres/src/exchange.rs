//! The outbox relay's store on PostgreSQL, per sink (ADR 0018): the
//! shared SQL of `motcua-store-sql`, and this engine's own claim, settle
//! and sink registration. A claim
//! locks the candidate deliveries with `FOR UPDATE SKIP LOCKED` and sets
//! their lease in the same statement, so concurrent relays never take the
//! same delivery; a batch's outcome is recorded in one transaction.

motcua_store_sql::exchange_store!();

/// The claim, the settle and the sink registration, this engine's own way.
mod lanes {
    use chrono::{DateTime, Utc};
    use motcua_app::StoreError;
    use motcua_app::ports::dossiers::OutboxRecord;
    use motcua_app::ports::exchange::{Attempt, ClaimRequest, Settled, Settlement};
    use sqlx::PgConnection;

    use crate::{PgStore, other};

    impl PgStore {
        /// `ExchangeStore::register_sink` on this engine.
        pub(crate) async fn engine_register_sink(
            &self,
            sink: &str,
            now: DateTime<Utc>,
        ) -> Result<bool, StoreError> {
            let known: Option<i32> =
                sqlx::query_scalar("SELECT 1 FROM exchange_sinks WHERE sink = $1")
                    .bind(sink)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| other(e, "reading sinks"))?;
            if known.is_some() {
                return Ok(false);
            }
            let mut tx = self.pool.begin().await.map_err(|e| other(e, "begin"))?;
            // Waits for the transactions writing outbox rows and holds new ones
            // back until the copy is committed: no row is missed (its trigger
            // ran before the sink existed, and the copy did not see it yet).
            sqlx::query("LOCK TABLE outbox IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "locking the outbox"))?;
            let added = sqlx::query(
                "INSERT INTO exchange_sinks (sink, registered_at) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
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
                     SELECT $1, id, dossier_code, attempts, available_at, last_error, dead_at, \
                       delivered_at FROM outbox",
                )
                .bind(sink)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "creating a new sink's deliveries"))?;
            }
            tx.commit().await.map_err(|e| other(e, "commit"))?;
            Ok(added == 1)
        }

        /// `ExchangeStore::claim_outbox` on this engine. A candidate is
        /// its dossier's head for the sink: the `min` of the dossier's
        /// undelivered rows, a correlated subplan the planner always runs
        /// as one probe of `outbox_deliveries_held`. (The `NOT EXISTS`
        /// form it replaces became an anti join that, on a table without
        /// statistics yet, scanned every undelivered row of the sink per
        /// candidate: 0.9 s a claim on 6,400 rows, issue 19 item 4.)
        /// It runs on `conn` (a pooled connection, or the transaction of
        /// `settle_and_claim`).
        pub(crate) async fn engine_claim_in(
            conn: &mut PgConnection,
            req: &ClaimRequest,
        ) -> Result<Vec<OutboxRecord>, StoreError> {
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
                     ORDER BY d.outbox_id LIMIT $5 FOR UPDATE SKIP LOCKED) \
                   RETURNING * ) \
                 SELECT {} FROM claimed d JOIN outbox o ON o.id = d.outbox_id \
                 ORDER BY o.id",
                super::record_columns()
            );
            let rows = sqlx::query(&sql)
                .bind(req.lease_until)
                .bind(&req.relay)
                .bind(&req.sink)
                .bind(req.now)
                .bind(i64::from(req.limit))
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| other(e, "claiming deliveries"))?;
            rows.iter().map(super::record_of).collect()
        }

        /// The outcome of `ExchangeStore::settle` recorded on `tx` (a
        /// transaction the caller commits).
        pub(crate) async fn engine_settle_in(
            tx: &mut PgConnection,
            s: &Settlement<'_>,
        ) -> Result<Settled, StoreError> {
            let mut out = Settled::default();
            if !s.delivered.is_empty() {
                out.delivered = sqlx::query(
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
                    "UPDATE outbox_deliveries d SET attempts = d.attempts + 1, last_error = f.error, \
                       claimed_until = NULL, available_at = COALESCE(f.retry, d.available_at), \
                       dead_at = CASE WHEN f.retry IS NULL THEN $3::timestamptz END \
                     FROM unnest($4::bigint[], $5::text[], $6::timestamptz[]) AS f(id, error, retry) \
                     WHERE d.sink = $1 AND d.claimed_by = $2 AND d.outbox_id = f.id \
                       AND d.delivered_at IS NULL",
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
            Ok(out)
        }
    }
}
