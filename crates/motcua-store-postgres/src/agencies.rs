//! Agencies on PostgreSQL: the shared SQL of `motcua-store-sql`, and this
//! engine's own batch insert (one `INSERT … SELECT FROM UNNEST` statement).

motcua_store_sql::agency_store!();

/// The part of `AgencyStore` this engine writes its own way.
mod batch {
    use motcua_app::StoreError;
    use motcua_domain::agency::Agency;
    use motcua_domain::text::fold;

    use crate::{PgStore, other};

    impl PgStore {
        /// `AgencyStore::insert_missing_agencies` on this engine.
        pub(crate) async fn insert_agencies_batch(
            &self,
            agencies: &[Agency],
        ) -> Result<usize, StoreError> {
            // One statement: foreign keys are checked at its end, so a parent
            // and its children may come in the same batch.
            let col = |f: fn(&Agency) -> String| agencies.iter().map(f).collect::<Vec<_>>();
            // A bookkeeping stamp (when the row was written), from the store's clock
            // (the app's, set at construction; ADR 0028).
            let updated_at = self.clock.now();
            let inserted = sqlx::query(
                "INSERT INTO agencies (id, name, name_folded, kind, unit_code, parent_id, active, \
               updated_at) SELECT id, name, name_folded, kind, unit_code, parent_id, active, $8 \
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
             $7::boolean[]) AS a (id, name, name_folded, kind, unit_code, parent_id, active) \
             ON CONFLICT (id) DO NOTHING",
            )
            .bind(col(|a| a.id.clone()))
            .bind(col(|a| a.name.clone()))
            .bind(col(|a| fold(&a.name)))
            .bind(col(|a| a.kind.as_str().to_owned()))
            .bind(col(|a| a.unit_code.clone()))
            .bind(
                agencies
                    .iter()
                    .map(|a| a.parent_id.clone())
                    .collect::<Vec<_>>(),
            )
            .bind(agencies.iter().map(|a| a.active).collect::<Vec<_>>())
            .bind(updated_at)
            .execute(&self.pool)
            .await
            .map_err(|e| other(e, "inserting agencies"))?
            .rows_affected();
            Ok(usize::try_from(inserted).unwrap_or(usize::MAX))
        }
    }
}
