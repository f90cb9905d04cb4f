//! The unit registry: reference units and lineage, search, and the 2025–2026 change sets; the bulk inserts of a reference load are each engine's own (`bulk`).

/// Stamps `impl UnitStore for crate::Engine`; the invoking module also
/// defines `mod bulk` with `insert_units` and `insert_lineage`: the unit registry: reference units and lineage, search, and the 2025–2026 change sets; the bulk inserts of a reference load are each engine's own (`bulk`).
#[macro_export]
macro_rules! unit_store {
    () => {
        use async_trait::async_trait;
        use chrono::NaiveDate;
        use motcua_app::StoreError;
        use motcua_app::ports::rows::{ChangeRow, LineageRow, UnitRow, word_prefix_pattern};
        use motcua_app::ports::{
            AppliedChange, ApplyReport, LoadReport, ReferenceUnits, UnitFilter, UnitPage, UnitStore,
        };
        use motcua_domain::text::fold;
        use motcua_domain::unit::{AdministrativeUnit, Era, LineageLink, UnitChange, UnitCode};
        use sqlx::{QueryBuilder, Row};

        use crate::{Db, Engine, EngineConnection, EngineRow, other};

        const UNIT_COLUMNS: &str = "era, code, name, short_name, unit_type, level, parent_code, province_code, valid_from, valid_to";
        const LINEAGE_COLUMNS: &str = "old_code, old_level, old_name, old_district_code, old_province_code, \
             new_code, new_name, new_province_code, partial, targets, default_target";
        const CHANGE_COLUMNS: &str = "code, level, name_before, type_before, name_after, type_after, \
             legal_basis, effective_on, applied_at";

        fn unit_row(row: &EngineRow) -> Result<AdministrativeUnit, StoreError> {
            let get = |c: &'static str| row.try_get::<String, _>(c).map_err(|e| other(e, c));
            let date = |c: &'static str| {
                row.try_get::<Option<NaiveDate>, _>(c)
                    .map(|d| d.map(|d| d.to_string()))
                    .map_err(|e| other(e, c))
            };
            let r = UnitRow {
                era: get("era")?,
                code: get("code")?,
                name: get("name")?,
                short_name: get("short_name")?,
                unit_type: get("unit_type")?,
                level: get("level")?,
                parent_code: row
                    .try_get("parent_code")
                    .map_err(|e| other(e, "units.parent_code"))?,
                province_code: get("province_code")?,
                valid_from: date("valid_from")?,
                valid_to: date("valid_to")?,
            };
            r.into_domain().map_err(StoreError::Other)
        }

        fn lineage_row(row: &EngineRow) -> Result<LineageLink, StoreError> {
            let get = |c: &'static str| row.try_get::<String, _>(c).map_err(|e| other(e, c));
            let r = LineageRow {
                old_code: get("old_code")?,
                old_level: get("old_level")?,
                old_name: get("old_name")?,
                old_district_code: get("old_district_code")?,
                old_province_code: get("old_province_code")?,
                new_code: get("new_code")?,
                new_name: get("new_name")?,
                new_province_code: get("new_province_code")?,
                partial: row.try_get("partial").map_err(|e| other(e, "partial"))?,
                targets: row
                    .try_get::<i32, _>("targets")
                    .map(i64::from)
                    .map_err(|e| other(e, "targets"))?,
                default_target: row
                    .try_get("default_target")
                    .map_err(|e| other(e, "default_target"))?,
            };
            r.into_domain().map_err(StoreError::Other)
        }

        fn change_row(row: &EngineRow) -> Result<AppliedChange, StoreError> {
            let get = |c: &'static str| row.try_get::<String, _>(c).map_err(|e| other(e, c));
            ChangeRow {
                code: get("code")?,
                level: get("level")?,
                name_before: get("name_before")?,
                type_before: get("type_before")?,
                name_after: get("name_after")?,
                type_after: get("type_after")?,
                legal_basis: get("legal_basis")?,
                effective_on: row
                    .try_get::<NaiveDate, _>("effective_on")
                    .map_err(|e| other(e, "effective_on"))?
                    .to_string(),
                applied_at: row
                    .try_get("applied_at")
                    .map_err(|e| other(e, "applied_at"))?,
            }
            .into_domain()
            .map_err(StoreError::Other)
        }

        /// Writes one change onto the current unit; the caller has recorded it.
        async fn write_change(
            conn: &mut EngineConnection,
            c: &UnitChange,
        ) -> Result<(), StoreError> {
            sqlx::query(
                "UPDATE units SET name = $1, short_name = $2, name_folded = $3, unit_type = $4 \
                 WHERE era = 'current' AND code = $5",
            )
            .bind(&c.name_after)
            .bind(c.short_name_after())
            .bind(fold(&c.name_after))
            .bind(c.type_after.as_str())
            .bind(c.code.as_str())
            .execute(conn)
            .await
            .map_err(|e| other(e, "updating a changed unit"))?;
            Ok(())
        }

        fn push_filter<'a>(qb: &mut QueryBuilder<'a, Db>, f: &'a UnitFilter) {
            qb.push(" WHERE era = ").push_bind(f.era.as_str());
            if let Some(level) = f.level {
                qb.push(" AND level = ").push_bind(level.as_str());
            }
            if let Some(t) = f.unit_type {
                qb.push(" AND unit_type = ").push_bind(t.as_str());
            }
            if let Some(p) = &f.parent {
                qb.push(" AND parent_code = ").push_bind(p.as_str());
            }
            if let Some(q) = &f.query_folded {
                qb.push(" AND (' ' || name_folded LIKE ")
                    .push_bind(word_prefix_pattern(q))
                    .push(" ESCAPE '\\'");
                qb.push(" OR code = ").push_bind(q.as_str()).push(")");
            }
        }

        #[async_trait]
        impl UnitStore for Engine {
            async fn load_reference(
                &self,
                data: &ReferenceUnits,
            ) -> Result<LoadReport, StoreError> {
                let mut tx = self.begin_write().await?;
                crate::dialect::serialise(&mut tx, $crate::UNITS_LOCK).await?;
                let loaded: Option<String> =
                    sqlx::query_scalar("SELECT value FROM meta WHERE key = 'units_version'")
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(|e| other(e, "reading units_version"))?;
                if loaded.as_deref() == Some(data.version.as_str()) {
                    return Ok(LoadReport {
                        loaded: false,
                        units: 0,
                        links: 0,
                    });
                }
                // DELETE rather than TRUNCATE: readers keep seeing the old rows
                // until the commit instead of waiting on an exclusive lock.
                for table in ["unit_lineage", "units"] {
                    sqlx::query(&format!("DELETE FROM {table}"))
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| other(e, "clearing reference tables"))?;
                }
                bulk::insert_units(&mut tx, &data.units).await?;
                bulk::insert_lineage(&mut tx, &data.lineage).await?;
                let recorded = sqlx::query(&format!(
                    "SELECT {CHANGE_COLUMNS} FROM unit_changes ORDER BY effective_on, code"
                ))
                .fetch_all(&mut *tx)
                .await
                .map_err(|e| other(e, "reading recorded changes"))?;
                for row in &recorded {
                    write_change(&mut tx, &change_row(row)?.change).await?;
                }
                sqlx::query(
                    "INSERT INTO meta (key, value) VALUES ('units_version', $1) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(&data.version)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "writing units_version"))?;
                tx.commit()
                    .await
                    .map_err(|e| other(e, "commit reference units"))?;
                Ok(LoadReport {
                    loaded: true,
                    units: data.units.len(),
                    links: data.lineage.len(),
                })
            }

            async fn list_units(&self, f: &UnitFilter) -> Result<UnitPage, StoreError> {
                let mut count: QueryBuilder<Db> = QueryBuilder::new("SELECT COUNT(*) FROM units");
                push_filter(&mut count, f);
                let total: i64 = count
                    .build_query_scalar()
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| other(e, "counting units"))?;
                let mut qb: QueryBuilder<Db> =
                    QueryBuilder::new(format!("SELECT {UNIT_COLUMNS} FROM units"));
                push_filter(&mut qb, f);
                match &f.query_folded {
                    Some(q) => {
                        let ends_with = word_prefix_pattern(q);
                        let ends_with = ends_with.strip_suffix('%').unwrap_or(&ends_with);
                        qb.push(" ORDER BY CASE WHEN code = ").push_bind(q.as_str());
                        qb.push(" THEN 0 WHEN name_folded LIKE ")
                            .push_bind(ends_with.to_owned())
                            .push(" ESCAPE '\\' THEN 1 ELSE 2 END, level DESC, code");
                    }
                    None => {
                        qb.push(" ORDER BY code");
                    }
                }
                qb.push(" LIMIT ")
                    .push_bind(i64::from(f.limit))
                    .push(" OFFSET ")
                    .push_bind(i64::from(f.offset));
                let rows = qb
                    .build()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| other(e, "listing units"))?;
                let items = rows.iter().map(unit_row).collect::<Result<_, _>>()?;
                Ok(UnitPage {
                    items,
                    total: u64::try_from(total).unwrap_or_default(),
                })
            }

            async fn get_unit(
                &self,
                era: Era,
                code: &UnitCode,
            ) -> Result<Option<AdministrativeUnit>, StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {UNIT_COLUMNS} FROM units WHERE era = $1 AND code = $2"
                ))
                .bind(era.as_str())
                .bind(code.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading a unit"))?;
                row.as_ref().map(unit_row).transpose()
            }

            async fn count_children(&self, era: Era, code: &UnitCode) -> Result<u64, StoreError> {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM units WHERE era = $1 AND parent_code = $2",
                )
                .bind(era.as_str())
                .bind(code.as_str())
                .fetch_one(&self.pool)
                .await
                .map_err(|e| other(e, "counting children"))?;
                Ok(u64::try_from(n).unwrap_or_default())
            }

            async fn successors(
                &self,
                old_code: &UnitCode,
            ) -> Result<Vec<LineageLink>, StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {LINEAGE_COLUMNS} FROM unit_lineage WHERE old_code = $1 ORDER BY new_code"
                ))
                .bind(old_code.as_str())
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading successors"))?;
                rows.iter().map(lineage_row).collect()
            }

            async fn predecessors(
                &self,
                new_code: &UnitCode,
            ) -> Result<Vec<LineageLink>, StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {LINEAGE_COLUMNS} FROM unit_lineage WHERE new_code = $1 ORDER BY old_code"
                ))
                .bind(new_code.as_str())
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading predecessors"))?;
                rows.iter().map(lineage_row).collect()
            }

            async fn apply_changes(
                &self,
                changes: &[UnitChange],
            ) -> Result<ApplyReport, StoreError> {
                let mut tx = self.begin_write().await?;
                crate::dialect::serialise(&mut tx, $crate::UNITS_LOCK).await?;
                let mut report = ApplyReport::default();
                // A bookkeeping stamp (when the row was written), from the store's clock
                // (the app's, set at construction; ADR 0028).
                let now = self.clock.now();
                for c in changes {
                    let inserted = sqlx::query(&format!(
                        "INSERT INTO unit_changes ({CHANGE_COLUMNS}) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                         ON CONFLICT (code, legal_basis) DO NOTHING"
                    ))
                    .bind(c.code.as_str())
                    .bind(c.level.as_str())
                    .bind(&c.name_before)
                    .bind(c.type_before.as_str())
                    .bind(&c.name_after)
                    .bind(c.type_after.as_str())
                    .bind(&c.legal_basis)
                    .bind(c.effective_on)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| other(e, "recording a unit change"))?
                    .rows_affected();
                    if inserted == 0 {
                        report.already_applied += 1;
                    } else {
                        write_change(&mut tx, c).await?;
                        report.applied += 1;
                    }
                }
                tx.commit()
                    .await
                    .map_err(|e| other(e, "commit unit changes"))?;
                Ok(report)
            }

            async fn changes_of(&self, code: &UnitCode) -> Result<Vec<AppliedChange>, StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {CHANGE_COLUMNS} FROM unit_changes WHERE code = $1 ORDER BY effective_on, legal_basis"
                ))
                .bind(code.as_str())
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading unit changes"))?;
                rows.iter().map(change_row).collect()
            }

            async fn recorded_changes(&self) -> Result<Vec<AppliedChange>, StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {CHANGE_COLUMNS} FROM unit_changes ORDER BY effective_on, code, legal_basis"
                ))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading recorded changes"))?;
                rows.iter().map(change_row).collect()
            }
        }
    };
}
