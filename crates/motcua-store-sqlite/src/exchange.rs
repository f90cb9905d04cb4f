//! The outbox relay's store on SQLite, per sink (ADR 0018). One writer at a
//! time: a claim is a single `UPDATE ... RETURNING`, atomic on its own, so
//! two relays never take the same delivery; a batch's outcome is recorded
//! in one `BEGIN IMMEDIATE` transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_app::StoreError;
use motcua_app::ports::dossiers::{OutboxRecord, OutboxRow};
use motcua_app::ports::exchange::{
    Attempt, ClaimRequest, DeadLetter, ExchangeStore, OutboxCounts, Settled, Settlement, SinkCounts,
};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::{SqliteStore, other};

/// Columns of a delivery joined with its outbox row (`d`, `o`).
const RECORD_COLUMNS: &str = "o.id AS id, o.dossier_code AS dossier_code, o.event_version AS \
     event_version, o.message_type AS message_type, o.payload AS payload, o.created_at AS \
     created_at, d.available_at AS available_at, d.attempts AS attempts, d.claimed_until AS \
     claimed_until, d.delivered_at AS delivered_at";

fn record_of(r: &SqliteRow) -> Result<OutboxRecord, StoreError> {
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
        attempts: u32::try_from(int("attempts")?).map_err(|e| other(e, "attempts"))?,
        claimed_until: r
            .try_get("claimed_until")
            .map_err(|e| other(e, "claimed"))?,
        delivered_at: r
            .try_get("delivered_at")
            .map_err(|e| other(e, "delivered"))?,
    })
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

#[async_trait]
impl ExchangeStore for SqliteStore {
    async fn register_sink(&self, sink: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let known: Option<i64> = sqlx::query_scalar("SELECT 1 FROM exchange_sinks WHERE sink = ?")
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

    async fn claim_outbox(&self, req: &ClaimRequest) -> Result<Vec<OutboxRecord>, StoreError> {
        let claimed = sqlx::query(
            "UPDATE outbox_deliveries SET claimed_until = ?, claimed_by = ? \
             WHERE sink = ? AND outbox_id IN ( \
               SELECT d.outbox_id FROM outbox_deliveries d \
               WHERE d.sink = ? AND d.delivered_at IS NULL AND d.dead_at IS NULL \
                 AND d.available_at <= ? AND (d.claimed_until IS NULL OR d.claimed_until < ?) \
                 AND NOT EXISTS (SELECT 1 FROM outbox_deliveries p WHERE p.sink = d.sink \
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
        .fetch_all(&self.pool)
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
            "SELECT {RECORD_COLUMNS} FROM outbox_deliveries d JOIN outbox o ON o.id = d.outbox_id \
             WHERE d.sink = ? AND d.outbox_id IN ({}) ORDER BY o.id",
            placeholders(ids.len())
        );
        let mut q = sqlx::query(&sql).bind(&req.sink);
        for id in &ids {
            q = q.bind(id);
        }
        let rows = q
            .fetch_all(&self.pool)
            .await
            .map_err(|e| other(e, "reading claimed rows"))?;
        rows.iter().map(record_of).collect()
    }

    async fn settle(&self, s: &Settlement<'_>) -> Result<Settled, StoreError> {
        if s.delivered.is_empty() && s.failed.is_empty() {
            return Ok(Settled::default());
        }
        let mut tx = self.begin_write().await?;
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
        tx.commit().await.map_err(|e| other(e, "commit"))?;
        Ok(out)
    }

    async fn dead_letters(&self, limit: u32) -> Result<Vec<DeadLetter>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {RECORD_COLUMNS}, d.sink AS sink, d.last_error AS last_error, \
               d.dead_at AS dead_at \
             FROM outbox_deliveries d JOIN outbox o ON o.id = d.outbox_id \
             WHERE d.dead_at IS NOT NULL ORDER BY d.outbox_id, d.sink LIMIT ?"
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
            "UPDATE outbox_deliveries SET dead_at = NULL, attempts = 0, available_at = ?, \
             claimed_until = NULL, claimed_by = NULL \
             WHERE outbox_id = ? AND (? IS NULL OR sink = ?) AND dead_at IS NOT NULL",
        )
        .bind(now)
        .bind(id)
        .bind(sink)
        .bind(sink)
        .execute(&self.pool)
        .await
        .map_err(|e| other(e, "replaying a dead letter"))?;
        Ok(done.rows_affected())
    }

    async fn outbox_counts(&self) -> Result<Vec<SinkCounts>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.sink, \
               COALESCE(SUM(CASE WHEN d.delivered_at IS NULL AND d.dead_at IS NULL \
                                 AND d.outbox_id IS NOT NULL THEN 1 ELSE 0 END), 0), \
               COALESCE(SUM(CASE WHEN d.delivered_at IS NOT NULL THEN 1 ELSE 0 END), 0), \
               COALESCE(SUM(CASE WHEN d.dead_at IS NOT NULL THEN 1 ELSE 0 END), 0) \
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
            "SELECT COUNT(*) FROM dossiers WHERE COALESCE(received_at, submitted_at) >= ? \
             AND COALESCE(received_at, submitted_at) < ?",
        )
        .bind(from)
        .bind(to)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| other(e, "counting dossiers started"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
