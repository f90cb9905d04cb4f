//! Waiting for SQLite's write lock, bounded and reported (issue 19 item 5).
//!
//! SQLite has one writer at a time and no queue: a connection that finds the
//! lock taken polls (the busy timeout) and, when the timeout passes, fails
//! with "database is locked". Beside a busy `motcua serve`, whose group-commit
//! writer takes the lock again and again, a command's `BEGIN IMMEDIATE` can
//! lose every poll of one busy timeout. Every write transaction of this
//! engine therefore begins through [`begin_immediate`] (or [`LockWait`]): a
//! busy answer is retried until the bound `MOTCUA_WRITE_WAIT_SECONDS`
//! (default [`DEFAULT_WRITE_WAIT`]) has passed, the wait is logged once it
//! lasts, and after the bound the error says what held the lock and how to
//! wait longer.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use motcua_app::StoreError;
use sqlx::{Sqlite, SqlitePool, Transaction};

/// How long a write waits for the lock when `MOTCUA_WRITE_WAIT_SECONDS` is
/// not set.
pub const DEFAULT_WRITE_WAIT: Duration = Duration::from_secs(120);

/// The bound of a write's wait for the lock: `MOTCUA_WRITE_WAIT_SECONDS`,
/// read once per process, or [`DEFAULT_WRITE_WAIT`].
pub fn write_wait() -> Duration {
    static WAIT: OnceLock<Duration> = OnceLock::new();
    *WAIT.get_or_init(|| {
        std::env::var("MOTCUA_WRITE_WAIT_SECONDS")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map_or(DEFAULT_WRITE_WAIT, Duration::from_secs)
    })
}

/// Whether a driver error is SQLite's "the lock is taken" (`SQLITE_BUSY`
/// and its extended codes, or `SQLITE_LOCKED`).
pub(crate) fn is_busy(err: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = err else {
        return false;
    };
    db.code()
        .and_then(|c| c.parse::<i64>().ok())
        .is_some_and(|c| c & 0xff == 5 || c & 0xff == 6)
}

/// One write's wait for the lock: call [`LockWait::after`] with each failed
/// `BEGIN IMMEDIATE`; it sleeps and answers `Ok` to try again, or the error
/// to give up with.
pub(crate) struct LockWait {
    started: Instant,
    bound: Duration,
    tries: u32,
    next_report: Duration,
    what: &'static str,
}

impl LockWait {
    /// A wait for the write `what`, bounded by [`write_wait`].
    pub(crate) fn new(what: &'static str) -> Self {
        Self::with_bound(what, write_wait())
    }

    /// A wait bounded by `bound`.
    pub(crate) fn with_bound(what: &'static str, bound: Duration) -> Self {
        Self {
            started: Instant::now(),
            bound,
            tries: 0,
            next_report: Duration::from_secs(2),
            what,
        }
    }

    /// After a failed `BEGIN IMMEDIATE`: sleeps a little and answers `Ok` to
    /// try again while the lock is busy and the bound not reached; the
    /// error otherwise.
    pub(crate) async fn after(&mut self, err: sqlx::Error) -> Result<(), StoreError> {
        if !is_busy(&err) {
            return Err(StoreError::Other(
                anyhow::Error::new(err).context(self.what),
            ));
        }
        let waited = self.started.elapsed();
        if waited >= self.bound {
            return Err(StoreError::Other(anyhow::Error::new(err).context(format!(
                "không lấy được khóa ghi của cơ sở dữ liệu sau {} giây (một tiến trình khác, \
                 thường là `motcua serve`, đang ghi liên tục); hãy chạy lại hoặc đặt \
                 MOTCUA_WRITE_WAIT_SECONDS lớn hơn / the database's write lock stayed taken for \
                 {} s (another process, usually a busy `motcua serve`, kept writing); run again \
                 or set MOTCUA_WRITE_WAIT_SECONDS higher ({})",
                waited.as_secs(),
                waited.as_secs(),
                self.what
            ))));
        }
        if waited >= self.next_report {
            tracing::warn!(
                waited_s = waited.as_secs(),
                bound_s = self.bound.as_secs(),
                what = self.what,
                "đang chờ khóa ghi của cơ sở dữ liệu (máy chủ đang bận) / waiting for the \
                 database's write lock (the server is busy)"
            );
            self.next_report = waited + Duration::from_secs(10);
        }
        self.tries += 1;
        // A short, varying pause: SQLite keeps no queue, so a waiter that
        // polls often and out of step with the other writer finds the gap
        // between two of its transactions.
        let pause = 1 + u64::from(self.tries.wrapping_mul(7919) % 9);
        tokio::time::sleep(Duration::from_millis(pause)).await;
        Ok(())
    }

    /// Logs how long the lock took when the wait was long enough to report.
    pub(crate) fn done(&self) {
        let waited = self.started.elapsed();
        if self.tries > 0 && waited >= Duration::from_secs(2) {
            tracing::info!(
                waited_ms = u64::try_from(waited.as_millis()).unwrap_or(u64::MAX),
                what = self.what,
                "đã có khóa ghi / got the write lock"
            );
        }
    }
}

/// `BEGIN IMMEDIATE` on a pooled connection, waiting for the lock as
/// [`LockWait`] does.
pub(crate) async fn begin_immediate(
    pool: &SqlitePool,
    what: &'static str,
) -> Result<Transaction<'static, Sqlite>, StoreError> {
    let mut wait = LockWait::new(what);
    loop {
        match pool.begin_with("BEGIN IMMEDIATE").await {
            Ok(tx) => {
                wait.done();
                return Ok(tx);
            }
            Err(e) => wait.after(e).await?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::SqliteConnectOptions;
    use std::str::FromStr;

    /// A fresh database file of its own under the system's temporary directory.
    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("motcua-write-lock-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("t.db")
    }

    async fn pool(path: &std::path::Path) -> SqlitePool {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .unwrap()
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_millis(50));
        sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_write_waits_for_a_lock_held_longer_than_the_busy_timeout() {
        let path = scratch("waits");
        let holder = pool(&path).await;
        let waiter = pool(&path).await;
        let tx = holder.begin_with("BEGIN IMMEDIATE").await.unwrap();
        // A plain BEGIN IMMEDIATE fails after the 50 ms busy timeout...
        let plain = waiter.begin_with("BEGIN IMMEDIATE").await;
        assert!(plain.as_ref().is_err_and(is_busy), "{plain:?}");
        // ...the bounded wait gets the lock once it is released at 400 ms.
        let release = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            tx.commit().await.unwrap();
        });
        let started = Instant::now();
        let mut wait = LockWait::with_bound("test", Duration::from_secs(5));
        let got = loop {
            match waiter.begin_with("BEGIN IMMEDIATE").await {
                Ok(tx) => break tx,
                Err(e) => wait.after(e).await.unwrap(),
            }
        };
        assert!(started.elapsed() >= Duration::from_millis(300));
        got.commit().await.unwrap();
        release.await.unwrap();
    }

    #[tokio::test]
    async fn after_the_bound_the_error_says_what_to_do() {
        let path = scratch("bound");
        let holder = pool(&path).await;
        let waiter = pool(&path).await;
        let _tx = holder.begin_with("BEGIN IMMEDIATE").await.unwrap();
        let mut wait = LockWait::with_bound("test", Duration::from_millis(200));
        let err = loop {
            match waiter.begin_with("BEGIN IMMEDIATE").await {
                Ok(_) => panic!("the lock is held"),
                Err(e) => match wait.after(e).await {
                    Ok(()) => {}
                    Err(e) => break e,
                },
            }
        };
        let text = format!("{err:#}");
        assert!(text.contains("MOTCUA_WRITE_WAIT_SECONDS"), "{text}");
        assert!(text.contains("khóa ghi"), "{text}");
    }
}
