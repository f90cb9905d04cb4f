//! The outbox relay's store: per-sink delivery state (ADRs 0018, 0035).
//!
//! Each registered sink keeps a cursor, `delivered_through` (an
//! [`OutboxPosition`]): every outbox row up to it is delivered to that sink unless it has a delivery row of
//! its own that says otherwise (it failed and waits for a retry, it is a
//! dead letter, or it waits behind an earlier event of its dossier). Rows
//! past the cursor without a delivery row are *fresh*: pending, and cost
//! nothing to claim or to deliver but the cursor's move.
//!
//! One relay at a time works a sink, under the sink's lease. Its claim
//! returns, oldest first, the due delivery rows that head their dossier,
//! then the fresh rows; several events of one dossier may come in one
//! batch, in order, and the relay hands them to the sink in that order
//! (one per dossier per call). A fresh row behind an undelivered row of
//! its dossier is not returned: it gets a delivery row of its own, held. So
//! each dossier's events reach each sink in order, and a dead letter holds
//! back the later events of its dossier for that sink only.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::dossier_rows::OutboxRecord;
use crate::StoreError;

/// Where an outbox row stands in every sink's delivery order: the order
/// in which the rows' transactions committed. On SQLite (one writer) that
/// is the row id alone (`txid` 0). On PostgreSQL a sequence gives ids at
/// insert, so a transaction holding id 100 may commit after one holding
/// 101; rows are ordered by the id of the transaction that wrote them,
/// then their own, and a claim takes only rows of transactions older than
/// every transaction still running (ADR 0035).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct OutboxPosition {
    /// The writing transaction (PostgreSQL `pg_current_xact_id`; 0 on SQLite).
    pub txid: i64,
    /// The row id.
    pub id: i64,
}

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
    /// The furthest fresh row this relay claimed and has not settled
    /// yet (a batch with the sink while the next is claimed): the claim's
    /// fresh rows start after it. `None` when nothing is in flight.
    pub after: Option<OutboxPosition>,
}

impl ClaimRequest {
    /// Whether this claim must give way: another relay holds the sink
    /// (`holder`) under a lease that still lives (`until`).
    pub fn yields_to(&self, holder: Option<&str>, until: Option<DateTime<Utc>>) -> bool {
        holder.is_some_and(|by| by != self.relay) && until.is_some_and(|until| until >= self.now)
    }
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
    /// Outbox ids the sink took that have a delivery row of their own
    /// (claimed with [`OutboxRecord::fresh`] false): marked delivered.
    pub delivered: &'a [i64],
    /// How many fresh rows the sink took: recorded by the cursor's move.
    pub fresh_delivered: u64,
    /// The furthest fresh row of the batch, if it had any: the sink's
    /// cursor moves there. Every fresh row up to it that is not in `failed`
    /// or `held` is then delivered.
    pub through: Option<OutboxPosition>,
    /// Failed deliveries (a fresh one gets a delivery row of its own).
    pub failed: &'a [Failure],
    /// Claimed but not sent, because an earlier event of the same dossier
    /// failed or was held in this batch or the one before it: kept pending,
    /// with a delivery row of their own, their row lease released.
    pub held: &'a [i64],
}

/// How many of a settlement's rows were recorded: none when the relay no
/// longer holds the sink (its lease ran out and another relay took it,
/// which delivers them again).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settled {
    /// Delivered (rows marked, and fresh rows the cursor passed).
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
    /// Registers a sink; the first time, its cursor starts before the
    /// first outbox row, so it gets every event already written (a row
    /// delivered or parked before per-sink delivery existed, migration
    /// 0010, gets a delivery row keeping that state). Answers whether the
    /// sink was new.
    async fn register_sink(&self, sink: &str, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Claims up to `limit` rows of one sink (see the module doc), oldest
    /// first, and takes the sink's lease until `lease_until`; nothing while
    /// another relay's lease on the sink lives. Delivery rows are leased
    /// too; fresh rows come after `max(cursor, after)`. The records carry
    /// the sink's attempts, availability and lease.
    async fn claim_outbox(&self, req: &ClaimRequest) -> Result<Vec<OutboxRecord>, StoreError>;

    /// Records a batch's outcome in one transaction: delivery rows marked,
    /// the cursor moved to `through`, failures counted (attempts + 1, the
    /// error, the lease released) and retried later or parked, held rows
    /// kept pending. Nothing is recorded when the relay no longer holds
    /// the sink.
    async fn settle(&self, s: &Settlement<'_>) -> Result<Settled, StoreError>;

    /// Records a batch's outcome and claims the sink's next batch in one
    /// transaction (one commit: one fsync instead of two): [`settle`] then
    /// [`claim_outbox`], the claim seeing the outcome just recorded.
    ///
    /// [`settle`]: ExchangeStore::settle
    /// [`claim_outbox`]: ExchangeStore::claim_outbox
    async fn settle_and_claim(
        &self,
        s: &Settlement<'_>,
        req: &ClaimRequest,
    ) -> Result<(Settled, Vec<OutboxRecord>), StoreError>;

    /// Gives up the sink's lease if `relay` holds it (a relay whose stream
    /// ended with every batch settled), so another relay may take the sink
    /// at once instead of after the lease.
    async fn release_sink(&self, sink: &str, relay: &str) -> Result<(), StoreError>;

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
