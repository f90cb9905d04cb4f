//! `GET /api/v1/tracking/{code}?verifier=...`: public tracking (tra cứu hồ
//! sơ) by code plus the QR secret or the last four digits of the
//! applicant's phone. Rate-limited per client address; an unknown code and
//! a wrong verifier give the same 404, so codes cannot be enumerated.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{Extensions, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
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

/// The client address, when the server knows it.
pub fn client_key(extensions: &Extensions) -> String {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
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
    let key = client_key(&extensions);
    if let Err(wait) = state.tracking_limiter.check(&key) {
        let mut res = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Tra cứu quá nhiều lần, vui lòng thử lại sau / too many look-ups, retry later",
        )
        .with_code("rate_limited")
        .into_response();
        if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Ok(res);
    }
    let view = state.dossiers.track(&code, &q.verifier).await?;
    Ok(Json(view).into_response())
}
