//! The staff registry of a unit (issue 17): people, job positions, expertise
//! tags and secondments, imported and exported as CSV.
//!
//! Unit administrators (and province administrators) manage the staff of
//! their unit's subtree ([`Capability::ManageStaff`]); the scope's leaders
//! and administrators read it ([`Capability::ViewStaff`]). An import is
//! checked whole first: one bad row and nothing is written, every problem
//! of every bad row reported (like `catalog check`).

use std::collections::BTreeSet;
use std::sync::Arc;

use motcua_domain::identity::RoleAssignment;
use motcua_domain::staff::csv::{self, RowProblem};
use motcua_domain::staff::{ExpertiseCatalog, StaffMember};

use crate::StoreError;
use crate::authz::ScopeResolver;
use crate::policy::{Capability, Denied, Policy};
use crate::ports::AgencyDirectory;
use crate::ports::clock::Clock;
use crate::ports::staff::StaffStore;

/// What the staff use cases need from the store.
pub trait StaffPorts: StaffStore + AgencyDirectory {}

impl<T: StaffStore + AgencyDirectory + ?Sized> StaffPorts for T {}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    /// Rows that cannot be read: every problem of every bad row.
    #[error("{} lỗi trong tệp, không nạp gì / {} problems in the file, nothing imported", .0.len(), .0.len())]
    BadRows(Vec<RowProblem>),
    /// A parameter that does not make sense.
    #[error("{0}")]
    Invalid(String),
    /// A registry file over [`MAX_FILE_BYTES`] or [`MAX_ROWS`]; nothing read.
    #[error("{0}")]
    TooLarge(String),
    /// The policy said no.
    #[error("{}", .0.message())]
    Denied(Denied),
    /// Store failure.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<Denied> for StaffError {
    fn from(d: Denied) -> Self {
        Self::Denied(d)
    }
}

impl From<StoreError> for StaffError {
    fn from(e: StoreError) -> Self {
        Self::Unexpected(anyhow::anyhow!("{e}"))
    }
}

/// The largest registry file imported over HTTP, in bytes (the API, the page).
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// The most rows (people) of one registry file imported over HTTP.
pub const MAX_ROWS: usize = 5_000;

/// Refuses a registry file over [`MAX_FILE_BYTES`] or [`MAX_ROWS`] before it
/// is parsed (the rows counted as non-empty lines after the header, so a
/// quoted field over several lines only makes the count stricter).
pub fn check_size(text: &str) -> Result<(), StaffError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(StaffError::TooLarge(format!(
            "Tệp lớn quá {} MB, không nạp gì / the file is over {} MB, nothing imported",
            MAX_FILE_BYTES / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let rows = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    if rows > MAX_ROWS {
        return Err(StaffError::TooLarge(format!(
            "Tệp có {rows} dòng, tối đa {MAX_ROWS} người một lần, không nạp gì / \
             the file has {rows} rows, at most {MAX_ROWS} people at once, nothing imported"
        )));
    }
    Ok(())
}

/// The values of the `unit` column (the agencies a file names).
fn units_named(text: &str) -> BTreeSet<String> {
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let Some(column) = reader
        .headers()
        .ok()
        .and_then(|h| h.iter().position(|c| c == "unit"))
    else {
        return BTreeSet::new();
    };
    reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|r| r.get(column).map(str::to_owned))
        .collect()
}

/// The embedded expertise tags, read once.
pub fn tags() -> Result<&'static ExpertiseCatalog, StaffError> {
    static TAGS: std::sync::OnceLock<Result<ExpertiseCatalog, String>> = std::sync::OnceLock::new();
    TAGS.get_or_init(ExpertiseCatalog::embedded)
        .as_ref()
        .map_err(|e| StaffError::Unexpected(anyhow::anyhow!("{e}")))
}

/// The staff use cases.
#[derive(Clone)]
pub struct StaffService {
    store: Arc<dyn StaffPorts>,
    policy: Policy,
    clock: Clock,
}

impl StaffService {
    /// Over the store and the clock, with the embedded expertise tags.
    pub fn new(store: Arc<dyn StaffPorts>, clock: Clock) -> Self {
        let directory: Arc<dyn AgencyDirectory> = store.clone();
        Self {
            store,
            policy: Policy::new(ScopeResolver::new(directory)),
            clock,
        }
    }

    /// The expertise tags.
    pub fn tags(&self) -> Result<&'static ExpertiseCatalog, StaffError> {
        tags()
    }

    /// Checks a registry file against the tags and the agencies that exist.
    pub async fn check(&self, text: &str) -> Result<Vec<StaffMember>, StaffError> {
        let named = units_named(text);
        let mut known = BTreeSet::new();
        for unit in named.iter().filter(|u| !u.is_empty()) {
            if self.store.get_agency(unit).await?.is_some() {
                known.insert(unit.clone());
            }
        }
        csv::parse(text, tags()?, &|u| known.contains(u)).map_err(StaffError::BadRows)
    }

    /// Imports a registry file for an officer who may manage the staff of
    /// every unit it names; nothing is written when a row is bad. The file
    /// is capped ([`check_size`]: the API and the page; the command line,
    /// run by the operator, is not).
    pub async fn import(&self, roles: &[RoleAssignment], text: &str) -> Result<u64, StaffError> {
        check_size(text)?;
        let rows = self.check(text).await?;
        let units: BTreeSet<&str> = rows.iter().map(|r| r.unit_agency.as_str()).collect();
        for unit in units {
            self.policy
                .in_agency(roles, Capability::ManageStaff, unit)
                .await?;
        }
        Ok(self.store.save_staff(&rows, self.clock.now()).await?)
    }

    /// Imports without a policy check (the command line, run by the operator).
    pub async fn import_unchecked(&self, text: &str) -> Result<u64, StaffError> {
        let rows = self.check(text).await?;
        Ok(self.store.save_staff(&rows, self.clock.now()).await?)
    }

    /// The staff of `unit`'s subtree, for a reader of it.
    pub async fn list(
        &self,
        roles: &[RoleAssignment],
        unit: &str,
    ) -> Result<Vec<StaffMember>, StaffError> {
        self.policy
            .in_agency(roles, Capability::ViewStaff, unit)
            .await?;
        Ok(self.store.list_staff(unit).await?)
    }

    /// The staff of `unit`'s subtree as a registry file.
    pub async fn export(&self, roles: &[RoleAssignment], unit: &str) -> Result<String, StaffError> {
        let rows = self.list(roles, unit).await?;
        csv::write(&rows).map_err(|e| StaffError::Unexpected(anyhow::anyhow!("{e}")))
    }

    /// Whether the roles may manage the staff of `unit` (for pages).
    pub async fn may_manage(&self, roles: &[RoleAssignment], unit: &str) -> bool {
        self.policy
            .in_agency(roles, Capability::ManageStaff, unit)
            .await
            .is_ok()
    }
}
