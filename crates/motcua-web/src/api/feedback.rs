//! Citizens' feedback and complaints (phản ánh, kiến nghị — PAKN):
//!
//! - `POST /api/v1/feedback`: a citizen sends feedback (anonymous allowed;
//!   limited per client like online filing; about a dossier it needs the
//!   dossier's QR secret, checked by the one verifier limiter). The answer
//!   carries the feedback's own token, shown once.
//! - `GET /api/v1/feedback?unit=&status=`: officers of the unit
//!   ([`Capability::HandleFeedback`]); no personal data in the list.
//! - `GET /api/v1/feedback/{id}`: one feedback for an officer of its unit,
//!   with the sender (the read is audited).
//! - `POST /api/v1/feedback/{id}/actions/{action}`: classify, refuse,
//!   request_supplement, answer, publish.
//! - `POST /api/v1/feedback/{id}/rating` and `/supplement`: the sender,
//!   with the feedback's token.
//! - `GET /api/v1/feedback/published`: public answers, no personal data.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{Extensions, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use motcua_app::dossiers::{Accessor, DossierError};
use motcua_app::feedback::{
    About, FeedbackError, NewFeedback, OfficerAction, OfficerRef, PublishedAnswer, SenderAction,
};
use motcua_app::policy::Capability;
use motcua_domain::feedback::{Feedback, FeedbackEvent, FeedbackStatus, Reaction, Sender};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Officer;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;

impl From<FeedbackError> for Problem {
    fn from(e: FeedbackError) -> Self {
        match e {
            FeedbackError::Invalid(m) => Problem::bad_request(m),
            FeedbackError::NotFound => crate::auth::hidden_not_found(),
            FeedbackError::Refused(r) => {
                Problem::new(StatusCode::CONFLICT, "conflict", r.to_string()).with_code("refused")
            }
            FeedbackError::Conflict => {
                Problem::new(StatusCode::CONFLICT, "conflict", e.to_string())
            }
            FeedbackError::Denied(d) => d.into(),
            FeedbackError::Unexpected(err) => motcua_app::AppError::Unexpected(err).into(),
        }
    }
}

use super::json_body as body;

/// A new feedback.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    /// `dossier`, `procedure` or `general`.
    pub about: String,
    /// The dossier (with `about = dossier`).
    pub dossier_code: Option<String>,
    /// The dossier's QR secret (with `about = dossier`).
    pub verifier: Option<String>,
    /// The procedure (with `about = procedure`).
    pub procedure_code: Option<String>,
    /// The unit addressed (commune or province code; not with a dossier:
    /// the dossier's receiving unit).
    pub unit: Option<String>,
    /// Sender's name (optional).
    #[serde(default)]
    pub name: String,
    /// Sender's phone or e-mail (optional).
    #[serde(default)]
    pub contact: String,
    /// The feedback.
    pub text: String,
}

/// The deadlines of a feedback.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueDto {
    /// Refuse by.
    pub refuse_by: DateTime<Utc>,
    /// Request a supplement by.
    pub supplement_by: DateTime<Utc>,
    /// Answer by.
    pub answer_by: DateTime<Utc>,
    /// Publish by (once answered).
    pub publish_by: Option<DateTime<Utc>>,
}

/// The answer to a sender.
#[derive(Debug, Serialize, ToSchema)]
pub struct SentDto {
    /// Identifier.
    pub id: String,
    /// The feedback's own token: shown once; the sender reads the answer
    /// and rates it with it.
    pub token: String,
    /// Unit addressed.
    pub unit_code: String,
    /// `received`.
    pub status: String,
    /// Deadlines.
    pub due: DueDto,
}

/// A feedback for an officer of its unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackDto {
    /// Identifier.
    pub id: String,
    /// Unit addressed.
    pub unit_code: String,
    /// `dossier`, `procedure` or `general`.
    pub about: String,
    /// The dossier, if any.
    pub dossier_code: Option<String>,
    /// The procedure, if any.
    pub procedure_code: Option<String>,
    /// Status.
    pub status: String,
    /// `rules` or `staff_behaviour`.
    pub classification: Option<String>,
    /// First received.
    pub received_at: DateTime<Utc>,
    /// The next deadline, if any.
    pub next_due: Option<DateTime<Utc>>,
    /// The next deadline passed.
    pub overdue: bool,
    /// Deadlines.
    pub due: DueDto,
    /// `like` or `dislike`.
    pub reaction: Option<String>,
    /// A follow-up complaint was sent.
    pub followed_up: bool,
}

/// One feedback with the sender and the texts (officers).
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackDetail {
    /// The summary.
    #[serde(flatten)]
    pub feedback: FeedbackDto,
    /// Sender's name (personal data).
    pub sender_name: String,
    /// Sender's contact (personal data).
    pub sender_contact: String,
    /// What the sender wrote.
    pub text: String,
    /// What was asked of the sender.
    pub supplement_request: Option<String>,
    /// What the sender added.
    pub supplements: Vec<String>,
    /// Why refused.
    pub refusal_reason: Option<String>,
    /// The answer.
    pub answer: Option<String>,
    /// The question as published.
    pub public_summary: Option<String>,
    /// The follow-up complaint.
    pub follow_up: Option<String>,
    /// Events, oldest first: `{type, at, ...}`.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<serde_json::Value>,
}

/// A page of feedback.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackList {
    /// The unit listed (and the units below it).
    pub unit: String,
    /// Items, next deadline first.
    pub items: Vec<FeedbackDto>,
}

/// A published answer (no personal data).
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedDto {
    /// Identifier.
    pub id: String,
    /// Unit addressed.
    pub unit_code: String,
    /// `dossier`, `procedure` or `general`.
    pub about: String,
    /// The procedure, if any.
    pub procedure_code: Option<String>,
    /// The dossier code, masked.
    pub dossier_masked: Option<String>,
    /// `rules` or `staff_behaviour`.
    pub classification: Option<String>,
    /// The question as published.
    pub summary: String,
    /// The answer.
    pub answer: String,
    /// Received.
    pub received_at: DateTime<Utc>,
    /// Published.
    pub published_at: DateTime<Utc>,
}

/// Published answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedList {
    /// Newest first.
    pub items: Vec<PublishedDto>,
}

impl From<PublishedAnswer> for PublishedDto {
    fn from(p: PublishedAnswer) -> Self {
        Self {
            id: p.id,
            unit_code: p.unit_code,
            about: p.about.to_owned(),
            procedure_code: p.procedure_code,
            dossier_masked: p.dossier_masked,
            classification: p.classification.map(|c| c.as_str().to_owned()),
            summary: p.summary,
            answer: p.answer,
            received_at: p.received_at,
            published_at: p.published_at,
        }
    }
}

/// The summary of a feedback at `now`.
pub fn dto(f: &Feedback, now: DateTime<Utc>) -> FeedbackDto {
    FeedbackDto {
        id: f.id.clone(),
        unit_code: f.unit_code.clone(),
        about: f.subject.kind().to_owned(),
        dossier_code: f.subject.dossier_code().map(str::to_owned),
        procedure_code: f.subject.procedure_code().map(str::to_owned),
        status: f.status.as_str().to_owned(),
        classification: f.classification.map(|c| c.as_str().to_owned()),
        received_at: f.received_at,
        next_due: f.next_due(),
        overdue: f.overdue_at(now),
        due: DueDto {
            refuse_by: f.due.refuse_by,
            supplement_by: f.due.supplement_by,
            answer_by: f.due.answer_by,
            publish_by: f.publish_by,
        },
        reaction: f.reaction.map(|r| r.as_str().to_owned()),
        followed_up: f.follow_up.is_some(),
    }
}

fn detail(f: Feedback, events: &[FeedbackEvent], now: DateTime<Utc>) -> FeedbackDetail {
    FeedbackDetail {
        feedback: dto(&f, now),
        sender_name: f.sender.name,
        sender_contact: f.sender.contact,
        text: f.text,
        supplement_request: f.supplement_request,
        supplements: f.supplements,
        refusal_reason: f.refusal_reason,
        answer: f.answer,
        public_summary: f.public_summary,
        follow_up: f.follow_up,
        events: events
            .iter()
            .map(|e| {
                let mut v = serde_json::to_value(e).unwrap_or_default();
                // The first event repeats the sender: the detail already has it.
                if let Some(o) = v.as_object_mut() {
                    o.remove("sender");
                }
                v
            })
            .collect(),
    }
}

fn who(officer: &Officer) -> OfficerRef<'_> {
    OfficerRef {
        id: &officer.id,
        agency: officer.agency.as_str(),
        roles: &officer.roles,
    }
}

/// Sends feedback: the checks and the limits shared with the page. `Ok`
/// with the sent feedback, `Err` with the problem to answer.
pub async fn send(
    state: &AppState,
    extensions: &Extensions,
    input: FeedbackInput,
) -> Result<motcua_app::feedback::Sent, Response> {
    let client = crate::rate_limit::client_key(extensions);
    if let Err(wait) = state.filing_limiter.check_client(&client) {
        return Err(crate::rate_limit::too_many(wait));
    }
    let unit = || input.unit.clone().unwrap_or_default();
    let about = match input.about.as_str() {
        "dossier" => {
            let code = input.dossier_code.clone().unwrap_or_default();
            let verifier = input.verifier.clone().unwrap_or_default();
            if code.trim().is_empty() || verifier.trim().is_empty() {
                return Err(
                    Problem::bad_request("dossier_code, verifier: bắt buộc / required")
                        .into_response(),
                );
            }
            if let Err(wait) = state.tracking_limiter.admit(&client, &code, &verifier) {
                return Err(crate::rate_limit::too_many(wait));
            }
            match state
                .dossiers
                .authorize(&Accessor::Holder(verifier), &code)
                .await
            {
                Ok(d) => About::Dossier {
                    code: d.code.as_str().to_owned(),
                    procedure: d.procedure.code.clone(),
                    agency: d.receiving_unit.as_str().to_owned(),
                },
                Err(e) => {
                    if matches!(e, DossierError::NotFound(_)) {
                        state.tracking_limiter.failed(&code);
                    }
                    return Err(Problem::from(e).into_response());
                }
            }
        }
        "procedure" => About::Procedure {
            code: input.procedure_code.clone().unwrap_or_default(),
            unit_code: unit(),
        },
        "general" => About::General { unit_code: unit() },
        other => {
            return Err(Problem::bad_request(format!(
                "about: dossier | procedure | general (không phải / not {other})"
            ))
            .into_response());
        }
    };
    state
        .feedback
        .submit(NewFeedback {
            about,
            sender: Sender {
                name: input.name,
                contact: input.contact,
            },
            text: input.text,
        })
        .await
        .map_err(|e| Problem::from(e).into_response())
}

/// `POST /api/v1/feedback`.
#[utoipa::path(post, path = "/api/v1/feedback", operation_id = "sendFeedback", tag = "feedback", request_body = FeedbackInput,
    responses((status = 201, body = SentDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "unknown dossier or wrong verifier (the same answer)", body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    extensions: Extensions,
    input: Result<Json<FeedbackInput>, JsonRejection>,
) -> Response {
    let input = match body(input) {
        Ok(i) => i,
        Err(p) => return p.into_response(),
    };
    match send(&state, &extensions, input).await {
        Ok(sent) => {
            let f = &sent.feedback;
            (
                StatusCode::CREATED,
                Json(SentDto {
                    id: sent.id.clone(),
                    token: sent.token.clone(),
                    unit_code: f.unit_code.clone(),
                    status: f.status.as_str().to_owned(),
                    due: DueDto {
                        refuse_by: f.due.refuse_by,
                        supplement_by: f.due.supplement_by,
                        answer_by: f.due.answer_by,
                        publish_by: None,
                    },
                }),
            )
                .into_response()
        }
        Err(res) => res,
    }
}

/// The officers' list query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Unit code (default: the unit of the officer's agency); the units
    /// below it are included.
    pub unit: Option<String>,
    /// Only this status.
    pub status: Option<String>,
    /// Page size (1–200, default 50).
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
}

/// The page size asked for: 1–200, 50 when not given.
pub fn page_limit(limit: Option<u32>) -> Result<u32, Problem> {
    match limit {
        None => Ok(50),
        Some(n @ 1..=200) => Ok(n),
        Some(n) => Err(Problem::bad_request(format!(
            "limit phải từ 1 đến 200 / limit must be between 1 and 200, got {n}"
        ))),
    }
}

/// Parses a status filter.
pub fn status_param(s: Option<&str>) -> Result<Option<FeedbackStatus>, Problem> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => FeedbackStatus::parse(s).map(Some).ok_or_else(|| {
            Problem::bad_request(
                "status: received | supplement_requested | refused | answered | published",
            )
        }),
    }
}

/// `GET /api/v1/feedback`.
#[utoipa::path(get, path = "/api/v1/feedback", operation_id = "listFeedback", tag = "feedback", params(ListParams),
    responses((status = 200, body = FeedbackList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "no role of HandleFeedback, or the unit is outside the roles' scope", body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    officer: Officer,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<Json<FeedbackList>, Problem> {
    crate::policy::require(&officer, Capability::HandleFeedback)?;
    let status = status_param(q.status.as_deref())?;
    let (unit, items) = state
        .feedback
        .inbox(
            &who(&officer),
            q.unit.as_deref(),
            status,
            page_limit(q.limit)?,
            q.offset.unwrap_or(0),
        )
        .await?;
    let now = state.clock.now();
    Ok(Json(FeedbackList {
        unit,
        items: items.iter().map(|f| dto(f, now)).collect(),
    }))
}

/// `GET /api/v1/feedback/{id}`.
#[utoipa::path(get, path = "/api/v1/feedback/{id}", operation_id = "getFeedback", tag = "feedback",
    params(("id" = String, Path, description = "feedback id")),
    responses((status = 200, description = "with the sender (audited read)", body = FeedbackDetail),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "unknown or outside the officer's units", body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<FeedbackDetail>, Problem> {
    crate::policy::require(&officer, Capability::HandleFeedback)?;
    let (f, events) = state.feedback.for_officer(&who(&officer), &id).await?;
    Ok(Json(detail(f, &events, state.clock.now())))
}

/// The fields of an officer's action.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// `rules` or `staff_behaviour` (classify).
    pub classification: Option<String>,
    /// The reason (refuse), what is needed (request_supplement), the
    /// answer (answer), the question as published without personal data
    /// (publish).
    pub text: Option<String>,
}

/// `POST /api/v1/feedback/{id}/actions/{action}`.
#[utoipa::path(post, path = "/api/v1/feedback/{id}/actions/{action}", operation_id = "actOnFeedback", tag = "feedback",
    params(("id" = String, Path, description = "feedback id"),
        ("action" = String, Path, description = "classify | refuse | request_supplement | answer | publish")),
    request_body = ActionInput,
    responses((status = 200, body = FeedbackDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not allowed in the feedback's status", body = Problem, content_type = "application/problem+json")))]
pub async fn act(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath((id, action)): ApiPath<(String, String)>,
    input: Result<Json<ActionInput>, JsonRejection>,
) -> Result<Json<FeedbackDto>, Problem> {
    crate::policy::require(&officer, Capability::HandleFeedback)?;
    let input = body(input)?;
    let action = OfficerAction::parse(
        &action,
        input.classification.as_deref(),
        input.text.as_deref(),
    )?;
    let f = state
        .feedback
        .officer_act(&who(&officer), &id, action)
        .await?;
    Ok(Json(dto(&f, state.clock.now())))
}

/// The sender's rating.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// The feedback's token.
    pub token: String,
    /// `like` or `dislike`.
    pub reaction: Option<String>,
    /// A follow-up complaint about the answer.
    pub follow_up: Option<String>,
}

/// The sender's supplement.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplementInput {
    /// The feedback's token.
    pub token: String,
    /// What the sender adds.
    pub text: String,
}

/// The sender's actions with the token, limited like every verifier.
pub async fn sender_act(
    state: &AppState,
    extensions: &Extensions,
    id: &str,
    token: &str,
    actions: Vec<SenderAction>,
) -> Result<Feedback, Response> {
    if let Err(wait) =
        state
            .tracking_limiter
            .admit(&crate::rate_limit::client_key(extensions), id, token)
    {
        return Err(crate::rate_limit::too_many(wait));
    }
    let mut last = None;
    for a in actions {
        match state.feedback.sender_act(id, token, a).await {
            Ok(f) => last = Some(f),
            Err(e) => {
                if matches!(e, FeedbackError::NotFound) {
                    state.tracking_limiter.failed(id);
                }
                return Err(Problem::from(e).into_response());
            }
        }
    }
    last.ok_or_else(|| {
        Problem::bad_request("reaction | follow_up: cần ít nhất một / at least one is needed")
            .into_response()
    })
}

/// `POST /api/v1/feedback/{id}/rating`.
#[utoipa::path(post, path = "/api/v1/feedback/{id}/rating", operation_id = "rateFeedback", tag = "feedback",
    params(("id" = String, Path, description = "feedback id")), request_body = RatingInput,
    responses((status = 200, body = FeedbackDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "unknown id or wrong token (the same answer)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not answered yet, or already followed up", body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn rate(
    State(state): State<AppState>,
    extensions: Extensions,
    ApiPath(id): ApiPath<String>,
    input: Result<Json<RatingInput>, JsonRejection>,
) -> Response {
    let input = match body(input) {
        Ok(i) => i,
        Err(p) => return p.into_response(),
    };
    let mut actions = Vec::new();
    if let Some(r) = input.reaction.as_deref() {
        match Reaction::parse(r) {
            Some(r) => actions.push(SenderAction::Rate(r)),
            None => return Problem::bad_request("reaction: like | dislike").into_response(),
        }
    }
    if let Some(t) = input.follow_up {
        actions.push(SenderAction::FollowUp(t));
    }
    match sender_act(&state, &extensions, &id, &input.token, actions).await {
        Ok(f) => Json(dto(&f, state.clock.now())).into_response(),
        Err(res) => res,
    }
}

/// `POST /api/v1/feedback/{id}/supplement`.
#[utoipa::path(post, path = "/api/v1/feedback/{id}/supplement", operation_id = "supplementFeedback", tag = "feedback",
    params(("id" = String, Path, description = "feedback id")), request_body = SupplementInput,
    responses((status = 200, body = FeedbackDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "unknown id or wrong token (the same answer)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "no supplement was requested", body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn supplement(
    State(state): State<AppState>,
    extensions: Extensions,
    ApiPath(id): ApiPath<String>,
    input: Result<Json<SupplementInput>, JsonRejection>,
) -> Response {
    let input = match body(input) {
        Ok(i) => i,
        Err(p) => return p.into_response(),
    };
    let actions = vec![SenderAction::Supplement(input.text)];
    match sender_act(&state, &extensions, &id, &input.token, actions).await {
        Ok(f) => Json(dto(&f, state.clock.now())).into_response(),
        Err(res) => res,
    }
}

/// The public list query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PublishedParams {
    /// Only this unit and the units below it.
    pub unit: Option<String>,
    /// Page size (1–200, default 50).
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
}

/// `GET /api/v1/feedback/published`.
#[utoipa::path(get, path = "/api/v1/feedback/published", operation_id = "publishedFeedback", tag = "feedback", params(PublishedParams),
    responses((status = 200, description = "published answers, without personal data", body = PublishedList),
        (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn published(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<PublishedParams>,
) -> Result<Json<PublishedList>, Problem> {
    let items = state
        .feedback
        .published(
            q.unit.as_deref(),
            page_limit(q.limit)?,
            q.offset.unwrap_or(0),
        )
        .await?;
    Ok(Json(PublishedList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}
