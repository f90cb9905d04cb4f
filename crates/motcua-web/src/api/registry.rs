//! `/api/v1/registry/lookups` and `/api/v1/grants`: desk look-ups in the
//! population registry (khai thác dữ liệu dân cư) under a grant, and the
//! grants themselves (phân quyền khai thác), given by unit administrators.
//!
//! Every look-up, allowed or refused, is in the audit log before the answer
//! leaves. A refusal is a Problem Details document whose `code` says why
//! (`no_grant`, `grant_expired`, `no_purpose`, `dossier_not_open`,
//! `rate_limited`...).

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use motcua_app::AppError;
use motcua_app::grants::NewGrant;
use motcua_app::lookup::{LookupAnswer, LookupError, LookupRequest};
use motcua_app::policy::Capability;
use motcua_domain::grant::{Grant, LookupRefusal};
use motcua_domain::identity::Role;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{Officer, forbidden, hidden_not_found};
use crate::extract::{ApiPath, ApiQuery};
use crate::policy::{agency_roots, policy, require, roles_for};
use crate::problem::Problem;

/// Roles that may look citizens up at the desk (from the policy table).
pub fn lookup_roles() -> &'static [Role] {
    roles_for(Capability::LookUpRegistry)
}

/// A desk look-up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LookupBody {
    /// Số định danh cá nhân (12 digits).
    pub personal_id: String,
    /// Họ và tên.
    pub full_name: String,
    /// Ngày sinh, `YYYY-MM-DD`.
    pub birth_date: NaiveDate,
    /// The open dossier the look-up serves.
    pub dossier_code: Option<String>,
    /// Or a stated purpose.
    pub purpose: Option<String>,
    /// The grant relied on; the officer's newest live grant when absent.
    pub grant_id: Option<String>,
}

fn refusal_problem(r: LookupRefusal) -> Problem {
    let status = match r {
        LookupRefusal::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        LookupRefusal::NoPurpose => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::FORBIDDEN,
    };
    Problem::new(status, "lookup-refused", r.message()).with_code(r.code())
}

/// `POST /api/v1/registry/lookups`: look a citizen up at the desk.
#[utoipa::path(post, path = "/api/v1/registry/lookups", operation_id = "lookUpResident", tag = "registry", request_body = LookupBody,
    responses((status = 200, description = "found (with data and waiver sources), not_found or mismatch", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "refused: no_grant, grant_expired, grant_revoked, dossier_not_open...; audited", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "no dossier and no purpose; audited", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "rate_limited; audited", body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
pub async fn lookup(
    State(state): State<AppState>,
    officer: Officer,
    body: Result<Json<LookupBody>, JsonRejection>,
) -> Result<Json<LookupAnswer>, Problem> {
    require(&officer, Capability::LookUpRegistry)?;
    let Json(b) = body.map_err(|e| Problem::bad_request(e.body_text()))?;
    let grant_id = match b.grant_id {
        Some(g) => Some(g),
        None => {
            state
                .grants
                .live_grant_for(&officer.id, &[officer.agency.as_str()])
                .await?
        }
    };
    let req = LookupRequest {
        officer_id: officer.id.clone(),
        agency_id: Some(officer.agency.as_str().to_owned()),
        grant_id,
        dossier_code: b.dossier_code,
        purpose: b.purpose,
        personal_id: b.personal_id,
        full_name: b.full_name,
        birth_date: b.birth_date,
        dossier_scope: Some(
            agency_roots(&officer.roles, Capability::LookUpRegistry)
                .iter()
                .map(|a| a.as_str().to_owned())
                .collect(),
        ),
    };
    match state.lookups.lookup_citizen(&req).await {
        Ok(answer) => Ok(Json(answer)),
        Err(LookupError::Refused(r)) => Err(refusal_problem(r)),
        Err(LookupError::Registry(e)) => {
            tracing::warn!(error = %e, "population registry unavailable");
            Err(Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "registry-unavailable",
                "CSDL dân cư tạm thời không trả lời / the population registry is unavailable",
            )
            .with_code("registry_unavailable"))
        }
        Err(LookupError::App(e)) => Err(e.into()),
    }
}

/// A grant as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantDto {
    /// Id.
    pub id: String,
    /// Who may look up.
    pub officer_id: String,
    /// For which unit.
    pub unit_code: String,
    /// Why.
    pub purpose: String,
    /// From.
    pub valid_from: DateTime<Utc>,
    /// Until (exclusive).
    pub valid_until: DateTime<Utc>,
    /// Granted by.
    pub granted_by: String,
    /// When revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<Grant> for GrantDto {
    fn from(g: Grant) -> Self {
        Self {
            id: g.id,
            officer_id: g.officer_id,
            unit_code: g.unit_code,
            purpose: g.purpose,
            valid_from: g.valid_from,
            valid_until: g.valid_until,
            granted_by: g.granted_by,
            revoked_at: g.revoked_at,
        }
    }
}

/// `GET /api/v1/grants?officer=`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GrantQuery {
    /// Whose grants (default: the caller's own).
    pub officer: Option<String>,
}

/// `GET /api/v1/grants`: an officer's own grants, or, for a unit
/// administrator, another officer's grants within the administrator's units.
#[utoipa::path(get, path = "/api/v1/grants", operation_id = "listGrants", tag = "registry", params(GrantQuery),
    responses((status = 200, body = [GrantDto]),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_grants(
    State(state): State<AppState>,
    officer: Officer,
    ApiQuery(q): ApiQuery<GrantQuery>,
) -> Result<Json<Vec<GrantDto>>, Problem> {
    let whose = q.officer.unwrap_or_else(|| officer.id.clone());
    let grants = state.grants.of_officer(&whose).await?;
    if whose == officer.id {
        return Ok(Json(grants.into_iter().map(Into::into).collect()));
    }
    require(&officer, Capability::ManageGrants)?;
    let policy = policy(&state);
    let mut out = Vec::new();
    for g in grants {
        if policy
            .in_unit(&officer.roles, Capability::ManageGrants, &g.unit_code)
            .await
            .is_ok()
        {
            out.push(g.into());
        }
    }
    Ok(Json(out))
}

/// A new grant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGrantBody {
    /// Who receives it.
    pub officer_id: String,
    /// For which unit (a current unit code in the administrator's scope).
    pub unit_code: String,
    /// Why (at least 5 characters).
    pub purpose: String,
    /// From (default: now).
    pub valid_from: Option<DateTime<Utc>>,
    /// Until, exclusive; or `days`.
    pub valid_until: Option<DateTime<Utc>>,
    /// Length in days from `valid_from` (1–366) when `valid_until` is absent.
    pub days: Option<i64>,
}

/// `POST /api/v1/grants`: a unit administrator grants access (audited).
#[utoipa::path(post, path = "/api/v1/grants", operation_id = "createGrant", tag = "registry", request_body = NewGrantBody,
    responses((status = 201, body = GrantDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn create_grant(
    State(state): State<AppState>,
    officer: Officer,
    body: Result<Json<NewGrantBody>, JsonRejection>,
) -> Result<(StatusCode, Json<GrantDto>), Problem> {
    require(&officer, Capability::ManageGrants)?;
    let Json(b) = body.map_err(|e| Problem::bad_request(e.body_text()))?;
    if policy(&state)
        .in_unit(&officer.roles, Capability::ManageGrants, b.unit_code.trim())
        .await
        .is_err()
    {
        return Err(forbidden(
            "Đơn vị này ngoài phạm vi quản trị của bạn / this unit is outside your administration scope",
        ));
    }
    // Four eyes: nobody grants registry access to themselves (F13).
    if b.officer_id.trim() == officer.id {
        return Err(forbidden(
            "Không được tự cấp quyền khai thác cho chính mình; cần một quản trị khác / \
             you may not grant registry access to yourself; another administrator must",
        )
        .with_code("self_grant"));
    }
    let from = b.valid_from.unwrap_or_else(|| state.clock.now());
    let until = match (b.valid_until, b.days) {
        (Some(u), _) => u,
        (None, Some(d)) if (1..=366).contains(&d) => from + Duration::days(d),
        _ => {
            return Err(Problem::bad_request(
                "Cần valid_until hoặc days (1–366) / valid_until or days (1–366) is required",
            ));
        }
    };
    let grant = state
        .grants
        .create(NewGrant {
            officer_id: b.officer_id,
            unit_code: b.unit_code,
            purpose: b.purpose,
            valid_from: b.valid_from,
            valid_until: until,
            granted_by: officer.id.clone(),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(grant.into())))
}

/// `POST /api/v1/grants/{id}/revoke`: a unit administrator of the grant's
/// unit revokes it (audited). Unknown or out of scope: the same 404.
#[utoipa::path(post, path = "/api/v1/grants/{id}/revoke", operation_id = "revokeGrant", tag = "registry",
    params(("id" = String, Path, description = "grant id")),
    responses((status = 200, body = GrantDto),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_grant(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<GrantDto>, Problem> {
    require(&officer, Capability::ManageGrants)?;
    let grant = state
        .store
        .get_grant(&id)
        .await
        .map_err(AppError::from)?
        .ok_or_else(hidden_not_found)?;
    if policy(&state)
        .in_unit(&officer.roles, Capability::ManageGrants, &grant.unit_code)
        .await
        .is_err()
    {
        return Err(hidden_not_found());
    }
    Ok(Json(state.grants.revoke(&id, &officer.id).await?.into()))
}
