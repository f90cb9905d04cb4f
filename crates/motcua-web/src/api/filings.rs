//! `POST /api/v1/filings`: online filing by other portals (the national
//! portal forwards a citizen's filing). Anonymous like the filing page,
//! JSON with the files in base64 by component, and the same use case: the
//! dossier (status 1, "mới đăng ký") and its attachments are written in one
//! transaction. Every file is decoded and checked (size, type by its bytes)
//! and the procedure and component codes are checked before any byte is
//! stored. An `Idempotency-Key` sent again returns the first answer, code
//! and tracking secret included.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use motcua_app::attachments::{AttachmentError, Upload, check_type};
use motcua_app::dossiers::{
    ApplicantInput, ComponentChoices, ComponentInput, DossierError, NewDossierInput,
};
use motcua_domain::dossier::{Actor, Channel, ComponentState};
use serde::Deserialize;
use utoipa::ToSchema;

use super::dossier_dto::{ActionAnswerDto, idempotency_key};
use crate::AppState;
use crate::problem::Problem;

/// The body cap of a filing: a dossier's files (50 MiB) in base64, and
/// room for the rest.
pub const MAX_FILING_BYTES: usize = 72 * 1024 * 1024;

/// One file of a component, as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilingFile {
    /// The file's name (display only; its extension must match its bytes).
    pub file_name: String,
    /// The declared media type, if any (it must match the bytes).
    #[serde(default)]
    pub content_type: Option<String>,
    /// The bytes in base64 (standard alphabet, padded): PDF, JPEG or PNG.
    pub content_base64: String,
}

/// A filing from another portal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilingBody {
    /// Mã TTHC, e.g. `1.001193`.
    pub procedure: String,
    /// `{ "kind": "citizen" | "organisation", "id": "...", "name": "...", "phone": "...",
    /// "address": "...", "email": "..." }` (address ≤ 300 characters and e-mail
    /// optional; both printed on form 01).
    #[schema(value_type = Object)]
    pub applicant: ApplicantInput,
    /// Nơi tiếp nhận: the commune service centre (`H55.X05740.TT`).
    pub receiving_unit: String,
    /// The files by component code: `{ "TP1": [ { "file_name": ..., "content_base64": ... } ] }`.
    /// A component with files is submitted (electronic copy); the others
    /// are decided by the officer at reception.
    #[serde(default)]
    pub components: BTreeMap<String, Vec<FilingFile>>,
}

fn bad_json(e: JsonRejection) -> Problem {
    Problem::bad_request(format!(
        "Nội dung JSON không hợp lệ / invalid JSON body: {}",
        e.body_text()
    ))
}

/// Decodes and checks every file; nothing is stored.
fn uploads(
    state: &AppState,
    components: &BTreeMap<String, Vec<FilingFile>>,
) -> Result<Vec<Upload>, Problem> {
    let limits = state.attachments.limits();
    let mut out = Vec::new();
    let mut total = 0u64;
    for (component, files) in components {
        for f in files {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(f.content_base64.trim())
                .map_err(|e| {
                    Problem::bad_request(format!(
                        "Tệp {:?} của {component}: base64 không hợp lệ / invalid base64: {e}",
                        f.file_name
                    ))
                    .with_code("invalid_base64")
                })?;
            let size = bytes.len() as u64;
            if size == 0 {
                return Err(AttachmentError::Empty.into());
            }
            if size > limits.max_file_bytes {
                return Err(AttachmentError::TooLarge {
                    limit: limits.max_file_bytes,
                }
                .into());
            }
            total += size;
            check_type(&bytes, f.content_type.as_deref(), &f.file_name)?;
            out.push(Upload {
                component: component.clone(),
                file_name: f.file_name.clone(),
                declared_type: f.content_type.clone(),
                bytes: bytes.into(),
            });
        }
    }
    if total > limits.max_dossier_bytes {
        return Err(AttachmentError::DossierFull {
            limit: limits.max_dossier_bytes,
        }
        .into());
    }
    Ok(out)
}

/// `POST /api/v1/filings`: files a dossier online with its files.
#[utoipa::path(post, path = "/api/v1/filings", operation_id = "createFiling", tag = "dossiers",
    request_body = FilingBody,
    params(("Idempotency-Key" = String, Header, description = "unique key per filing; sent again, the first answer comes back")),
    responses((status = 201, description = "filed (status submitted): the code and, once, the tracking_secret", body = ActionAnswerDto),
        (status = 400, description = "bad JSON, base64, applicant or procedure", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "a file or the dossier's files too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "not a PDF, JPEG or PNG, or its type lies", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "unknown component, or the Idempotency-Key used for another filing", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "too many filings from this client or for this applicant", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> Result<Response, Problem> {
    let key = idempotency_key(request.headers())?;
    let extensions = request.extensions().clone();
    // Before the body (up to MAX_FILING_BYTES of JSON) is read into memory:
    // the client's filing budget, then one of the few upload turns, held
    // until the answer (security review F7 for this anonymous route).
    if let Err(wait) = state
        .filing_limiter
        .check_client(&crate::rate_limit::client_key(&extensions))
    {
        return Ok(crate::rate_limit::too_many(wait));
    }
    let Ok(_turn) = crate::upload::turn().await else {
        return Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "Máy chủ đang nhận nhiều tệp, vui lòng thử lại sau ít phút / \
             too many uploads at once, please retry in a few minutes",
        ));
    };
    let body =
        <Json<FilingBody> as axum::extract::FromRequest<AppState>>::from_request(request, &state)
            .await;
    let Json(body) = body.map_err(bad_json)?;
    // The applicant's budget is known only once the body is read.
    if let Err(wait) = state.filing_limiter.check_applicant(&body.applicant.id) {
        return Ok(crate::rate_limit::too_many(wait));
    }
    let uploads = uploads(&state, &body.components)?;
    let today = state.clock.today();
    let Some(facts) = state
        .dossiers
        .procedures()
        .procedure(&body.procedure, today)
        .await
    else {
        return Err(DossierError::invalid(
            "procedure.unknown",
            format!("Không có thủ tục {}", body.procedure),
            format!("No procedure {}", body.procedure),
        )
        .into());
    };
    if let Some(bad) = uploads
        .iter()
        .find(|u| !facts.components.iter().any(|c| c.code == u.component))
    {
        return Err(
            AttachmentError::UnknownComponent(bad.component.chars().take(40).collect()).into(),
        );
    }
    let mut staged = Vec::with_capacity(uploads.len());
    for upload in &uploads {
        staged.push(state.attachments.stage(upload).await?);
    }
    let input = NewDossierInput {
        procedure: body.procedure,
        applicant: body.applicant,
        channel: Channel::Online,
        receiving_unit: Some(body.receiving_unit),
        deciding_agency: None,
        components: ComponentChoices::States(
            body.components
                .iter()
                .filter(|(_, files)| !files.is_empty())
                .map(|(code, _)| ComponentInput {
                    code: code.clone(),
                    state: ComponentState::Submitted { digitised: true },
                })
                .collect(),
        ),
        due_at: None,
        outcome: motcua_app::dossiers::IntakeOutcome::Received,
        refusal_reason: None,
        sets: None,
    };
    let (answer, replayed) = state
        .dossiers
        .create_with_attachments(
            Actor::Citizen("anonymous".into()),
            None,
            &key,
            input,
            staged,
        )
        .await?;
    let mut res = (StatusCode::CREATED, Json(answer)).into_response();
    if replayed {
        res.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(res)
}
