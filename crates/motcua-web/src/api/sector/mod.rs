//! `/api/v1/sector`: vertical-sector systems (hệ thống ngành dọc: land
//! registry, tax, civil status...) answer the dossiers the one-stop centre
//! transferred to them (liên thông).
//!
//! Only an API key whose account holds the `system` role scoped to an
//! agency may call (see [`auth`]); it sees and acts on the dossiers held by
//! that agency or an agency below it, and gets the same 404 for any other
//! dossier as for an unknown code. Every POST needs an `Idempotency-Key`:
//! a replay answers the first answer (with `Idempotent-Replayed: true`) and
//! writes nothing, files included; the same key with another body is 422.
//! `If-Match: <version>` refuses acting on a stale view (409).

pub mod auth;

use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use motcua_app::dossiers::{
    ActionAnswer, ResultFile, SectorCaller, SectorError, SectorInput, WorkListFilter,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use self::auth::SectorSystem;
use super::attachments::read_problem;
use super::dossier_dto::{WorkListItemDto, WorkListPageDto, idempotency_key, if_match};
use crate::AppState;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;
use crate::upload;

impl From<SectorError> for Problem {
    fn from(err: SectorError) -> Self {
        match err {
            SectorError::Dossier(e) => e.into(),
            SectorError::Attachment(e) => e.into(),
        }
    }
}

/// A file written with the answer (the result document).
#[derive(Debug, Serialize, ToSchema)]
pub struct FiledAttachmentDto {
    /// Attachment id: `GET /api/v1/dossiers/{code}/attachments/{id}`.
    pub id: String,
    /// Component code: `KQ` (kết quả) for a result document.
    pub component: String,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// Media type sniffed from the bytes.
    pub content_type: String,
}

/// What every sector call answers (and a replay answers again).
#[derive(Debug, Serialize, ToSchema)]
pub struct SectorAnswerDto {
    /// Mã hồ sơ.
    pub code: String,
    /// Version after the call (send it back as `If-Match`).
    pub version: u64,
    /// Main status, e.g. `processing`, `result_ready`.
    pub status: String,
    /// Sub-status, e.g. `transferred`.
    pub sub_status: String,
    /// National portal status 1–10 (9 = đã xử lý xong).
    pub portal_status: u8,
    /// The dossier's ngày hẹn trả.
    pub due_at: Option<DateTime<Utc>>,
    /// The event recorded: `transfer_accepted`, `progress_reported`,
    /// `handed_over`, `transfer_declined` or `result_ready`.
    pub event: String,
    /// The result document, for `result`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FiledAttachmentDto>,
}

/// `POST .../progress`: what was done.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct ProgressDoc {
    /// `step_done` (needs `step`), `note` (needs `note`) or `handed_over`
    /// (needs `to`: giao/nhận inside the agency, a line of form 06).
    pub kind: String,
    /// The step's label, e.g. "Thẩm định hồ sơ" (≤ 200 characters).
    pub step: Option<String>,
    /// A note for officers (≤ 2,000 characters; never shown to the public).
    pub note: Option<String>,
    /// The unit or officer receiving the dossier inside the agency.
    pub to: Option<String>,
}

/// `POST .../decline`: why the agency sends the dossier back.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct DeclineDoc {
    /// Lý do (≤ 2,000 characters).
    pub reason: String,
}

/// Sector work-list parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SectorListParams {
    /// Only this status: `processing`, `result_ready`, ...
    pub status: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size 1–500 (default 50).
    pub limit: Option<u32>,
}

fn answered(answer: ActionAnswer, replayed: bool) -> Response {
    let mut res = (StatusCode::OK, Json(answer)).into_response();
    if replayed {
        res.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    res
}

/// A JSON object body (empty = `{}`) with `action` set, as a sector input.
fn json_input(action: &str, body: &Bytes) -> Result<SectorInput, Problem> {
    let mut value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(serde_json::Map::new())
    } else {
        serde_json::from_slice(body).map_err(|e| {
            Problem::bad_request(format!(
                "Nội dung JSON không hợp lệ / invalid JSON body: {e}"
            ))
        })?
    };
    let Some(fields) = value.as_object_mut() else {
        return Err(Problem::bad_request(
            "Nội dung phải là một đối tượng JSON / the body must be a JSON object",
        ));
    };
    fields.insert("action".into(), Value::String(action.into()));
    serde_json::from_value(value)
        .map_err(|e| Problem::bad_request(format!("Nội dung không hợp lệ / invalid body: {e}")))
}

async fn act_json(
    state: &AppState,
    caller: &SectorCaller,
    headers: &HeaderMap,
    code: &str,
    action: &str,
    body: &Bytes,
) -> Result<Response, Problem> {
    let key = idempotency_key(headers)?;
    let expected = if_match(headers)?;
    let input = json_input(action, body)?;
    let (answer, replayed) = state
        .dossiers
        .sector_act(caller, &key, code, expected, input, None)
        .await?;
    Ok(answered(answer, replayed))
}

/// `GET /api/v1/sector/dossiers`: the dossiers held (or received) by the
/// caller's agencies and the agencies below them, by due date.
#[utoipa::path(get, path = "/api/v1/sector/dossiers", operation_id = "listSectorDossiers", tag = "sector",
    params(SectorListParams),
    responses((status = 200, body = WorkListPageDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    SectorSystem(caller): SectorSystem,
    ApiQuery(q): ApiQuery<SectorListParams>,
) -> Result<Response, Problem> {
    let filter = WorkListFilter {
        status: q.status,
        cursor: q.cursor,
        limit: q.limit.unwrap_or(50),
        ..WorkListFilter::default()
    };
    let page = state
        .dossiers
        .work_list_in(&caller.agencies, filter)
        .await?;
    Ok(Json(WorkListPageDto {
        items: page.items.into_iter().map(WorkListItemDto::from).collect(),
        next_cursor: page.next_cursor,
    })
    .into_response())
}

/// `GET /api/v1/sector/dossiers/{code}`: the dossier, its components and
/// events (404 unless held by the caller's agency).
#[utoipa::path(get, path = "/api/v1/sector/dossiers/{code}", operation_id = "getSectorDossier", tag = "sector",
    params(("code" = String, Path, description = "mã hồ sơ")),
    responses((status = 200, description = "state and events", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    SectorSystem(caller): SectorSystem,
    ApiPath(code): ApiPath<String>,
) -> Result<Response, Problem> {
    let view = state.dossiers.sector_view(&caller, &code).await?;
    let version = view.dossier.version;
    let mut res = Json(view).into_response();
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{version}\"")) {
        res.headers_mut().insert(header::ETAG, etag);
    }
    Ok(res)
}

/// `POST /api/v1/sector/dossiers/{code}/accept`: the agency acknowledges
/// the dossier transferred to it (tiếp nhận hồ sơ liên thông); its own
/// clock runs from now, with the working days the transfer gave it.
#[utoipa::path(post, path = "/api/v1/sector/dossiers/{code}/accept", operation_id = "acceptSectorDossier", tag = "sector",
    request_body(content = Object, description = "empty, or {}"),
    params(("code" = String, Path, description = "mã hồ sơ"),
        ("Idempotency-Key" = String, Header, description = "unique key per request"),
        ("If-Match" = Option<String>, Header, description = "the version you saw")),
    responses((status = 200, body = SectorAnswerDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not transferred here, already accepted, or a stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Idempotency-Key reused for another request", body = Problem, content_type = "application/problem+json")))]
pub async fn accept(
    State(state): State<AppState>,
    SectorSystem(caller): SectorSystem,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    act_json(&state, &caller, &headers, &code, "accept", &body).await
}

/// `POST /api/v1/sector/dossiers/{code}/progress`: a step done, a note, or
/// a hand-over inside the agency. Recorded in the dossier's history;
/// public tracking says only that progress was reported.
#[utoipa::path(post, path = "/api/v1/sector/dossiers/{code}/progress", operation_id = "reportSectorProgress", tag = "sector",
    request_body = ProgressDoc,
    params(("code" = String, Path, description = "mã hồ sơ"),
        ("Idempotency-Key" = String, Header, description = "unique key per request"),
        ("If-Match" = Option<String>, Header, description = "the version you saw")),
    responses((status = 200, body = SectorAnswerDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not accepted yet, text missing, or a stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Idempotency-Key reused for another request", body = Problem, content_type = "application/problem+json")))]
pub async fn progress(
    State(state): State<AppState>,
    SectorSystem(caller): SectorSystem,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    act_json(&state, &caller, &headers, &code, "progress", &body).await
}

/// `POST /api/v1/sector/dossiers/{code}/decline`: the agency refuses the
/// transferred dossier with a reason; it goes back to the agency that
/// transferred it, whose desk then stops it, asks for a supplement or
/// transfers it elsewhere.
#[utoipa::path(post, path = "/api/v1/sector/dossiers/{code}/decline", operation_id = "declineSectorDossier", tag = "sector",
    request_body = DeclineDoc,
    params(("code" = String, Path, description = "mã hồ sơ"),
        ("Idempotency-Key" = String, Header, description = "unique key per request"),
        ("If-Match" = Option<String>, Header, description = "the version you saw")),
    responses((status = 200, body = SectorAnswerDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not transferred here, no reason, or a stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Idempotency-Key reused for another request", body = Problem, content_type = "application/problem+json")))]
pub async fn decline(
    State(state): State<AppState>,
    SectorSystem(caller): SectorSystem,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    act_json(&state, &caller, &headers, &code, "decline", &body).await
}

/// `POST /api/v1/sector/dossiers/{code}/result`: multipart with `name`
/// (the document's name), `number` (optional) and `file` (PDF, JPEG or
/// PNG, judged by its bytes). Stores the file under its SHA-256 and marks
/// the result ready (status 9) in one transaction, for the one-stop desk
/// to return to the applicant.
#[utoipa::path(post, path = "/api/v1/sector/dossiers/{code}/result", operation_id = "returnSectorResult", tag = "sector",
    request_body(content_type = "multipart/form-data", description = "fields: name (document name), number (optional), file (PDF, JPEG or PNG)"),
    params(("code" = String, Path, description = "mã hồ sơ"),
        ("Idempotency-Key" = String, Header, description = "unique key per request"),
        ("If-Match" = Option<String>, Header, description = "the version you saw")),
    responses((status = 200, body = SectorAnswerDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not allowed in the dossier's status, or a stale version", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "file or dossier total too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "not a PDF, JPEG or PNG, or its type lies", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Idempotency-Key reused for another request", body = Problem, content_type = "application/problem+json")))]
pub async fn result(
    State(state): State<AppState>,
    SectorSystem(caller): SectorSystem,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, Problem> {
    let key = idempotency_key(&headers)?;
    let expected = if_match(&headers)?;
    let multipart = multipart.map_err(|e| {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-type",
            format!(
                "Cần multipart/form-data / multipart/form-data expected: {}",
                e.body_text()
            ),
        )
    })?;
    let limit = state.attachments.limits().max_file_bytes;
    let form = upload::read(multipart, &state.attachments)
        .await
        .map_err(|e| read_problem(e, limit))?;
    let Some(file) = form.files.iter().find(|f| f.field == "file") else {
        return Err(Problem::bad_request(
            "Thiếu tệp kết quả (trường file) / the file field is missing",
        ));
    };
    let number = Some(form.text("number")).filter(|n| !n.is_empty());
    let input = SectorInput::Result {
        name: form.text("name"),
        number,
    };
    let file = ResultFile {
        file_name: file.file_name.clone(),
        declared_type: file.content_type.clone(),
        bytes: file.bytes().await.map_err(|e| read_problem(e, limit))?,
    };
    let (answer, replayed) = state
        .dossiers
        .sector_act(
            &caller,
            &key,
            &code,
            expected,
            input,
            Some((&state.attachments, file)),
        )
        .await?;
    Ok(answered(answer, replayed))
}
