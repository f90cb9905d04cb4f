//! Choosing the store engine from the database URL.

use std::sync::Arc;

use anyhow::{Context, Result, bail};
use motcua_app::ports::Store;
use motcua_store_postgres::PgStore;
use motcua_store_sqlite::SqliteStore;

use motcua_domain::redact::redact_url;

/// Opens the store named by `url` and runs its migrations.
pub async fn open_store(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = PgStore::connect(url)
            .await
            .with_context(|| format!("connecting to {}", redact_url(url)))?;
        store.migrate().await?;
        Ok(Arc::new(store))
    } else if let Some(path) = url.strip_prefix("sqlite://") {
        if let Some(parent) = std::path::Path::new(path.split('?').next().unwrap_or(path)).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        let store = SqliteStore::connect(url).await?;
        store.migrate().await?;
        Ok(Arc::new(store))
    } else {
        bail!(
            "database URL must start with sqlite:// or postgres:// (got {})",
            redact_url(url)
        )
    }
}
