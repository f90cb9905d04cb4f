//! A validated set of procedure versions with date lookup.

use chrono::NaiveDate;

use super::code::ProcedureCode;
use super::diagnostic::Diagnostic;
use super::model::{ProcedureVersion, VersionKey};
use super::validate::validate;

/// Procedure versions whose validity ranges do not overlap per code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    versions: Vec<ProcedureVersion>,
}

impl Catalog {
    /// Builds a catalog after [`validate`]; returns every problem otherwise.
    pub fn new(versions: Vec<ProcedureVersion>) -> Result<Self, Vec<Diagnostic>> {
        let problems = validate(&versions);
        if problems.is_empty() {
            Ok(Self { versions })
        } else {
            Err(problems)
        }
    }

    /// All versions, in the order given.
    pub fn versions(&self) -> &[ProcedureVersion] {
        &self.versions
    }

    /// All versions of `code`, oldest first.
    pub fn versions_of(&self, code: &ProcedureCode) -> Vec<&ProcedureVersion> {
        let mut list: Vec<_> = self
            .versions
            .iter()
            .filter(|v| &v.procedure.code == code)
            .collect();
        list.sort_by_key(|v| v.valid_from);
        list
    }

    /// The version of `code` in force on `date` (phiên bản có hiệu lực).
    pub fn version_at(&self, code: &ProcedureCode, date: NaiveDate) -> Option<&ProcedureVersion> {
        self.versions
            .iter()
            .find(|v| &v.procedure.code == code && v.is_valid_on(date))
    }

    /// The version a dossier was bound to.
    pub fn get(&self, key: &VersionKey) -> Option<&ProcedureVersion> {
        self.versions
            .iter()
            .find(|v| v.procedure.code == key.code && v.version == key.version)
    }

    /// Every version in force on `date`, one per code, ordered by code.
    pub fn in_force_on(&self, date: NaiveDate) -> Vec<&ProcedureVersion> {
        let mut list: Vec<_> = self
            .versions
            .iter()
            .filter(|v| v.is_valid_on(date))
            .collect();
        list.sort_by(|a, b| a.procedure.code.cmp(&b.procedure.code));
        list
    }
}
