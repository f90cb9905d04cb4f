//! Agencies on SQLite: the shared SQL of `motcua-store-sql`, and this
//! engine's own batch insert (one insert per agency in one transaction).

motcua_store_sql::agency_store!();

/// The part of `AgencyStore` this engine writes its own way.
mod batch {
    use motcua_app::StoreError;
    use motcua_domain::agency::Agency;
    use motcua_domain::text::fold;

    use crate::{SqliteStore, other};

    impl SqliteStore {
        /// `AgencyStore::insert_missing_agencies` on this engine.
        pub(crate) async fn insert_agencies_batch(
            &self,
            agencies: &[Agency],
        ) -> Result<usize, StoreError> {
            let mut tx = self.pool.begin().await.map_err(|e| other(e, "begin"))?;
            // A bookkeeping stamp (when the row was written), from the store's clock
            // (the app's, set at construction; ADR 0028).
            let now = self.clock.now();
            let mut inserted = 0;
            // Parents come before children in the generated list, so foreign keys hold.
            for a in agencies {
                inserted += sqlx::query(
                    "INSERT INTO agencies (id, name, name_folded, kind, unit_code, parent_id, \
                       active, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(&a.id)
                .bind(&a.name)
                .bind(fold(&a.name))
                .bind(a.kind.as_str())
                .bind(&a.unit_code)
                .bind(&a.parent_id)
                .bind(a.active)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "inserting an agency"))?
                .rows_affected();
            }
            tx.commit().await.map_err(|e| other(e, "commit agencies"))?;
            Ok(usize::try_from(inserted).unwrap_or(usize::MAX))
        }
    }
}
