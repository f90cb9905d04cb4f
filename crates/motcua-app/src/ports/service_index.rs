//! Where the Decision 766 index reads the facts that other modules record:
//! feedback (PAKN), online payments and electronic results.
//!
//! Each trait is implemented by the store engines next to the tables of the
//! module that owns the facts. A source that does not record its facts
//! answers `None`, and the index lists the indicators that need it as not
//! computed, with that reason — never as zero.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::service_index::facts::{ElectronicResultFact, FeedbackFact, PaymentFact};

use crate::StoreError;

/// Which facts to read: the receiving units of a subtree and a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactScope {
    /// The unit codes (communes, and the province itself) of the subtree.
    pub units: Vec<String>,
    /// Only this procedure, when the index is asked for one procedure.
    pub procedure: Option<String>,
    /// Start of the period, inclusive.
    pub from: DateTime<Utc>,
    /// End of the period, exclusive.
    pub to: DateTime<Utc>,
}

/// Feedback and complaints (PAKN) received in the scope's period.
#[async_trait]
pub trait FeedbackFacts: Send + Sync {
    /// Every feedback received in the period by the scope's units, or
    /// `None` when this engine does not record feedback.
    async fn feedback_facts(
        &self,
        scope: &FactScope,
    ) -> Result<Option<Vec<FeedbackFact>>, StoreError>;
}

/// Online payments settled for dossiers of the scope.
#[async_trait]
pub trait PaymentFacts: Send + Sync {
    /// Every settled online payment of a dossier received by the scope's
    /// units (any settlement time), or `None` when not recorded.
    async fn payment_facts(
        &self,
        scope: &FactScope,
    ) -> Result<Option<Vec<PaymentFact>>, StoreError>;
}

/// Electronic results offered for dossiers of the scope.
#[async_trait]
pub trait ElectronicResultFacts: Send + Sync {
    /// Every dossier received by the scope's units that has an electronic
    /// result, or `None` when not recorded.
    async fn electronic_result_facts(
        &self,
        scope: &FactScope,
    ) -> Result<Option<Vec<ElectronicResultFact>>, StoreError>;
}
