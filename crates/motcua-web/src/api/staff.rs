//! Staff, workload and shortages (issue 17):
//!
//! - `GET /api/v1/staff?unit=&format=csv`: the staff registry of the
//!   unit's subtree ([`Capability::ViewStaff`]); `format=csv` for the file.
//! - `POST /api/v1/staff` (`text/csv` body): imports a registry file for
//!   the units it names ([`Capability::ManageStaff`]); one bad row and
//!   nothing is written, every problem listed (`errors`).
//! - `GET /api/v1/workload?unit=&period=`: dossiers handled, actions in
//!   and outside office hours by unit, field, officer and week, overdue by
//!   field ([`Capability::ViewWorkload`]).
//! - `GET /api/v1/shortages?unit=&expertise=&period=`: the shortage signal
//!   of the subtree's units against the province's norm, most short first.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_app::policy::Capability;
use motcua_app::staff::StaffError;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::auth::Officer;
use crate::extract::ApiQuery;
use crate::problem::Problem;

impl From<StaffError> for Problem {
    fn from(e: StaffError) -> Self {
        match e {
            StaffError::BadRows(rows) => {
                let detail = rows
                    .iter()
                    .map(|r| {
                        format!(
                            "dòng / line {}: {}: {} / {}",
                            r.line, r.column, r.message_vi, r.message_en
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                Problem::bad_request(detail).with_code("bad_rows")
            }
            StaffError::Invalid(m) => Problem::bad_request(m),
            StaffError::TooLarge(m) => {
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "too-large", m)
                    .with_code("too_large")
            }
            StaffError::Denied(d) => d.into(),
            StaffError::Unexpected(err) => motcua_app::AppError::Unexpected(err).into(),
        }
    }
}

/// The scope asked for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffParams {
    /// The unit's agency (default: the officer's agency).
    pub unit: Option<String>,
    /// `csv` for the registry file.
    pub format: Option<String>,
}

fn scope(officer: &Officer, unit: Option<String>) -> String {
    unit.filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| officer.agency.as_str().to_owned())
}

/// Lists (or exports) the staff of a unit's subtree.
#[utoipa::path(get, path = "/api/v1/staff", operation_id = "listStaff", tag = "staff", params(StaffParams),
    responses((status = 200, description = "the staff (JSON) or the registry file (text/csv)", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    officer: Officer,
    ApiQuery(q): ApiQuery<StaffParams>,
) -> Result<Response, Problem> {
    crate::policy::require(&officer, Capability::ViewStaff)?;
    let unit = scope(&officer, q.unit);
    if q.format.as_deref() == Some("csv") {
        let text = state.staff.export(&officer.roles, &unit).await?;
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"can-bo.csv\"",
                ),
            ],
            text,
        )
            .into_response());
    }
    let items = state.staff.list(&officer.roles, &unit).await?;
    Ok(Json(serde_json::json!({ "unit": unit, "items": items })).into_response())
}

/// Imports a staff registry file (CSV).
#[utoipa::path(post, path = "/api/v1/staff", operation_id = "importStaff", tag = "staff",
    request_body(content = String, content_type = "text/csv", description = "the registry file (columns in docs/api.md), or JSON {\"csv\": \"…\"}"),
    responses((status = 200, description = "how many rows were saved", body = Object),
        (status = 400, description = "every problem of every bad row; nothing saved", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "the file is over 1 MB or 5,000 rows; nothing saved", body = Problem, content_type = "application/problem+json")))]
pub async fn import(
    State(state): State<AppState>,
    officer: Officer,
    headers: axum::http::HeaderMap,
    body: String,
) -> Result<Response, Problem> {
    crate::policy::require(&officer, Capability::ManageStaff)?;
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let text = if json {
        #[derive(Deserialize)]
        struct Wrapped {
            csv: String,
        }
        serde_json::from_str::<Wrapped>(&body)
            .map_err(|e| Problem::bad_request(format!("{{\"csv\": \"…\"}}: {e}")))?
            .csv
    } else {
        body
    };
    let saved = state.staff.import(&officer.roles, &text).await?;
    Ok((StatusCode::OK, Json(serde_json::json!({ "saved": saved }))).into_response())
}

/// Scope, period and tag.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkloadParams {
    /// The unit's agency (default: the officer's agency).
    pub unit: Option<String>,
    /// `YYYY-MM` or `YYYY` (default: the last 90 days).
    pub period: Option<String>,
    /// An expertise tag (shortages only), e.g. `dat_dai`.
    pub expertise: Option<String>,
}

/// The measured workload of a unit's subtree.
#[utoipa::path(get, path = "/api/v1/workload", operation_id = "getWorkload", tag = "staff", params(WorkloadParams),
    responses((status = 200, description = "totals, by unit and field, by officer, by week, with the working hours of the legal clock consumed", body = crate::api::workload_schema::WorkloadAnswer),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn workload(
    State(state): State<AppState>,
    officer: Officer,
    ApiQuery(q): ApiQuery<WorkloadParams>,
) -> Result<Response, Problem> {
    crate::policy::require(&officer, Capability::ViewWorkload)?;
    let unit = scope(&officer, q.unit);
    let report = state
        .workload
        .workload(&officer.roles, &unit, q.period.as_deref())
        .await?;
    Ok(Json(report).into_response())
}

/// The shortage signal of a unit's subtree, most short first.
#[utoipa::path(get, path = "/api/v1/shortages", operation_id = "getShortages", tag = "staff", params(WorkloadParams),
    responses((status = 200, description = "the ranking", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn shortages(
    State(state): State<AppState>,
    officer: Officer,
    ApiQuery(q): ApiQuery<WorkloadParams>,
) -> Result<Response, Problem> {
    crate::policy::require(&officer, Capability::ViewWorkload)?;
    let unit = scope(&officer, q.unit);
    let report = state
        .workload
        .shortages(
            &officer.roles,
            &unit,
            q.expertise.as_deref(),
            q.period.as_deref(),
        )
        .await?;
    Ok(Json(report).into_response())
}
