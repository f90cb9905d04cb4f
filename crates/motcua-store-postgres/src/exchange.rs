//! The outbox relay's store on PostgreSQL. A claim locks the candidate rows
//! with `FOR UPDATE SKIP LOCKED` and sets their lease in the same
//! statement, so concurrent relays never take the same row.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_app::StoreError;
use motcua_app::ports::dossiers::{OutboxRecord, OutboxRow};
use motcua_app::ports::exchange::{Attempt, ClaimRequest, DeadLetter, ExchangeStore, OutboxCounts};
use sqlx::Row;
use sqlx::postgres::PgRow;

use crate::{PgStore, other};

const RECORD_COLUMNS: &str = "id, dossier_code, event_version, message_type, payload::text AS payload, created_at, \
     available_at, attempts, claimed_until, delivered_at";

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
    async fn claim_outbox(&self, req: &ClaimRequest) -> Result<Vec<OutboxRecord>, StoreError> {
        let sql = format!(
            "UPDATE outbox SET claimed_until = $1, claimed_by = $2 WHERE id IN ( \
               SELECT o.id FROM outbox o \
               WHERE o.delivered_at IS NULL AND o.dead_at IS NULL AND o.available_at <= $3 \
                 AND (o.claimed_until IS NULL OR o.claimed_until < $4) \
                 AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.dossier_code = o.dossier_code \
                                 AND p.id < o.id AND p.delivered_at IS NULL) \
               ORDER BY o.id LIMIT $5 FOR UPDATE SKIP LOCKED) \
             RETURNING {RECORD_COLUMNS}"
        );
        let rows = sqlx::query(&sql)
            .bind(req.lease_until)
            .bind(&req.relay)
            .bind(req.now)
            .bind(req.now)
            .bind(i64::from(req.limit))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| other(e, "claiming outbox rows"))?;
        let mut out = rows.iter().map(record_of).collect::<Result<Vec<_>, _>>()?;
        out.sort_by_key(|r| r.id);
        Ok(out)
    }

    async fn mark_delivered(
        &self,
        id: i64,
        relay: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET delivered_at = $1, claimed_until = NULL, last_error = NULL \
             WHERE id = $2 AND claimed_by = $3 AND delivered_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(relay)
        .execute(&self.pool)
        .await
        .map_err(|e| other(e, "marking an outbox row delivered"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn mark_failed(
        &self,
        id: i64,
        relay: &str,
        error: &str,
        next: Attempt,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let (available, dead) = match next {
            Attempt::RetryAt(at) => (Some(at), None),
            Attempt::Dead => (None, Some(now)),
        };
        let done = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, claimed_until = NULL, \
             available_at = COALESCE($2::timestamptz, available_at), dead_at = $3::timestamptz \
             WHERE id = $4 AND claimed_by = $5 AND delivered_at IS NULL",
        )
        .bind(error)
        .bind(available)
        .bind(dead)
        .bind(id)
        .bind(relay)
        .execute(&self.pool)
        .await
        .map_err(|e| other(e, "recording a failed delivery"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn dead_letters(&self, limit: u32) -> Result<Vec<DeadLetter>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {RECORD_COLUMNS}, last_error, dead_at FROM outbox \
             WHERE dead_at IS NOT NULL ORDER BY id LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| other(e, "reading dead letters"))?;
        rows.iter()
            .map(|r| {
                Ok(DeadLetter {
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

    async fn replay_dead_letter(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET dead_at = NULL, attempts = 0, available_at = $1, \
             claimed_until = NULL, claimed_by = NULL WHERE id = $2 AND dead_at IS NOT NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(|e| other(e, "replaying a dead letter"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let r = sqlx::query(
            "SELECT \
               COUNT(*) FILTER (WHERE delivered_at IS NULL AND dead_at IS NULL), \
               COUNT(*) FILTER (WHERE delivered_at IS NOT NULL), \
               COUNT(*) FILTER (WHERE dead_at IS NOT NULL) FROM outbox",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(|e| other(e, "counting the outbox"))?;
        let n = |i: usize| -> Result<u64, StoreError> {
            let v: i64 = r.try_get(i).map_err(|e| other(e, "count"))?;
            Ok(u64::try_from(v).unwrap_or(0))
        };
        Ok(OutboxCounts {
            pending: n(0)?,
            delivered: n(1)?,
            dead: n(2)?,
        })
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
