//! `/api/v1/dossiers`: create, act on, read and list dossiers (hồ sơ).
//!
//! Every POST needs an `Idempotency-Key`: sent again by the same caller it
//! returns the first answer (with `Idempotent-Replayed: true`) and writes
//! nothing. Actions take `If-Match: <version>` to refuse acting on a stale
//! view. One endpoint serves every action: `POST
//! /api/v1/dossiers/{code}/actions/{action}` with the action's fields as
//! the JSON body.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_app::dossiers::{ActionAnswer, ActionInput, NewDossierInput, WorkListFilter};
use motcua_app::policy::Capability;
use motcua_domain::dossier::Actor;

use super::dossier_dto::{
    ActionAnswerDto, WorkListPageDto, WorkListParams, idempotency_key, if_match,
};
use crate::AppState;
use crate::auth::{MaybeOfficer, Officer};
use crate::extract::{ApiPath, ApiQuery};
use crate::policy::{agency_roots, policy, require};
use crate::problem::Problem;

fn answered(status: StatusCode, answer: ActionAnswer, replayed: bool) -> Response {
    let mut res = (status, Json(answer)).into_response();
    if replayed {
        res.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    res
}

pub use motcua_app::policy::{DOSSIER_ROLES, action_roles};

fn bad_json(e: JsonRejection) -> Problem {
    Problem::bad_request(format!(
        "Nội dung JSON không hợp lệ / invalid JSON body: {}",
        e.body_text()
    ))
}

/// `POST /api/v1/dossiers`: file online (status 1, no login) or receive at
/// the desk or by post (status 2, officer).
#[utoipa::path(post, path = "/api/v1/dossiers", operation_id = "createDossier", tag = "dossiers",
    request_body = super::dossier_dto::NewDossierDoc,
    params(("Idempotency-Key" = String, Header, description = "unique key per request")),
    responses((status = 201, body = ActionAnswerDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "anonymous filing: too many from this client or for this applicant", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    MaybeOfficer(officer): MaybeOfficer,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    body: Result<Json<NewDossierInput>, JsonRejection>,
) -> Result<Response, Problem> {
    let key = idempotency_key(&headers)?;
    let Json(input) = body.map_err(bad_json)?;
    // Số bộ hồ sơ out of range: a field error, before anything is written.
    if let Err(e) = input.checked_sets() {
        let code = e.code().to_owned();
        let Problem { detail, .. } = Problem::from(e);
        return Err(
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-input", detail).with_code(code),
        );
    }
    if officer.is_none() && input.channel != motcua_domain::dossier::Channel::Online {
        return Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Tiếp nhận trực tiếp hoặc qua bưu chính cần cán bộ đăng nhập / \
             in-person and postal reception need an officer login",
        )
        .with_code("unauthorized"));
    }
    if officer.is_none()
        && let Err(wait) = crate::rate_limit::guard_filing(&state, &extensions, &input.applicant.id)
    {
        return Ok(crate::rate_limit::too_many(wait)); // anonymous filing, per client and applicant (F18)
    }
    let acting = match &officer {
        Some(o) if input.channel != motcua_domain::dossier::Channel::Online => Some(
            policy(&state)
                .reception_root(&o.roles, &o.agency, input.receiving_unit.as_deref())
                .await?,
        ),
        Some(o) => Some(o.agency.clone()),
        None => None,
    };
    let actor = match &officer {
        Some(o) => Actor::Officer(o.id.clone()),
        None => Actor::Citizen("anonymous".into()),
    };
    let (answer, replayed) = state
        .dossiers
        .create(actor, acting.as_ref(), &key, input)
        .await?;
    Ok(answered(StatusCode::CREATED, answer, replayed))
}

/// `POST /api/v1/dossiers/{code}/actions/{action}`: `receive`, `refuse`,
/// `hand_over`, `request_supplement`, `supplement_received`,
/// `request_payment`, `record_payment`, `transfer`, `stop`,
/// `apologise_and_extend`, `result_ready`, `return`, `withdraw`, `rate`.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/actions/{action}", operation_id = "actOnDossier", tag = "dossiers",
    request_body(content = Object, description = "the action's fields, e.g. {\"reason\": \"...\"} for refuse. receive: {\"components\": {\"TP6\": \"presented\", \"TP7\": \"reused\"}} with one decision per component code: submitted, presented (original shown), missing, reused (taken from the population database: needs an allowed look-up of the applicant under a grant for this dossier, POST /api/v1/registry/lookups with dossier_code, else 400 with code component.reuse_without_lookup) or waived:<population_db|civil_status_db|earlier_result|electronic_birth_certificate|sector_db> (a waiver the catalog gives that component); components not named keep their state; 409 refused (checklist_incomplete) while a required one is still missing; optional due_at when the catalog has no time limit. See docs/api.md"),
    params(("code" = String, Path, description = "mã hồ sơ"),
        ("action" = String, Path, description = "action name"),
        ("Idempotency-Key" = String, Header, description = "unique key per request"),
        ("If-Match" = Option<String>, Header, description = "the version you saw")),
    responses((status = 200, body = ActionAnswerDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "refused by the rules, or a stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn act(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath((code, action)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Response, Problem> {
    let key = idempotency_key(&headers)?;
    let expected = if_match(&headers)?;
    let Some(capability) = Capability::act(&action) else {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!(
                "Không có thao tác {action:?}; có: {} / no action {action:?}",
                ActionInput::NAMES.join(", ")
            ),
        ));
    };
    let mut body = match body {
        Ok(Json(v)) => v,
        Err(JsonRejection::MissingJsonContentType(_)) => serde_json::json!({}),
        Err(e) => return Err(bad_json(e)),
    };
    let Some(fields) = body.as_object_mut() else {
        return Err(Problem::bad_request(
            "Nội dung phải là một đối tượng JSON / the body must be a JSON object",
        ));
    };
    let (root, _) = policy(&state)
        .dossier(&state.dossiers, &officer.roles, capability, &code)
        .await?;
    fields.insert("action".into(), serde_json::Value::String(action));
    let input: ActionInput = serde_json::from_value(body)
        .map_err(|e| Problem::bad_request(format!("Nội dung không hợp lệ / invalid body: {e}")))?;
    let (answer, replayed) = state
        .dossiers
        .act(
            Actor::Officer(officer.id.clone()),
            &root,
            &key,
            &code,
            expected,
            input,
        )
        .await?;
    Ok(answered(StatusCode::OK, answer, replayed))
}

/// `GET /api/v1/dossiers/{code}`: the whole dossier and its events (officers
/// whose agency covers it).
#[utoipa::path(get, path = "/api/v1/dossiers/{code}", operation_id = "getDossier", tag = "dossiers",
    params(("code" = String, Path, description = "mã hồ sơ")),
    responses((status = 200, description = "state and events", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(code): ApiPath<String>,
) -> Result<Response, Problem> {
    let (_, view) = policy(&state)
        .dossier(
            &state.dossiers,
            &officer.roles,
            Capability::ViewDossier,
            &code,
        )
        .await?;
    let version = view.dossier.version;
    let mut res = Json(view).into_response();
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{version}\"")) {
        res.headers_mut().insert(header::ETAG, etag);
    }
    Ok(res)
}

/// `GET /api/v1/dossiers`: the work list of the officer's agency and the
/// agencies below it, by due date; keyset pages; `format=csv` exports.
#[utoipa::path(get, path = "/api/v1/dossiers", operation_id = "listDossiers", tag = "dossiers", params(WorkListParams),
    responses((status = 200, body = WorkListPageDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    officer: Officer,
    ApiQuery(q): ApiQuery<WorkListParams>,
) -> Result<Response, Problem> {
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(Problem::bad_request(format!(
                "format phải là json hoặc csv / format must be json or csv, not {other:?}"
            )));
        }
    };
    let capability = if csv {
        Capability::ExportDossiers
    } else {
        Capability::ViewWorkList
    };
    require(&officer, capability)?;
    let roots = agency_roots(&officer.roles, capability);
    let filter = WorkListFilter {
        agency: q.agency,
        status: q.status,
        assignee: q.assignee,
        due_within_hours: q.due_within_hours,
        overdue: q.overdue.unwrap_or(false),
        cursor: q.cursor,
        limit: q.limit.unwrap_or(if csv { 500 } else { 50 }),
        ..WorkListFilter::default()
    };
    if !csv {
        let page = state.dossiers.work_list_in(&roots, filter).await?;
        return Ok(Json(WorkListPageDto {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next_cursor,
        })
        .into_response());
    }
    Ok(crate::csv_export::export(&state, &officer, &roots, filter, "api").await?)
}
