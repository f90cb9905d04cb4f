//! Agencies: reading, listing and saving; the batch insert of missing agencies is each engine's own (`insert_agencies_batch`).

/// Stamps `impl AgencyStore for crate::Engine`: agencies: reading, listing and saving; the batch insert of missing agencies is each engine's own (`insert_agencies_batch`).
#[macro_export]
macro_rules! agency_store {
    () => {
        use async_trait::async_trait;

        use motcua_app::StoreError;
        use motcua_app::ports::rows::{AgencyRow, word_prefix_pattern};
        use motcua_app::ports::{AgencyFilter, AgencyStore};
        use motcua_domain::agency::Agency;
        use motcua_domain::text::fold;
        use sqlx::{QueryBuilder, Row};

        use crate::{Db, Engine, EngineRow, other};

        const AGENCY_COLUMNS: &str = "id, name, kind, unit_code, parent_id, active";

        fn agency_row(row: &EngineRow) -> Result<Agency, StoreError> {
            let get = |c: &'static str| row.try_get::<String, _>(c).map_err(|e| other(e, c));
            AgencyRow {
                id: get("id")?,
                name: get("name")?,
                kind: get("kind")?,
                unit_code: get("unit_code")?,
                parent_id: row
                    .try_get("parent_id")
                    .map_err(|e| other(e, "parent_id"))?,
                active: row.try_get("active").map_err(|e| other(e, "active"))?,
            }
            .into_domain()
            .map_err(StoreError::Other)
        }

        fn push_filter<'a>(qb: &mut QueryBuilder<'a, Db>, f: &'a AgencyFilter) {
            qb.push(" WHERE true");
            if let Some(unit) = &f.unit_code {
                qb.push(" AND unit_code = ").push_bind(unit.as_str());
            }
            if let Some(kind) = f.kind {
                qb.push(" AND kind = ").push_bind(kind.as_str());
            }
            if let Some(q) = &f.query_folded {
                qb.push(" AND (' ' || name_folded LIKE ")
                    .push_bind(word_prefix_pattern(q))
                    .push(" ESCAPE '\\'");
                qb.push(" OR id = ").push_bind(q.to_uppercase()).push(")");
            }
        }

        #[async_trait]
        impl AgencyStore for Engine {
            async fn insert_missing_agencies(
                &self,
                agencies: &[Agency],
            ) -> Result<usize, StoreError> {
                self.insert_agencies_batch(agencies).await
            }

            async fn upsert_agency(&self, a: &Agency) -> Result<(), StoreError> {
                // A bookkeeping stamp (when the row was written), from the store's clock
                // (the app's, set at construction; ADR 0028).
                let updated_at = self.clock.now();
                sqlx::query(
                    "INSERT INTO agencies (id, name, name_folded, kind, unit_code, parent_id, active, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
                     name_folded = excluded.name_folded, kind = excluded.kind, unit_code = excluded.unit_code, \
                     parent_id = excluded.parent_id, active = excluded.active, updated_at = excluded.updated_at",
                )
                .bind(&a.id)
                .bind(&a.name)
                .bind(fold(&a.name))
                .bind(a.kind.as_str())
                .bind(&a.unit_code)
                .bind(&a.parent_id)
                .bind(a.active)
                .bind(updated_at)
                .execute(&self.pool)
                .await
                .map_err(|e| other(e, "saving an agency"))?;
                Ok(())
            }

            async fn get_agency(&self, id: &str) -> Result<Option<Agency>, StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {AGENCY_COLUMNS} FROM agencies WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading an agency"))?;
                row.as_ref().map(agency_row).transpose()
            }

            async fn list_agencies(
                &self,
                f: &AgencyFilter,
            ) -> Result<(Vec<Agency>, u64), StoreError> {
                let mut count: QueryBuilder<Db> =
                    QueryBuilder::new("SELECT COUNT(*) FROM agencies");
                push_filter(&mut count, f);
                let total: i64 = count
                    .build_query_scalar()
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| other(e, "counting agencies"))?;
                let mut qb: QueryBuilder<Db> =
                    QueryBuilder::new(format!("SELECT {AGENCY_COLUMNS} FROM agencies"));
                push_filter(&mut qb, f);
                qb.push(" ORDER BY id LIMIT ")
                    .push_bind(i64::from(f.limit))
                    .push(" OFFSET ")
                    .push_bind(i64::from(f.offset));
                let rows = qb
                    .build()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| other(e, "listing agencies"))?;
                let items = rows.iter().map(agency_row).collect::<Result<_, _>>()?;
                Ok((items, u64::try_from(total).unwrap_or_default()))
            }
        }
    };
}
