//! `/api/v1/webhooks`: subscriptions of sector systems to dossier events
//! (ADR 0019), for administrators (unit, province, system) whose roles
//! cover the subscription's scopes. Secrets are returned once, on creation
//! and rotation, never by the reads.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use motcua_app::webhooks::{WebhookDraft, WithSecret};
use motcua_domain::webhook::WebhookSubscription;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{Officer, forbidden};
use crate::extract::ApiPath;
use crate::problem::Problem;

/// A subscription as read (no secret).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookDto {
    /// Identifier.
    pub id: i64,
    /// The sector system (hệ thống chuyên ngành).
    pub name: String,
    /// Where events are POSTed (https).
    pub url: String,
    /// CloudEvent types, e.g. `vn.motcua.dossier.received`; empty = all.
    pub event_types: Vec<String>,
    /// Procedure codes (mã TTHC); empty = all.
    pub procedures: Vec<String>,
    /// `unit:CODE` / `agency:ID` subtrees; empty = the whole province.
    pub scopes: Vec<String>,
    /// False: nothing is sent.
    pub active: bool,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<WebhookSubscription> for WebhookDto {
    fn from(s: WebhookSubscription) -> Self {
        Self {
            id: s.id,
            name: s.spec.name,
            url: s.spec.url,
            event_types: s.spec.filter.event_types,
            procedures: s.spec.filter.procedures,
            scopes: s
                .spec
                .filter
                .scopes
                .iter()
                .map(ToString::to_string)
                .collect(),
            active: s.spec.active,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A subscription with its new secret, shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookSecretDto {
    /// The subscription.
    pub webhook: WebhookDto,
    /// `whsec_<base64>`: the Standard Webhooks signing secret. Store it now:
    /// it is never shown again.
    pub secret: String,
    /// After a rotation: until when the previous secret still signs.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
}

impl From<WithSecret> for WebhookSecretDto {
    fn from(w: WithSecret) -> Self {
        Self {
            webhook: w.subscription.into(),
            secret: w.secret,
            previous_secret_expires_at: w.previous_expires_at,
        }
    }
}

/// Fields of a subscription; on `POST` `name` and `url` are required, on
/// `PATCH` absent fields keep their value.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// The sector system.
    pub name: Option<String>,
    /// `https://…` (`http://` only with `[exchange] webhooks_allow_http`).
    pub url: Option<String>,
    /// Event types (`vn.motcua.dossier.<event>` or just `<event>`).
    pub event_types: Option<Vec<String>>,
    /// Procedure codes `d.dddddd`.
    pub procedures: Option<Vec<String>>,
    /// `unit:CODE` / `agency:ID`.
    pub scopes: Option<Vec<String>>,
    /// Default true on creation.
    pub active: Option<bool>,
}

impl From<WebhookInput> for WebhookDraft {
    fn from(i: WebhookInput) -> Self {
        Self {
            name: i.name,
            url: i.url,
            event_types: i.event_types,
            procedures: i.procedures,
            scopes: i.scopes,
            active: i.active,
        }
    }
}

/// Body of a rotation (optional).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateInput {
    /// How long the old secret still signs, in seconds (default 86,400;
    /// at most 30 days; 0 ends it now).
    pub overlap_seconds: Option<u64>,
}

/// The subscriptions the caller may manage.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    /// By id.
    pub items: Vec<WebhookDto>,
}

fn input(
    body: Result<Json<WebhookInput>, axum::extract::rejection::JsonRejection>,
) -> Result<WebhookDraft, Problem> {
    let Json(i) = body.map_err(|e| Problem::bad_request(e.body_text()))?;
    Ok(i.into())
}

fn out_of_scope() -> Problem {
    forbidden(
        "Phạm vi của đăng ký nằm ngoài phạm vi quản trị của bạn / \
         the subscription's scopes are outside your administration scope",
    )
}

/// `GET /api/v1/webhooks`.
#[utoipa::path(get, path = "/api/v1/webhooks", operation_id = "listWebhooks", tag = "webhooks",
    responses((status = 200, body = WebhookList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    officer: Officer,
) -> Result<Json<WebhookList>, Problem> {
    crate::policy::require(&officer, motcua_app::policy::Capability::ManageWebhooks)?;
    let items = state.webhooks.list(&officer.roles).await?;
    Ok(Json(WebhookList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// `POST /api/v1/webhooks`: a new subscription and its secret (shown once).
#[utoipa::path(post, path = "/api/v1/webhooks", operation_id = "createWebhook", tag = "webhooks", request_body = WebhookInput,
    responses((status = 201, body = WebhookSecretDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not an administrator of every scope", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    officer: Officer,
    body: Result<Json<WebhookInput>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<WebhookSecretDto>), Problem> {
    crate::policy::require(&officer, motcua_app::policy::Capability::ManageWebhooks)?;
    let draft = input(body)?;
    match state.webhooks.create(&officer.roles, &draft).await? {
        Some(created) => {
            tracing::info!(id = created.subscription.id, by = %officer.id, "webhook created");
            Ok((StatusCode::CREATED, Json(created.into())))
        }
        None => Err(out_of_scope()),
    }
}

/// `GET /api/v1/webhooks/{id}`.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}", operation_id = "getWebhook", tag = "webhooks",
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = WebhookDto),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "absent or out of scope", body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<WebhookDto>, Problem> {
    crate::policy::require(&officer, motcua_app::policy::Capability::ManageWebhooks)?;
    Ok(Json(state.webhooks.get(&officer.roles, id).await?.into()))
}

/// `PATCH /api/v1/webhooks/{id}`: change some fields (e.g. `{"active": false}`).
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", operation_id = "updateWebhook", tag = "webhooks", request_body = WebhookInput,
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = WebhookDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(id): ApiPath<i64>,
    body: Result<Json<WebhookInput>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<WebhookDto>, Problem> {
    crate::policy::require(&officer, motcua_app::policy::Capability::ManageWebhooks)?;
    let draft = input(body)?;
    match state.webhooks.update(&officer.roles, id, &draft).await? {
        Some(s) => {
            tracing::info!(id, active = s.spec.active, by = %officer.id, "webhook changed");
            Ok(Json(s.into()))
        }
        None => Err(out_of_scope()),
    }
}

/// `DELETE /api/v1/webhooks/{id}`: the subscription and its secrets.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", operation_id = "deleteWebhook", tag = "webhooks",
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 204, description = "deleted"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, Problem> {
    crate::policy::require(&officer, motcua_app::policy::Capability::ManageWebhooks)?;
    state.webhooks.delete(&officer.roles, id).await?;
    tracing::info!(id, by = %officer.id, "webhook deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/webhooks/{id}/rotate`: a new secret (shown once); the old
/// one still signs for `overlap_seconds` (default 24 h), so receivers can
/// switch without losing an event.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/rotate", operation_id = "rotateWebhookSecret", tag = "webhooks", request_body = RotateInput,
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = WebhookSecretDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn rotate(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Result<Json<WebhookSecretDto>, Problem> {
    crate::policy::require(&officer, motcua_app::policy::Capability::ManageWebhooks)?;
    let input: RotateInput = if body.iter().all(u8::is_ascii_whitespace) {
        RotateInput::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| Problem::bad_request(e.to_string()))?
    };
    let overlap = input.overlap_seconds.map(std::time::Duration::from_secs);
    let rotated = state.webhooks.rotate(&officer.roles, id, overlap).await?;
    tracing::info!(id, by = %officer.id, "webhook secret rotated");
    Ok(Json(rotated.into()))
}
