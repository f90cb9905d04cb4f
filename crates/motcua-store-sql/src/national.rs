//! The national hub's index.

/// Stamps `impl NationalStore for crate::Engine`: the national hub's index.
#[macro_export]
macro_rules! national_store {
    () => {
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use motcua_app::StoreError;
        use motcua_app::ports::national::{
            IngestReport, NationalEventRow, NationalObstacleRow, NationalStore, ProvinceTotals,
        };
        use sqlx::Row;

        use crate::{Engine, other};

        #[async_trait]
        impl NationalStore for Engine {
            async fn ingest_national(
                &self,
                rows: &[NationalEventRow],
            ) -> Result<IngestReport, StoreError> {
                let mut tx = self.begin_write().await?;
                let mut report = IngestReport::default();
                for r in rows {
                    let new = sqlx::query(
                        "INSERT INTO national_events (event_id, province, code, event_type, received_at) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING",
                    )
                    .bind(&r.event_id)
                    .bind(&r.province)
                    .bind(&r.code)
                    .bind(&r.event_type)
                    .bind(r.received_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| other(e, "recording a national event"))?
                    .rows_affected()
                        == 1;
                    if !new {
                        report.duplicates += 1;
                        continue;
                    }
                    report.accepted += 1;
                    sqlx::query(
                        "INSERT INTO national_dossiers (province, code, version, procedure_code, \
                           receiving_agency, deciding_agency, commune, status, portal_status, channel, \
                           started_at, due_at, finished_at, on_time, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                         ON CONFLICT (province, code) DO UPDATE SET version = excluded.version, \
                           procedure_code = excluded.procedure_code, \
                           receiving_agency = excluded.receiving_agency, \
                           deciding_agency = excluded.deciding_agency, commune = excluded.commune, \
                           status = excluded.status, portal_status = excluded.portal_status, \
                           channel = excluded.channel, started_at = excluded.started_at, \
                           due_at = excluded.due_at, finished_at = excluded.finished_at, \
                           on_time = excluded.on_time, updated_at = excluded.updated_at \
                         WHERE national_dossiers.version < excluded.version",
                    )
                    .bind(&r.province)
                    .bind(&r.code)
                    .bind(i64::try_from(r.version).unwrap_or(i64::MAX))
                    .bind(&r.procedure_code)
                    .bind(&r.receiving_agency)
                    .bind(&r.deciding_agency)
                    .bind(&r.commune)
                    .bind(&r.status)
                    .bind(i16::from(r.portal_status))
                    .bind(i16::from(r.channel))
                    .bind(r.started_at)
                    .bind(r.due_at)
                    .bind(r.finished_at)
                    .bind(r.on_time)
                    .bind(r.received_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| other(e, "indexing a national dossier"))?;
                }
                tx.commit().await.map_err(|e| other(e, "commit"))?;
                Ok(report)
            }

            async fn national_totals(
                &self,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> Result<Vec<ProvinceTotals>, StoreError> {
                let rows = sqlx::query(
                    "WITH d AS (SELECT province, COUNT(*) AS dossiers, \
                       COUNT(*) FILTER (WHERE channel = 2) AS online, \
                       COUNT(*) FILTER (WHERE finished_at IS NOT NULL) AS finished, \
                       COUNT(*) FILTER (WHERE finished_at IS NOT NULL AND on_time) AS on_time \
                       FROM national_dossiers WHERE started_at >= $1 AND started_at < $2 GROUP BY province), \
                     e AS (SELECT province, COUNT(*) AS events FROM national_events GROUP BY province) \
                     SELECT e.province, COALESCE(d.dossiers, 0), COALESCE(d.online, 0), \
                       COALESCE(d.finished, 0), COALESCE(d.on_time, 0), e.events \
                     FROM e LEFT JOIN d ON d.province = e.province ORDER BY e.province",
                )
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "national totals"))?;
                rows.iter()
                    .map(|r| {
                        let n = |i: usize| -> Result<u64, StoreError> {
                            let v: i64 = r.try_get(i).map_err(|e| other(e, "total"))?;
                            Ok(u64::try_from(v).unwrap_or(0))
                        };
                        Ok(ProvinceTotals {
                            province: r.try_get(0).map_err(|e| other(e, "province"))?,
                            dossiers: n(1)?,
                            online: n(2)?,
                            finished: n(3)?,
                            on_time: n(4)?,
                            events: n(5)?,
                        })
                    })
                    .collect()
            }

            async fn ingest_national_obstacles(
                &self,
                rows: &[NationalObstacleRow],
            ) -> Result<IngestReport, StoreError> {
                let mut tx = self.begin_write().await?;
                let mut report = IngestReport::default();
                for r in rows {
                    let new = sqlx::query(
                        "INSERT INTO national_events (event_id, province, code, event_type, received_at) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING",
                    )
                    .bind(&r.event_id)
                    .bind(&r.province)
                    .bind(&r.id)
                    .bind(format!("obstacle.{}", r.event_type))
                    .bind(r.received_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| other(e, "recording a national obstacle event"))?
                    .rows_affected()
                        == 1;
                    if !new {
                        report.duplicates += 1;
                        continue;
                    }
                    report.accepted += 1;
                    sqlx::query(
                        "INSERT INTO national_obstacles (province, id, version, event_id, event_type, \
                           category, status, title, unit_agency, unit_name, commune, owner_agency, \
                           owner_name, owner_level, submitted_at, due_at, answered_at, received_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
                         ON CONFLICT (province, id) DO UPDATE SET version = excluded.version, \
                           event_id = excluded.event_id, event_type = excluded.event_type, \
                           category = excluded.category, status = excluded.status, \
                           title = excluded.title, unit_agency = excluded.unit_agency, \
                           unit_name = excluded.unit_name, commune = excluded.commune, \
                           owner_agency = excluded.owner_agency, owner_name = excluded.owner_name, \
                           owner_level = excluded.owner_level, submitted_at = excluded.submitted_at, \
                           due_at = excluded.due_at, answered_at = excluded.answered_at, \
                           received_at = excluded.received_at \
                         WHERE national_obstacles.version < excluded.version",
                    )
                    .bind(&r.province)
                    .bind(&r.id)
                    .bind(i64::try_from(r.version).unwrap_or(i64::MAX))
                    .bind(&r.event_id)
                    .bind(&r.event_type)
                    .bind(&r.category)
                    .bind(&r.status)
                    .bind(&r.title)
                    .bind(&r.unit_agency)
                    .bind(&r.unit_name)
                    .bind(&r.commune)
                    .bind(&r.owner_agency)
                    .bind(&r.owner_name)
                    .bind(&r.owner_level)
                    .bind(r.submitted_at)
                    .bind(r.due_at)
                    .bind(r.answered_at)
                    .bind(r.received_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| other(e, "indexing a national obstacle"))?;
                }
                tx.commit().await.map_err(|e| other(e, "commit"))?;
                Ok(report)
            }

            async fn national_open_obstacles(
                &self,
            ) -> Result<Vec<NationalObstacleRow>, StoreError> {
                let rows = sqlx::query(
                    "SELECT event_id, province, id, version, event_type, category, status, title, \
                       unit_agency, unit_name, commune, owner_agency, owner_name, owner_level, \
                       submitted_at, due_at, answered_at, received_at \
                     FROM national_obstacles \
                     WHERE status NOT IN ('answered', 'resolved', 'merged', 'drafted') \
                     ORDER BY submitted_at, province, id",
                )
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "national obstacles"))?;
                rows.iter()
                    .map(|r| {
                        let g = |e: sqlx::Error| other(e, "national obstacle");
                        let version: i64 = r.try_get(3).map_err(g)?;
                        Ok(NationalObstacleRow {
                            event_id: r.try_get(0).map_err(g)?,
                            province: r.try_get(1).map_err(g)?,
                            id: r.try_get(2).map_err(g)?,
                            version: u64::try_from(version).unwrap_or(0),
                            event_type: r.try_get(4).map_err(g)?,
                            category: r.try_get(5).map_err(g)?,
                            status: r.try_get(6).map_err(g)?,
                            title: r.try_get(7).map_err(g)?,
                            unit_agency: r.try_get(8).map_err(g)?,
                            unit_name: r.try_get(9).map_err(g)?,
                            commune: r.try_get(10).map_err(g)?,
                            owner_agency: r.try_get(11).map_err(g)?,
                            owner_name: r.try_get(12).map_err(g)?,
                            owner_level: r.try_get(13).map_err(g)?,
                            submitted_at: r.try_get(14).map_err(g)?,
                            due_at: r.try_get(15).map_err(g)?,
                            answered_at: r.try_get(16).map_err(g)?,
                            received_at: r.try_get(17).map_err(g)?,
                        })
                    })
                    .collect()
            }
        }
    };
}
