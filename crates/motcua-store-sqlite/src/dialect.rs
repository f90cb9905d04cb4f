//! Where SQLite speaks differently from PostgreSQL inside the SQL the two
//! engines share (`motcua-store-sql`): the shared macros call these names,
//! and `motcua-store-postgres/src/dialect.rs` gives the other answer.

use motcua_app::StoreError;
use sqlx::SqliteConnection;

/// What follows a `SELECT` that locks the rows it reads: nothing on SQLite,
/// whose write transactions (`BEGIN IMMEDIATE`) already hold the database's
/// single write lock.
pub(crate) const FOR_UPDATE: &str = "";

/// Serialises audit appends: nothing to do on SQLite, where the caller's
/// transaction was opened with `BEGIN IMMEDIATE` and holds the write lock, so
/// two appends never read the same head.
pub(crate) async fn lock_audit_chain(_conn: &mut SqliteConnection) -> Result<(), StoreError> {
    Ok(())
}
