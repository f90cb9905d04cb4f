//! The population registry (CSDLQG về dân cư) port, and the resident table
//! behind the embedded registry.

use async_trait::async_trait;
use motcua_domain::dossier::PersonalId;
use motcua_domain::resident::{RegistryAnswer, RegistryQuery, Resident};
use thiserror::Error;

use crate::StoreError;

/// Why the registry gave no answer (as opposed to "not found").
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RegistryError {
    /// No answer in time, after the retries the budget allowed.
    #[error("hệ thống CSDL dân cư không trả lời kịp / the population registry timed out")]
    Timeout,
    /// Too many recent failures: calls are not attempted for a while.
    #[error(
        "tạm ngừng gọi CSDL dân cư do lỗi liên tiếp / the population registry is failing; calls are paused"
    )]
    CircuitOpen,
    /// The registry answered with an error or could not be reached.
    #[error("CSDL dân cư không sẵn sàng / the population registry is unavailable: {0}")]
    Unavailable(String),
    /// The registry answered something outside the contract.
    #[error("CSDL dân cư trả lời sai định dạng / the population registry broke the contract: {0}")]
    Protocol(String),
}

/// Looks a person up by personal ID, full name and date of birth.
#[async_trait]
pub trait CitizenRegistry: Send + Sync {
    /// Found (name and date of birth match), not found, or mismatch.
    async fn lookup(&self, query: &RegistryQuery) -> Result<RegistryAnswer, RegistryError>;
    /// A short name for logs ("embedded", "http").
    fn name(&self) -> &'static str;
}

/// The residents table of the embedded registry.
#[async_trait]
pub trait ResidentStore: Send + Sync {
    /// Inserts or replaces residents in one transaction; returns how many were written.
    async fn import_residents(&self, residents: &[Resident]) -> Result<u64, StoreError>;
    /// One resident.
    async fn get_resident(&self, id: &PersonalId) -> Result<Option<Resident>, StoreError>;
    /// How many residents are stored.
    async fn count_residents(&self) -> Result<u64, StoreError>;
}

/// A `residents` row.
#[derive(Debug, Clone)]
pub struct ResidentRow {
    /// `personal_id`.
    pub personal_id: String,
    /// `full_name`.
    pub full_name: String,
    /// `birth_date` (ISO date).
    pub birth_date: String,
    /// `sex`: `male` or `female`.
    pub sex: String,
    /// `permanent_unit`.
    pub permanent_unit: String,
    /// `temporary_unit`.
    pub temporary_unit: Option<String>,
    /// `household_code`.
    pub household_code: String,
    /// `household_relation`.
    pub household_relation: String,
}

impl ResidentRow {
    /// Converts to the domain type, failing loudly on a corrupt row.
    pub fn into_domain(self) -> anyhow::Result<Resident> {
        use anyhow::Context;
        use motcua_domain::dossier::Sex;
        Ok(Resident {
            personal_id: PersonalId::parse(&self.personal_id)
                .map_err(|e| anyhow::anyhow!("bad personal_id in residents: {}", e.code))?,
            full_name: self.full_name,
            birth_date: self.birth_date.parse().context("bad birth_date")?,
            sex: match self.sex.as_str() {
                "male" => Sex::Male,
                "female" => Sex::Female,
                other => anyhow::bail!("bad sex {other:?}"),
            },
            permanent_unit: self.permanent_unit,
            temporary_unit: self.temporary_unit,
            household_code: self.household_code,
            household_relation: self.household_relation,
        })
    }
}

/// The stored spelling of a sex.
pub fn sex_str(sex: motcua_domain::dossier::Sex) -> &'static str {
    match sex {
        motcua_domain::dossier::Sex::Male => "male",
        motcua_domain::dossier::Sex::Female => "female",
    }
}
