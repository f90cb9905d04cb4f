//! Citizens' feedback and complaints (PAKN): the state of each feedback,
//! its events, and the hash of the sender's token.
//!
//! The state is written with its events in one transaction; a write names
//! the version it read, and a concurrent writer that won makes it a
//! [`StoreError::Conflict`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::feedback::{Feedback, FeedbackEvent, FeedbackStatus};

use crate::StoreError;

/// A feedback as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFeedback {
    /// The state.
    pub feedback: Feedback,
    /// SHA-256 (hex) of the sender's token.
    pub token_hash: String,
}

/// Which feedback to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedbackFilter {
    /// The units addressed (a unit and the units below it).
    pub units: Vec<String>,
    /// Only this status.
    pub status: Option<FeedbackStatus>,
    /// Page size.
    pub limit: u32,
    /// Rows to skip.
    pub offset: u32,
}

/// The store of feedback.
#[async_trait]
pub trait FeedbackStore: Send + Sync {
    /// A new feedback with its first events; [`StoreError::Conflict`] when
    /// the identifier exists.
    async fn create_feedback(
        &self,
        feedback: &Feedback,
        events: &[FeedbackEvent],
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// One feedback.
    async fn get_feedback(&self, id: &str) -> Result<Option<StoredFeedback>, StoreError>;

    /// Writes the new state after `events`, if the stored version is still
    /// `expected_version`; otherwise [`StoreError::Conflict`] (and
    /// [`StoreError::NotFound`] when absent).
    async fn append_feedback(
        &self,
        feedback: &Feedback,
        expected_version: u32,
        events: &[FeedbackEvent],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// The events of a feedback, oldest first.
    async fn feedback_events(&self, id: &str) -> Result<Vec<FeedbackEvent>, StoreError>;

    /// Feedback addressed to the filter's units, oldest next deadline first
    /// (those without one last), then oldest received.
    async fn list_feedback(&self, filter: &FeedbackFilter) -> Result<Vec<Feedback>, StoreError>;

    /// Published feedback, newest published first; of `units` when not empty.
    async fn published_feedback(
        &self,
        units: &[String],
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Feedback>, StoreError>;
}

/// What the feedback use cases use: feedback, the audit chain (reads of
/// the sender's personal data), agencies and units (scope, the unit tree).
pub trait FeedbackPorts:
    FeedbackStore + crate::ports::AuditStore + crate::ports::AgencyDirectory
{
}

impl<T: FeedbackStore + crate::ports::AuditStore + crate::ports::AgencyDirectory + ?Sized>
    FeedbackPorts for T
{
}
