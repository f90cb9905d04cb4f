//! Where PostgreSQL speaks differently from SQLite inside the SQL the two
//! engines share (`motcua-store-sql`): the shared macros call these names,
//! and `motcua-store-sqlite/src/dialect.rs` gives the other answer.

use motcua_app::StoreError;
use sqlx::PgConnection;

use crate::other;

/// The advisory lock key that serialises audit appends ("AUDT").
const AUDIT_LOCK: i64 = 0x4155_4454;

/// What follows a `SELECT` that locks the rows it reads until the
/// transaction ends.
pub(crate) const FOR_UPDATE: &str = " FOR UPDATE";

/// Serialises audit appends with a transaction-scoped advisory lock, so two
/// appends never read the same head.
pub(crate) async fn lock_audit_chain(conn: &mut PgConnection) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(AUDIT_LOCK)
        .execute(&mut *conn)
        .await
        .map_err(|e| other(e, "locking the audit log"))?;
    Ok(())
}
