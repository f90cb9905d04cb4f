//! `/api/v1/dossiers/{code}/attachments`: upload (multipart `file` +
//! `component`), list and download the files of a dossier (tệp đính kèm).
//!
//! Allowed for an officer whose agency covers the dossier, or for whoever
//! gives the dossier's `verifier` (the QR secret on the receipt, or the
//! last four digits of the applicant's phone) as a query parameter or a
//! form field; holder access is rate-limited like public tracking.

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::{Extensions, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use motcua_app::attachments::{AttachmentError, Upload};
use motcua_app::dossiers::Accessor;
use motcua_app::policy::Capability;
use motcua_app::ports::attachments::AttachmentRow;
use motcua_domain::dossier::Dossier;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::MaybeOfficer;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;
use crate::upload::{self, ReadError};

/// One attachment as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentDto {
    /// Identifier.
    pub id: String,
    /// Component code (`TP1`...).
    pub component: String,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// Sniffed media type.
    pub content_type: String,
    /// The client's file name, sanitised (display only).
    pub display_name: String,
    /// When it was received.
    pub uploaded_at: DateTime<Utc>,
}

impl From<AttachmentRow> for AttachmentDto {
    fn from(r: AttachmentRow) -> Self {
        Self {
            id: r.id,
            component: r.component,
            sha256: r.sha256,
            size_bytes: r.size_bytes,
            content_type: r.content_type,
            display_name: r.display_name,
            uploaded_at: r.uploaded_at,
        }
    }
}

/// The optional `verifier` of the dossier's holder.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HolderParams {
    /// The QR secret from the receipt, or the last 4 digits of the phone.
    pub verifier: Option<String>,
    /// `true`: a download answers `Content-Disposition: inline`, so the
    /// browser shows the PDF or image instead of saving it.
    pub inline: Option<bool>,
}

impl From<AttachmentError> for Problem {
    fn from(err: AttachmentError) -> Self {
        let text = err.to_string();
        match err {
            AttachmentError::TooLarge { .. } | AttachmentError::DossierFull { .. } => {
                Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", text)
                    .with_code("attachment_too_large")
            }
            AttachmentError::BadType(_) => {
                Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-type", text)
                    .with_code("attachment_type")
            }
            AttachmentError::UnknownComponent(_) => {
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown-component", text)
                    .with_code("unknown_component")
            }
            AttachmentError::Empty => Problem::bad_request(text).with_code("attachment_empty"),
            AttachmentError::NotFound => {
                Problem::new(StatusCode::NOT_FOUND, "not-found", text).with_code("not_found")
            }
            AttachmentError::StagingFull => {
                Problem::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited", text)
                    .with_code("rate_limited")
            }
            AttachmentError::Unexpected(e) => motcua_app::AppError::Unexpected(e).into(),
        }
    }
}

/// A problem for a body that could not be read.
pub fn read_problem(err: ReadError, limit: u64) -> Problem {
    match err {
        ReadError::TooLarge(_) => AttachmentError::TooLarge { limit }.into(),
        ReadError::Malformed(why) => Problem::bad_request(format!(
            "Nội dung multipart không hợp lệ / invalid multipart body: {why}"
        )),
        ReadError::Busy => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Đang có quá nhiều tệp được gửi lên, vui lòng thử lại sau / too many uploads at once, retry later",
        )
        .with_code("unavailable"),
    }
}

/// Checks who asks and returns the dossier. An officer needs a role of
/// `capability` whose scope covers the dossier (the policy's 403, or the
/// 404 of an unknown code when out of scope).
async fn authorized(
    state: &AppState,
    officer: Option<crate::auth::Officer>,
    capability: Capability,
    verifier: Option<String>,
    extensions: &Extensions,
    code: &str,
) -> Result<(Dossier, String), Problem> {
    let (who, actor) = match (officer, verifier.filter(|v| !v.trim().is_empty())) {
        (Some(o), _) => {
            let (_, view) = crate::policy::policy(state)
                .dossier(&state.dossiers, &o.roles, capability, code)
                .await?;
            return Ok((view.dossier, format!("officer:{}", o.id)));
        }
        (None, Some(v)) => {
            if let Err(wait) = crate::rate_limit::guard_verifier(state, extensions, code, &v).await
            {
                return Err(Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate-limited",
                    format!(
                        "Tra cứu quá nhiều lần, thử lại sau {} giây / too many look-ups, retry in {} s",
                        wait.as_secs().max(1),
                        wait.as_secs().max(1)
                    ),
                )
                .with_code("rate_limited"));
            }
            (Accessor::Holder(v), "citizen:holder".to_owned())
        }
        (None, None) => {
            return Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Cần cán bộ đăng nhập hoặc mã xác minh (verifier) của hồ sơ / \
                 an officer login or the dossier's verifier is required",
            )
            .with_code("unauthorized"));
        }
    };
    let dossier = state.dossiers.authorize(&who, code).await?;
    Ok((dossier, actor))
}

/// `POST /api/v1/dossiers/{code}/attachments`: multipart with `component`
/// and `file` (and `verifier` when not an officer).
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/attachments", operation_id = "uploadAttachment", tag = "attachments",
    params(("code" = String, Path, description = "mã hồ sơ"), HolderParams),
    request_body(content_type = "multipart/form-data", description = "fields: component (TP1...), file (PDF, JPEG or PNG), verifier (optional)"),
    responses((status = 201, body = AttachmentDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "file or dossier total too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "not a PDF, JPEG or PNG, or its type lies", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "unknown component", body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn upload(
    State(state): State<AppState>,
    MaybeOfficer(officer): MaybeOfficer,
    extensions: Extensions,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<HolderParams>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, Problem> {
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
    // Who asks, before the body is read when the login or the query says
    // (review F7); a verifier only in the form is checked after.
    let early = if officer.is_some() || q.verifier.is_some() {
        Some(
            authorized(
                &state,
                officer.clone(),
                Capability::AddAttachment,
                q.verifier.clone(),
                &extensions,
                &code,
            )
            .await?,
        )
    } else {
        None
    };
    let form = upload::read(multipart, &state.attachments)
        .await
        .map_err(|e| read_problem(e, limit))?;
    let (dossier, actor) = match early {
        Some(found) => found,
        None => {
            authorized(
                &state,
                officer,
                Capability::AddAttachment,
                Some(form.text("verifier")),
                &extensions,
                &code,
            )
            .await?
        }
    };
    let component = form.text("component");
    let row = store_file(
        &state,
        &dossier,
        &form,
        StoreAs::Component(component),
        &actor,
    )
    .await?;
    // The holder's file while a supplement is awaited is also a
    // `supplement_sent` event (issue 14); the file is kept even if that
    // fails (the desk lists it), so the answer stays 201.
    if actor == "citizen:holder"
        && dossier.status.status == motcua_domain::dossier::DossierStatus::AwaitingSupplement
    {
        let verifier = q.verifier.clone().unwrap_or_else(|| form.text("verifier"));
        if let Err(e) = state
            .dossiers
            .record_supplement_sent(dossier.code.as_str(), &verifier, &row)
            .await
        {
            tracing::warn!(error = %e, file = %row.id, "supplement stored, event not recorded");
        }
    }
    Ok((StatusCode::CREATED, Json(AttachmentDto::from(row))).into_response())
}

/// What a stored file is to the dossier.
#[derive(Debug, Clone)]
pub enum StoreAs {
    /// One of the procedure's components (`TP1`...), checked.
    Component(String),
    /// The result document (giấy tờ kết quả, component `KQ`), shown under
    /// `name` when one is given (the file's extension is kept).
    Result {
        /// The document's name as the officer typed it, or empty.
        name: String,
    },
}

/// Stores the `file` field of a read form for `dossier` (the caller has
/// checked who asks): the one path of the JSON API and the desk page.
pub async fn store_file(
    state: &AppState,
    dossier: &Dossier,
    form: &upload::FormParts,
    store_as: StoreAs,
    actor: &str,
) -> Result<AttachmentRow, Problem> {
    let limit = state.attachments.limits().max_file_bytes;
    let Some(file) = form.files.iter().find(|f| f.field == "file") else {
        return Err(Problem::bad_request(
            "Thiếu tệp (trường file) / the file field is missing",
        ));
    };
    let bytes = file.bytes().await.map_err(|e| read_problem(e, limit))?;
    let row = match store_as {
        StoreAs::Component(component) => {
            let upload = Upload {
                component,
                file_name: file.file_name.clone(),
                declared_type: file.content_type.clone(),
                bytes,
            };
            state.attachments.add(dossier, &upload, actor).await?
        }
        StoreAs::Result { name } => {
            let name = name.trim();
            let file_name = if name.is_empty() {
                file.file_name.clone()
            } else {
                match file.file_name.rsplit_once('.') {
                    Some((_, ext))
                        if !name
                            .to_lowercase()
                            .ends_with(&format!(".{}", ext.to_lowercase())) =>
                    {
                        format!("{name}.{ext}")
                    }
                    _ => name.to_owned(),
                }
            };
            let upload = Upload {
                component: String::new(),
                file_name,
                declared_type: file.content_type.clone(),
                bytes,
            };
            state
                .attachments
                .add_result(dossier, &upload, actor)
                .await?
        }
    };
    Ok(row)
}

/// `GET /api/v1/dossiers/{code}/attachments`: the dossier's files.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/attachments", operation_id = "listAttachments", tag = "attachments",
    params(("code" = String, Path, description = "mã hồ sơ"), HolderParams),
    responses((status = 200, body = Vec<AttachmentDto>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    MaybeOfficer(officer): MaybeOfficer,
    extensions: Extensions,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<HolderParams>,
) -> Result<Response, Problem> {
    let (dossier, _) = authorized(
        &state,
        officer,
        Capability::ViewAttachments,
        q.verifier,
        &extensions,
        &code,
    )
    .await?;
    let rows = state.attachments.list(dossier.code.as_str()).await?;
    let items: Vec<AttachmentDto> = rows.into_iter().map(Into::into).collect();
    Ok(Json(items).into_response())
}

/// Writes the download of an electronic result (component `KQ`) to the
/// audit log before a byte is sent (issue 15 item 6): who (the officer, or
/// `citizen:holder` with the verifier), which dossier, which file.
async fn audit_result_download(
    state: &AppState,
    who: &str,
    row: &AttachmentRow,
) -> Result<(), Problem> {
    use motcua_domain::audit::{AuditAction, AuditEntry, AuditOutcome};
    let mut entry = AuditEntry::new(
        state.clock.now(),
        who,
        AuditAction::Export,
        AuditOutcome::Allowed,
    );
    entry.dossier_code = Some(row.dossier_code.clone());
    entry.purpose = Some(format!(
        "tải kết quả điện tử / electronic result downloaded: {} ({})",
        row.display_name, row.id
    ));
    state.audit.record(&entry).await?;
    Ok(())
}

/// `filename*` per RFC 8187; `inline` to show it in the browser.
fn disposition(name: &str, inline: bool) -> String {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"tep-dinh-kem\"; filename*=UTF-8''{encoded}")
}

/// `GET /api/v1/dossiers/{code}/attachments/{id}`: the bytes.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/attachments/{id}", operation_id = "downloadAttachment", tag = "attachments",
    params(("code" = String, Path, description = "mã hồ sơ"),
        ("id" = String, Path, description = "attachment id"), HolderParams),
    responses((status = 200, description = "the file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn download(
    State(state): State<AppState>,
    MaybeOfficer(officer): MaybeOfficer,
    extensions: Extensions,
    ApiPath((code, id)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<HolderParams>,
) -> Result<Response, Problem> {
    let (dossier, who) = authorized(
        &state,
        officer,
        Capability::ViewAttachments,
        q.verifier,
        &extensions,
        &code,
    )
    .await?;
    let (row, bytes) = state.attachments.open(dossier.code.as_str(), &id).await?;
    if row.component == motcua_app::dossiers::sector::RESULT_COMPONENT {
        audit_result_download(&state, &who, &row).await?;
    }
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&row.content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    let inline = q.inline.unwrap_or(false);
    if let Ok(v) = HeaderValue::from_str(&disposition(&row.display_name, inline)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}
