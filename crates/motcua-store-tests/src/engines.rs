//! Factories of fresh stores, one per engine.

use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use motcua_app::ports::Clock;
use motcua_domain::redact::redact_url;
use motcua_store_postgres::PgStore;
use motcua_store_sqlite::SqliteStore;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor};

use crate::FreshStore;

/// The environment variable holding the admin URL of the test server.
pub const POSTGRES_URL_VAR: &str = "MOTCUA_TEST_POSTGRES_URL";

/// What the stores made here read as "now" for their bookkeeping stamps
/// (`applied_at`, `updated_at`, `imported_at`): a fixed instant, so a case
/// can check that the store reads the clock it was given (ADR 0028).
pub fn store_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, 1, 3, 4, 5)
        .single()
        .expect("a valid instant")
}

/// A migrated SQLite store in a new file under a temp dir (never
/// `:memory:`, so WAL, file locking and the pool behave as in production).
pub async fn sqlite() -> FreshStore {
    let dir = tempfile::TempDir::new().expect("creating a temp dir");
    let path = dir.path().join("motcua.db");
    let url = format!("sqlite://{}", path.display());
    let store = SqliteStore::connect(&url)
        .await
        .expect("opening the SQLite test database")
        .with_clock(Clock::fixed(store_now()));
    store.migrate().await.expect("SQLite migrations");
    let pool = store.pool().clone();
    let raw: crate::RawSql = Arc::new(move |sql: String| {
        let pool = pool.clone();
        Box::pin(async move { Ok(sqlx::raw_sql(&sql).execute(&pool).await?.rows_affected()) })
    });
    FreshStore::new(Arc::new(store), Some(Box::new(dir)), None).with_raw(raw)
}

/// A migrated PostgreSQL store in a new database `motcua_t_<uuid>`, created
/// through the admin URL in `MOTCUA_TEST_POSTGRES_URL` and dropped after a
/// passing case.
///
/// # Panics
/// When the variable is unset: these tests must not pass by skipping.
pub async fn postgres() -> FreshStore {
    let admin_url = std::env::var(POSTGRES_URL_VAR)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| {
            panic!(
                "{POSTGRES_URL_VAR} is not set, so the PostgreSQL conformance tests cannot run. \
                 Run them with `scripts/test`, or start a throwaway server first: \
                 `eval \"$(scripts/pg-up)\"; cargo test -p motcua-store-tests; scripts/pg-down`."
            )
        });
    let shown = redact_url(&admin_url);
    let admin = PgConnectOptions::from_str(&admin_url)
        .unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR}={shown} is not a PostgreSQL URL: {e}"));
    let name = format!("motcua_t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = admin
        .connect()
        .await
        .unwrap_or_else(|e| panic!("connecting to {shown} ({POSTGRES_URL_VAR}): {e}"));
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {name} on {shown}: {e}"));
    conn.close().await.ok();
    let store = PgStore::connect_with(admin.clone().database(&name))
        .await
        .expect("connecting to the test database")
        .with_clock(Clock::fixed(store_now()));
    store.migrate().await.expect("PostgreSQL migrations");
    let teardown = Box::pin(async move {
        let mut conn = admin.connect().await?;
        conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await?;
        conn.close().await?;
        Ok(())
    });
    let pool = store.pool().clone();
    let raw: crate::RawSql = Arc::new(move |sql: String| {
        let pool = pool.clone();
        Box::pin(async move { Ok(sqlx::raw_sql(&sql).execute(&pool).await?.rows_affected()) })
    });
    FreshStore::new(Arc::new(store), None, Some(teardown)).with_raw(raw)
}
