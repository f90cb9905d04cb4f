//! Checking the hash chain: the first edited, deleted or reordered entry.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use super::{AuditColumns, GENESIS_HASH, chain_hash};

/// One stored entry: its place in the chain and its columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    /// Sequence number, 1, 2, 3... in append order.
    pub seq: i64,
    /// The hash of the entry before (64 zeros for the first).
    pub prev_hash: String,
    /// `SHA-256(prev_hash ‖ canonical columns)`.
    pub hash: String,
    /// The stored values.
    pub columns: AuditColumns,
}

/// The last entry as recorded beside the log when it was appended, so that
/// removing entries from the end is noticed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainHead {
    /// Sequence number of the last entry.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
}

/// Where and how the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChainBreak {
    /// The stored hash does not match the entry's content: a column was edited.
    Edited {
        /// The edited entry.
        seq: i64,
    },
    /// Entries `from..=to` are missing.
    Deleted {
        /// The first entry after the gap.
        seq: i64,
        /// First missing sequence number.
        from: i64,
        /// Last missing sequence number.
        to: i64,
    },
    /// The entry was moved: its predecessor in the chain is `follows`.
    Reordered {
        /// Where the entry is stored now.
        seq: i64,
        /// The entry it was appended after.
        follows: i64,
    },
    /// The entry does not follow the one stored before it and its real
    /// predecessor is nowhere in the log (deleted, later entries renumbered).
    LinkBroken {
        /// The entry whose link is broken.
        seq: i64,
    },
    /// The recorded head says the log is longer than it is: entries at the end were deleted.
    TailDeleted {
        /// First missing sequence number.
        from: i64,
        /// Last missing sequence number.
        to: i64,
    },
    /// The recorded head does not match the last entry (or is missing).
    HeadMismatch {
        /// The last stored entry (0 when the log is empty).
        seq: i64,
    },
}

impl ChainBreak {
    /// The sequence number where the break was found.
    pub fn seq(&self) -> i64 {
        match self {
            Self::Edited { seq }
            | Self::Deleted { seq, .. }
            | Self::Reordered { seq, .. }
            | Self::LinkBroken { seq }
            | Self::HeadMismatch { seq } => *seq,
            Self::TailDeleted { from, .. } => *from,
        }
    }
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Edited { seq } => write!(
                f,
                "mục {seq}: nội dung đã bị sửa (mã băm không khớp) / entry {seq}: content edited (hash does not match)"
            ),
            Self::Deleted { seq, from, to } => write!(
                f,
                "mục {seq}: thiếu mục {from}–{to} (đã bị xóa) / entry {seq}: entries {from}–{to} deleted"
            ),
            Self::Reordered { seq, follows } => write!(
                f,
                "mục {seq}: sai thứ tự, mục này được ghi sau mục {follows} / entry {seq}: entries reordered, this one was appended after entry {follows}"
            ),
            Self::LinkBroken { seq } => write!(
                f,
                "mục {seq}: mất liên kết với mục trước (mục trước đã bị xóa hoặc đánh số lại) / entry {seq}: link to the previous entry broken (an entry was deleted or renumbered)"
            ),
            Self::TailDeleted { from, to } => write!(
                f,
                "mục {from}–{to} ở cuối nhật ký đã bị xóa / entries {from}–{to} at the end of the log deleted"
            ),
            Self::HeadMismatch { seq } => write!(
                f,
                "mục cuối ({seq}) không khớp với đầu chuỗi đã ghi / the last entry ({seq}) does not match the recorded head"
            ),
        }
    }
}

/// What a successful check saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Entries checked.
    pub checked: u64,
    /// The last entry, if any.
    pub head: Option<ChainHead>,
}

/// Checks a log entry by entry, in sequence order, so that a long log can
/// be read page by page.
///
/// Two passes: [`ChainVerifier::note`] every `(seq, hash)` first (this is how
/// a moved entry is told apart from a deleted one), then
/// [`ChainVerifier::push`] every entry and [`ChainVerifier::finish`].
#[derive(Debug, Default)]
pub struct ChainVerifier {
    index: HashMap<String, i64>,
    last: Option<(i64, String)>,
    checked: u64,
}

impl ChainVerifier {
    /// An empty verifier.
    pub fn new() -> Self {
        Self::default()
    }

    /// First pass: remembers where a hash is stored.
    pub fn note(&mut self, seq: i64, hash: &str) {
        self.index.insert(hash.to_owned(), seq);
    }

    /// Second pass: checks the next entry.
    pub fn push(&mut self, entry: &StoredEntry) -> Result<(), ChainBreak> {
        let seq = entry.seq;
        if chain_hash(&entry.prev_hash, &entry.columns) != entry.hash {
            return Err(ChainBreak::Edited { seq });
        }
        let (expected_seq, expected_prev) = match &self.last {
            Some((s, h)) => (s + 1, h.as_str()),
            None => (1, GENESIS_HASH),
        };
        if entry.prev_hash != expected_prev {
            if seq > expected_seq {
                return Err(ChainBreak::Deleted {
                    seq,
                    from: expected_seq,
                    to: seq - 1,
                });
            }
            return Err(match self.index.get(&entry.prev_hash) {
                Some(&follows) if follows != seq => ChainBreak::Reordered { seq, follows },
                _ => ChainBreak::LinkBroken { seq },
            });
        }
        if seq != expected_seq {
            // The link holds but the number does not: the seq column was edited.
            return Err(ChainBreak::Edited { seq });
        }
        self.last = Some((seq, entry.hash.clone()));
        self.checked += 1;
        Ok(())
    }

    /// Compares the end of the chain with the recorded head.
    pub fn finish(self, head: Option<&ChainHead>) -> Result<VerifyReport, ChainBreak> {
        let last = self.last.map(|(seq, hash)| ChainHead { seq, hash });
        match (&last, head) {
            (None, None) => {}
            (Some(l), Some(h)) if l == h => {}
            (l, Some(h)) if l.as_ref().map_or(0, |l| l.seq) < h.seq => {
                return Err(ChainBreak::TailDeleted {
                    from: l.as_ref().map_or(1, |l| l.seq + 1),
                    to: h.seq,
                });
            }
            (l, _) => {
                return Err(ChainBreak::HeadMismatch {
                    seq: l.as_ref().map_or(0, |l| l.seq),
                });
            }
        }
        Ok(VerifyReport {
            checked: self.checked,
            head: last,
        })
    }

    /// Both passes over entries held in memory (sorted by `seq`).
    pub fn verify_all(
        entries: &[StoredEntry],
        head: Option<&ChainHead>,
    ) -> Result<VerifyReport, ChainBreak> {
        let mut v = Self::new();
        for e in entries {
            v.note(e.seq, &e.hash);
        }
        for e in entries {
            v.push(e)?;
        }
        v.finish(head)
    }
}
