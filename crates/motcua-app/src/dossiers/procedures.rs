//! What a dossier needs to know about its procedure (thủ tục): the time
//! limit, reception rules, components and whether it may be filed at any
//! centre of the province. A port: [`SeedProcedures`] serves the seed
//! catalog shipped in the binary, and
//! [`super::catalog_procedures::CatalogProcedures`] the catalog store (with
//! the seed as fallback).

use async_trait::async_trait;
use chrono::NaiveDate;
use motcua_domain::catalog::{
    Fee, FormSet, ProcedureVersion, Requirement, WaiverSource, seed_catalog,
};
use motcua_domain::clock::ReceptionRules;
use motcua_domain::legal_time::TimeLimit;

/// One component the procedure asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentSpec {
    /// Code within the procedure: `TP1`, `TP2`... in catalog order.
    pub code: String,
    /// Name shown to the applicant.
    pub name: String,
    /// Whether it is bắt buộc (conditional ones are judged by the officer).
    pub required: bool,
    /// The databases whose data make it unnecessary (miễn nộp), in
    /// catalog order.
    pub waivers: Vec<WaiverSource>,
}

/// The facts about one procedure version that dossiers use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureFacts {
    /// Mã TTHC.
    pub code: String,
    /// Catalog version.
    pub version: u32,
    /// Official name.
    pub name: String,
    /// Thời hạn giải quyết; `None` when the sources do not give it.
    pub limit: Option<TimeLimit>,
    /// Cut-off and Saturday reception.
    pub reception: ReceptionRules,
    /// Whether it may be filed at any centre of the province (phi địa giới).
    pub boundary_free: bool,
    /// Thành phần hồ sơ.
    pub components: Vec<ComponentSpec>,
    /// The form set its slips and notices use (e.g. the police preset).
    pub forms: FormSet,
    /// The catalog's fee lines (empty: free or unknown).
    pub fees: Vec<Fee>,
    /// Whether the commune police (Công an xã) alone decide it (e.g. cư
    /// trú): the default deciding agency is then the unit's police, not its
    /// People's Committee (legal review D5).
    pub decided_by_police: bool,
}

/// Finds the version of a procedure in force on a day.
#[async_trait]
pub trait ProcedureLookup: Send + Sync {
    /// The version of `code` valid on `day` (or its latest version).
    async fn procedure(&self, code: &str, day: NaiveDate) -> Option<ProcedureFacts>;
    /// Every procedure code known (for demo data).
    async fn codes(&self) -> Vec<String>;
}

/// The seed catalog shipped in the binary.
#[derive(Debug, Clone)]
pub struct SeedProcedures {
    versions: Vec<ProcedureVersion>,
}

impl SeedProcedures {
    /// Parses the embedded seed catalog.
    pub fn new() -> Self {
        Self {
            versions: seed_catalog(),
        }
    }
}

impl Default for SeedProcedures {
    fn default() -> Self {
        Self::new()
    }
}

/// The facts dossiers use from one catalog version.
pub fn facts(v: &ProcedureVersion) -> ProcedureFacts {
    let p = &v.procedure;
    ProcedureFacts {
        code: p.code.as_str().to_owned(),
        version: v.version,
        name: p.name.clone(),
        limit: p.timing.limit,
        reception: ReceptionRules {
            cutoff: p.timing.cut_off.and_then(|c| {
                chrono::NaiveTime::from_hms_opt(c.hour().into(), c.minute().into(), 0)
            }),
            saturday_morning_reception: p.timing.saturday_morning_reception,
        },
        boundary_free: p.phi_dia_gioi.is_some(),
        components: p
            .components
            .iter()
            .enumerate()
            .map(|(i, c)| ComponentSpec {
                code: format!("TP{}", i + 1),
                name: c.name.clone(),
                required: c.requirement == Requirement::Required,
                waivers: c.waivers.iter().map(|w| w.source).collect(),
            })
            .collect(),
        forms: p.forms.clone(),
        fees: p.fees.lines.clone(),
        decided_by_police: p.agencies == [motcua_domain::catalog::AgencyType::CongAnXa],
    }
}

#[async_trait]
impl ProcedureLookup for SeedProcedures {
    async fn procedure(&self, code: &str, day: NaiveDate) -> Option<ProcedureFacts> {
        let mut versions: Vec<&ProcedureVersion> = self
            .versions
            .iter()
            .filter(|v| v.procedure.code.as_str() == code)
            .collect();
        versions.sort_by_key(|v| v.version);
        versions
            .iter()
            .find(|v| v.is_valid_on(day))
            .or(versions.last())
            .map(|v| facts(v))
    }

    async fn codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = self
            .versions
            .iter()
            .map(|v| v.procedure.code.as_str().to_owned())
            .collect();
        codes.sort();
        codes.dedup();
        codes
    }
}
