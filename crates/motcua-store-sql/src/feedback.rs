//! Citizens' feedback and complaints (PAKN): `FeedbackStore` and the 766
//! index's `FeedbackFacts`, with the SQL both engines share (migration 0027).
//! An answer or a request for a supplement writes its notice's outbox row
//! (`feedback.*`, keyed by the feedback's id) in the same transaction.

/// Stamps `impl FeedbackStore for crate::Engine` and
/// `impl FeedbackFacts for crate::Engine`: the state of each feedback as
/// JSON beside the columns lists and the index read, its events, the hash
/// of the sender's token.
#[macro_export]
macro_rules! feedback_store {
    () => {
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use motcua_app::StoreError;
        use motcua_app::ports::feedback::{FeedbackFilter, FeedbackStore, StoredFeedback};
        use motcua_app::ports::service_index::{FactScope, FeedbackFacts};
        use motcua_domain::feedback::{Feedback, FeedbackEvent, Reaction};
        use motcua_domain::service_index::facts::FeedbackFact;
        use sqlx::{QueryBuilder, Row};

        use crate::dialect::OUTBOX_JSON_IN;
        use crate::{Db, Engine, EngineConnection, EngineRow, other};

        fn state_of(r: &EngineRow) -> Result<Feedback, StoreError> {
            let json: String = r.try_get("state_json").map_err(|e| other(e, "state_json"))?;
            serde_json::from_str(&json).map_err(|e| other(e, "reading a feedback"))
        }

        fn json(f: &Feedback) -> Result<String, StoreError> {
            serde_json::to_string(f).map_err(|e| other(e, "writing a feedback"))
        }

        fn event_json(e: &FeedbackEvent) -> Result<String, StoreError> {
            serde_json::to_string(e).map_err(|e| other(e, "writing a feedback event"))
        }

        async fn insert_events(
            conn: &mut EngineConnection,
            id: &str,
            first_seq: u32,
            events: &[FeedbackEvent],
        ) -> Result<(), StoreError> {
            for (i, e) in events.iter().enumerate() {
                let seq = i64::from(first_seq) + i64::try_from(i).unwrap_or(i64::MAX);
                sqlx::query(
                    "INSERT INTO feedback_events (feedback_id, seq, kind, at, payload_json) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(seq)
                .bind(e.kind())
                .bind(e.at())
                .bind(event_json(e)?)
                .execute(&mut *conn)
                .await
                .map_err(|e| other(e, "writing a feedback event"))?;
            }
            Ok(())
        }

        fn push_units<'a>(qb: &mut QueryBuilder<'a, Db>, units: &'a [String]) {
            qb.push(" unit_code IN (");
            let mut list = qb.separated(", ");
            for u in units {
                list.push_bind(u.as_str());
            }
            qb.push(")");
        }

        #[async_trait]
        impl FeedbackStore for Engine {
            async fn create_feedback(
                &self,
                f: &Feedback,
                events: &[FeedbackEvent],
                token_hash: &str,
                now: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "INSERT INTO feedback (id, unit_code, dossier_code, procedure_code, status, \
                       classification, received_at, due_at, next_due_at, handled_at, published_at, \
                       reaction, follow_up, token_hash, state_json, version, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(&f.id)
                .bind(&f.unit_code)
                .bind(f.subject.dossier_code())
                .bind(f.subject.procedure_code())
                .bind(f.status.as_str())
                .bind(f.classification.map(|c| c.as_str()))
                .bind(f.received_at)
                .bind(f.handling_due())
                .bind(f.next_due())
                .bind(f.handled_at)
                .bind(f.published_at)
                .bind(f.reaction.map(|r| r.as_str()))
                .bind(f.follow_up.is_some())
                .bind(token_hash)
                .bind(json(f)?)
                .bind(i64::from(f.version))
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "creating a feedback"))?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::Conflict(format!("feedback {} exists", f.id)));
                }
                insert_events(&mut tx, &f.id, 1, events).await?;
                tx.commit().await.map_err(|e| other(e, "commit"))?;
                Ok(())
            }

            async fn get_feedback(&self, id: &str) -> Result<Option<StoredFeedback>, StoreError> {
                let row = sqlx::query("SELECT state_json, token_hash FROM feedback WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| other(e, "reading a feedback"))?;
                row.map(|r| {
                    Ok(StoredFeedback {
                        feedback: state_of(&r)?,
                        token_hash: r.try_get("token_hash").map_err(|e| other(e, "token_hash"))?,
                    })
                })
                .transpose()
            }

            async fn append_feedback(
                &self,
                f: &Feedback,
                expected_version: u32,
                events: &[FeedbackEvent],
                now: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "UPDATE feedback SET status = $1, classification = $2, due_at = $3, \
                       next_due_at = $4, handled_at = $5, published_at = $6, reaction = $7, \
                       follow_up = $8, state_json = $9, version = $10, updated_at = $11 \
                     WHERE id = $12 AND version = $13",
                )
                .bind(f.status.as_str())
                .bind(f.classification.map(|c| c.as_str()))
                .bind(f.handling_due())
                .bind(f.next_due())
                .bind(f.handled_at)
                .bind(f.published_at)
                .bind(f.reaction.map(|r| r.as_str()))
                .bind(f.follow_up.is_some())
                .bind(json(f)?)
                .bind(i64::from(f.version))
                .bind(now)
                .bind(&f.id)
                .bind(i64::from(expected_version))
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "updating a feedback"))?;
                if done.rows_affected() != 1 {
                    let exists = sqlx::query("SELECT 1 FROM feedback WHERE id = $1")
                        .bind(&f.id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(|e| other(e, "reading a feedback"))?
                        .is_some();
                    return Err(if exists {
                        StoreError::Conflict(format!("feedback {} changed", f.id))
                    } else {
                        StoreError::NotFound
                    });
                }
                insert_events(&mut tx, &f.id, expected_version + 1, events).await?;
                // The notice to the sender (ADR 0032 point 9), in the
                // answer's transaction: no answer without its notice.
                let outbox =
                    motcua_app::notices::feedback_outbox(f, events, expected_version + 1, now)?;
                for o in &outbox {
                    sqlx::query(&format!(
                        "INSERT INTO outbox (dossier_code, event_version, message_type, payload, \
                           created_at, available_at) VALUES ($1, $2, $3, $4{OUTBOX_JSON_IN}, $5, $5)"
                    ))
                    .bind(&f.id)
                    .bind(i64::try_from(o.event_version).unwrap_or(i64::MAX))
                    .bind(&o.message_type)
                    .bind(&o.payload_json)
                    .bind(o.created_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| other(e, "writing a feedback notice to the outbox"))?;
                }
                tx.commit().await.map_err(|e| other(e, "commit"))?;
                Ok(())
            }

            async fn feedback_events(&self, id: &str) -> Result<Vec<FeedbackEvent>, StoreError> {
                sqlx::query(
                    "SELECT payload_json FROM feedback_events WHERE feedback_id = $1 ORDER BY seq",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading feedback events"))?
                .iter()
                .map(|r| {
                    let j: String = r.try_get("payload_json").map_err(|e| other(e, "payload"))?;
                    serde_json::from_str(&j).map_err(|e| other(e, "reading a feedback event"))
                })
                .collect()
            }

            async fn list_feedback(
                &self,
                f: &FeedbackFilter,
            ) -> Result<Vec<Feedback>, StoreError> {
                if f.units.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb: QueryBuilder<Db> =
                    QueryBuilder::new("SELECT state_json FROM feedback WHERE");
                push_units(&mut qb, &f.units);
                if let Some(s) = f.status {
                    qb.push(" AND status = ").push_bind(s.as_str());
                }
                qb.push(" ORDER BY (next_due_at IS NULL), next_due_at, received_at, id LIMIT ")
                    .push_bind(i64::from(f.limit))
                    .push(" OFFSET ")
                    .push_bind(i64::from(f.offset));
                qb.build()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| other(e, "listing feedback"))?
                    .iter()
                    .map(state_of)
                    .collect()
            }

            async fn published_feedback(
                &self,
                units: &[String],
                limit: u32,
                offset: u32,
            ) -> Result<Vec<Feedback>, StoreError> {
                let mut qb: QueryBuilder<Db> = QueryBuilder::new(
                    "SELECT state_json FROM feedback WHERE published_at IS NOT NULL",
                );
                if !units.is_empty() {
                    qb.push(" AND");
                    push_units(&mut qb, units);
                }
                qb.push(" ORDER BY published_at DESC, id LIMIT ")
                    .push_bind(i64::from(limit))
                    .push(" OFFSET ")
                    .push_bind(i64::from(offset));
                qb.build()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| other(e, "listing published feedback"))?
                    .iter()
                    .map(state_of)
                    .collect()
            }
        }

        #[async_trait]
        impl FeedbackFacts for Engine {
            async fn feedback_facts(
                &self,
                scope: &FactScope,
            ) -> Result<Option<Vec<FeedbackFact>>, StoreError> {
                if scope.units.is_empty() {
                    return Ok(Some(Vec::new()));
                }
                let mut qb: QueryBuilder<Db> = QueryBuilder::new(
                    "SELECT id, unit_code, dossier_code, procedure_code, received_at, \
                       classification, due_at, handled_at, reaction, follow_up \
                     FROM feedback WHERE",
                );
                push_units(&mut qb, &scope.units);
                qb.push(" AND received_at >= ")
                    .push_bind(scope.from)
                    .push(" AND received_at < ")
                    .push_bind(scope.to);
                if let Some(p) = &scope.procedure {
                    qb.push(" AND procedure_code = ").push_bind(p.as_str());
                }
                qb.push(" ORDER BY received_at, id");
                let rows = qb
                    .build()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| other(e, "reading feedback facts"))?;
                let fact = |r: &EngineRow| -> Result<FeedbackFact, sqlx::Error> {
                    let class: Option<String> = r.try_get("classification")?;
                    let reaction: Option<String> = r.try_get("reaction")?;
                    Ok(FeedbackFact {
                        id: r.try_get("id")?,
                        unit_code: r.try_get("unit_code")?,
                        dossier_code: r.try_get("dossier_code")?,
                        procedure_code: r.try_get("procedure_code")?,
                        received_at: r.try_get("received_at")?,
                        classified: class.is_some(),
                        due_at: r.try_get("due_at")?,
                        handled_at: r.try_get("handled_at")?,
                        disliked: reaction.as_deref() == Some(Reaction::Dislike.as_str()),
                        follow_up: r.try_get("follow_up")?,
                    })
                };
                rows.iter()
                    .map(|r| fact(r).map_err(|e| other(e, "a feedback fact")))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Some)
            }
        }
    };
}
