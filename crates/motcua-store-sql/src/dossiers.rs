//! Dossiers: reading a dossier, its events and outbox rows, an idempotent
//! answer and the day's last number. Creating and appending are each
//! engine's own (`engine_create_dossier`, `engine_append_to_dossier`: the
//! SQLite group-commit writer, a PostgreSQL transaction).

/// Stamps `impl DossierStore for crate::Engine` with `PROJECTION_COLUMNS`,
/// `written` and `find_answer_in` for the engine's own writers; the work
/// lists and statistics are the engine's `crate::work_list` and
/// `crate::dossier_stats`.
#[macro_export]
macro_rules! dossier_store {
    () => {
        use async_trait::async_trait;
        use chrono::NaiveDate;
        use motcua_app::StoreError;
        use motcua_app::ports::dossiers::{
            Committed, DossierStats, DossierStore, DossierWrite, EventRow, NewDossier,
            OutboxRecord, OutboxRow, StatsQuery, StoredAnswer, StoredDossier, TrackingRead,
            WorkListQuery, WorkListRow,
        };
        use sqlx::Row;

        use crate::dialect::JSON_OUT;
        use crate::dossier_rows::projection_of;
        use crate::{Engine, EngineConnection, other};

        /// The projection columns of `dossiers`, in the order each engine's
        /// `projection_values` binds them.
        pub(crate) const PROJECTION_COLUMNS: &str = "code, procedure_code, procedure_version, status, sub_status, \
            portal_status, clock_running, receiving_unit, deciding_agency, current_agency, assignee, \
            channel, applicant_kind, applicant_id_masked, applicant_name, phone_last4, submitted_at, \
            received_at, due_at, due_key, counts_late, version, state, updated_at";

        /// [`PROJECTION_COLUMNS`] to read back, the JSON state as text.
        fn read_columns() -> String {
            PROJECTION_COLUMNS.replace(", state,", &format!(", state{JSON_OUT} AS state,"))
        }

        pub(crate) fn written(w: &DossierWrite) -> Committed {
            Committed::Written(StoredAnswer {
                dossier_code: w.projection.code.clone(),
                fingerprint: w.answer.fingerprint.clone(),
                answer_json: w.answer.answer_json.clone(),
            })
        }

        pub(crate) async fn find_answer_in(
            conn: &mut EngineConnection,
            actor: &str,
            key: &str,
        ) -> Result<Option<StoredAnswer>, StoreError> {
            let row = sqlx::query(
                "SELECT dossier_code, fingerprint, answer FROM idempotency WHERE actor = $1 AND key = $2",
            )
            .bind(actor)
            .bind(key)
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| other(e, "reading an idempotent answer"))?;
            row.map(|r| {
                Ok(StoredAnswer {
                    dossier_code: r.try_get(0).map_err(|e| other(e, "dossier_code"))?,
                    fingerprint: r.try_get(1).map_err(|e| other(e, "fingerprint"))?,
                    answer_json: r.try_get(2).map_err(|e| other(e, "answer"))?,
                })
            })
            .transpose()
        }

        #[async_trait]
        impl DossierStore for Engine {
            #[tracing::instrument(level = "debug", skip_all, fields(agency = %new.agency))]
            async fn create_dossier(&self, new: NewDossier) -> Result<Committed, StoreError> {
                self.engine_create_dossier(new).await
            }

            #[tracing::instrument(level = "debug", skip_all, fields(dossier = %code))]
            async fn append_to_dossier(
                &self,
                code: &str,
                expected_version: u64,
                w: DossierWrite,
            ) -> Result<Committed, StoreError> {
                self.engine_append_to_dossier(code, expected_version, w)
                    .await
            }

            #[tracing::instrument(level = "debug", skip_all, fields(dossier = %code))]
            async fn load_dossier(&self, code: &str) -> Result<Option<StoredDossier>, StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {}, verifier_hash FROM dossiers WHERE code = $1",
                    read_columns()
                ))
                .bind(code)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading a dossier"))?;
                row.map(|r| {
                    Ok(StoredDossier {
                        projection: projection_of(&r)?,
                        verifier_hash: r.try_get("verifier_hash").map_err(|e| other(e, "hash"))?,
                    })
                })
                .transpose()
            }

            #[tracing::instrument(level = "debug", skip_all, fields(dossier = %code))]
            async fn dossier_events(&self, code: &str) -> Result<Vec<EventRow>, StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT version, event_type, event{JSON_OUT}, actor, at, idempotency_key \
                     FROM dossier_events WHERE code = $1 ORDER BY version"
                ))
                .bind(code)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading dossier events"))?;
                rows.iter()
                    .map(|r| {
                        Ok(EventRow {
                            version: u64::try_from(
                                r.try_get::<i64, _>(0).map_err(|e| other(e, "v"))?,
                            )
                            .map_err(|e| other(e, "version"))?,
                            event_type: r.try_get(1).map_err(|e| other(e, "type"))?,
                            event_json: r.try_get(2).map_err(|e| other(e, "event"))?,
                            actor: r.try_get(3).map_err(|e| other(e, "actor"))?,
                            at: r.try_get(4).map_err(|e| other(e, "at"))?,
                            idempotency_key: r.try_get(5).map_err(|e| other(e, "key"))?,
                        })
                    })
                    .collect()
            }

            #[tracing::instrument(level = "debug", skip_all, fields(dossier = %code))]
            async fn dossier_outbox(&self, code: &str) -> Result<Vec<OutboxRecord>, StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT id, dossier_code, event_version, message_type, payload{JSON_OUT}, \
                     created_at, available_at, attempts, claimed_until, delivered_at FROM outbox \
                     WHERE dossier_code = $1 ORDER BY id"
                ))
                .bind(code)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading the outbox"))?;
                rows.iter()
                    .map(|r| {
                        Ok(OutboxRecord {
                            id: r.try_get(0).map_err(|e| other(e, "id"))?,
                            dossier_code: r.try_get(1).map_err(|e| other(e, "code"))?,
                            row: OutboxRow {
                                event_version: u64::try_from(
                                    r.try_get::<i64, _>(2).map_err(|e| other(e, "v"))?,
                                )
                                .map_err(|e| other(e, "version"))?,
                                message_type: r.try_get(3).map_err(|e| other(e, "type"))?,
                                payload_json: r.try_get(4).map_err(|e| other(e, "payload"))?,
                                created_at: r.try_get(5).map_err(|e| other(e, "created_at"))?,
                            },
                            available_at: r.try_get(6).map_err(|e| other(e, "available_at"))?,
                            attempts: u32::try_from(
                                r.try_get::<i32, _>(7).map_err(|e| other(e, "a"))?,
                            )
                            .map_err(|e| other(e, "attempts"))?,
                            claimed_until: r.try_get(8).map_err(|e| other(e, "claimed_until"))?,
                            delivered_at: r.try_get(9).map_err(|e| other(e, "delivered_at"))?,
                            fresh: false,
                            txid: 0,
                        })
                    })
                    .collect()
            }

            async fn find_answer(
                &self,
                actor: &str,
                key: &str,
            ) -> Result<Option<StoredAnswer>, StoreError> {
                let mut conn = self.pool.acquire().await.map_err(|e| other(e, "acquire"))?;
                find_answer_in(&mut conn, actor, key).await
            }

            #[tracing::instrument(level = "debug", skip_all)]
            async fn work_list(&self, q: &WorkListQuery) -> Result<Vec<WorkListRow>, StoreError> {
                crate::work_list::read(self, q).await
            }

            #[tracing::instrument(level = "debug", skip_all)]
            async fn count_work_list(&self, q: &WorkListQuery) -> Result<u64, StoreError> {
                crate::work_list::count(self, q).await
            }

            #[tracing::instrument(level = "debug", skip_all)]
            async fn dossier_stats(&self, q: &StatsQuery) -> Result<DossierStats, StoreError> {
                crate::dossier_stats::stats(&self.pool, q).await
            }

            async fn last_sequence(
                &self,
                agency: &str,
                day: NaiveDate,
            ) -> Result<Option<u32>, StoreError> {
                let last: Option<i32> = sqlx::query_scalar(
                    "SELECT last FROM dossier_sequences WHERE agency = $1 AND day = $2",
                )
                .bind(agency)
                .bind(day)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading a sequence"))?;
                last.map(|v| u32::try_from(v).map_err(|e| other(e, "sequence")))
                    .transpose()
            }

            /// One statement by primary key (issue 21 item 2): the dossier
            /// row, the fingerprint of its files and payment orders, and,
            /// when the caller's version is not the stored one, its events
            /// joined in order with the state on the last event's row.
            #[tracing::instrument(level = "debug", skip_all, fields(dossier = %code))]
            async fn tracking_read(
                &self,
                code: &str,
                known_version: Option<u64>,
            ) -> Result<Option<TrackingRead>, StoreError> {
                let known = known_version
                    .and_then(|v| i64::try_from(v).ok())
                    .unwrap_or(-1);
                let rows = sqlx::query(&format!(
                    "SELECT d.version, d.verifier_hash, d.phone_last4, \
                     (SELECT count(*) FROM dossier_attachments a WHERE a.dossier_code = d.code), \
                     (SELECT CAST(max(a.uploaded_at) AS TEXT) FROM dossier_attachments a \
                      WHERE a.dossier_code = d.code), \
                     (SELECT count(*) FROM payment_orders p WHERE p.dossier_code = d.code), \
                     (SELECT count(*) FROM payment_orders p WHERE p.dossier_code = d.code \
                      AND p.status <> 'pending'), \
                     CASE WHEN e.version = d.version THEN d.state{JSON_OUT} END, \
                     e.event{JSON_OUT} \
                     FROM dossiers d LEFT JOIN dossier_events e \
                     ON e.code = d.code AND d.version <> $2 \
                     WHERE d.code = $1 ORDER BY e.version"
                ))
                .bind(code)
                .bind(known)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading a dossier to track"))?;
                let Some(first) = rows.first() else {
                    return Ok(None);
                };
                let version: i64 = first.try_get(0).map_err(|e| other(e, "version"))?;
                let files: i64 = first.try_get(3).map_err(|e| other(e, "files"))?;
                let files_at: Option<String> = first.try_get(4).map_err(|e| other(e, "files_at"))?;
                let orders: i64 = first.try_get(5).map_err(|e| other(e, "orders"))?;
                let settled: i64 = first.try_get(6).map_err(|e| other(e, "settled"))?;
                let mut state_json = None;
                let mut events_json = Vec::new();
                for r in &rows {
                    if let Some(state) = r.try_get::<Option<String>, _>(7).map_err(|e| other(e, "state"))? {
                        state_json = Some(state);
                    }
                    if let Some(event) = r.try_get::<Option<String>, _>(8).map_err(|e| other(e, "event"))? {
                        events_json.push(event);
                    }
                }
                Ok(Some(TrackingRead {
                    version: u64::try_from(version).map_err(|e| other(e, "version"))?,
                    verifier_hash: first.try_get(1).map_err(|e| other(e, "verifier_hash"))?,
                    phone_last4: first.try_get(2).map_err(|e| other(e, "phone_last4"))?,
                    freshness: format!(
                        "{files}.{}.{orders}.{settled}",
                        files_at.unwrap_or_default()
                    ),
                    state_json,
                    events_json,
                }))
            }
        }
    };
}
