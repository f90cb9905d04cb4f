//! The JSON contract with the gateway (see `docs/registry-gateway.md`).

use chrono::NaiveDate;
use motcua_app::ports::registry::RegistryError;
use motcua_domain::dossier::{PersonalId, Sex};
use motcua_domain::resident::{MismatchField, RegistryAnswer, RegistryQuery, Resident};
use serde::{Deserialize, Serialize};

/// The look-up endpoint, relative to the base URL.
pub const LOOKUP_PATH: &str = "/v1/citizens/lookup";

/// The request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireQuery {
    /// 12 digits.
    pub personal_id: String,
    /// As the applicant gave it.
    pub full_name: String,
    /// `YYYY-MM-DD`.
    pub birth_date: NaiveDate,
}

impl From<&RegistryQuery> for WireQuery {
    fn from(q: &RegistryQuery) -> Self {
        Self {
            personal_id: q.personal_id.as_str().to_owned(),
            full_name: q.full_name.clone(),
            birth_date: q.birth_date,
        }
    }
}

/// A resident as the gateway sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireResident {
    /// 12 digits.
    pub personal_id: String,
    /// Họ và tên.
    pub full_name: String,
    /// `YYYY-MM-DD`.
    pub birth_date: NaiveDate,
    /// `male` or `female`.
    pub sex: Sex,
    /// Commune code of the permanent residence.
    pub permanent_unit: String,
    /// Commune code of the temporary residence, or null.
    pub temporary_unit: Option<String>,
    /// Household code.
    pub household_code: String,
    /// Relation to the head of household.
    pub household_relation: String,
}

/// The response body (HTTP 200, or 404 for `not_found`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum WireAnswer {
    /// Name and date of birth match.
    Found {
        /// The data.
        resident: WireResident,
    },
    /// No such personal ID.
    NotFound,
    /// The ID exists; these fields differ.
    Mismatch {
        /// `full_name`, `birth_date`.
        fields: Vec<MismatchField>,
    },
}

impl WireAnswer {
    /// Checks and converts an answer to the query for `asked_id`.
    pub fn into_domain(self, asked_id: &str) -> Result<RegistryAnswer, RegistryError> {
        Ok(match self {
            WireAnswer::NotFound => RegistryAnswer::NotFound,
            WireAnswer::Mismatch { fields } => RegistryAnswer::Mismatch { fields },
            WireAnswer::Found { resident: r } => {
                if r.personal_id != asked_id {
                    return Err(RegistryError::Protocol(
                        "the answer is about another personal ID".into(),
                    ));
                }
                let personal_id = PersonalId::parse(&r.personal_id)
                    .map_err(|e| RegistryError::Protocol(e.code.to_owned()))?;
                RegistryAnswer::Found {
                    resident: Resident {
                        personal_id,
                        full_name: r.full_name,
                        birth_date: r.birth_date,
                        sex: r.sex,
                        permanent_unit: r.permanent_unit,
                        temporary_unit: r.temporary_unit,
                        household_code: r.household_code,
                        household_relation: r.household_relation,
                    },
                }
            }
        })
    }
}
