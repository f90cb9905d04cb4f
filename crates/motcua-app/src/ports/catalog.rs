//! The procedure catalog port (danh mục thủ tục hành chính).
//!
//! Procedure versions are stored whole, as the JSON of the domain type, next
//! to indexed columns (code, version, validity, folded name and field) that
//! the engines filter on. Ranking is not the store's business: the search
//! method only pre-filters candidates, and the use case ranks them with
//! `motcua_domain::catalog::score`.

use async_trait::async_trait;
use chrono::NaiveDate;
use motcua_domain::catalog::{ProcedureCode, ProcedureVersion};
use motcua_domain::text::fold;
use serde::Serialize;

use crate::StoreError;

/// What to do when an imported version has the code and version number of a
/// stored one but different content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Refuse the whole import with a conflict (the default: a published
    /// version must not change silently).
    RefuseChanges,
    /// Overwrite the stored version with the imported one.
    ReplaceChanged,
}

/// What importing a catalog did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CatalogImportReport {
    /// Versions that were not stored before.
    pub inserted: usize,
    /// Stored versions overwritten (only with [`ImportMode::ReplaceChanged`]).
    pub replaced: usize,
    /// Versions already stored with identical content.
    pub unchanged: usize,
}

/// Filters of the procedure list (no free text: see [`SearchTerms`]).
#[derive(Debug, Clone)]
pub struct ProcedureFilter {
    /// Only versions in force on this day.
    pub on: NaiveDate,
    /// Only this field (lĩnh vực), folded (see `motcua_domain::text::fold`).
    pub field_folded: Option<String>,
    /// Page size.
    pub limit: u32,
    /// Rows to skip.
    pub offset: u32,
}

/// One page of procedure versions, ordered by code, and the total matching.
#[derive(Debug, Clone)]
pub struct ProcedurePage {
    /// The versions of this page.
    pub items: Vec<ProcedureVersion>,
    /// How many versions match the filter in all.
    pub total: u64,
}

/// A free-text query reduced to what a store can pre-filter on.
///
/// A version is a candidate when its code starts with `code_prefix`, or when
/// every word is a word prefix of its folded name, or every word a word
/// prefix of its folded field name. That is exactly the set of versions
/// `motcua_domain::catalog::score` gives a score to, so ranking the
/// candidates in memory loses nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms {
    /// The folded query split into words (never empty).
    pub words: Vec<String>,
    /// The raw query when it is made of digits and dots only (a code prefix).
    pub code_prefix: Option<String>,
}

impl SearchTerms {
    /// Terms of a raw query; `None` for a query with no letters or digits.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let folded = fold(raw);
        if folded.is_empty() {
            return None;
        }
        let code_prefix = raw
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.')
            .then(|| raw.to_owned());
        Some(Self {
            words: folded.split(' ').map(str::to_owned).collect(),
            code_prefix,
        })
    }
}

/// The stored procedure catalog.
#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// Imports validated versions in one transaction. A version already
    /// stored with identical content is left as it is; one with the same code
    /// and version but different content is a [`StoreError::Conflict`]
    /// (nothing is written) unless `mode` is [`ImportMode::ReplaceChanged`].
    async fn import_catalog(
        &self,
        versions: &[ProcedureVersion],
        mode: ImportMode,
    ) -> Result<CatalogImportReport, StoreError>;
    /// How many procedure versions are stored.
    async fn count_procedure_versions(&self) -> Result<u64, StoreError>;
    /// Versions in force on a day, ordered by code, one page.
    async fn list_procedures(&self, filter: &ProcedureFilter) -> Result<ProcedurePage, StoreError>;
    /// Every version in force on `filter.on` (and of its field, if set) that
    /// matches `terms` (see [`SearchTerms`]), ordered by code; `limit` and
    /// `offset` of the filter are ignored.
    async fn search_candidates(
        &self,
        filter: &ProcedureFilter,
        terms: &SearchTerms,
    ) -> Result<Vec<ProcedureVersion>, StoreError>;
    /// The version of `code` in force on `on` (phiên bản có hiệu lực).
    async fn procedure_at(
        &self,
        code: &ProcedureCode,
        on: NaiveDate,
    ) -> Result<Option<ProcedureVersion>, StoreError>;
    /// One version of a procedure.
    async fn procedure_version(
        &self,
        code: &ProcedureCode,
        version: u32,
    ) -> Result<Option<ProcedureVersion>, StoreError>;
    /// Every version of `code`, by version number.
    async fn versions_of(&self, code: &ProcedureCode) -> Result<Vec<ProcedureVersion>, StoreError>;
    /// Every stored version, by code then version number (for export).
    async fn all_procedure_versions(&self) -> Result<Vec<ProcedureVersion>, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::SearchTerms;

    #[test]
    fn terms_fold_and_detect_codes() {
        let t = SearchTerms::parse("  Đăng ký  KẾT hôn ").expect("terms");
        assert_eq!(t.words, ["dang", "ky", "ket", "hon"]);
        assert_eq!(t.code_prefix, None);
        let c = SearchTerms::parse("1.0011").expect("terms");
        assert_eq!(c.code_prefix.as_deref(), Some("1.0011"));
        assert_eq!(c.words, ["1", "0011"]);
        assert_eq!(SearchTerms::parse(" %.- "), None);
    }
}
