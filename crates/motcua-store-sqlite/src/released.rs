//! A pooled connection never goes back to the pool inside a transaction.
//!
//! sqlx 0.8's SQLite `begin_with` sends the custom `BEGIN` to the
//! connection's worker and then, after the worker acknowledged it, awaits
//! the connection's handle to check that a transaction started. A future
//! dropped in that second await (a request whose client went away, a
//! timeout) leaves the connection one transaction deep with no
//! `Transaction` to roll it back, and sqlx's release check (a ping) passes.
//! Every later `BEGIN IMMEDIATE` on that connection then fails with
//! "attempted to call begin_with at non-zero transaction depth", and the
//! writes it carried (the hub's batches, in CI) fail with it until the
//! process restarts. [`still_in_transaction`] runs as the pools'
//! `after_release` hook: a connection still in a transaction once queued
//! rollbacks ran is closed, and the pool opens a fresh one.

use std::future::Future;
use std::pin::Pin;

use sqlx::pool::PoolConnectionMetadata;
use sqlx::{Connection, SqliteConnection};

/// The pools' `after_release` hook: `Ok(true)` keeps the connection,
/// `Ok(false)` closes it because it is still inside a transaction that
/// nothing will end.
pub(crate) fn keep_unless_in_transaction(
    conn: &mut SqliteConnection,
    _meta: PoolConnectionMetadata,
) -> Pin<Box<dyn Future<Output = Result<bool, sqlx::Error>> + Send + '_>> {
    Box::pin(async move {
        if !conn.is_in_transaction() {
            return Ok(true);
        }
        // A dropped `Transaction` queues its rollback; the ping runs the
        // queue, so only a transaction nothing can end is left after it.
        conn.ping().await?;
        if conn.is_in_transaction() {
            tracing::warn!(
                "a pooled SQLite connection came back inside an abandoned transaction \
                 (a cancelled BEGIN); closing it"
            );
            return Ok(false);
        }
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    use std::str::FromStr;
    use std::time::Duration;

    async fn pool(hook: bool) -> (tempfile::TempDir, sqlx::SqlitePool) {
        let dir = tempfile::tempdir().unwrap();
        let options = SqliteConnectOptions::from_str(&format!(
            "sqlite://{}",
            dir.path().join("t.db").display()
        ))
        .unwrap()
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
        let mut pool = SqlitePoolOptions::new().max_connections(1);
        if hook {
            pool = pool.after_release(keep_unless_in_transaction);
        }
        (dir, pool.connect_with(options).await.unwrap())
    }

    /// Starts `BEGIN IMMEDIATE` many times and drops most attempts midway;
    /// answers how many later `BEGIN IMMEDIATE`s failed.
    async fn begins_failing_after_cancellations(pool: &sqlx::SqlitePool) -> usize {
        let mut failed = 0;
        for round in 0..2000u32 {
            // Each attempt is dropped after a varying pause, as a request
            // whose client went away is.
            let pause = Duration::from_micros(u64::from(round % 97) * 3);
            tokio::select! {
                _ = pool.begin_with("BEGIN IMMEDIATE") => {}
                () = tokio::time::sleep(pause) => {}
            }
            match pool.begin_with("BEGIN IMMEDIATE").await {
                Ok(tx) => tx.rollback().await.unwrap(),
                Err(_) => failed += 1,
            }
        }
        failed
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cancelled_begin_does_not_poison_the_pool() {
        let (_dir, pool) = pool(true).await;
        assert_eq!(begins_failing_after_cancellations(&pool).await, 0);
    }

    /// A connection handed back one transaction deep with nothing to end
    /// it: what a cancelled `begin_with` leaves (made here by forgetting the
    /// `Transaction`, so it happens every time).
    async fn abandon_a_transaction(pool: &sqlx::SqlitePool) {
        let mut conn = pool.acquire().await.unwrap();
        let tx = conn.begin_with("BEGIN IMMEDIATE").await.unwrap();
        std::mem::forget(tx);
        drop(conn);
    }

    #[tokio::test]
    async fn an_abandoned_transaction_is_not_handed_out_again() {
        let (_dir, pool) = pool(true).await;
        abandon_a_transaction(&pool).await;
        let tx = pool.begin_with("BEGIN IMMEDIATE").await;
        assert!(tx.is_ok(), "{:?}", tx.err());
    }

    /// Why the hook exists: without it, sqlx 0.8.6 hands the abandoned
    /// transaction out again and every later BEGIN on it fails. When this
    /// fails, sqlx closes such connections itself and the hook can go.
    #[tokio::test]
    async fn without_the_hook_an_abandoned_transaction_poisons_the_pool() {
        let (_dir, pool) = pool(false).await;
        abandon_a_transaction(&pool).await;
        let tx = pool.begin_with("BEGIN IMMEDIATE").await;
        assert!(
            tx.as_ref()
                .err()
                .is_some_and(|e| e.to_string().contains("transaction depth")),
            "{:?}",
            tx.err()
        );
    }
}
