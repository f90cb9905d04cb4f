//! Classification of administrative units (NĐ 307/2025, issue 17):
//!
//! - `POST /api/v1/units/{code}/classification`: inputs named as in the
//!   rule file (`population`, `natural_area_km2`, …; the rest optional,
//!   taken from the unit's statistics or reported missing), `as_of` and
//!   `provisional`; answers the score sheet with every criterion, its
//!   points and its rule, and keeps it ([`Capability::ClassifyUnits`]).
//! - `GET /api/v1/units/{code}/classification`: the latest score sheet
//!   ([`Capability::ViewWorkload`] over the unit).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use chrono::NaiveDate;
use motcua_app::classification::{ClassificationError, ClassifyInput};
use motcua_app::policy::Capability;
use motcua_domain::classification::InputValue;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Officer;
use crate::extract::ApiPath;
use crate::problem::Problem;

impl From<ClassificationError> for Problem {
    fn from(e: ClassificationError) -> Self {
        match e {
            ClassificationError::Invalid(m) => Problem::bad_request(m),
            e @ (ClassificationError::NotFound(_) | ClassificationError::NotClassified(_)) => {
                Problem::new(StatusCode::NOT_FOUND, "not-found", e.to_string())
            }
            ClassificationError::Denied(d) => d.into(),
            ClassificationError::Unexpected(err) => motcua_app::AppError::Unexpected(err).into(),
        }
    }
}

/// The request: reserved keys and the inputs.
#[derive(Debug, Deserialize)]
pub struct ClassifyBody {
    /// The date whose rule set applies (default: today).
    pub as_of: Option<NaiveDate>,
    /// Allow draft rules (a provisional score, marked so).
    #[serde(default)]
    pub provisional: bool,
    /// Inputs by the rule file's names: numbers or true/false.
    #[serde(flatten)]
    pub inputs: BTreeMap<String, InputValue>,
}

/// Classifies a unit and keeps its score sheet.
#[utoipa::path(post, path = "/api/v1/units/{code}/classification", operation_id = "classifyUnit", tag = "units",
    params(("code" = String, Path, description = "administrative unit code")),
    request_body(content = Object, description = "inputs named as in the rule file (population, natural_area_km2, mountainous, …), as_of, provisional"),
    responses((status = 200, description = "the score sheet: every criterion, its points and rule; the result or 'cannot classify: missing rule/input'", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn classify(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(code): ApiPath<String>,
    body: Result<Json<ClassifyBody>, JsonRejection>,
) -> Result<Json<serde_json::Value>, Problem> {
    crate::policy::require(&officer, Capability::ClassifyUnits)?;
    let Json(body) = body.map_err(|e| Problem::bad_request(e.body_text()))?;
    let out = state
        .classification
        .classify(
            &officer.roles,
            &format!("officer:{}", officer.id),
            &code,
            &ClassifyInput {
                as_of: body.as_of,
                provisional: body.provisional,
                inputs: body.inputs,
            },
        )
        .await?;
    Ok(Json(serde_json::to_value(&out).map_err(|e| {
        Problem::from(motcua_app::AppError::Unexpected(e.into()))
    })?))
}

/// The latest score sheet of a unit.
#[utoipa::path(get, path = "/api/v1/units/{code}/classification", operation_id = "getUnitClassification", tag = "units",
    params(("code" = String, Path, description = "administrative unit code")),
    responses((status = 200, description = "the latest score sheet", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn last(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<serde_json::Value>, Problem> {
    crate::policy::require(&officer, Capability::ViewWorkload)?;
    Ok(Json(
        state.classification.last(&officer.roles, &code).await?,
    ))
}
