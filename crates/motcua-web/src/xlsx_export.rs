//! Spreadsheet (.xlsx) exports, written with `rust_xlsxwriter`: the work
//! list (`GET /can-bo/ho-so.xlsx`, the columns and cells of
//! [`crate::csv_export`]) and the register of dossiers (form 07,
//! `GET /can-bo/so-theo-doi.xlsx`). Cells are written as text, so nothing
//! a spreadsheet would run as a formula is ever one; both exports are
//! audited like the CSV.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use motcua_app::dossiers::{DossierError, WorkListFilter};
use motcua_domain::dossier::AgencyId;
use rust_xlsxwriter::{Format, Workbook};

use crate::AppState;
use crate::auth::Officer;

/// The MIME type of an .xlsx file.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A workbook of one sheet named `sheet`: a bold header row, then `rows`,
/// every cell as text.
pub fn workbook<R: AsRef<[String]>>(
    sheet: &str,
    headers: &[String],
    rows: &[R],
) -> Result<Vec<u8>, DossierError> {
    let unexpected = |e: rust_xlsxwriter::XlsxError| DossierError::Unexpected(e.into());
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).map_err(unexpected)?;
    let bold = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, c, h, &bold)
            .map_err(unexpected)?;
        ws.set_column_width(c, 18).map_err(unexpected)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.as_ref().iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            ws.write_string(r, c, cell).map_err(unexpected)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(unexpected)?;
    book.save_to_buffer().map_err(unexpected)
}

/// An .xlsx download named `name`.
pub fn download(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, XLSX.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// The work list of `roots` under `filter` as an .xlsx download, audited
/// as an export by `officer` (the caller has checked `ExportDossiers`).
pub async fn work_list(
    state: &AppState,
    officer: &Officer,
    roots: &[AgencyId],
    filter: WorkListFilter,
) -> Result<Response, DossierError> {
    let rows = crate::csv_export::rows(state, roots, filter).await?;
    let headers: Vec<String> = crate::csv_export::HEADERS
        .iter()
        .map(|h| (*h).to_owned())
        .collect();
    let bytes = workbook("Ho so", &headers, &rows)?;
    crate::csv_export::audit(
        state,
        officer,
        "xuất danh sách hồ sơ Excel (can-bo) / work-list XLSX export",
        rows.len(),
    )
    .await?;
    Ok(download(bytes, "ho-so.xlsx"))
}
