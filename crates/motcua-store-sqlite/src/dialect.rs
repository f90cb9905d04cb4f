//! Where SQLite speaks differently from PostgreSQL inside the SQL the two
//! engines share (`motcua-store-sql`): the shared macros call these names,
//! and `motcua-store-postgres/src/dialect.rs` gives the other answer.

use motcua_app::StoreError;
use sqlx::SqliteConnection;

/// What follows a `SELECT` that locks the rows it reads: nothing on SQLite,
/// whose write transactions (`BEGIN IMMEDIATE`) already hold the database's
/// single write lock.
pub(crate) const FOR_UPDATE: &str = "";

/// A dossier whose legal clock runs: the exact predicate of the partial indexes `dossiers_*_running_due`, so SQLite may use them.
pub(crate) const CLOCK_RUNNING: &str = "clock_running = 1";

/// How a JSON value is read back as text: SQLite keeps JSON as `TEXT`.
pub(crate) const JSON_OUT: &str = "";

/// How a text parameter is stored as a JSON value: as it is, in a `TEXT`
/// column.
pub(crate) const JSON_IN: &str = "";

/// How a text parameter is stored in the outbox's payload column: as it
/// is, in a `TEXT` column.
pub(crate) const OUTBOX_JSON_IN: &str = "";

/// The writing transaction of outbox row `o` in the delivery order (ADR
/// 0035): none on SQLite, whose one writer gives ids in commit order.
pub(crate) const OUTBOX_TXID: &str = "0";

/// Outbox row `o` is at or before the cursor of sink `s` (ADR 0035).
pub(crate) const UP_TO_CURSOR: &str = "o.id <= s.delivered_through";

/// Serialises a read-then-write sequence (the audit chain, a catalog
/// import): nothing to do on SQLite, where the caller's transaction was
/// opened with `BEGIN IMMEDIATE` and holds the database's write lock.
pub(crate) async fn serialise(_conn: &mut SqliteConnection, _key: i64) -> Result<(), StoreError> {
    Ok(())
}
