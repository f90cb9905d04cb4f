//! The outbox relay's store: per-sink delivery state (ADR 0018). Every
//! registered sink has one delivery row per outbox row, with its own
//! attempts, lease, last error, dead letter and delivery.
//!
//! A delivery is claimable when it is not delivered, not dead, available,
//! not under a live lease, and no earlier delivery of the same dossier to
//! the same sink is still undelivered: so each dossier's events reach each
//! sink in order, and a dead letter holds back the later events of its
//! dossier for that sink only.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::dossier_rows::OutboxRecord;
use crate::StoreError;

/// A claim request.
#[derive(Debug, Clone)]
pub struct ClaimRequest {
    /// The sink whose deliveries are claimed (e.g. `hub`).
    pub sink: String,
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

/// A failed delivery to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Outbox row id.
    pub id: i64,
    /// What went wrong.
    pub error: String,
    /// Retry or park.
    pub next: Attempt,
}

/// The outcome of one claimed batch, recorded in one transaction.
#[derive(Debug, Clone)]
pub struct Settlement<'a> {
    /// The sink.
    pub sink: &'a str,
    /// The relay that holds the claims.
    pub relay: &'a str,
    /// Now.
    pub now: DateTime<Utc>,
    /// Outbox ids the sink took.
    pub delivered: &'a [i64],
    /// Failed deliveries.
    pub failed: &'a [Failure],
}

/// How many of a settlement's rows were recorded (the others were no
/// longer held by the relay: its lease ran out and another took them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settled {
    /// Marked delivered.
    pub delivered: u64,
    /// Failures recorded.
    pub failed: u64,
}

/// A parked delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// The sink that refused or kept failing.
    pub sink: String,
    /// The row, with that sink's attempts.
    pub record: OutboxRecord,
    /// The last error.
    pub last_error: String,
    /// When it was parked.
    pub dead_at: DateTime<Utc>,
}

/// Counts of deliveries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct OutboxCounts {
    /// Waiting to be delivered (including retries and rows held back).
    pub pending: u64,
    /// Delivered.
    pub delivered: u64,
    /// Dead letters.
    pub dead: u64,
}

/// Counts of one sink's deliveries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SinkCounts {
    /// The sink.
    pub sink: String,
    /// Its counts.
    pub counts: OutboxCounts,
}

/// The relay's view of the outbox.
#[async_trait]
pub trait ExchangeStore: Send + Sync {
    /// Registers a sink; the first time, creates its delivery rows for
    /// every outbox row already written (copying the state the row had
    /// before per-sink delivery existed). From then on every new outbox row
    /// gets a delivery row for it in the same transaction. Answers whether
    /// the sink was new.
    async fn register_sink(&self, sink: &str, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Claims up to `limit` deliverable rows of one sink (see the module
    /// doc), oldest first, setting their lease; concurrent claims never
    /// return the same delivery while its lease lives. The records carry
    /// the sink's attempts, availability and lease.
    async fn claim_outbox(&self, req: &ClaimRequest) -> Result<Vec<OutboxRecord>, StoreError>;

    /// Records a batch's outcome in one transaction: deliveries marked,
    /// failures counted (attempts + 1, the error, the lease released) and
    /// retried later or parked. Only rows the relay still holds change.
    async fn settle(&self, s: &Settlement<'_>) -> Result<Settled, StoreError>;

    /// Records a batch's outcome and claims the sink's next batch in one
    /// transaction (one commit: one fsync instead of two): [`settle`] then
    /// [`claim_outbox`], the claim seeing the outcome just recorded (the
    /// rows behind a delivered one in its dossier are claimable at once).
    ///
    /// [`settle`]: ExchangeStore::settle
    /// [`claim_outbox`]: ExchangeStore::claim_outbox
    async fn settle_and_claim(
        &self,
        s: &Settlement<'_>,
        req: &ClaimRequest,
    ) -> Result<(Settled, Vec<OutboxRecord>), StoreError>;

    /// Dead letters of every sink, oldest first.
    async fn dead_letters(&self, limit: u32) -> Result<Vec<DeadLetter>, StoreError>;

    /// Puts a dead letter back in the queue (attempts reset, available
    /// now), for one sink or, with `None`, for every sink where outbox row
    /// `id` is dead; answers how many deliveries were put back.
    async fn replay_dead_letter(
        &self,
        id: i64,
        sink: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError>;

    /// Pending, delivered and dead deliveries per registered sink, by name.
    async fn outbox_counts(&self) -> Result<Vec<SinkCounts>, StoreError>;

    /// Dossiers whose start (reception, else filing) is in `[from, to)`:
    /// the local side of a reconciliation with the national hub.
    async fn dossiers_started(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<u64, StoreError>;
}

/// The sum of per-sink counts.
pub fn total(counts: &[SinkCounts]) -> OutboxCounts {
    counts
        .iter()
        .fold(OutboxCounts::default(), |a, c| OutboxCounts {
            pending: a.pending + c.counts.pending,
            delivered: a.delivered + c.counts.delivered,
            dead: a.dead + c.counts.dead,
        })
}
