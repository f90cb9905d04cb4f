//! An online, consistent copy of the database (`motcua backup`, issue 19
//! item 6).

use std::path::Path;

use anyhow::Context;

use crate::SqliteStore;

impl SqliteStore {
    /// Writes a consistent copy of the database to `path` with `VACUUM
    /// INTO`: one read transaction's snapshot, compacted; writers carry on
    /// meanwhile. `path` must not exist.
    pub async fn vacuum_into(&self, path: &Path) -> anyhow::Result<()> {
        sqlx::query("VACUUM INTO ?")
            .bind(path.to_string_lossy().into_owned())
            .execute(&self.pool)
            .await
            .with_context(|| format!("VACUUM INTO {}", path.display()))?;
        Ok(())
    }
}
