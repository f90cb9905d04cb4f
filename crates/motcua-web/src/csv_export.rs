//! The one CSV export of the work list, used by `GET /api/v1/dossiers?format=csv`
//! and by the desk's `GET /can-bo/ho-so.csv`.
//!
//! Made for a spreadsheet in Vietnam: UTF-8 with a byte-order mark (so Excel
//! does not read it as mojibake), Vietnamese column headers and status
//! words, times in Vietnam time as `dd/mm/yyyy HH:MM`, personal
//! identifiers masked. A cell that a spreadsheet would read as a formula
//! (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is
//! prefixed with `'`. Every export is written to the audit log (`export`)
//! with its row count, whichever route asked.

use std::collections::HashMap;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use motcua_app::dossiers::{DossierError, WorkListFilter};
use motcua_app::ports::dossiers::WorkListRow;
use motcua_domain::audit::{AuditAction, AuditEntry, AuditOutcome};
use motcua_domain::dossier::AgencyId;

use crate::AppState;
use crate::auth::Officer;
use crate::i18n::{Locale, Messages};

/// Most rows one export holds.
pub const MAX_ROWS: usize = 50_000;

/// Rows fetched per page while exporting.
const PAGE_ROWS: u32 = 500;

/// The byte-order mark that starts the file.
pub const BOM: &str = "\u{feff}";

/// The column headers, in order.
pub const HEADERS: [&str; 15] = [
    "Mã hồ sơ",
    "Mã thủ tục",
    "Thủ tục",
    "Trạng thái",
    "Người nộp",
    "Số định danh (đã che)",
    "Nơi tiếp nhận",
    "Cơ quan giải quyết",
    "Cơ quan đang xử lý",
    "Cán bộ được giao",
    "Hình thức nộp",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Trễ hạn",
    "Phiên bản",
];

/// A cell a spreadsheet would run as a formula gets a leading `'`.
pub fn safe_cell(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_owned(),
    }
}

/// An instant in Vietnam time, `dd/mm/yyyy HH:MM` (the one rule of
/// [`motcua_domain::format::local_datetime`]), empty when absent.
pub fn vn_time(at: Option<DateTime<Utc>>) -> String {
    at.map(motcua_domain::format::local_datetime)
        .unwrap_or_default()
}

/// Names looked up once per export.
struct Names<'a> {
    state: &'a AppState,
    procedures: HashMap<String, String>,
    agencies: HashMap<String, String>,
}

impl Names<'_> {
    async fn agency(&mut self, id: &str) -> String {
        if let Some(name) = self.agencies.get(id) {
            return name.clone();
        }
        let name = crate::pages::desk::view::agency_name(self.state, id).await;
        self.agencies.insert(id.to_owned(), name.clone());
        name
    }

    async fn procedure(&mut self, code: &str) -> String {
        if let Some(name) = self.procedures.get(code) {
            return name.clone();
        }
        let name = crate::pages::desk::view::procedure_name(self.state, code).await;
        self.procedures.insert(code.to_owned(), name.clone());
        name
    }
}

async fn record(t: &Messages, names: &mut Names<'_>, r: WorkListRow) -> [String; 15] {
    [
        r.code,
        r.procedure_code.clone(),
        names.procedure(&r.procedure_code).await,
        crate::pages::desk::view::status_name(t, &r.status),
        r.applicant_name,
        r.applicant_id_masked,
        names.agency(&r.receiving_unit).await,
        names.agency(&r.deciding_agency).await,
        names.agency(&r.current_agency).await,
        r.assignee.unwrap_or_default(),
        t.get(&format!("receipt-channel-{}", r.channel.clamp(1, 3))),
        vn_time(r.received_at),
        vn_time(r.due_at),
        if r.counts_late { "Có" } else { "Không" }.to_owned(),
        r.version.to_string(),
    ]
}

/// The work list of `roots` under `filter` (every page, up to
/// [`MAX_ROWS`]) as rows of [`HEADERS`] cells, in Vietnamese (shared by the
/// CSV and the spreadsheet exports).
pub async fn rows(
    state: &AppState,
    roots: &[AgencyId],
    mut filter: WorkListFilter,
) -> Result<Vec<[String; 15]>, DossierError> {
    let t = Messages {
        locale: Locale::Vi,
        demo: false,
    };
    let mut names = Names {
        state,
        procedures: HashMap::new(),
        agencies: HashMap::new(),
    };
    filter.cursor = None;
    filter.limit = PAGE_ROWS;
    let mut out = Vec::new();
    loop {
        let page = state.dossiers.work_list_in(roots, filter.clone()).await?;
        for row in page.items {
            out.push(record(&t, &mut names, row).await);
        }
        match page.next_cursor {
            Some(next) if out.len() < MAX_ROWS => filter.cursor = Some(next),
            _ => break,
        }
    }
    Ok(out)
}

/// Writes an export of `written` rows by `officer` to the audit log.
pub async fn audit(
    state: &AppState,
    officer: &Officer,
    what: &str,
    written: usize,
) -> Result<(), DossierError> {
    let mut entry = AuditEntry::new(
        state.clock.now(),
        &officer.id,
        AuditAction::Export,
        AuditOutcome::Allowed,
    );
    entry.agency_id = Some(officer.agency.as_str().to_owned());
    entry.purpose = Some(format!("{what}: {written} dòng / rows"));
    state.audit.record(&entry).await?;
    Ok(())
}

/// The work list of `roots` under `filter` (every page, up to
/// [`MAX_ROWS`]) as a CSV download, audited as an export by `officer`.
/// The caller has checked the `ExportDossiers` capability and chosen the
/// roots with the policy.
pub async fn export(
    state: &AppState,
    officer: &Officer,
    roots: &[AgencyId],
    filter: WorkListFilter,
    route: &str,
) -> Result<Response, DossierError> {
    let unexpected = |e: csv::Error| DossierError::Unexpected(e.into());
    let mut out = csv::Writer::from_writer(BOM.as_bytes().to_vec());
    out.write_record(HEADERS).map_err(unexpected)?;
    let rows = rows(state, roots, filter).await?;
    for cells in &rows {
        out.write_record(cells.iter().map(|c| safe_cell(c)))
            .map_err(unexpected)?;
    }
    audit(
        state,
        officer,
        &format!("xuất danh sách hồ sơ CSV ({route}) / work-list CSV export"),
        rows.len(),
    )
    .await?;
    let bytes = out
        .into_inner()
        .map_err(|e| DossierError::Unexpected(anyhow::anyhow!(e.to_string())))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"ho-so.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused() {
        for bad in ["=HYPERLINK(\"x\")", "+cmd", "-2+3", "@SUM(1)", "\tx", "\rx"] {
            assert!(safe_cell(bad).starts_with('\''), "{bad:?}");
        }
        for ok in ["Nguyễn Văn A", "H55.X1-250715-0001", "", "0912"] {
            assert_eq!(safe_cell(ok), ok);
        }
    }

    #[test]
    fn times_are_vietnam_time() {
        let at = DateTime::parse_from_rfc3339("2025-07-15T02:05:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(vn_time(Some(at)), "15/07/2025 09:05");
        assert_eq!(vn_time(None), "");
    }
}
