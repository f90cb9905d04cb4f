//! The JSON API under `/api/v1`.

pub mod agencies;
pub mod health;
pub mod units;

use axum::Router;
use axum::routing::get;

use crate::AppState;

/// Routes under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/units", get(units::list))
        .route("/units/legacy/{old_code}", get(units::legacy))
        .route("/units/{code}", get(units::detail))
        .route("/agencies", get(agencies::list).post(agencies::create))
        .route("/agencies/{id}", get(agencies::get).put(agencies::update))
}
