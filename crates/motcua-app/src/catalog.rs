//! Use cases of the procedure catalog (danh mục thủ tục hành chính): check
//! and import catalog files, list and search, look versions up, export.

use std::sync::Arc;

use chrono::NaiveDate;
use motcua_domain::catalog::{
    Diagnostic, ProcedureCode, ProcedureVersion, VersionKey, export_catalog, parse_catalog, score,
    seed_catalog, validate,
};
use motcua_domain::text::fold;

use crate::AppError;
use crate::ports::catalog::{
    CatalogImportReport, CatalogStore, ImportMode, ProcedureFilter, ProcedurePage, SearchTerms,
};

/// The largest page of procedures a caller may ask for.
pub const MAX_PROCEDURE_PAGE: u32 = 1_000;

/// A list or search request, validated at the edge.
#[derive(Debug, Clone)]
pub struct ProcedureQuery {
    /// Free text (name, field or code prefix), any spelling; blank = list all.
    pub q: Option<String>,
    /// Only this field (lĩnh vực), any spelling.
    pub field: Option<String>,
    /// Versions in force on this day.
    pub on: NaiveDate,
    /// Page size, 1..=[`MAX_PROCEDURE_PAGE`].
    pub limit: u32,
    /// Items to skip.
    pub offset: u32,
}

/// One found version with its search score (`None` when listing without text).
#[derive(Debug, Clone)]
pub struct ProcedureHit {
    /// Rank from `motcua_domain::catalog::score`, higher is better.
    pub score: Option<u32>,
    /// The version.
    pub version: ProcedureVersion,
}

/// One page of a list or search.
#[derive(Debug, Clone)]
pub struct HitPage {
    /// Best first for a search, by code for a list.
    pub items: Vec<ProcedureHit>,
    /// How many match in all.
    pub total: u64,
}

/// A procedure as in force on a day, with all its versions.
#[derive(Debug, Clone)]
pub struct ProcedureDetail {
    /// The version in force.
    pub current: ProcedureVersion,
    /// Every version of the code, by version number.
    pub versions: Vec<ProcedureVersion>,
}

/// Checks catalog files (name, text) all at once: each file on its own,
/// then the union (duplicate or overlapping versions across files).
/// Returns every version, or every diagnostic.
pub fn check_catalog_files(
    files: &[(String, String)],
) -> Result<Vec<ProcedureVersion>, Vec<Diagnostic>> {
    let mut all = Vec::new();
    let mut origin = Vec::new();
    let mut problems = Vec::new();
    for (name, text) in files {
        match parse_catalog(name, text) {
            Ok(versions) => {
                origin.extend(versions.iter().map(|_| name.clone()));
                all.extend(versions);
            }
            Err(diagnostics) => problems.extend(diagnostics),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let union = validate(&all);
    if union.is_empty() {
        return Ok(all);
    }
    Err(union
        .into_iter()
        .map(|mut d| {
            if let Some(i) = procedure_index(&d.path) {
                d.file = origin.get(i).cloned().unwrap_or_default();
                d.path = describe_path(&d.path, all.get(i));
            }
            let name = |i: usize| origin.get(i).map(String::as_str).unwrap_or_default();
            d.message_vi = name_positions(&d.message_vi, name);
            d.message_en = name_positions(&d.message_en, name);
            d
        })
        .collect())
}

/// Replaces `procedure[7]` in a message by the file that position came from.
fn name_positions<'a>(message: &str, file_of: impl Fn(usize) -> &'a str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find("procedure[") {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        match procedure_index(tail).zip(tail.find(']')) {
            Some((i, end)) => {
                out.push_str(file_of(i));
                rest = &tail[end + 1..];
            }
            None => {
                out.push_str("procedure[");
                rest = &tail["procedure[".len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `procedure[7].fees` → 7.
fn procedure_index(path: &str) -> Option<usize> {
    path.strip_prefix("procedure[")?
        .split(']')
        .next()?
        .parse()
        .ok()
}

/// `procedure[7].fees` → `procedure(1.001193 v2).fees`: positions in a merged
/// list mean nothing to the person reading.
fn describe_path(path: &str, version: Option<&ProcedureVersion>) -> String {
    match (version, path.split_once(']')) {
        (Some(v), Some((_, rest))) => {
            format!("procedure({} v{}){rest}", v.procedure.code, v.version)
        }
        _ => path.to_owned(),
    }
}

/// The catalog use cases.
#[derive(Clone)]
pub struct CatalogService {
    store: Arc<dyn CatalogStore>,
}

impl CatalogService {
    /// Wraps a store.
    pub fn new(store: Arc<dyn CatalogStore>) -> Self {
        Self { store }
    }

    /// Imports the seed catalog shipped in the binary when the catalog is
    /// empty; `None` when there was already something.
    pub async fn load_seed_if_empty(&self) -> Result<Option<CatalogImportReport>, AppError> {
        if self.store.count_procedure_versions().await? > 0 {
            return Ok(None);
        }
        let seed = seed_catalog();
        if seed.is_empty() {
            return Err(AppError::Unexpected(anyhow::anyhow!(
                "the embedded seed catalog does not parse"
            )));
        }
        self.import(&seed, ImportMode::RefuseChanges)
            .await
            .map(Some)
    }

    /// Imports checked versions in one transaction, after checking them
    /// together with the stored versions they would sit beside (no two
    /// versions of a code valid on the same day).
    pub async fn import(
        &self,
        versions: &[ProcedureVersion],
        mode: ImportMode,
    ) -> Result<CatalogImportReport, AppError> {
        let incoming: Vec<VersionKey> = versions.iter().map(ProcedureVersion::key).collect();
        let mut merged: Vec<ProcedureVersion> = self
            .store
            .all_procedure_versions()
            .await?
            .into_iter()
            .filter(|v| !incoming.contains(&v.key()))
            .collect();
        merged.extend_from_slice(versions);
        let problems = validate(&merged);
        if !problems.is_empty() {
            let lines: Vec<String> = problems
                .iter()
                .map(|d| {
                    let at = procedure_index(&d.path).and_then(|i| merged.get(i));
                    format!(
                        "{}: {} / {}",
                        describe_path(&d.path, at),
                        d.message_vi,
                        d.message_en
                    )
                })
                .collect();
            return Err(AppError::Invalid(lines.join("; ")));
        }
        Ok(self.store.import_catalog(versions, mode).await?)
    }

    /// Lists (no text) or searches (ranked by the domain's `score`) the
    /// versions in force on `query.on`.
    pub async fn list(&self, query: &ProcedureQuery) -> Result<HitPage, AppError> {
        if query.limit == 0 || query.limit > MAX_PROCEDURE_PAGE {
            return Err(AppError::Invalid(format!(
                "limit phải từ 1 đến {MAX_PROCEDURE_PAGE} / limit must be between 1 and \
                 {MAX_PROCEDURE_PAGE}"
            )));
        }
        let filter = ProcedureFilter {
            on: query.on,
            field_folded: query.field.as_deref().map(fold).filter(|f| !f.is_empty()),
            limit: query.limit,
            offset: query.offset,
        };
        let Some(terms) = query.q.as_deref().and_then(SearchTerms::parse) else {
            let ProcedurePage { items, total } = self.store.list_procedures(&filter).await?;
            let items = items
                .into_iter()
                .map(|version| ProcedureHit {
                    score: None,
                    version,
                })
                .collect();
            return Ok(HitPage { items, total });
        };
        let raw = query.q.as_deref().unwrap_or_default();
        let mut hits: Vec<ProcedureHit> = self
            .store
            .search_candidates(&filter, &terms)
            .await?
            .into_iter()
            .filter_map(|version| {
                score(&version.procedure, raw).map(|s| ProcedureHit {
                    score: Some(s),
                    version,
                })
            })
            .collect();
        // Same order as `motcua_domain::catalog::search`: score, then code.
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| a.version.procedure.code.cmp(&b.version.procedure.code))
        });
        let total = hits.len() as u64;
        let items = hits
            .into_iter()
            .skip(usize::try_from(query.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(query.limit).unwrap_or(usize::MAX))
            .collect();
        Ok(HitPage { items, total })
    }

    /// The version of `code` in force on `on`, with all its versions.
    pub async fn detail(
        &self,
        code: &ProcedureCode,
        on: NaiveDate,
    ) -> Result<ProcedureDetail, AppError> {
        let versions = self.store.versions_of(code).await?;
        if versions.is_empty() {
            return Err(not_found(code));
        }
        let current = self.store.procedure_at(code, on).await?.ok_or_else(|| {
            AppError::NotFound(format!(
                "Thủ tục {code} không có phiên bản hiệu lực ngày {on} / procedure {code} has no \
                 version in force on {on}"
            ))
        })?;
        Ok(ProcedureDetail { current, versions })
    }

    /// The version of `code` in force on `on`.
    pub async fn in_force(
        &self,
        code: &ProcedureCode,
        on: NaiveDate,
    ) -> Result<ProcedureVersion, AppError> {
        Ok(self.detail(code, on).await?.current)
    }

    /// One version of a procedure.
    pub async fn version(
        &self,
        code: &ProcedureCode,
        version: u32,
    ) -> Result<ProcedureVersion, AppError> {
        self.store
            .procedure_version(code, version)
            .await?
            .ok_or_else(|| {
                AppError::NotFound(format!(
                    "Không tìm thấy thủ tục {code} phiên bản {version} / no procedure {code} \
                     version {version}"
                ))
            })
    }

    /// Whether a procedure code has any version.
    pub async fn exists(&self, code: &ProcedureCode) -> Result<bool, AppError> {
        Ok(!self.store.versions_of(code).await?.is_empty())
    }

    /// The whole stored catalog in the TOML format (every version).
    pub async fn export(&self) -> Result<String, AppError> {
        Ok(export_catalog(&self.store.all_procedure_versions().await?))
    }
}

fn not_found(code: &ProcedureCode) -> AppError {
    AppError::NotFound(format!(
        "Không tìm thấy thủ tục mã {code} / no procedure with code {code}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_domain::catalog::SEED_CATALOG_TOML;

    #[test]
    fn the_same_file_twice_is_a_duplicate_across_files() {
        let files = [
            ("a.toml".to_owned(), SEED_CATALOG_TOML.to_owned()),
            ("b.toml".to_owned(), SEED_CATALOG_TOML.to_owned()),
        ];
        let problems = check_catalog_files(&files).expect_err("duplicates");
        assert!(!problems.is_empty());
        assert_eq!(problems.len(), 19, "{problems:?}");
        assert!(problems.iter().all(|d| d.file == "b.toml"), "{problems:?}");
        let birth = problems
            .iter()
            .find(|d| d.path == "procedure(1.001193 v1).version")
            .expect("1.001193 reported");
        assert_eq!(
            birth.message_en,
            "code 1.001193 version 1 is already declared at a.toml"
        );
    }

    #[test]
    fn the_seed_alone_checks_clean() {
        let files = [("seed.toml".to_owned(), SEED_CATALOG_TOML.to_owned())];
        assert_eq!(check_catalog_files(&files).map(|v| v.len()), Ok(19));
    }
}
