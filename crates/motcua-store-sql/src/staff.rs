//! Staff registry, unit statistics and classifications, and the workload
//! aggregates over dossier events (issue 17).

/// Stamps `impl StaffStore for crate::Engine`. The engine gives the few
/// fragments where the dialects differ: the Vietnam-time day (`YYYY-MM-DD`
/// text) and minute of day of `e.at`, and the period tests of `e.at` and
/// `d.submitted_at` against `$2` (from) and `$3` (to).
#[macro_export]
macro_rules! staff_store {
    (
        local_day = $local_day:expr,
        local_minute = $local_minute:expr,
        events_in_period = $events_in_period:expr,
        dossiers_in_period = $dossiers_in_period:expr $(,)?
    ) => {
        use async_trait::async_trait;
        use chrono::{DateTime, NaiveDate, Utc};
        use motcua_app::StoreError;
        use motcua_app::ports::staff::{
            ActionGroup, ActionSpan, ClassificationRecord, FieldCount, HandledCount, StaffStore,
            UnitStatistic, WorkloadQuery,
        };
        use motcua_domain::staff::{
            PositionGroup, Secondment, SecondmentDirection, StaffMember,
        };
        use sqlx::Row;

        use crate::{Engine, other};

        /// The agency `$1` and every agency below it (12 levels at most).
        const STAFF_SUBTREE: &str = "WITH RECURSIVE sub (id, depth) AS ( \
             SELECT id, 0 FROM agencies WHERE id = $1 \
             UNION SELECT a.id, sub.depth + 1 FROM agencies a \
             JOIN sub ON a.parent_id = sub.id WHERE sub.depth < 12) ";

        /// The scope's dossiers with their unit code and field.
        const SCOPED_DOSSIERS: &str = "FROM dossiers d \
             JOIN agencies a ON a.id = d.receiving_unit \
             JOIN sub ON sub.id = a.id \
             LEFT JOIN procedure_versions p ON p.code = d.procedure_code \
             AND p.version = d.procedure_version ";

        fn count(v: i64) -> u64 {
            u64::try_from(v).unwrap_or(0)
        }

        fn window_case(windows: &[(u32, u32)]) -> String {
            if windows.is_empty() {
                return "0".to_owned();
            }
            let tests: Vec<String> = windows
                .iter()
                .map(|(s, e)| format!("(m >= {s} AND m < {e})"))
                .collect();
            format!("CASE WHEN {} THEN 1 ELSE 0 END", tests.join(" OR "))
        }

        fn member(
            r: &crate::EngineRow,
            tags: &std::collections::BTreeMap<String, Vec<String>>,
        ) -> Result<StaffMember, StoreError> {
            let id: String = r.try_get("id").map_err(|e| other(e, "staff id"))?;
            let group: String = r
                .try_get("position_group")
                .map_err(|e| other(e, "position_group"))?;
            let direction: Option<String> = r
                .try_get("secondment")
                .map_err(|e| other(e, "secondment"))?;
            let from: Option<NaiveDate> = r
                .try_get("secondment_from")
                .map_err(|e| other(e, "secondment_from"))?;
            let secondment = match (direction.as_deref(), from) {
                (Some(d), Some(from)) => Some(Secondment {
                    direction: if d == "in" {
                        SecondmentDirection::In
                    } else {
                        SecondmentDirection::Out
                    },
                    agency: r
                        .try_get::<Option<String>, _>("secondment_agency")
                        .map_err(|e| other(e, "secondment_agency"))?
                        .unwrap_or_default(),
                    from,
                    to: r
                        .try_get("secondment_to")
                        .map_err(|e| other(e, "secondment_to"))?,
                }),
                _ => None,
            };
            Ok(StaffMember {
                expertise: tags.get(&id).cloned().unwrap_or_default(),
                unit_agency: r.try_get("unit_agency").map_err(|e| other(e, "unit_agency"))?,
                full_name: r.try_get("full_name").map_err(|e| other(e, "full_name"))?,
                account: r.try_get("account").map_err(|e| other(e, "account"))?,
                position_group: PositionGroup::parse(&group).ok_or_else(|| {
                    StoreError::Other(anyhow::anyhow!("unknown position group {group}"))
                })?,
                position: r.try_get("position").map_err(|e| other(e, "position"))?,
                department: r.try_get("department").map_err(|e| other(e, "department"))?,
                employment: r.try_get("employment").map_err(|e| other(e, "employment"))?,
                qualifications: r
                    .try_get("qualifications")
                    .map_err(|e| other(e, "qualifications"))?,
                secondment,
                id,
            })
        }

        fn record(r: &crate::EngineRow) -> Result<ClassificationRecord, StoreError> {
            let sheet: String = r.try_get("sheet").map_err(|e| other(e, "sheet"))?;
            Ok(ClassificationRecord {
                unit_code: r.try_get("unit_code").map_err(|e| other(e, "unit_code"))?,
                computed_at: r.try_get("computed_at").map_err(|e| other(e, "computed_at"))?,
                rule_set: r.try_get("rule_set").map_err(|e| other(e, "rule_set"))?,
                result: r.try_get("result").map_err(|e| other(e, "result"))?,
                actor: r.try_get("actor").map_err(|e| other(e, "actor"))?,
                sheet: serde_json::from_str(&sheet).map_err(|e| other(e, "decoding a sheet"))?,
            })
        }

        #[async_trait]
        impl StaffStore for Engine {
            async fn save_staff(
                &self,
                members: &[StaffMember],
                at: DateTime<Utc>,
            ) -> Result<u64, StoreError> {
                let mut tx = self.begin_write().await?;
                for m in members {
                    let s = m.secondment.as_ref();
                    sqlx::query("DELETE FROM staff_expertise WHERE staff_id = $1")
                        .bind(&m.id)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| other(e, "clearing expertise"))?;
                    sqlx::query(
                        "INSERT INTO staff_members (id, unit_agency, full_name, account, \
                         position_group, position, department, employment, qualifications, \
                         secondment, secondment_agency, secondment_from, secondment_to, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                         ON CONFLICT (id) DO UPDATE SET unit_agency = excluded.unit_agency, \
                         full_name = excluded.full_name, account = excluded.account, \
                         position_group = excluded.position_group, position = excluded.position, \
                         department = excluded.department, employment = excluded.employment, \
                         qualifications = excluded.qualifications, secondment = excluded.secondment, \
                         secondment_agency = excluded.secondment_agency, \
                         secondment_from = excluded.secondment_from, \
                         secondment_to = excluded.secondment_to, updated_at = excluded.updated_at",
                    )
                    .bind(&m.id)
                    .bind(&m.unit_agency)
                    .bind(&m.full_name)
                    .bind(&m.account)
                    .bind(m.position_group.as_str())
                    .bind(&m.position)
                    .bind(&m.department)
                    .bind(&m.employment)
                    .bind(&m.qualifications)
                    .bind(s.map(|x| match x.direction {
                        SecondmentDirection::In => "in",
                        SecondmentDirection::Out => "out",
                    }))
                    .bind(s.map(|x| x.agency.clone()))
                    .bind(s.map(|x| x.from))
                    .bind(s.and_then(|x| x.to))
                    .bind(at)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| other(e, "saving a staff member"))?;
                    for tag in &m.expertise {
                        sqlx::query("INSERT INTO staff_expertise (staff_id, tag) VALUES ($1, $2)")
                            .bind(&m.id)
                            .bind(tag)
                            .execute(&mut *tx)
                            .await
                            .map_err(|e| other(e, "saving expertise"))?;
                    }
                }
                tx.commit().await.map_err(|e| other(e, "committing staff"))?;
                Ok(members.len() as u64)
            }

            async fn list_staff(&self, root: &str) -> Result<Vec<StaffMember>, StoreError> {
                let tag_rows = sqlx::query(&format!(
                    "{STAFF_SUBTREE}SELECT x.staff_id, x.tag FROM staff_expertise x \
                     JOIN staff_members s ON s.id = x.staff_id \
                     WHERE s.unit_agency IN (SELECT id FROM sub) OR s.unit_agency = $1 \
                     ORDER BY x.staff_id, x.tag"
                ))
                .bind(root)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "listing expertise"))?;
                let mut tags: std::collections::BTreeMap<String, Vec<String>> = Default::default();
                for r in &tag_rows {
                    let id: String = r.try_get("staff_id").map_err(|e| other(e, "staff_id"))?;
                    let tag: String = r.try_get("tag").map_err(|e| other(e, "tag"))?;
                    tags.entry(id).or_default().push(tag);
                }
                let rows = sqlx::query(&format!(
                    "{STAFF_SUBTREE}SELECT * FROM staff_members s \
                     WHERE s.unit_agency IN (SELECT id FROM sub) OR s.unit_agency = $1 \
                     ORDER BY s.unit_agency, s.id"
                ))
                .bind(root)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "listing staff"))?;
                rows.iter().map(|r| member(r, &tags)).collect()
            }

            async fn agency_units(&self, root: &str) -> Result<Vec<(String, String)>, StoreError> {
                let rows = sqlx::query(&format!(
                    "{STAFF_SUBTREE}SELECT a.id, a.unit_code FROM agencies a \
                     JOIN sub ON sub.id = a.id ORDER BY a.id"
                ))
                .bind(root)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "listing agencies"))?;
                rows.iter()
                    .map(|r| {
                        Ok((
                            r.try_get("id").map_err(|e| other(e, "id"))?,
                            r.try_get("unit_code").map_err(|e| other(e, "unit_code"))?,
                        ))
                    })
                    .collect()
            }

            async fn save_unit_statistics(&self, rows: &[UnitStatistic]) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                for s in rows {
                    sqlx::query(
                        "INSERT INTO unit_statistics (unit_code, name, value, source, as_of) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (unit_code, name) DO UPDATE \
                         SET value = excluded.value, source = excluded.source, as_of = excluded.as_of",
                    )
                    .bind(&s.unit_code)
                    .bind(&s.name)
                    .bind(&s.value)
                    .bind(&s.source)
                    .bind(s.as_of)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| other(e, "saving a statistic"))?;
                }
                tx.commit().await.map_err(|e| other(e, "committing statistics"))
            }

            async fn unit_statistics(
                &self,
                unit_code: &str,
            ) -> Result<Vec<UnitStatistic>, StoreError> {
                let rows = sqlx::query(
                    "SELECT unit_code, name, value, source, as_of FROM unit_statistics \
                     WHERE unit_code = $1 ORDER BY name",
                )
                .bind(unit_code)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading statistics"))?;
                rows.iter()
                    .map(|r| {
                        Ok(UnitStatistic {
                            unit_code: r.try_get("unit_code").map_err(|e| other(e, "unit_code"))?,
                            name: r.try_get("name").map_err(|e| other(e, "name"))?,
                            value: r.try_get("value").map_err(|e| other(e, "value"))?,
                            source: r.try_get("source").map_err(|e| other(e, "source"))?,
                            as_of: r.try_get("as_of").map_err(|e| other(e, "as_of"))?,
                        })
                    })
                    .collect()
            }

            async fn save_classification(
                &self,
                c: &ClassificationRecord,
            ) -> Result<(), StoreError> {
                let sheet = serde_json::to_string(&c.sheet).map_err(|e| other(e, "encoding a sheet"))?;
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO unit_classifications (unit_code, computed_at, rule_set, result, \
                     actor, sheet) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (unit_code, computed_at) DO UPDATE SET rule_set = excluded.rule_set, \
                     result = excluded.result, actor = excluded.actor, sheet = excluded.sheet",
                )
                .bind(&c.unit_code)
                .bind(c.computed_at)
                .bind(&c.rule_set)
                .bind(&c.result)
                .bind(&c.actor)
                .bind(&sheet)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "saving a classification"))?;
                tx.commit().await.map_err(|e| other(e, "committing a classification"))
            }

            async fn last_classification(
                &self,
                unit_code: &str,
            ) -> Result<Option<ClassificationRecord>, StoreError> {
                let row = sqlx::query(
                    "SELECT * FROM unit_classifications WHERE unit_code = $1 \
                     ORDER BY computed_at DESC LIMIT 1",
                )
                .bind(unit_code)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading a classification"))?;
                row.as_ref().map(record).transpose()
            }

            async fn action_groups(
                &self,
                q: &WorkloadQuery,
            ) -> Result<Vec<ActionGroup>, StoreError> {
                let sql = format!(
                    "{STAFF_SUBTREE}SELECT unit_code, field, officer, day, {case} AS in_window, \
                     COUNT(*) AS n FROM (SELECT a.unit_code AS unit_code, COALESCE(p.field_folded, '') AS field, \
                     e.actor AS officer, {day} AS day, {minute} AS m \
                     FROM dossier_events e JOIN dossiers d ON d.code = e.code \
                     JOIN agencies a ON a.id = d.receiving_unit JOIN sub ON sub.id = a.id \
                     LEFT JOIN procedure_versions p ON p.code = d.procedure_code \
                     AND p.version = d.procedure_version \
                     WHERE e.actor LIKE 'officer:%' AND {period}) t \
                     GROUP BY unit_code, field, officer, day, in_window",
                    case = window_case(&q.windows),
                    day = $local_day,
                    minute = $local_minute,
                    period = $events_in_period,
                );
                let rows = sqlx::query(&sql)
                    .bind(&q.root)
                    .bind(q.from)
                    .bind(q.to)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| other(e, "grouping actions"))?;
                rows.iter()
                    .map(|r| {
                        let day: String = r.try_get("day").map_err(|e| other(e, "day"))?;
                        let in_window: i32 = r.try_get("in_window").map_err(|e| other(e, "in_window"))?;
                        Ok(ActionGroup {
                            unit_code: r.try_get("unit_code").map_err(|e| other(e, "unit_code"))?,
                            field: r.try_get("field").map_err(|e| other(e, "field"))?,
                            officer: r.try_get("officer").map_err(|e| other(e, "officer"))?,
                            day: day.parse().map_err(|e| other(e, "action day"))?,
                            in_window: in_window != 0,
                            actions: count(r.try_get("n").map_err(|e| other(e, "n"))?),
                        })
                    })
                    .collect()
            }

            async fn handled_counts(
                &self,
                q: &WorkloadQuery,
            ) -> Result<Vec<HandledCount>, StoreError> {
                let sql = format!(
                    "{STAFF_SUBTREE}SELECT a.unit_code AS unit_code, COALESCE(p.field_folded, '') AS field, \
                     e.actor AS officer, COUNT(DISTINCT e.code) AS n \
                     FROM dossier_events e JOIN dossiers d ON d.code = e.code \
                     JOIN agencies a ON a.id = d.receiving_unit JOIN sub ON sub.id = a.id \
                     LEFT JOIN procedure_versions p ON p.code = d.procedure_code \
                     AND p.version = d.procedure_version \
                     WHERE e.actor LIKE 'officer:%' AND {period} \
                     GROUP BY a.unit_code, COALESCE(p.field_folded, ''), e.actor",
                    period = $events_in_period,
                );
                let rows = sqlx::query(&sql)
                    .bind(&q.root)
                    .bind(q.from)
                    .bind(q.to)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| other(e, "counting handled dossiers"))?;
                rows.iter()
                    .map(|r| {
                        Ok(HandledCount {
                            unit_code: r.try_get("unit_code").map_err(|e| other(e, "unit_code"))?,
                            field: r.try_get("field").map_err(|e| other(e, "field"))?,
                            officer: r.try_get("officer").map_err(|e| other(e, "officer"))?,
                            dossiers: count(r.try_get("n").map_err(|e| other(e, "n"))?),
                        })
                    })
                    .collect()
            }

            async fn field_counts(&self, q: &WorkloadQuery) -> Result<Vec<FieldCount>, StoreError> {
                let sql = format!(
                    "{STAFF_SUBTREE}SELECT a.unit_code AS unit_code, COALESCE(p.field_folded, '') AS field, \
                     COUNT(*) AS n, SUM(CASE WHEN d.counts_late OR \
                     (d.{running} AND d.due_key < $4) THEN 1 ELSE 0 END) AS late \
                     {SCOPED_DOSSIERS} WHERE {period} \
                     GROUP BY a.unit_code, COALESCE(p.field_folded, '')",
                    running = crate::dialect::CLOCK_RUNNING,
                    period = $dossiers_in_period,
                );
                let rows = sqlx::query(&sql)
                    .bind(&q.root)
                    .bind(q.from)
                    .bind(q.to)
                    .bind(q.now_key)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| other(e, "counting dossiers by field"))?;
                rows.iter()
                    .map(|r| {
                        Ok(FieldCount {
                            unit_code: r.try_get("unit_code").map_err(|e| other(e, "unit_code"))?,
                            field: r.try_get("field").map_err(|e| other(e, "field"))?,
                            dossiers: count(r.try_get("n").map_err(|e| other(e, "n"))?),
                            overdue: count(r.try_get("late").map_err(|e| other(e, "late"))?),
                        })
                    })
                    .collect()
            }

            async fn action_spans(&self, q: &WorkloadQuery) -> Result<Vec<ActionSpan>, StoreError> {
                // The previous event of the dossier, whoever's and whenever,
                // then only officers' actions in the period (`e` is the
                // windowed rows, so the engine's period test reads `e.at`).
                let sql = format!(
                    "{STAFF_SUBTREE}SELECT e.unit_code AS unit_code, e.field AS field, \
                     e.officer AS officer, e.prev_at AS prev_at, e.at AS at FROM ( \
                     SELECT a.unit_code AS unit_code, COALESCE(p.field_folded, '') AS field, \
                     ev.actor AS officer, ev.at AS at, \
                     LAG(ev.at) OVER (PARTITION BY ev.code ORDER BY ev.version) AS prev_at \
                     FROM dossier_events ev JOIN dossiers d ON d.code = ev.code \
                     JOIN agencies a ON a.id = d.receiving_unit JOIN sub ON sub.id = a.id \
                     LEFT JOIN procedure_versions p ON p.code = d.procedure_code \
                     AND p.version = d.procedure_version) e \
                     WHERE e.officer LIKE 'officer:%' AND e.prev_at IS NOT NULL AND {period}",
                    period = $events_in_period,
                );
                let rows = sqlx::query(&sql)
                    .bind(&q.root)
                    .bind(q.from)
                    .bind(q.to)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| other(e, "reading action spans"))?;
                rows.iter()
                    .map(|r| {
                        Ok(ActionSpan {
                            unit_code: r.try_get("unit_code").map_err(|e| other(e, "unit_code"))?,
                            field: r.try_get("field").map_err(|e| other(e, "field"))?,
                            officer: r.try_get("officer").map_err(|e| other(e, "officer"))?,
                            from: r.try_get("prev_at").map_err(|e| other(e, "prev_at"))?,
                            at: r.try_get("at").map_err(|e| other(e, "at"))?,
                        })
                    })
                    .collect()
            }
        }
    };
}
