//! The embedded population registry: residents kept in the instance's own
//! database, imported from CSV or generated, for development, demos and tests.

use std::sync::Arc;

use async_trait::async_trait;
use motcua_domain::resident::{
    RegistryAnswer, RegistryQuery, Resident, SyntheticResidents, match_query, parse_residents_csv,
};
use motcua_domain::unit::{Era, UnitCode, UnitLevel};

use crate::AppError;
use crate::ports::registry::RegistryError;
use crate::ports::{CitizenRegistry, ResidentPorts, ResidentStore, UnitFilter};

/// Residents written per transaction while importing or generating.
pub const IMPORT_BATCH: usize = 2_000;

/// A [`CitizenRegistry`] answered from the `residents` table.
#[derive(Clone)]
pub struct EmbeddedRegistry {
    store: Arc<dyn ResidentStore>,
}

impl EmbeddedRegistry {
    /// Over `store`.
    pub fn new(store: Arc<dyn ResidentStore>) -> Self {
        Self { store }
    }
}

#[async_trait]
impl CitizenRegistry for EmbeddedRegistry {
    async fn lookup(&self, query: &RegistryQuery) -> Result<RegistryAnswer, RegistryError> {
        let found = self
            .store
            .get_resident(&query.personal_id)
            .await
            .map_err(|e| RegistryError::Unavailable(e.to_string()))?;
        Ok(match found {
            Some(resident) => match_query(query, resident),
            None => RegistryAnswer::NotFound,
        })
    }

    fn name(&self) -> &'static str {
        "embedded"
    }
}

/// Managing the embedded registry's residents.
#[derive(Clone)]
pub struct ResidentService {
    store: Arc<dyn ResidentPorts>,
}

impl ResidentService {
    /// Over `store`.
    pub fn new(store: Arc<dyn ResidentPorts>) -> Self {
        Self { store }
    }

    /// Imports a resident CSV (all rows are checked before any is written);
    /// `progress` is told how many were written after each batch.
    pub async fn import_csv(
        &self,
        text: &str,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<u64, AppError> {
        let residents = parse_residents_csv(text).map_err(AppError::Invalid)?;
        self.write(residents.into_iter(), progress).await
    }

    /// The current communes of a province (statistics code, e.g. `"19"`).
    pub async fn communes_of(&self, province_code: &str) -> Result<Vec<String>, AppError> {
        let parent = UnitCode::parse(province_code)
            .map_err(|e| AppError::Invalid(format!("mã tỉnh / province code: {e}")))?;
        let page = self
            .store
            .list_units(&UnitFilter {
                era: Era::Current,
                level: Some(UnitLevel::Commune),
                unit_type: None,
                parent: Some(parent),
                query_folded: None,
                limit: 5_000,
                offset: 0,
            })
            .await?;
        Ok(page
            .items
            .into_iter()
            .map(|u| u.code.as_str().to_owned())
            .collect())
    }

    /// Generates `people` deterministic synthetic residents of the province's
    /// communes and writes them; returns how many were written.
    pub async fn generate(
        &self,
        seed: u64,
        province_code: &str,
        people: usize,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<u64, AppError> {
        let communes = self.communes_of(province_code).await?;
        let residents = SyntheticResidents::new(seed, province_code, communes, people)
            .map_err(AppError::Invalid)?;
        self.write(residents, progress).await
    }

    /// How many residents are stored.
    pub async fn count(&self) -> Result<u64, AppError> {
        Ok(self.store.count_residents().await?)
    }

    async fn write(
        &self,
        residents: impl Iterator<Item = Resident>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<u64, AppError> {
        let mut written = 0;
        let mut batch = Vec::with_capacity(IMPORT_BATCH);
        for r in residents {
            batch.push(r);
            if batch.len() == IMPORT_BATCH {
                written += self.store.import_residents(&batch).await?;
                batch.clear();
                progress(written);
            }
        }
        if !batch.is_empty() {
            written += self.store.import_residents(&batch).await?;
            progress(written);
        }
        Ok(written)
    }
}
