//! The outbox relay's store, per sink (ADRs 0018, 0035): reading records,
//! dead letters, replays, the sink's lease and counts. The claim's and the
//! settle's SQL are each engine's own (`engine_claim_in`,
//! `engine_settle_in`); the sink's registration and lease, the sorting of
//! fresh rows and the transactions around the claim and the settle are
//! here, written once (`settle_and_claim`: both in one commit).

/// Stamps `impl ExchangeStore for crate::Engine`; the invoking crate
/// defines the associated functions `engine_claim_in` and
/// `engine_settle_in` (each runs on a connection or transaction it is
/// given and commits nothing), and may use this module's `record_of`,
/// `record_columns`, `sort_fresh` and `take_sink`.
#[macro_export]
macro_rules! exchange_store {
    () => {
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use motcua_app::StoreError;
        use motcua_app::ports::dossiers::{OutboxRecord, OutboxRow};
        use motcua_app::ports::exchange::{
            ClaimRequest, DeadLetter, ExchangeStore, OutboxCounts, OutboxPosition, Settled,
            Settlement, SinkCounts,
        };
        use sqlx::Row;

        use crate::dialect::{JSON_OUT, OUTBOX_TXID, UP_TO_CURSOR};
        use crate::{Engine, EngineConnection, EngineRow, other};

        /// Columns of a delivery joined with its outbox row (`d`, `o`).
        fn record_columns() -> String {
            format!(
                "o.id AS id, o.dossier_code AS dossier_code, o.event_version AS event_version, \
                 o.message_type AS message_type, o.payload{JSON_OUT} AS payload, o.created_at AS \
                 created_at, d.available_at AS available_at, d.attempts AS attempts, d.claimed_until AS \
                 claimed_until, d.delivered_at AS delivered_at, {OUTBOX_TXID} AS txid"
            )
        }

        /// A record read with `record_columns` (or the engine's fresh
        /// columns, with `fresh` true).
        fn record_of(r: &EngineRow, fresh: bool) -> Result<OutboxRecord, StoreError> {
            let int = |c: &'static str| r.try_get::<i64, _>(c).map_err(|e| other(e, c));
            Ok(OutboxRecord {
                id: int("id")?,
                dossier_code: r.try_get("dossier_code").map_err(|e| other(e, "code"))?,
                row: OutboxRow {
                    event_version: u64::try_from(int("event_version")?)
                        .map_err(|e| other(e, "v"))?,
                    message_type: r.try_get("message_type").map_err(|e| other(e, "type"))?,
                    payload_json: r.try_get("payload").map_err(|e| other(e, "payload"))?,
                    created_at: r.try_get("created_at").map_err(|e| other(e, "created"))?,
                },
                available_at: r.try_get("available_at").map_err(|e| other(e, "avail"))?,
                attempts: u32::try_from(
                    r.try_get::<i32, _>("attempts").map_err(|e| other(e, "a"))?,
                )
                .map_err(|e| other(e, "attempts"))?,
                claimed_until: r
                    .try_get("claimed_until")
                    .map_err(|e| other(e, "claimed"))?,
                delivered_at: r
                    .try_get("delivered_at")
                    .map_err(|e| other(e, "delivered"))?,
                fresh,
                txid: int("txid")?,
            })
        }

        /// Sorts a page of fresh rows (read with the engine's fresh columns,
        /// whose `held` says an undelivered row of the dossier comes first):
        /// the rows to send join `records`; answers the held ids, how many
        /// rows joined, and the last row's position.
        fn sort_fresh(
            page: &[EngineRow],
            records: &mut Vec<OutboxRecord>,
        ) -> Result<(Vec<i64>, usize, Option<OutboxPosition>), StoreError> {
            let mut held = Vec::new();
            let mut sent = 0;
            let mut last = None;
            for r in page {
                let record = record_of(r, true)?;
                last = Some(record.position());
                if r.try_get::<bool, _>("held").map_err(|e| other(e, "held"))? {
                    held.push(record.id);
                } else {
                    records.push(record);
                    sent += 1;
                }
            }
            Ok((held, sent, last))
        }

        /// Gives the sink's lease to the relay of `req` (a claim that found
        /// rows), on the claim's connection.
        async fn take_sink(
            conn: &mut EngineConnection,
            req: &ClaimRequest,
        ) -> Result<(), StoreError> {
            sqlx::query("UPDATE exchange_sinks SET leased_by = $1, leased_until = $2 WHERE sink = $3")
                .bind(&req.relay)
                .bind(req.lease_until)
                .bind(&req.sink)
                .execute(&mut *conn)
                .await
                .map_err(|e| other(e, "leasing a sink"))?;
            Ok(())
        }

        #[async_trait]
        impl ExchangeStore for Engine {
            async fn register_sink(
                &self,
                sink: &str,
                now: DateTime<Utc>,
            ) -> Result<bool, StoreError> {
                let known: Option<i64> = sqlx::query_scalar(
                    "SELECT CAST(1 AS BIGINT) FROM exchange_sinks WHERE sink = $1",
                )
                .bind(sink)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading sinks"))?;
                if known.is_some() {
                    return Ok(false);
                }
                let mut tx = self.begin_write().await?;
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
                    // The cursor starts before the first row: every row is
                    // pending, but for those a relay before 0010 delivered,
                    // parked or tried, which keep that state.
                    sqlx::query(
                        "INSERT INTO outbox_deliveries (sink, outbox_id, dossier_code, attempts, \
                           available_at, last_error, dead_at, delivered_at) \
                         SELECT $1, id, dossier_code, attempts, available_at, last_error, dead_at, \
                           delivered_at FROM outbox \
                         WHERE delivered_at IS NOT NULL OR dead_at IS NOT NULL OR attempts > 0",
                    )
                    .bind(sink)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| other(e, "creating a new sink's deliveries"))?;
                }
                tx.commit().await.map_err(|e| other(e, "commit"))?;
                Ok(added == 1)
            }

            async fn claim_outbox(
                &self,
                req: &ClaimRequest,
            ) -> Result<Vec<OutboxRecord>, StoreError> {
                // A write transaction: the sink's lease, the held rows and
                // the leases of delivery rows are written with the reads.
                let mut tx = self.begin_write().await?;
                let rows = Engine::engine_claim_in(&mut *tx, req).await?;
                tx.commit().await.map_err(|e| other(e, "commit"))?;
                Ok(rows)
            }

            async fn settle(&self, s: &Settlement<'_>) -> Result<Settled, StoreError> {
                if s.delivered.is_empty()
                    && s.failed.is_empty()
                    && s.held.is_empty()
                    && s.through.is_none()
                {
                    return Ok(Settled::default());
                }
                let mut tx = self.begin_write().await?;
                let out = Engine::engine_settle_in(&mut *tx, s).await?;
                tx.commit().await.map_err(|e| other(e, "commit"))?;
                Ok(out)
            }

            async fn settle_and_claim(
                &self,
                s: &Settlement<'_>,
                req: &ClaimRequest,
            ) -> Result<(Settled, Vec<OutboxRecord>), StoreError> {
                // One write transaction, one commit: the outcome first, so
                // the claim sees the rows it freed (a dossier's next row).
                let mut tx = self.begin_write().await?;
                let out = Engine::engine_settle_in(&mut *tx, s).await?;
                let rows = Engine::engine_claim_in(&mut *tx, req).await?;
                tx.commit().await.map_err(|e| other(e, "commit"))?;
                Ok((out, rows))
            }

            async fn release_sink(&self, sink: &str, relay: &str) -> Result<(), StoreError> {
                sqlx::query(
                    "UPDATE exchange_sinks SET leased_by = NULL, leased_until = NULL \
                     WHERE sink = $1 AND leased_by = $2",
                )
                .bind(sink)
                .bind(relay)
                .execute(&self.pool)
                .await
                .map_err(|e| other(e, "releasing a sink"))?;
                Ok(())
            }

            async fn dead_letters(&self, limit: u32) -> Result<Vec<DeadLetter>, StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {}, d.sink AS sink, d.last_error AS last_error, d.dead_at AS dead_at \
                     FROM outbox_deliveries d JOIN outbox o ON o.id = d.outbox_id \
                     WHERE d.dead_at IS NOT NULL ORDER BY d.outbox_id, d.sink LIMIT $1",
                    record_columns()
                ))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading dead letters"))?;
                rows.iter()
                    .map(|r| {
                        Ok(DeadLetter {
                            sink: r.try_get("sink").map_err(|e| other(e, "sink"))?,
                            record: record_of(r, false)?,
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
                     WHERE outbox_id = $2 AND (CAST($3 AS TEXT) IS NULL OR sink = $3) AND dead_at IS NOT NULL",
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
                // Rows up to the cursor are delivered and rows past it
                // pending, unless a delivery row of their own says
                // otherwise: the outbox is counted once in all and once up
                // to each cursor, the delivery rows once per sink.
                let rows = sqlx::query(&format!(
                    "SELECT s.sink, (SELECT COUNT(*) FROM outbox), \
                       (SELECT COUNT(*) FROM outbox o WHERE {UP_TO_CURSOR}), \
                       (SELECT COUNT(*) FROM outbox_deliveries d JOIN outbox o ON o.id = d.outbox_id \
                        WHERE d.sink = s.sink AND {UP_TO_CURSOR}), \
                       (SELECT COUNT(*) FROM outbox_deliveries d WHERE d.sink = s.sink), \
                       (SELECT COUNT(*) FROM outbox_deliveries d WHERE d.sink = s.sink \
                        AND d.delivered_at IS NULL AND d.dead_at IS NULL), \
                       (SELECT COUNT(*) FROM outbox_deliveries d WHERE d.sink = s.sink \
                        AND d.delivered_at IS NOT NULL), \
                       (SELECT COUNT(*) FROM outbox_deliveries d WHERE d.sink = s.sink \
                        AND d.dead_at IS NOT NULL) \
                     FROM exchange_sinks s ORDER BY s.sink"
                ))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "counting the outbox"))?;
                rows.iter()
                    .map(|r| {
                        let n = |i: usize| -> Result<u64, StoreError> {
                            let v: i64 = r.try_get(i).map_err(|e| other(e, "count"))?;
                            Ok(u64::try_from(v).unwrap_or(0))
                        };
                        let (all, up_to, own_up_to, own) = (n(1)?, n(2)?, n(3)?, n(4)?);
                        let (own_pending, own_delivered, own_dead) = (n(5)?, n(6)?, n(7)?);
                        // Past the cursor without a delivery row, and up to
                        // it without one.
                        let fresh = all
                            .saturating_sub(up_to)
                            .saturating_sub(own.saturating_sub(own_up_to));
                        let passed = up_to.saturating_sub(own_up_to);
                        Ok(SinkCounts {
                            sink: r.try_get(0).map_err(|e| other(e, "sink"))?,
                            counts: OutboxCounts {
                                pending: fresh + own_pending,
                                delivered: passed + own_delivered,
                                dead: own_dead,
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
    };
}
