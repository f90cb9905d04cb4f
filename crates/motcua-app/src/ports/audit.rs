//! The audit log store (nhật ký khai thác): append-only, hash-chained.
//!
//! Engines serialise appends (SQLite: `BEGIN IMMEDIATE`, one writer;
//! PostgreSQL: a transaction-scoped advisory lock), so two appends never
//! read the same head and the chain never forks. Engines also refuse
//! `UPDATE` and `DELETE` on the log with triggers; the hash chain is what
//! catches someone who drops the triggers first.

use async_trait::async_trait;
use motcua_domain::audit::{AuditColumns, AuditEntry, ChainHead, StoredEntry};

use crate::StoreError;

/// The append-only audit log.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends one entry in its own transaction and returns its place in the chain.
    async fn append_audit(&self, entry: &AuditEntry) -> Result<ChainHead, StoreError>;
    /// The head recorded by the last append, if any.
    async fn audit_head(&self) -> Result<Option<ChainHead>, StoreError>;
    /// Up to `limit` entries with `seq > after_seq`, in sequence order, as stored.
    async fn audit_page(&self, after_seq: i64, limit: u32) -> Result<Vec<StoredEntry>, StoreError>;
    /// Where the entry with this hash is stored.
    async fn audit_seq_of_hash(&self, hash: &str) -> Result<Option<i64>, StoreError>;
    /// Entries about one citizen (by subject key), newest first, at most `limit`.
    async fn audit_for_subject(
        &self,
        subject_key: &str,
        limit: u32,
    ) -> Result<Vec<StoredEntry>, StoreError>;
}

/// An `audit_log` row as the engines read it.
#[derive(Debug, Clone)]
pub struct AuditRow {
    /// `seq`.
    pub seq: i64,
    /// `prev_hash`.
    pub prev_hash: String,
    /// `hash`.
    pub hash: String,
    /// The content columns.
    pub columns: AuditColumns,
}

impl From<AuditRow> for StoredEntry {
    fn from(r: AuditRow) -> Self {
        StoredEntry {
            seq: r.seq,
            prev_hash: r.prev_hash,
            hash: r.hash,
            columns: r.columns,
        }
    }
}

/// The columns of `audit_log` after `seq, prev_hash, hash`, in insert order.
pub const AUDIT_COLUMNS: &str = "occurred_at, officer_id, action, unit_code, agency_id, \
     subject_key, subject_masked, fields, dossier_code, grant_id, purpose, outcome, reason";

/// The next link of the chain after `head`: its sequence number, previous
/// hash and own hash. Engines call this under their append lock.
pub fn next_link(head: Option<&ChainHead>, columns: &AuditColumns) -> (i64, String, String) {
    let (seq, prev) = match head {
        Some(h) => (h.seq + 1, h.hash.clone()),
        None => (1, motcua_domain::audit::GENESIS_HASH.to_owned()),
    };
    let hash = motcua_domain::audit::chain_hash(&prev, columns);
    (seq, prev, hash)
}
