//! The version of the reference data (migration 0025: a row bumped by
//! triggers on units, lineage, unit changes, agencies and procedure
//! versions).

/// Stamps `impl ReferenceVersionStore for crate::Engine`: the version of
/// the reference data.
#[macro_export]
macro_rules! reference_version_store {
    () => {
        use async_trait::async_trait;
        use motcua_app::StoreError;
        use motcua_app::ports::ReferenceVersionStore;

        use crate::{Engine, other};

        #[async_trait]
        impl ReferenceVersionStore for Engine {
            async fn reference_version(&self) -> Result<i64, StoreError> {
                sqlx::query_scalar("SELECT version FROM reference_versions WHERE id = 1")
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| other(e, "reference version"))
            }
        }
    };
}
