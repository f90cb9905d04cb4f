//! The dossier (hồ sơ) store: events, the current-state projection, the
//! outbox and idempotent answers, always written together in one
//! transaction.
//!
//! The application layer decides (with `motcua_domain::dossier::decide`)
//! and builds the rows; an engine only stores them, allocating the day's
//! sequence number inside the creating transaction so that codes are
//! gap-free per agency and day, and refusing an append whose expected
//! version is stale with [`StoreError::Conflict`].

use async_trait::async_trait;
use chrono::NaiveDate;

pub use super::dossier_rows::{
    DossierProjection, DossierWrite, EventRow, IdempotencyRecord, OutboxRecord, OutboxRow,
    StoredAnswer, StoredDossier, WorkListQuery, WorkListRow,
};
pub use super::dossier_stats::{DailyCounts, DossierStats, GroupCount, StatsQuery};
use crate::StoreError;

/// Builds the rows of a new dossier once its sequence number (số thứ tự
/// trong ngày) is known. A pure function of the number: a store may call it
/// ahead of its transaction with the number it expects to give, and again
/// inside it when another number was given.
pub type BuildNewDossier = Box<dyn Fn(u32) -> Result<DossierWrite, StoreError> + Send + Sync>;

/// A dossier to create: where and when its code is numbered, who asks,
/// and how to build its rows from the allocated sequence number.
pub struct NewDossier {
    /// The receiving unit's identifier: sequences are counted per agency.
    pub agency: String,
    /// The reception day (Vietnam time): sequences restart every day.
    pub day: NaiveDate,
    /// Who asks (`officer:<id>`, `citizen:<id>`...).
    pub actor: String,
    /// The client's idempotency key.
    pub idempotency_key: String,
    /// Builds the rows from the sequence number.
    pub build: BuildNewDossier,
}

impl std::fmt::Debug for NewDossier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewDossier")
            .field("agency", &self.agency)
            .field("day", &self.day)
            .field("actor", &self.actor)
            .field("idempotency_key", &self.idempotency_key)
            .finish_non_exhaustive()
    }
}

/// What a write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Committed {
    /// The rows were written; the answer is the one just stored.
    Written(StoredAnswer),
    /// The same actor already used this idempotency key: nothing was
    /// written and this is the first answer.
    Replayed(StoredAnswer),
}

impl Committed {
    /// The answer, written now or replayed.
    pub fn answer(&self) -> &StoredAnswer {
        match self {
            Self::Written(a) | Self::Replayed(a) => a,
        }
    }
}

/// What public tracking reads of a dossier in one statement (issue 21
/// item 2): what the verifier is checked against, the version and a
/// fingerprint of the files and payment orders (what a cached page is
/// checked against), and, unless the caller already has that version,
/// the state and the events to render from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingRead {
    /// The dossier's version (events applied).
    pub version: u64,
    /// SHA-256 (hex) of the tracking secret.
    pub verifier_hash: String,
    /// Last four digits of the applicant's phone.
    pub phone_last4: Option<String>,
    /// Changes when a file is attached or removed, or a payment order is
    /// made or settled (none of which changes the version); empty when the
    /// store cannot tell (a test fake).
    pub freshness: String,
    /// The whole state as JSON; `None` when the caller knew this version.
    pub state_json: Option<String>,
    /// The events' JSON, oldest first; empty with `state_json` `None`.
    pub events_json: Vec<String>,
}

/// Dossiers: events, projection, outbox and idempotent answers.
#[async_trait]
pub trait DossierStore: Send + Sync {
    /// Creates a dossier in one transaction: allocates the next sequence of
    /// (`agency`, `day`), builds the rows, inserts projection, events,
    /// outbox rows and the idempotent answer. A key already used by the
    /// same actor writes nothing and answers [`Committed::Replayed`].
    async fn create_dossier(&self, new: NewDossier) -> Result<Committed, StoreError>;

    /// Appends events to a dossier whose stored version is
    /// `expected_version`, replacing its projection and writing the outbox
    /// rows and the answer in the same transaction. A stale version is
    /// [`StoreError::Conflict`]; an unknown code is [`StoreError::NotFound`];
    /// a key already used by the same actor answers [`Committed::Replayed`].
    async fn append_to_dossier(
        &self,
        code: &str,
        expected_version: u64,
        write: DossierWrite,
    ) -> Result<Committed, StoreError>;

    /// The dossier's current state and tracking data.
    async fn load_dossier(&self, code: &str) -> Result<Option<StoredDossier>, StoreError>;

    /// The dossier's events, oldest first.
    async fn dossier_events(&self, code: &str) -> Result<Vec<EventRow>, StoreError>;

    /// The dossier's outbox rows, in the order written.
    async fn dossier_outbox(&self, code: &str) -> Result<Vec<OutboxRecord>, StoreError>;

    /// The first answer given to `actor` for `key`, if any.
    async fn find_answer(&self, actor: &str, key: &str)
    -> Result<Option<StoredAnswer>, StoreError>;

    /// One page of a work list, permission-filtered in SQL to dossiers held
    /// or received by the scope agency or any agency below it, ordered by
    /// (due instant, code); dossiers without a due instant come last.
    async fn work_list(&self, query: &WorkListQuery) -> Result<Vec<WorkListRow>, StoreError>;

    /// How many dossiers a work-list query matches, ignoring its keyset
    /// position and page size (the counts on the work-list tabs).
    async fn count_work_list(&self, query: &WorkListQuery) -> Result<u64, StoreError>;

    /// The leader's statistics of a scope, aggregated in SQL: daily
    /// receptions and results over a period, and the running overdue
    /// dossiers by procedure and by assignee.
    async fn dossier_stats(&self, query: &StatsQuery) -> Result<DossierStats, StoreError>;

    /// The last sequence number allocated to (`agency`, `day`), if any.
    async fn last_sequence(&self, agency: &str, day: NaiveDate) -> Result<Option<u32>, StoreError>;

    /// Public tracking's one read of a dossier ([`TrackingRead`]): the
    /// state and events only when its version is not `known_version`. The
    /// engines answer it with one statement by primary key; this default
    /// (for test fakes) reads the dossier and its events.
    async fn tracking_read(
        &self,
        code: &str,
        known_version: Option<u64>,
    ) -> Result<Option<TrackingRead>, StoreError> {
        let Some(stored) = self.load_dossier(code).await? else {
            return Ok(None);
        };
        let version = stored.projection.version;
        let fresh = known_version != Some(version);
        let events_json = if fresh {
            self.dossier_events(code)
                .await?
                .into_iter()
                .map(|e| e.event_json)
                .collect()
        } else {
            Vec::new()
        };
        Ok(Some(TrackingRead {
            version,
            verifier_hash: stored.verifier_hash,
            phone_last4: stored.projection.phone_last4,
            freshness: String::new(),
            state_json: fresh.then_some(stored.projection.state_json),
            events_json,
        }))
    }
}
