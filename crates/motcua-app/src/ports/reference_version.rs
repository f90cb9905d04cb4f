//! The version of the reference data (units, lineage, agencies, the
//! catalog): one number bumped in the transaction of every change, so a
//! process can tell cheaply whether what it keeps in memory is still current
//! (ADR 0025).

use async_trait::async_trait;

use crate::StoreError;

/// The change notice of the reference data.
#[async_trait]
pub trait ReferenceVersionStore: Send + Sync {
    /// The current version; it grows with every committed change of units,
    /// lineage, unit changes, agencies or procedure versions, in any process
    /// sharing the database. One indexed read of one row.
    async fn reference_version(&self) -> Result<i64, StoreError>;
}
