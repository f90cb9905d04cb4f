//! Obstacles (khó khăn, vướng mắc): cases, histories and dossier figures.

/// Stamps `impl ObstacleStore for crate::Engine`: cases and their events
/// written together, scope queries over the agency tree, and the live
/// dossier figures an obstacle cites. The argument is the engine's
/// spelling of the outbox payload parameter (`$4`, or `CAST($4 AS json)`):
/// each travelling event also writes its outbox row in the case's
/// transaction (issue 16 item 5).
#[macro_export]
macro_rules! obstacle_store {
    () => {
        $crate::obstacle_store!("$4");
    };
    ($payload:literal) => {
        use async_trait::async_trait;
        use motcua_app::StoreError;
        use motcua_app::ports::obstacles::{
            ObstacleQuery, ObstacleStore, ObstacleWrite, ProcedureFigures,
        };
        use motcua_domain::obstacle::{Obstacle, ObstacleEvent};
        use sqlx::Row;

        use crate::{Engine, other};

        /// The agency `$1` and every agency below it (12 levels at most);
        /// empty for an id not in `agencies` (a ministry may not be), so the
        /// queries also compare with `$1` itself.
        const SUBTREE: &str = "WITH RECURSIVE sub (id, depth) AS ( \
             SELECT id, 0 FROM agencies WHERE id = $1 \
             UNION SELECT a.id, sub.depth + 1 FROM agencies a \
             JOIN sub ON a.parent_id = sub.id WHERE sub.depth < 12) ";

        fn decode_case(text: &str) -> Result<Obstacle, StoreError> {
            serde_json::from_str(text).map_err(|e| other(e, "decoding an obstacle"))
        }

        fn decode_event(text: &str) -> Result<ObstacleEvent, StoreError> {
            serde_json::from_str(text).map_err(|e| other(e, "decoding an obstacle event"))
        }

        #[async_trait]
        impl ObstacleStore for Engine {
            async fn save_obstacles(&self, writes: &[ObstacleWrite]) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                for w in writes {
                    let o = &w.row.obstacle;
                    let version = i64::try_from(o.version).unwrap_or(i64::MAX);
                    let expected = i64::try_from(w.expected_version).unwrap_or(i64::MAX);
                    let owner = o.owner.as_ref().map(|x| x.agency.clone());
                    let state = serde_json::to_string(o).map_err(|e| other(e, "encoding an obstacle"))?;
                    let changed = if w.expected_version == 0 {
                        sqlx::query(
                            "INSERT INTO obstacles (id, unit_agency, province_root, category, status, \
                             owner_agency, watcher_agency, due_key, merged_into, text_folded, \
                             submitted_at, created_at, version, state) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                             ON CONFLICT (id) DO NOTHING",
                        )
                        .bind(&o.id)
                        .bind(&o.draft.unit_agency)
                        .bind(&o.draft.province_root)
                        .bind(&o.draft.category)
                        .bind(o.status.as_str())
                        .bind(&owner)
                        .bind(&w.row.watcher)
                        .bind(w.row.due_key)
                        .bind(&o.merged_into)
                        .bind(&w.row.text_folded)
                        .bind(o.submitted_at)
                        .bind(o.created_at)
                        .bind(version)
                        .bind(&state)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| other(e, "inserting an obstacle"))?
                        .rows_affected()
                    } else {
                        sqlx::query(
                            "UPDATE obstacles SET status = $2, owner_agency = $3, watcher_agency = $4, \
                             due_key = $5, merged_into = $6, text_folded = $7, submitted_at = $8, \
                             version = $9, state = $10 WHERE id = $1 AND version = $11",
                        )
                        .bind(&o.id)
                        .bind(o.status.as_str())
                        .bind(&owner)
                        .bind(&w.row.watcher)
                        .bind(w.row.due_key)
                        .bind(&o.merged_into)
                        .bind(&w.row.text_folded)
                        .bind(o.submitted_at)
                        .bind(version)
                        .bind(&state)
                        .bind(expected)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| other(e, "updating an obstacle"))?
                        .rows_affected()
                    };
                    if changed == 0 {
                        return Err(StoreError::Conflict(format!(
                            "Vướng mắc {} vừa được người khác cập nhật / obstacle {} changed meanwhile",
                            o.id, o.id
                        )));
                    }
                    for e in &w.events {
                        sqlx::query(
                            "INSERT INTO obstacle_events (id, version, event_type, actor, at, event) \
                             VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(&o.id)
                        .bind(i64::try_from(e.version).unwrap_or(i64::MAX))
                        .bind(e.payload.type_name())
                        .bind(&e.actor.officer)
                        .bind(e.at)
                        .bind(serde_json::to_string(e).map_err(|e| other(e, "encoding an event"))?)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| other(e, "inserting an obstacle event"))?;
                    }
                    let outbox = motcua_app::exchange::obstacle::outbox_rows(w)
                        .map_err(|e| other(e, "encoding an obstacle outbox row"))?;
                    for (key, row) in &outbox {
                        sqlx::query(concat!(
                            "INSERT INTO outbox (dossier_code, event_version, message_type, payload, \
                             created_at, available_at) VALUES ($1, $2, $3, ",
                            $payload,
                            ", $5, $5)"
                        ))
                        .bind(key)
                        .bind(i64::try_from(row.event_version).unwrap_or(i64::MAX))
                        .bind(&row.message_type)
                        .bind(&row.payload_json)
                        .bind(row.created_at)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| other(e, "inserting an obstacle outbox row"))?;
                    }
                }
                tx.commit().await.map_err(|e| other(e, "commit obstacles"))?;
                Ok(())
            }

            async fn get_obstacle(&self, id: &str) -> Result<Option<Obstacle>, StoreError> {
                let state: Option<String> =
                    sqlx::query_scalar("SELECT state FROM obstacles WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(|e| other(e, "reading an obstacle"))?;
                state.as_deref().map(decode_case).transpose()
            }

            async fn obstacle_events(&self, id: &str) -> Result<Vec<ObstacleEvent>, StoreError> {
                let rows: Vec<String> = sqlx::query_scalar(
                    "SELECT event FROM obstacle_events WHERE id = $1 ORDER BY version",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading obstacle events"))?;
                rows.iter().map(|r| decode_event(r)).collect()
            }

            async fn obstacles_merged_into(&self, id: &str) -> Result<Vec<Obstacle>, StoreError> {
                let rows: Vec<String> = sqlx::query_scalar(
                    "SELECT state FROM obstacles WHERE merged_into = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading a group"))?;
                rows.iter().map(|r| decode_case(r)).collect()
            }

            async fn list_obstacles(
                &self,
                q: &ObstacleQuery,
            ) -> Result<Vec<Obstacle>, StoreError> {
                let (from, to) = match q.submitted {
                    Some((f, t)) => (Some(f), Some(t)),
                    None => (None, None),
                };
                let rows: Vec<String> = sqlx::query_scalar(&format!(
                    "{SUBTREE}SELECT state FROM obstacles WHERE \
                     (unit_agency = $1 OR owner_agency = $1 OR unit_agency IN (SELECT id FROM sub) \
                      OR owner_agency IN (SELECT id FROM sub) \
                      OR ((watcher_agency = $1 OR watcher_agency IN (SELECT id FROM sub)) AND due_key < $2)) \
                     AND (CAST($3 AS TEXT) IS NULL OR status = $3) \
                     AND (CAST($4 AS TEXT) IS NULL OR category = $4) \
                     AND ($5 IS NULL OR submitted_at >= $5) AND ($6 IS NULL OR submitted_at < $6) \
                     ORDER BY due_key, id LIMIT $7"
                ))
                .bind(&q.scope)
                .bind(q.now_key)
                .bind(&q.status)
                .bind(&q.category)
                .bind(from)
                .bind(to)
                .bind(i64::from(q.limit))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "listing obstacles"))?;
                rows.iter().map(|r| decode_case(r)).collect()
            }

            async fn obstacle_histories(
                &self,
                scope: &str,
            ) -> Result<Vec<(String, Vec<ObstacleEvent>)>, StoreError> {
                let rows = sqlx::query(&format!(
                    "{SUBTREE}SELECT e.id, e.event FROM obstacle_events e WHERE e.id IN ( \
                     SELECT o.id FROM obstacles o WHERE o.unit_agency = $1 OR o.owner_agency = $1 \
                     OR o.unit_agency IN (SELECT id FROM sub) \
                     OR o.owner_agency IN (SELECT id FROM sub)) ORDER BY e.id, e.version"
                ))
                .bind(scope)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading obstacle histories"))?;
                let mut out: Vec<(String, Vec<ObstacleEvent>)> = Vec::new();
                for row in &rows {
                    let id: String = row.try_get("id").map_err(|e| other(e, "id"))?;
                    let text: String = row.try_get("event").map_err(|e| other(e, "event"))?;
                    let event = decode_event(&text)?;
                    match out.last_mut() {
                        Some((last, events)) if *last == id => events.push(event),
                        _ => out.push((id, vec![event])),
                    }
                }
                Ok(out)
            }

            async fn group_candidates(
                &self,
                category: &str,
                limit: u32,
            ) -> Result<Vec<(String, String)>, StoreError> {
                let rows = sqlx::query(
                    "SELECT id, text_folded FROM obstacles WHERE category = $1 \
                     AND status IN ('submitted', 'received', 'escalated', 'answered') \
                     ORDER BY id LIMIT $2",
                )
                .bind(category)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "listing group candidates"))?;
                rows.iter()
                    .map(|r| {
                        Ok((
                            r.try_get("id").map_err(|e| other(e, "id"))?,
                            r.try_get("text_folded").map_err(|e| other(e, "text_folded"))?,
                        ))
                    })
                    .collect()
            }

            async fn procedure_figures(
                &self,
                unit: &str,
                procedure: &str,
                now_key: i64,
            ) -> Result<ProcedureFigures, StoreError> {
                let running = crate::dialect::CLOCK_RUNNING;
                let row = sqlx::query(&format!(
                    "{SUBTREE}SELECT COUNT(*) AS open, \
                     COALESCE(SUM(CASE WHEN {running} AND due_key < $3 THEN 1 ELSE 0 END), 0) AS overdue, \
                     COALESCE(SUM(CASE WHEN {running} THEN 0 ELSE 1 END), 0) AS paused \
                     FROM dossiers WHERE procedure_code = $2 \
                     AND status IN ('submitted', 'received', 'processing', 'awaiting_supplement', 'awaiting_payment') \
                     AND (receiving_unit IN (SELECT id FROM sub) OR current_agency IN (SELECT id FROM sub))"
                ))
                .bind(unit)
                .bind(procedure)
                .bind(now_key)
                .fetch_one(&self.pool)
                .await
                .map_err(|e| other(e, "counting dossiers of a procedure"))?;
                let n = |c: &'static str| -> Result<u64, StoreError> {
                    let v: i64 = row.try_get(c).map_err(|e| other(e, c))?;
                    Ok(u64::try_from(v).unwrap_or(0))
                };
                Ok(ProcedureFigures {
                    open: n("open")?,
                    overdue: n("overdue")?,
                    paused: n("paused")?,
                })
            }
        }
    };
}
