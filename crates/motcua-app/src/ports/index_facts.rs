//! Where the Decision 766 index reads the dossiers of a unit subtree: one
//! narrow read over the dossier projection (the dossier's state, reduced to
//! [`DossierFact`] by the domain's own function, so the index judges a
//! dossier exactly as the leader page and the portal summary do).

use async_trait::async_trait;
use motcua_domain::service_index::DossierFact;

use super::service_index::FactScope;
use crate::StoreError;

/// The dossiers the index counts.
#[async_trait]
pub trait IndexFacts: Send + Sync {
    /// Every dossier received before `scope.to` by an agency of one of
    /// `scope.units` (and of `scope.procedure`, if given) that may still
    /// count in the period: not closed, or changed on or after
    /// `scope.from`. A superset of each indicator's population: the engine
    /// chooses exactly.
    async fn index_dossier_facts(&self, scope: &FactScope) -> Result<Vec<DossierFact>, StoreError>;
}
