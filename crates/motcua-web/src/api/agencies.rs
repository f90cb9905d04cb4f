//! `/api/v1/agencies`: agencies and service points, editable by administrators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use motcua_app::ports::AgencyFilter;
use motcua_domain::agency::{Agency, AgencyKind};
use motcua_domain::text::fold;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{Officer, forbidden};
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;
use motcua_app::policy::{Capability, Denied};

/// Query parameters of the agency list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AgencyQuery {
    /// Only agencies serving this unit code.
    pub unit: Option<String>,
    /// Only this kind (e.g. `commune_service_center`).
    pub kind: Option<String>,
    /// Free text on the name, or an exact identifier.
    pub q: Option<String>,
    /// Page size, 1 to 5,000 (default 100).
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
}

/// An agency, as read and written through the API.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyDto {
    /// Electronic identifier (mã định danh), ≤35 chars of `.`, `0-9`, `A-Z`.
    pub id: String,
    /// Official name.
    pub name: String,
    /// Kind: `provincial_committee`, `department`, `provincial_service_center`,
    /// `commune_committee`, `commune_police`, `commune_service_center`,
    /// `service_point`, `sector_agency`.
    pub kind: String,
    /// Unit code it serves.
    pub unit_code: String,
    /// Parent agency identifier.
    pub parent_id: Option<String>,
    /// False once closed.
    #[serde(default = "active_default")]
    pub active: bool,
}

fn active_default() -> bool {
    true
}

impl From<Agency> for AgencyDto {
    fn from(a: Agency) -> Self {
        Self {
            id: a.id,
            name: a.name,
            kind: a.kind.as_str().to_owned(),
            unit_code: a.unit_code,
            parent_id: a.parent_id,
            active: a.active,
        }
    }
}

impl TryFrom<AgencyDto> for Agency {
    type Error = Problem;
    fn try_from(d: AgencyDto) -> Result<Self, Problem> {
        let kind = AgencyKind::parse(&d.kind).ok_or_else(|| {
            Problem::bad_request(format!(
                "loại cơ quan không hợp lệ / unknown kind {:?}",
                d.kind
            ))
        })?;
        Ok(Agency {
            id: d.id,
            name: d.name,
            kind,
            unit_code: d.unit_code,
            parent_id: d.parent_id,
            active: d.active,
        })
    }
}

/// One page of agencies.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyPageDto {
    /// The agencies.
    pub items: Vec<AgencyDto>,
    /// How many match in all.
    pub total: u64,
}

/// `GET /api/v1/agencies`.
#[utoipa::path(get, path = "/api/v1/agencies", operation_id = "listAgencies", tag = "agencies", params(AgencyQuery), responses(
    (status = 200, body = AgencyPageDto),
    (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<AgencyQuery>,
) -> Result<Json<AgencyPageDto>, Problem> {
    let limit = q.limit.unwrap_or(100);
    if limit == 0 || limit > 5_000 {
        return Err(Problem::bad_request(
            "limit phải từ 1 đến 5000 / limit must be between 1 and 5000",
        ));
    }
    let kind = q
        .kind
        .as_deref()
        .map(|k| {
            AgencyKind::parse(k).ok_or_else(|| Problem::bad_request(format!("unknown kind {k:?}")))
        })
        .transpose()?;
    let filter = AgencyFilter {
        unit_code: q.unit,
        kind,
        query_folded: q.q.as_deref().map(fold).filter(|f| !f.is_empty()),
        limit,
        offset: q.offset.unwrap_or(0),
    };
    let (items, total) = state.agencies.list(&filter).await?;
    Ok(Json(AgencyPageDto {
        items: items.into_iter().map(Into::into).collect(),
        total,
    }))
}

/// `GET /api/v1/agencies/{id}`.
#[utoipa::path(get, path = "/api/v1/agencies/{id}", operation_id = "getAgency", tag = "agencies",
    params(("id" = String, Path, description = "agency identifier")),
    responses((status = 200, body = AgencyDto), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AgencyDto>, Problem> {
    Ok(Json(state.agencies.get(&id).await?.into()))
}

/// `POST /api/v1/agencies`: create an agency (administrators).
#[utoipa::path(post, path = "/api/v1/agencies", operation_id = "createAgency", tag = "agencies", request_body = AgencyDto,
    responses((status = 201, body = AgencyDto), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not a provincial administrator of this part of the tree", body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    officer: Officer,
    body: Result<Json<AgencyDto>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<AgencyDto>), Problem> {
    crate::policy::require(&officer, Capability::ManageAgencies)?;
    let Json(dto) = body.map_err(|e| Problem::bad_request(e.body_text()))?;
    let agency = Agency::try_from(dto)?;
    let policy = crate::policy::policy(&state);
    let decided = match &agency.parent_id {
        Some(parent) => {
            policy
                .in_agency(&officer.roles, Capability::ManageAgencies, parent)
                .await
        }
        None => {
            policy
                .in_unit(
                    &officer.roles,
                    Capability::ManageAgencies,
                    &agency.unit_code,
                )
                .await
        }
    };
    if let Err(denied) = decided {
        if !matches!(denied, Denied::OutOfScope) {
            return Err(denied.into());
        }
        // A parent or unit that does not exist is a bad request, not a
        // question of scope.
        let parent_known = match &agency.parent_id {
            Some(p) => state.agencies.get(p).await.is_ok(),
            None => true,
        };
        let unit_known = match motcua_domain::unit::UnitCode::parse(&agency.unit_code) {
            Ok(code) => state
                .store
                .get_unit(motcua_domain::unit::Era::Current, &code)
                .await
                .map_err(motcua_app::AppError::from)?
                .is_some(),
            Err(_) => false,
        };
        if !(parent_known && unit_known) {
            return Err(Problem::bad_request(
                "Cơ quan cha hoặc đơn vị hành chính không tồn tại / unknown parent agency or unit",
            ));
        }
        return Err(out_of_scope());
    }
    if state.agencies.get(&agency.id).await.is_ok() {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("cơ quan {} đã có / agency exists", agency.id),
        ));
    }
    state.agencies.save(&agency).await?;
    Ok((StatusCode::CREATED, Json(agency.into())))
}

/// `PUT /api/v1/agencies/{id}`: edit an agency (administrators).
#[utoipa::path(put, path = "/api/v1/agencies/{id}", operation_id = "updateAgency", tag = "agencies", request_body = AgencyDto,
    params(("id" = String, Path, description = "agency identifier")),
    responses((status = 200, body = AgencyDto), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(id): ApiPath<String>,
    body: Result<Json<AgencyDto>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<AgencyDto>, Problem> {
    crate::policy::require(&officer, Capability::ManageAgencies)?;
    let Json(dto) = body.map_err(|e| Problem::bad_request(e.body_text()))?;
    if dto.id != id {
        return Err(Problem::bad_request(
            "id trong đường dẫn và nội dung khác nhau / path and body ids differ",
        ));
    }
    state.agencies.get(&id).await?;
    match crate::policy::policy(&state)
        .in_agency(&officer.roles, Capability::ManageAgencies, &id)
        .await
    {
        Ok(()) => {}
        Err(Denied::OutOfScope) => return Err(out_of_scope()),
        Err(denied) => return Err(denied.into()),
    }
    let agency = Agency::try_from(dto)?;
    state.agencies.save(&agency).await?;
    Ok(Json(agency.into()))
}

fn out_of_scope() -> Problem {
    forbidden(
        "Cơ quan này ngoài phạm vi quản trị của bạn / this agency is outside your administration scope",
    )
}
