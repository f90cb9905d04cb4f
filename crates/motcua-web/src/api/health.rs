//! Liveness and readiness.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::AppState;
use crate::problem::Problem;

/// `GET /healthz`: the process is up.
#[utoipa::path(get, path = "/healthz", operation_id = "getHealth", tag = "ops", responses((status = 200, description = "alive")))]
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: the database answers.
#[utoipa::path(get, path = "/readyz", operation_id = "getReadiness", tag = "ops", responses(
    (status = 200, description = "ready"),
    (status = 503, description = "database unreachable", body = Problem)))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, Problem> {
    state.store.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "readiness check failed");
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not-ready",
            "Cơ sở dữ liệu không phản hồi / database unreachable",
        )
    })?;
    Ok(Json(
        json!({ "status": "ready", "engine": state.store.engine() }),
    ))
}
