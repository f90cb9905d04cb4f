//! `GET /api/v1/tracking/{code}?verifier=...`: public tracking (tra cứu hồ
//! sơ) by code plus the QR secret or the last four digits of the
//! applicant's phone (status only, never personal data). Rate-limited by
//! the one verifier limiter, per client and per dossier; an unknown code
//! and a wrong verifier give the same 404, so codes cannot be enumerated.

use axum::Json;
use axum::extract::State;
use axum::http::Extensions;
use axum::response::{IntoResponse, Response};
use motcua_app::dossiers::DossierError;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;

/// Tracking query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TrackingParams {
    /// The QR secret from the receipt, or the last 4 digits of the phone.
    pub verifier: String,
}

/// The client address, when the server knows it (see
/// [`crate::rate_limit::client_key`]).
pub fn client_key(extensions: &Extensions) -> String {
    crate::rate_limit::client_key(extensions)
}

/// `GET /api/v1/tracking/{code}`.
#[utoipa::path(get, path = "/api/v1/tracking/{code}", operation_id = "trackDossier", tag = "tracking",
    params(("code" = String, Path, description = "mã hồ sơ"), TrackingParams),
    responses((status = 200, description = "status, due date, what is missing, timeline", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "unknown code or wrong verifier (the same answer)", body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn track(
    State(state): State<AppState>,
    extensions: Extensions,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<TrackingParams>,
) -> Result<Response, Problem> {
    if let Err(wait) = state
        .tracking_limiter
        .admit(&client_key(&extensions), &code, &q.verifier)
    {
        return Ok(crate::rate_limit::too_many(wait));
    }
    match state.dossiers.track(&code, &q.verifier).await {
        Ok(view) => Ok(Json(view).into_response()),
        Err(e) => {
            if matches!(e, DossierError::NotFound(_)) {
                state.tracking_limiter.failed(&code);
            }
            Err(e.into())
        }
    }
}
