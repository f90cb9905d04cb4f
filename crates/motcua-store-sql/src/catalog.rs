//! The procedure catalog: versioned procedures, in force by date, searched by folded words.

/// Stamps `impl CatalogStore for crate::Engine`: the procedure catalog: versioned procedures, in force by date, searched by folded words.
#[macro_export]
macro_rules! catalog_store {
    () => {
        use async_trait::async_trait;
        use chrono::NaiveDate;
        use motcua_app::StoreError;
        use motcua_app::ports::catalog::{
            CatalogImportReport, CatalogStore, ImportMode, ProcedureFilter, ProcedurePage,
            SearchTerms,
        };
        use motcua_app::ports::rows::{ProcedureRow, word_prefix_pattern};
        use motcua_domain::catalog::{ProcedureCode, ProcedureVersion};
        use motcua_domain::text::fold;
        use sqlx::{QueryBuilder, Row};

        use crate::{Db, Engine, EngineConnection, EngineRow, other};

        use crate::dialect::{JSON_IN, JSON_OUT};

        /// The columns of a stored version, its JSON body read as text.
        fn columns() -> String {
            format!("code, version, body{JSON_OUT} AS body")
        }

        fn version_row(row: &EngineRow) -> Result<ProcedureVersion, StoreError> {
            ProcedureRow {
                code: row.try_get("code").map_err(|e| other(e, "code"))?,
                version: row
                    .try_get::<i32, _>("version")
                    .map(i64::from)
                    .map_err(|e| other(e, "version"))?,
                body: row.try_get("body").map_err(|e| other(e, "body"))?,
            }
            .into_domain()
            .map_err(StoreError::Other)
        }

        fn push_in_force<'a>(qb: &mut QueryBuilder<'a, Db>, f: &'a ProcedureFilter) {
            qb.push(" WHERE valid_from <= ")
                .push_bind(f.on)
                .push(" AND (valid_to IS NULL OR valid_to >= ")
                .push_bind(f.on)
                .push(")");
            if let Some(field) = &f.field_folded {
                qb.push(" AND field_folded = ").push_bind(field.as_str());
            }
        }

        /// `(every word a word prefix of column)`.
        fn push_all_words<'a>(qb: &mut QueryBuilder<'a, Db>, column: &str, words: &'a [String]) {
            qb.push("(");
            for (i, w) in words.iter().enumerate() {
                if i > 0 {
                    qb.push(" AND ");
                }
                qb.push(format!("' ' || {column} LIKE "))
                    .push_bind(word_prefix_pattern(w))
                    .push(" ESCAPE '\\'");
            }
            qb.push(")");
        }

        async fn stored(
            conn: &mut EngineConnection,
            v: &ProcedureVersion,
        ) -> Result<Option<ProcedureVersion>, StoreError> {
            let row = sqlx::query(&format!(
                "SELECT {} FROM procedure_versions WHERE code = $1 AND version = $2",
                columns()
            ))
            .bind(v.procedure.code.as_str())
            .bind(i32::try_from(v.version).unwrap_or(i32::MAX))
            .fetch_optional(conn)
            .await
            .map_err(|e| other(e, "reading a stored procedure version"))?;
            row.as_ref().map(version_row).transpose()
        }

        async fn write(
            conn: &mut EngineConnection,
            v: &ProcedureVersion,
            replace: bool,
            imported_at: chrono::DateTime<chrono::Utc>,
        ) -> Result<(), StoreError> {
            let row = ProcedureRow::from_domain(v).map_err(StoreError::Other)?;
            let on_conflict = if replace {
                " ON CONFLICT (code, version) DO UPDATE SET valid_from = excluded.valid_from, \
                 valid_to = excluded.valid_to, name = excluded.name, name_folded = excluded.name_folded, \
                 field_folded = excluded.field_folded, body = excluded.body, imported_at = excluded.imported_at"
            } else {
                ""
            };
            sqlx::query(&format!(
                "INSERT INTO procedure_versions (code, version, valid_from, valid_to, name, name_folded, \
                 field_folded, body, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8{JSON_IN}, $9){on_conflict}"
            ))
            .bind(&row.code)
            .bind(i32::try_from(row.version).map_err(|e| other(e, "version out of range"))?)
            .bind(v.valid_from)
            .bind(v.valid_to)
            .bind(&v.procedure.name)
            .bind(fold(&v.procedure.name))
            .bind(fold(&v.procedure.field.name))
            .bind(&row.body)
            .bind(imported_at)
            .execute(conn)
            .await
            .map_err(|e| other(e, "writing a procedure version"))?;
            Ok(())
        }

        #[async_trait]
        impl CatalogStore for Engine {
            async fn import_catalog(
                &self,
                versions: &[ProcedureVersion],
                mode: ImportMode,
            ) -> Result<CatalogImportReport, StoreError> {
                // One import at a time, so the comparison below cannot be
                // invalidated by a concurrent writer (SQLite: `BEGIN IMMEDIATE`).
                let mut tx = self.begin_write().await?;
                crate::dialect::serialise(&mut tx, $crate::CATALOG_LOCK).await?;
                let mut report = CatalogImportReport::default();
                // A bookkeeping stamp (when the rows were written), one per
                // import, from the store's clock (the app's; ADR 0028).
                let imported_at = self.clock.now();
                for v in versions {
                    match stored(&mut tx, v).await? {
                        None => {
                            write(&mut tx, v, false, imported_at).await?;
                            report.inserted += 1;
                        }
                        Some(old) if &old == v => report.unchanged += 1,
                        Some(_) if mode == ImportMode::ReplaceChanged => {
                            write(&mut tx, v, true, imported_at).await?;
                            report.replaced += 1;
                        }
                        Some(_) => {
                            return Err(StoreError::Conflict(format!(
                                "thủ tục {} phiên bản {} đã có với nội dung khác / procedure {} version {} \
                                 is stored with different content",
                                v.procedure.code, v.version, v.procedure.code, v.version
                            )));
                        }
                    }
                }
                tx.commit().await.map_err(|e| other(e, "commit catalog"))?;
                Ok(report)
            }

            async fn count_procedure_versions(&self) -> Result<u64, StoreError> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM procedure_versions")
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| other(e, "counting procedure versions"))?;
                Ok(u64::try_from(n).unwrap_or_default())
            }

            async fn list_procedures(
                &self,
                f: &ProcedureFilter,
            ) -> Result<ProcedurePage, StoreError> {
                let mut count: QueryBuilder<Db> =
                    QueryBuilder::new("SELECT COUNT(*) FROM procedure_versions");
                push_in_force(&mut count, f);
                let total: i64 = count
                    .build_query_scalar()
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| other(e, "counting procedures"))?;
                let mut qb: QueryBuilder<Db> =
                    QueryBuilder::new(format!("SELECT {} FROM procedure_versions", columns()));
                push_in_force(&mut qb, f);
                qb.push(" ORDER BY code LIMIT ")
                    .push_bind(i64::from(f.limit))
                    .push(" OFFSET ")
                    .push_bind(i64::from(f.offset));
                let rows = qb
                    .build()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| other(e, "listing procedures"))?;
                Ok(ProcedurePage {
                    items: rows.iter().map(version_row).collect::<Result<_, _>>()?,
                    total: u64::try_from(total).unwrap_or_default(),
                })
            }

            async fn search_candidates(
                &self,
                f: &ProcedureFilter,
                terms: &SearchTerms,
            ) -> Result<Vec<ProcedureVersion>, StoreError> {
                let mut qb: QueryBuilder<Db> =
                    QueryBuilder::new(format!("SELECT {} FROM procedure_versions", columns()));
                push_in_force(&mut qb, f);
                qb.push(" AND (");
                push_all_words(&mut qb, "name_folded", &terms.words);
                qb.push(" OR ");
                push_all_words(&mut qb, "field_folded", &terms.words);
                if let Some(prefix) = &terms.code_prefix {
                    // A prefix of digits and dots has no LIKE wildcards; substr
                    // compares exactly (both engines have it, unlike starts_with).
                    qb.push(" OR substr(code, 1, length(")
                        .push_bind(prefix.as_str())
                        .push(")) = ")
                        .push_bind(prefix.as_str());
                }
                qb.push(") ORDER BY code");
                let rows = qb
                    .build()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| other(e, "searching procedures"))?;
                rows.iter().map(version_row).collect()
            }

            async fn procedure_at(
                &self,
                code: &ProcedureCode,
                on: NaiveDate,
            ) -> Result<Option<ProcedureVersion>, StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {} FROM procedure_versions WHERE code = $1 AND valid_from <= $2 \
                     AND (valid_to IS NULL OR valid_to >= $2) ORDER BY version DESC LIMIT 1",
                    columns()
                ))
                .bind(code.as_str())
                .bind(on)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading the procedure in force"))?;
                row.as_ref().map(version_row).transpose()
            }

            async fn procedure_version(
                &self,
                code: &ProcedureCode,
                version: u32,
            ) -> Result<Option<ProcedureVersion>, StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {} FROM procedure_versions WHERE code = $1 AND version = $2",
                    columns()
                ))
                .bind(code.as_str())
                .bind(i32::try_from(version).unwrap_or(i32::MAX))
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading a procedure version"))?;
                row.as_ref().map(version_row).transpose()
            }

            async fn versions_of(
                &self,
                code: &ProcedureCode,
            ) -> Result<Vec<ProcedureVersion>, StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {} FROM procedure_versions WHERE code = $1 ORDER BY version",
                    columns()
                ))
                .bind(code.as_str())
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "listing versions of a procedure"))?;
                rows.iter().map(version_row).collect()
            }

            async fn all_procedure_versions(&self) -> Result<Vec<ProcedureVersion>, StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {} FROM procedure_versions ORDER BY code, version",
                    columns()
                ))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading the whole catalog"))?;
                rows.iter().map(version_row).collect()
            }
        }
    };
}
