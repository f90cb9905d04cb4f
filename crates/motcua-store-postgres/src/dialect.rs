//! Where PostgreSQL speaks differently from SQLite inside the SQL the two
//! engines share (`motcua-store-sql`): the shared macros call these names,
//! and `motcua-store-sqlite/src/dialect.rs` gives the other answer.

use motcua_app::StoreError;
use sqlx::PgConnection;

use crate::other;

/// What follows a `SELECT` that locks the rows it reads until the
/// transaction ends.
pub(crate) const FOR_UPDATE: &str = " FOR UPDATE";

/// A dossier whose legal clock runs: a `boolean` column.
pub(crate) const CLOCK_RUNNING: &str = "clock_running";

/// How a `jsonb` column is read back as text.
pub(crate) const JSON_OUT: &str = "::text";

/// How a text parameter is stored in a `jsonb` column.
pub(crate) const JSON_IN: &str = "::jsonb";

/// How a text parameter is stored in the outbox's payload column, a
/// `json` column that keeps the text as written (migration 0039). Where a
/// literal is needed it is spelled `CAST($4 AS json)`: the outbox insert of
/// `dossiers.rs` and the obstacle store's argument (`obstacles.rs`).
pub(crate) const OUTBOX_JSON_IN: &str = "::json";

/// The writing transaction of outbox row `o` (`outbox.txid`, migration
/// 0040): rows are delivered in (transaction, id) order (ADR 0035).
pub(crate) const OUTBOX_TXID: &str = "o.txid";

/// Outbox row `o` is at or before the cursor of sink `s` (ADR 0035).
pub(crate) const UP_TO_CURSOR: &str =
    "(o.txid, o.id) <= (s.delivered_through_txid, s.delivered_through)";

/// Serialises a read-then-write sequence (the audit chain, a catalog
/// import) with a transaction-scoped advisory lock on `key`.
pub(crate) async fn serialise(conn: &mut PgConnection, key: i64) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(key)
        .execute(&mut *conn)
        .await
        .map_err(|e| other(e, "taking an advisory lock"))?;
    Ok(())
}
