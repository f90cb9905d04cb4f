//! Shared wiring of the identity commands: the subject-key pepper and the
//! store with the reference units loaded.

use std::sync::Arc;

use anyhow::{Result, anyhow};
use motcua_app::ports::{Clock, Store};
use motcua_app::units::UnitService;
use motcua_domain::audit::SubjectKey;

use crate::config::Settings;
use crate::wiring::open_store;

/// The environment variable holding the secret that keys personal IDs in the
/// audit log. Kept outside the database (and outside `motcua.toml`) so that
/// a copied database does not reveal whose data was looked up.
pub const PEPPER_VAR: &str = "MOTCUA_AUDIT_PEPPER";

/// The subject-key function of this instance (empty pepper when unset).
pub fn subject_key() -> SubjectKey {
    SubjectKey::new(std::env::var(PEPPER_VAR).unwrap_or_default().into_bytes())
}

/// Opens the store and makes sure the reference units are there.
pub async fn store_with_units(settings: &Settings, clock: &Clock) -> Result<Arc<dyn Store>> {
    let store = open_store(&settings.database_url(), clock).await?;
    UnitService::new(store.clone())
        .load_reference()
        .await
        .map_err(|e| anyhow!("{e}"))?;
    Ok(store)
}
