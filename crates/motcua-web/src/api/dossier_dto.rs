//! Shapes of the dossier API (for the OpenAPI document) and how dossier
//! errors become Problem Details.

use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use motcua_app::dossiers::DossierError;
use motcua_app::ports::dossiers::WorkListRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::problem::Problem;

impl From<DossierError> for Problem {
    fn from(err: DossierError) -> Self {
        let code = err.code().to_owned();
        let problem = match err {
            DossierError::Invalid { vi, en, .. } => Problem::bad_request(format!("{vi} / {en}")),
            DossierError::NotFound(msg) => Problem::new(StatusCode::NOT_FOUND, "not-found", msg),
            DossierError::Refused(r) => Problem::new(
                StatusCode::CONFLICT,
                "refused",
                format!("{} / {}", r.vi, r.en),
            ),
            DossierError::Stale(msg) => Problem::new(StatusCode::CONFLICT, "conflict", msg),
            DossierError::KeyReused(msg) => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                msg,
            ),
            DossierError::Forbidden(msg) => Problem::new(StatusCode::FORBIDDEN, "forbidden", msg),
            DossierError::Unexpected(e) => return motcua_app::AppError::Unexpected(e).into(),
        };
        problem.with_code(code)
    }
}

/// The `Idempotency-Key` header, required on every POST.
pub fn idempotency_key(headers: &HeaderMap) -> Result<String, Problem> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| {
            Problem::bad_request(
                "Thiếu tiêu đề Idempotency-Key (một mã duy nhất cho mỗi yêu cầu) / \
                 the Idempotency-Key header is required (a unique key per request)",
            )
            .with_code("idempotency_key")
        })
}

/// The `If-Match` header as a dossier version (`3` or `"3"`), if given.
pub fn if_match(headers: &HeaderMap) -> Result<Option<u64>, Problem> {
    headers
        .get("if-match")
        .map(|v| {
            v.to_str()
                .ok()
                .map(|s| s.trim().trim_start_matches("W/").trim_matches('"'))
                .and_then(|s| s.parse::<u64>().ok())
                .ok_or_else(|| {
                    Problem::bad_request(
                        "If-Match phải là số phiên bản của hồ sơ / If-Match must be the dossier version",
                    )
                })
        })
        .transpose()
}

/// What every dossier command answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionAnswerDto {
    /// Mã hồ sơ.
    pub code: String,
    /// Version after the command (send it back as `If-Match`).
    pub version: u64,
    /// Main status, e.g. `received`.
    pub status: String,
    /// Sub-status, e.g. `at_step`.
    pub sub_status: String,
    /// National portal status 1–10.
    pub portal_status: u8,
    /// Ngày hẹn trả.
    pub due_at: Option<DateTime<Utc>>,
    /// Event recorded, e.g. `received`.
    pub event: String,
    /// Creation only: the secret to print as a QR on the receipt; with the
    /// code it opens public tracking.
    pub tracking_secret: Option<String>,
}

/// A new dossier (see `docs/api.md` for the component states).
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct NewDossierDoc {
    /// Mã TTHC, e.g. `1.001193`.
    pub procedure: String,
    /// `{ "kind": "citizen" | "organisation", "id": "022087123456", "name": "...",
    /// "phone": "0912345678", "address": "Thôn 3, xã Côn Minh", "email": "an@example.vn" }`:
    /// address (≤ 300 characters) and e-mail (one `@`, a dot in the domain,
    /// ≤ 254) are optional and printed on form 01 (400 `applicant.address`,
    /// `applicant.email` when malformed).
    #[schema(value_type = Object)]
    pub applicant: serde_json::Value,
    /// `in_person`, `online` (status 1, no login needed) or `post`.
    pub channel: String,
    /// Nơi tiếp nhận (default: the officer's agency).
    pub receiving_unit: Option<String>,
    /// Cơ quan giải quyết (default: the commune committee of the receiving
    /// unit's commune; another commune = phi địa giới).
    pub deciding_agency: Option<String>,
    /// `[{ "code": "TP1", "state": { "kind": "submitted", "digitised": true } }]`
    /// (states: `submitted`, `presented`, `waived` with `source`, `missing`),
    /// or decisions by code as for `receive`: `{ "TP6": "presented", "TP7": "reused" }`
    /// (`reused` at the desk only after the officer's own look-up of the
    /// applicant under a grant within the hour).
    #[schema(value_type = Object)]
    pub components: serde_json::Value,
    /// Ngày hẹn trả, only for procedures whose time limit the catalog lacks.
    pub due_at: Option<DateTime<Utc>>,
    /// `received` (default) or `refused`: a walk-in or postal filing the
    /// desk refuses (từ chối tiếp nhận, e.g. outside the centre's
    /// competence) is created in status `refused_at_reception` (portal
    /// status 3) with form 03 (`GET /ho-so/{code}/bieu-mau/03[.pdf]`); the
    /// checklist need not be complete and no due date is set. Not for
    /// `channel: online` (file, then `refuse`): 400 `outcome.online`.
    #[schema(example = "refused")]
    pub outcome: Option<String>,
    /// Lý do từ chối tiếp nhận, required with `outcome: refused` (≤ 2,000
    /// characters; 400 `refusal_reason` when missing), e.g. "Thủ tục không
    /// thuộc thẩm quyền giải quyết của UBND xã".
    pub refusal_reason: Option<String>,
    /// Số lượng hồ sơ (bộ): how many sets the applicant handed in, printed
    /// on form 01; a whole number from 1 to 20 (default 1; 422 problem with
    /// code `sets` otherwise, nothing written). An online filing is one set.
    #[schema(minimum = 1, maximum = 20, example = 2)]
    pub sets: Option<u32>,
}

/// Work-list query parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkListParams {
    /// Only dossiers held or received by this agency (within your scope).
    pub agency: Option<String>,
    /// Only this status: `submitted`, `received`, `processing`, `awaiting_supplement`, ...
    pub status: Option<String>,
    /// Only dossiers handed over to this assignee.
    pub assignee: Option<String>,
    /// Only running dossiers due within this many working hours.
    pub due_within_hours: Option<u32>,
    /// Only running dossiers past their due date.
    pub overdue: Option<bool>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size 1–500 (default 50). With `format=csv`, rows per fetch.
    pub limit: Option<u32>,
    /// `json` (default) or `csv` (every matching row, up to 50,000).
    pub format: Option<String>,
}

/// One work-list line (the applicant's identifier is masked).
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkListItemDto {
    /// Mã hồ sơ.
    pub code: String,
    /// Mã TTHC.
    pub procedure: String,
    /// Status.
    pub status: String,
    /// Sub-status.
    pub sub_status: String,
    /// Portal status 1–10.
    pub portal_status: u8,
    /// Nơi tiếp nhận.
    pub receiving_unit: String,
    /// Cơ quan giải quyết.
    pub deciding_agency: String,
    /// Holder now.
    pub current_agency: String,
    /// Assignee.
    pub assignee: Option<String>,
    /// Kênh 1–3.
    pub channel: u8,
    /// Masked identifier.
    pub applicant_id: String,
    /// Applicant name.
    pub applicant_name: String,
    /// When received.
    pub received_at: Option<DateTime<Utc>>,
    /// Ngày hẹn trả.
    pub due_at: Option<DateTime<Utc>>,
    /// Counts late already (766).
    pub counts_late: bool,
    /// Version.
    pub version: u64,
}

impl From<WorkListRow> for WorkListItemDto {
    fn from(r: WorkListRow) -> Self {
        Self {
            code: r.code,
            procedure: r.procedure_code,
            status: r.status,
            sub_status: r.sub_status,
            portal_status: r.portal_status,
            receiving_unit: r.receiving_unit,
            deciding_agency: r.deciding_agency,
            current_agency: r.current_agency,
            assignee: r.assignee,
            channel: r.channel,
            applicant_id: r.applicant_id_masked,
            applicant_name: r.applicant_name,
            received_at: r.received_at,
            due_at: r.due_at,
            counts_late: r.counts_late,
            version: r.version,
        }
    }
}

/// One page of a work list.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkListPageDto {
    /// Lines ordered by due date, then code.
    pub items: Vec<WorkListItemDto>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}
