//! PostgreSQL engine of the motcua stores: for deployments that share one
//! database server.
//!
//! The same tables and behaviour as the SQLite engine, with PostgreSQL types
//! (`date`, `timestamptz`, `boolean`). `synchronous_commit` is left at its
//! default (`on`) so that an acknowledged write survives a crash. Every SQL
//! dialect difference stays inside this crate.

#![forbid(unsafe_code)]

mod accounts;
mod agencies;
mod attachments;
mod audit;
mod catalog;
mod dialect;
mod dossier_rows;
mod dossier_stats;
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
mod residents;
mod staff;
mod training;
mod units;
mod webhooks;
mod work_list;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use motcua_app::StoreError;
use motcua_app::ports::Clock;
use motcua_domain::redact::redact_url;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// The PostgreSQL store.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    /// Where it is connected, without a password, for `Debug` and errors.
    target: String,
    /// Work-list scopes kept per reference version.
    pub(crate) scopes: std::sync::Arc<motcua_store_sql::scope_cache::ScopeCache>,
    /// Where the rows' bookkeeping stamps (`updated_at`, `imported_at`,
    /// `applied_at`) read "now" (ADR 0028).
    pub(crate) clock: Clock,
}

impl fmt::Debug for PgStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStore")
            .field("target", &self.target)
            .field("pool_size", &self.pool.size())
            .finish_non_exhaustive()
    }
}

fn describe(options: &PgConnectOptions) -> String {
    format!(
        "postgres://{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or("")
    )
}

impl PgStore {
    /// Connects a pool to the database at `url`
    /// (`postgres://user:password@host:port/database`).
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options = PgConnectOptions::from_str(url)
            .with_context(|| format!("bad PostgreSQL URL {}", redact_url(url)))?;
        Self::connect_with(options).await
    }

    /// Connects a pool with options built in code (tests pick a fresh
    /// database this way).
    pub async fn connect_with(options: PgConnectOptions) -> anyhow::Result<Self> {
        let target = describe(&options);
        let options = options.application_name("motcua");
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .min_connections(0)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .with_context(|| format!("connecting to PostgreSQL at {target}"))?;
        Ok(Self {
            pool,
            target,
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

    /// Runs this engine's migrations (under sqlx's advisory lock, so two
    /// instances starting together do not race).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        sqlx::migrate!("./migrations")
            .run(&self.pool)
            .await
            .with_context(|| format!("PostgreSQL migrations on {}", self.target))?;
        Ok(())
    }

    /// A write transaction: a plain `BEGIN` (PostgreSQL's row locks and
    /// constraints serialise what SQLite's `BEGIN IMMEDIATE` does); the
    /// name the shared SQL of `motcua-store-sql` calls on both engines.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
        self.pool.begin().await.map_err(|e| other(e, "begin"))
    }

    /// The pool, for benchmarks that measure a bare baseline beside the store.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

motcua_store_sql::engine_root! {
    store: PgStore,
    db: sqlx::Postgres,
    row: sqlx::postgres::PgRow,
    connection: sqlx::PgConnection,
    name: "postgres",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_options_built_from_a_url_hides_the_password() {
        let options = PgConnectOptions::from_str("postgres://app:hunter2@db.example/motcua")
            .expect("valid URL");
        let shown = describe(&options);
        assert_eq!(shown, "postgres://app@db.example:5432/motcua");
        assert!(!shown.contains("hunter2"));
    }

    #[tokio::test]
    async fn debug_of_the_store_hides_the_password() {
        let options = PgConnectOptions::from_str("postgres://app:hunter2@db.example/motcua")
            .expect("valid URL");
        let store = PgStore {
            target: describe(&options),
            pool: PgPoolOptions::new().connect_lazy_with(options),
            scopes: std::sync::Arc::default(),
            clock: Clock::system(),
        };
        let shown = format!("{store:?}");
        assert!(shown.contains("db.example"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
