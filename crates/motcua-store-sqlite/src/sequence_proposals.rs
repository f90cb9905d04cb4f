//! Proposed day numbers (số thứ tự trong ngày), so a creation is built in
//! its own request task before the group-commit writer sees it.
//!
//! The writer alone numbers dossiers: it gives each one the next number of
//! its agency and day inside the batch's transaction, which keeps codes
//! unique and gap-free whatever happens here. Building a dossier's rows
//! (deciding, replaying, serialising state, events, outbox payload and
//! answer) takes longer than inserting them, and inside the single writer
//! it was the ceiling on receptions per second. So a request first takes
//! a *proposal*, the number the writer will most likely give it, builds its
//! rows with it in parallel with other requests, and the writer uses those
//! rows when the proposal is right and rebuilds them when it is not (a
//! request that was dropped, a batch that failed, another process writing).
//!
//! Per (agency, day) this keeps the last number proposed and how many
//! proposals are still on their way to the writer. After each commit the
//! writer settles the count: the next proposal is the committed last number
//! plus the proposals still in flight, so one lost proposal costs a few
//! rebuilds, never a gap.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::NaiveDate;
use motcua_app::StoreError;
use sqlx::SqlitePool;

use crate::other;

/// (agency, day as `YYYY-MM-DD`): what numbers are counted by.
pub(crate) type SequenceKey = (String, String);

/// One (agency, day): the last number proposed (unknown until read from
/// the database) and the proposals not yet seen by the writer.
#[derive(Debug, Default)]
struct Counter {
    last_proposed: Option<i64>,
    in_flight: i64,
}

/// The proposals of one store, shared by request tasks and the writer.
#[derive(Debug, Default, Clone)]
pub(crate) struct Proposals {
    counters: Arc<Mutex<HashMap<SequenceKey, Counter>>>,
}

/// A proposed number, counted as in flight until dropped (when the writer
/// has handled its creation, or when the request was abandoned).
#[derive(Debug)]
pub(crate) struct Proposal {
    /// The number proposed.
    pub(crate) sequence: u32,
    key: SequenceKey,
    counters: Arc<Mutex<HashMap<SequenceKey, Counter>>>,
}

impl Drop for Proposal {
    fn drop(&mut self) {
        if let Some(c) = lock(&self.counters).get_mut(&self.key) {
            c.in_flight = (c.in_flight - 1).max(0);
        }
    }
}

/// The map, even if a panicking thread held it (counters stay usable: at
/// worst a proposal is wrong and its dossier rebuilt).
fn lock(
    counters: &Mutex<HashMap<SequenceKey, Counter>>,
) -> MutexGuard<'_, HashMap<SequenceKey, Counter>> {
    counters.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Proposals {
    /// The number the writer will most likely give the next dossier of
    /// `agency` on `day`. Reads the committed last number once per
    /// (agency, day), or again after a failed batch.
    pub(crate) async fn propose(
        &self,
        pool: &SqlitePool,
        agency: &str,
        day: NaiveDate,
    ) -> Result<Proposal, StoreError> {
        let key: SequenceKey = (agency.to_owned(), day.to_string());
        let known = lock(&self.counters)
            .get(&key)
            .is_some_and(|c| c.last_proposed.is_some());
        let committed = if known {
            0
        } else {
            sqlx::query_scalar::<_, i64>(
                "SELECT last FROM dossier_sequences WHERE agency = ? AND day = ?",
            )
            .bind(&key.0)
            .bind(&key.1)
            .fetch_optional(pool)
            .await
            .map_err(|e| other(e, "reading a dossier sequence"))?
            .unwrap_or(0)
        };
        let mut counters = lock(&self.counters);
        let counter = counters.entry(key.clone()).or_default();
        let next = counter
            .last_proposed
            .unwrap_or(committed + counter.in_flight)
            + 1;
        counter.last_proposed = Some(next);
        counter.in_flight += 1;
        drop(counters);
        Ok(Proposal {
            sequence: u32::try_from(next).map_err(|e| other(e, "sequence out of range"))?,
            key,
            counters: Arc::clone(&self.counters),
        })
    }

    /// After a commit: the next proposal of each (agency, day) follows its
    /// committed last number and the proposals still in flight. Days older
    /// than every day just committed are dropped once nothing is in flight
    /// for them (a server runs for years; yesterday's counters are done).
    pub(crate) fn settle<'a>(&self, committed: impl IntoIterator<Item = (&'a SequenceKey, i64)>) {
        let mut counters = lock(&self.counters);
        let mut oldest: Option<String> = None;
        for (key, last) in committed {
            let counter = counters.entry(key.clone()).or_default();
            counter.last_proposed = Some(last + counter.in_flight);
            if oldest.as_ref().is_none_or(|d| key.1 < *d) {
                oldest = Some(key.1.clone());
            }
        }
        if let Some(oldest) = oldest {
            counters.retain(|(_, day), c| c.in_flight > 0 || *day >= oldest);
        }
    }

    /// How many (agency, day) counters are kept.
    #[cfg(test)]
    fn len(&self) -> usize {
        lock(&self.counters).len()
    }

    /// After a failed batch: the committed numbers of these days are read
    /// again at their next proposal.
    pub(crate) fn forget<'a>(&self, keys: impl IntoIterator<Item = &'a SequenceKey>) {
        let mut counters = lock(&self.counters);
        for key in keys {
            if let Some(c) = counters.get_mut(key) {
                c.last_proposed = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn pool() -> SqlitePool {
        // One connection: every connection to `:memory:` is its own database.
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::query("CREATE TABLE dossier_sequences (agency TEXT, day TEXT, last INTEGER)")
            .execute(&pool)
            .await
            .unwrap();
        pool
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    #[tokio::test]
    async fn proposals_follow_the_committed_number_and_each_other() {
        let pool = pool().await;
        sqlx::query("INSERT INTO dossier_sequences VALUES ('A', '2026-11-27', 41)")
            .execute(&pool)
            .await
            .unwrap();
        let proposals = Proposals::default();
        let a = proposals.propose(&pool, "A", day()).await.unwrap();
        let b = proposals.propose(&pool, "A", day()).await.unwrap();
        let other = proposals.propose(&pool, "B", day()).await.unwrap();
        assert_eq!((a.sequence, b.sequence, other.sequence), (42, 43, 1));
    }

    #[tokio::test]
    async fn a_lost_proposal_is_closed_up_at_the_next_commit() {
        let pool = pool().await;
        let proposals = Proposals::default();
        let lost = proposals.propose(&pool, "A", day()).await.unwrap();
        let kept = proposals.propose(&pool, "A", day()).await.unwrap();
        let waiting = proposals.propose(&pool, "A", day()).await.unwrap();
        assert_eq!((lost.sequence, kept.sequence, waiting.sequence), (1, 2, 3));
        // The request holding 1 was abandoned; the writer gave `kept` the
        // number 1 and committed; `waiting` is still on its way.
        drop(lost);
        drop(kept);
        let key = ("A".to_owned(), day().to_string());
        proposals.settle([(&key, 1)]);
        let next = proposals.propose(&pool, "A", day()).await.unwrap();
        assert_eq!(next.sequence, 3, "1 committed, 1 in flight: the next is 3");
        drop(waiting);
    }

    #[tokio::test]
    async fn past_days_are_dropped_once_nothing_is_in_flight() {
        let pool = pool().await;
        let proposals = Proposals::default();
        let yesterday = day().pred_opt().unwrap();
        drop(proposals.propose(&pool, "A", yesterday).await.unwrap());
        let held = proposals.propose(&pool, "B", yesterday).await.unwrap();
        drop(proposals.propose(&pool, "A", day()).await.unwrap());
        assert_eq!(proposals.len(), 3);
        let today = ("A".to_owned(), day().to_string());
        proposals.settle([(&today, 1)]);
        assert_eq!(
            proposals.len(),
            2,
            "A yesterday is done, B yesterday is in flight"
        );
        drop(held);
        proposals.settle([(&today, 1)]);
        assert_eq!(proposals.len(), 1);
    }

    #[tokio::test]
    async fn a_failed_batch_reads_the_committed_number_again() {
        let pool = pool().await;
        let proposals = Proposals::default();
        let first = proposals.propose(&pool, "A", day()).await.unwrap();
        assert_eq!(first.sequence, 1);
        drop(first);
        sqlx::query("INSERT INTO dossier_sequences VALUES ('A', '2026-11-27', 7)")
            .execute(&pool)
            .await
            .unwrap();
        let key = ("A".to_owned(), day().to_string());
        proposals.forget([&key]);
        let next = proposals.propose(&pool, "A", day()).await.unwrap();
        assert_eq!(next.sequence, 8);
    }
}
