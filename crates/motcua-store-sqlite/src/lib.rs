//! SQLite engine of the motcua stores: the embedded default.
//!
//! One file in the data directory, WAL journal, foreign keys on, a busy
//! timeout, and `synchronous=FULL` so that an acknowledged write survives a
//! power cut.

#![forbid(unsafe_code)]

mod accounts;
mod agencies;
mod attachments;
mod audit;
mod backup;
mod catalog;
mod dialect;
mod dossier_rows;
mod dossier_stats;
mod dossier_writer;
mod dossiers;
mod exchange;
mod feedback;
mod grants;
mod index_facts;
mod national;
mod notices;
mod obstacles;
mod payments;
mod reference_version;
mod released;
mod residents;
mod sequence_proposals;
mod staff;
mod training;
mod units;
mod webhooks;
mod work_list;
mod write_lock;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use motcua_app::StoreError;
use motcua_app::ports::Clock;
use sqlx::Connection;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// The SQLite store.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Feeds the task that commits dossier creations in batches.
    writer: tokio::sync::mpsc::Sender<dossier_writer::Job>,
    /// The day numbers that task will most likely give next.
    proposals: sequence_proposals::Proposals,
    /// Work-list scopes kept per reference version.
    pub(crate) scopes: std::sync::Arc<motcua_store_sql::scope_cache::ScopeCache>,
    /// Where the rows' bookkeeping stamps (`updated_at`, `imported_at`,
    /// `applied_at`) read "now" (ADR 0028).
    pub(crate) clock: Clock,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` (`sqlite://path`).
    /// Must be called inside a Tokio runtime: it starts the task that
    /// commits dossier creations in batches.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .context("bad SQLite URL")?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // 16 MiB of page cache per connection (the default is 2 MiB):
            // work lists and receptions touch the same index pages again
            // and again.
            .pragma("cache_size", "-16384");
        // Create the file and switch it to WAL on one connection first: two
        // connections of the pools opening a new file at once may both try
        // to change the journal mode, and that answers "database is locked"
        // without waiting for the busy timeout.
        sqlx::ConnectOptions::connect(&options)
            .await
            .context("creating the SQLite database")?
            .close()
            .await
            .context("closing the first SQLite connection")?;
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .after_release(released::keep_unless_in_transaction)
            .connect_with(options.clone())
            .await
            .context("opening the SQLite database")?;
        // The group-commit writer keeps a connection of its own: its page
        // cache stays warm (SQLite drops a connection's cache whenever
        // another connection wrote since its last transaction) and it
        // never waits behind readers for a pooled connection.
        let writer_pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .after_release(released::keep_unless_in_transaction)
            .connect_with(options)
            .await
            .context("opening the SQLite writer connection")?;
        let proposals = sequence_proposals::Proposals::default();
        let writer = dossier_writer::spawn_writer(writer_pool, proposals.clone());
        Ok(Self {
            pool,
            writer,
            proposals,
            scopes: std::sync::Arc::default(),
            clock: Clock::system(),
        })
    }

    /// This store with its bookkeeping stamps read from `clock` (the app's
    /// clock; [`Clock::system`] until set).
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Runs this engine's migrations.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        sqlx::migrate!("./migrations")
            .run(&self.pool)
            .await
            .context("SQLite migrations")?;
        Ok(())
    }

    /// A transaction that holds SQLite's write lock from its first statement
    /// (`BEGIN IMMEDIATE`), so read-then-write sequences such as audit
    /// appends are serialised instead of failing with a busy snapshot.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        write_lock::begin_immediate(&self.pool, "begin immediate").await
    }

    /// The pool, for benchmarks that measure a bare baseline beside the store.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

motcua_store_sql::engine_root! {
    store: SqliteStore,
    db: sqlx::Sqlite,
    row: sqlx::sqlite::SqliteRow,
    connection: sqlx::SqliteConnection,
    name: "sqlite",
}
