//! The outbox relay's store: claiming rows under a lease, recording
//! deliveries and failures, and the dead letters an administrator replays.
//!
//! A row is claimable when it is not delivered, not dead, available, not
//! under a live lease, and no earlier row of the same dossier is still
//! undelivered: so each dossier's events leave in order, and a dead row
//! holds back the later rows of its dossier until it is replayed.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::dossier_rows::OutboxRecord;
use crate::StoreError;

/// A claim request.
#[derive(Debug, Clone)]
pub struct ClaimRequest {
    /// Who claims (a relay instance id).
    pub relay: String,
    /// Now.
    pub now: DateTime<Utc>,
    /// The lease ends at this instant; another relay may then take the row.
    pub lease_until: DateTime<Utc>,
    /// At most this many rows.
    pub limit: u32,
}

/// What happened to one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Try again at this instant.
    RetryAt(DateTime<Utc>),
    /// Park it in the dead letters.
    Dead,
}

/// A parked row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// The row.
    pub record: OutboxRecord,
    /// The last error.
    pub last_error: String,
    /// When it was parked.
    pub dead_at: DateTime<Utc>,
}

/// Counts of outbox rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct OutboxCounts {
    /// Waiting to be delivered (including retries and rows held back).
    pub pending: u64,
    /// Delivered.
    pub delivered: u64,
    /// Dead letters.
    pub dead: u64,
}

/// The relay's view of the outbox.
#[async_trait]
pub trait ExchangeStore: Send + Sync {
    /// Claims up to `limit` deliverable rows (see the module doc), oldest
    /// first, setting their lease; concurrent claims never return the same
    /// row while its lease lives.
    async fn claim_outbox(&self, req: &ClaimRequest) -> Result<Vec<OutboxRecord>, StoreError>;

    /// Marks a claimed row delivered; false when `relay` no longer holds it
    /// or it was already delivered.
    async fn mark_delivered(
        &self,
        id: i64,
        relay: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Records a failed attempt (attempts + 1, the error, the lease
    /// released) and schedules a retry or parks the row.
    async fn mark_failed(
        &self,
        id: i64,
        relay: &str,
        error: &str,
        next: Attempt,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Dead letters, oldest first.
    async fn dead_letters(&self, limit: u32) -> Result<Vec<DeadLetter>, StoreError>;

    /// Puts a dead letter back in the queue (attempts reset, available
    /// now); false when `id` is not a dead letter.
    async fn replay_dead_letter(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Counts of pending, delivered and dead rows.
    async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError>;

    /// Dossiers whose start (reception, else filing) is in `[from, to)`:
    /// the local side of a reconciliation with the national hub.
    async fn dossiers_started(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<u64, StoreError>;
}
