//! Grants of access to the population database (phân quyền khai thác).
//! Creating or revoking a grant writes its audit entry in the same transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::audit::{AuditEntry, ChainHead};
use motcua_domain::grant::Grant;

use crate::StoreError;

/// Grants.
#[async_trait]
pub trait GrantStore: Send + Sync {
    /// Records a grant and its `grant_created` audit entry in one transaction.
    /// A grant with the same id is a [`StoreError::Conflict`].
    async fn create_grant(
        &self,
        grant: &Grant,
        audit: &AuditEntry,
    ) -> Result<ChainHead, StoreError>;
    /// Marks a grant revoked at `at` and appends its `grant_revoked` entry in
    /// one transaction. [`StoreError::NotFound`] for an unknown grant,
    /// [`StoreError::Conflict`] when it was already revoked.
    async fn revoke_grant(
        &self,
        id: &str,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<ChainHead, StoreError>;
    /// One grant.
    async fn get_grant(&self, id: &str) -> Result<Option<Grant>, StoreError>;
    /// An officer's grants, newest first.
    async fn grants_of_officer(&self, officer_id: &str) -> Result<Vec<Grant>, StoreError>;
}
