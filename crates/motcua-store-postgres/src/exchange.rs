//! The outbox relay's store on PostgreSQL, per sink (ADR 0018). A claim
//! locks the candidate deliveries with `FOR UPDATE SKIP LOCKED` and sets
//! their lease in the same statement, so concurrent relays never take the
//! same delivery; a batch's outcome is recorded in one transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_app::StoreError;
use motcua_app::ports::dossiers::{OutboxRecord, OutboxRow};
use motcua_app::ports::exchange::{
    Attempt, ClaimRequest, DeadLetter, ExchangeStore, OutboxCounts, Settled, Settlement, SinkCounts,
};
use sqlx::Row;
use sqlx::postgres::PgRow;

use crate::{PgStore, other};

/// Columns of a delivery joined with its outbox row (`d`, `o`).
const RECORD_COLUMNS: &str = "o.id AS id, o.dossier_code AS dossier_code, o.event_version AS \
     event_version, o.message_type AS message_type, o.payload::text AS payload, o.created_at AS \
     created_at, d.available_at AS available_at, d.attempts AS attempts, d.claimed_until AS \
     claimed_until, d.delivered_at AS delivered_at";

fn record_of(r: &PgRow) -> Result<OutboxRecord, StoreError> {
    let int = |c: &'static str| r.try_get::<i64, _>(c).map_err(|e| other(e, c));
    Ok(OutboxRecord {
        id: int("id")?,
        dossier_code: r.try_get("dossier_code").map_err(|e| other(e, "code"))?,
        row: OutboxRow {
            event_version: u64::try_from(int("event_version")?).map_err(|e| other(e, "v"))?,
            message_type: r.try_get("message_type").map_err(|e| other(e, "type"))?,
            payload_json: r.try_get("payload").map_err(|e| other(e, "payload"))?,
            created_at: r.try_get("created_at").map_err(|e| other(e, "created"))?,
        },
        available_at: r.try_get("available_at").map_err(|e| other(e, "avail"))?,
        attempts: u32::try_from(r.try_get::<i32, _>("attempts").map_err(|e| other(e, "a"))?)
            .map_err(|e| other(e, "attempts"))?,
        claimed_until: r
            .try_get("claimed_until")
            .map_err(|e| other(e, "claimed"))?,
        delivered_at: r
            .try_get("delivered_at")
            .map_err(|e| other(e, "delivered"))?,
    })
}

#[async_trait]
impl ExchangeStore for PgStore {
    async fn register_sink(&self, sink: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let known: Option<i32> = sqlx::query_scalar("SELECT 1 FROM exchange_sinks WHERE sink = $1")
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

    async fn claim_outbox(&self, req: &ClaimRequest) -> Result<Vec<OutboxRecord>, StoreError> {
        let sql = format!(
            "WITH claimed AS ( \
               UPDATE outbox_deliveries SET claimed_until = $1, claimed_by = $2 \
               WHERE sink = $3 AND outbox_id IN ( \
                 SELECT d.outbox_id FROM outbox_deliveries d \
                 WHERE d.sink = $3 AND d.delivered_at IS NULL AND d.dead_at IS NULL \
                   AND d.available_at <= $4 AND (d.claimed_until IS NULL OR d.claimed_until < $4) \
                   AND NOT EXISTS (SELECT 1 FROM outbox_deliveries p WHERE p.sink = d.sink \
                                   AND p.dossier_code = d.dossier_code \
                                   AND p.outbox_id < d.outbox_id AND p.delivered_at IS NULL) \
                 ORDER BY d.outbox_id LIMIT $5 FOR UPDATE SKIP LOCKED) \
               RETURNING * ) \
             SELECT {RECORD_COLUMNS} FROM claimed d JOIN outbox o ON o.id = d.outbox_id \
             ORDER BY o.id"
        );
        let rows = sqlx::query(&sql)
            .bind(req.lease_until)
            .bind(&req.relay)
            .bind(&req.sink)
            .bind(req.now)
            .bind(i64::from(req.limit))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| other(e, "claiming deliveries"))?;
        rows.iter().map(record_of).collect()
    }

    async fn settle(&self, s: &Settlement<'_>) -> Result<Settled, StoreError> {
        if s.delivered.is_empty() && s.failed.is_empty() {
            return Ok(Settled::default());
        }
        let mut tx = self.pool.begin().await.map_err(|e| other(e, "begin"))?;
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
        tx.commit().await.map_err(|e| other(e, "commit"))?;
        Ok(out)
    }

    async fn dead_letters(&self, limit: u32) -> Result<Vec<DeadLetter>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {RECORD_COLUMNS}, d.sink AS sink, d.last_error AS last_error, \
               d.dead_at AS dead_at \
             FROM outbox_deliveries d JOIN outbox o ON o.id = d.outbox_id \
             WHERE d.dead_at IS NOT NULL ORDER BY d.outbox_id, d.sink LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| other(e, "reading dead letters"))?;
        rows.iter()
            .map(|r| {
                Ok(DeadLetter {
                    sink: r.try_get("sink").map_err(|e| other(e, "sink"))?,
                    record: record_of(r)?,
                    last_error: r
                        .try_get::<Option<String>, _>("last_error")
                        .map_err(|e| other(e, "last_error"))?
                        .unwrap_or_default(),
                    dead_at: r.try_get("dead_at").map_err(|e| other(e, "dead_at"))?,
                })
            })
            .collect()
    }

    async fn replay_dead_letter(
        &self,
        id: i64,
        sink: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox_deliveries SET dead_at = NULL, attempts = 0, available_at = $1, \
             claimed_until = NULL, claimed_by = NULL \
             WHERE outbox_id = $2 AND ($3::text IS NULL OR sink = $3) AND dead_at IS NOT NULL",
        )
        .bind(now)
        .bind(id)
        .bind(sink)
        .execute(&self.pool)
        .await
        .map_err(|e| other(e, "replaying a dead letter"))?;
        Ok(done.rows_affected())
    }

    async fn outbox_counts(&self) -> Result<Vec<SinkCounts>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.sink, \
               COUNT(d.outbox_id) FILTER (WHERE d.delivered_at IS NULL AND d.dead_at IS NULL), \
               COUNT(d.outbox_id) FILTER (WHERE d.delivered_at IS NOT NULL), \
               COUNT(d.outbox_id) FILTER (WHERE d.dead_at IS NOT NULL) \
             FROM exchange_sinks s LEFT JOIN outbox_deliveries d ON d.sink = s.sink \
             GROUP BY s.sink ORDER BY s.sink",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| other(e, "counting the outbox"))?;
        rows.iter()
            .map(|r| {
                let n = |i: usize| -> Result<u64, StoreError> {
                    let v: i64 = r.try_get(i).map_err(|e| other(e, "count"))?;
                    Ok(u64::try_from(v).unwrap_or(0))
                };
                Ok(SinkCounts {
                    sink: r.try_get(0).map_err(|e| other(e, "sink"))?,
                    counts: OutboxCounts {
                        pending: n(1)?,
                        delivered: n(2)?,
                        dead: n(3)?,
                    },
                })
            })
            .collect()
    }

    async fn dossiers_started(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM dossiers WHERE COALESCE(received_at, submitted_at) >= $1 \
             AND COALESCE(received_at, submitted_at) < $2",
        )
        .bind(from)
        .bind(to)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| other(e, "counting dossiers started"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
