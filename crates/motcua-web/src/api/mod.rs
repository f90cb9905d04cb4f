//! The JSON API under `/api/v1`.

pub mod addresses;
pub mod agencies;
pub mod attachments;
pub mod classification;
pub mod clock;
pub mod dossier_dto;
pub mod dossiers;
pub mod exchange;
pub mod feedback;
pub mod filings;
pub mod health;
pub mod national;
pub mod obstacles;
pub mod payments;
pub mod procedures;
pub mod registry;
pub mod sector;
pub mod service_index;
pub mod staff;
pub mod tracking;
pub mod training;
pub mod units;
pub mod webhooks;
pub mod workload_schema;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::AppState;
use crate::problem::Problem;

/// A JSON body, or a 400 Problem saying why it could not be read (the
/// handlers that take `Result<Json<T>, JsonRejection>` so the refusal is a
/// Problem, not axum's plain text).
pub(crate) fn json_body<T>(
    b: Result<axum::Json<T>, axum::extract::rejection::JsonRejection>,
) -> Result<T, Problem> {
    b.map(|axum::Json(v)| v)
        .map_err(|e| Problem::bad_request(e.body_text()))
}

/// Routes under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/units", get(units::list))
        .route("/units/legacy/{old_code}", get(units::legacy))
        .route("/units/{code}", get(units::detail))
        .route(
            "/units/{code}/classification",
            get(classification::last).post(classification::classify),
        )
        .route("/staff", get(staff::list).post(staff::import))
        .route("/workload", get(staff::workload))
        .route("/shortages", get(staff::shortages))
        .route(
            "/training/courses",
            get(training::list_courses).post(training::create_course),
        )
        .route(
            "/training/sessions",
            get(training::list_sessions).post(training::create_session),
        )
        .route("/training/sessions/{id}/enrolments", post(training::enrol))
        .route(
            "/training/enrolments/{id}/completion",
            post(training::complete),
        )
        .route("/training/plan", get(training::plan))
        .route("/training/follow-up", get(training::follow_up))
        .route(
            "/addresses/convert",
            post(addresses::convert).layer(DefaultBodyLimit::max(addresses::MAX_BODY_BYTES)),
        )
        .route("/agencies", get(agencies::list).post(agencies::create))
        .route("/agencies/{id}", get(agencies::get).put(agencies::update))
        .route("/procedures", get(procedures::list))
        .route("/procedures/{code}", get(procedures::detail))
        .route(
            "/procedures/{code}/versions/{version}",
            get(procedures::version),
        )
        .route("/procedures/{code}/qr.svg", get(procedures::qr_svg))
        .route("/procedures/{code}/qr.png", get(procedures::qr_png))
        .route("/calendar/{year}", get(clock::year))
        .route("/due-dates", post(clock::due_date))
        .route("/dossiers", get(dossiers::list).post(dossiers::create))
        .route(
            "/filings",
            post(filings::create).layer(DefaultBodyLimit::max(filings::MAX_FILING_BYTES)),
        )
        .route("/dossiers/{code}", get(dossiers::get))
        .route("/dossiers/{code}/actions/{action}", post(dossiers::act))
        .route(
            "/dossiers/{code}/attachments",
            get(attachments::list)
                .post(attachments::upload)
                .layer(DefaultBodyLimit::max(crate::upload::MAX_FORM_BYTES)),
        )
        .route(
            "/dossiers/{code}/attachments/{id}",
            get(attachments::download),
        )
        .route("/tracking/{code}", get(tracking::track))
        .route("/tracking/{code}/payments", post(payments::start))
        .route("/payments/callback", post(payments::callback))
        .route("/dossiers/{code}/payments", get(payments::list))
        .route("/feedback", get(feedback::list).post(feedback::create))
        .route("/feedback/published", get(feedback::published))
        .route("/feedback/{id}", get(feedback::get))
        .route("/feedback/{id}/actions/{action}", post(feedback::act))
        .route("/feedback/{id}/rating", post(feedback::rate))
        .route("/feedback/{id}/supplement", post(feedback::supplement))
        .route("/obstacles", get(obstacles::list).post(obstacles::create))
        .route("/obstacles/report", get(obstacles::report))
        .route("/obstacles/{id}/actions/{action}", post(obstacles::act))
        .route("/sector/dossiers", get(sector::list))
        .route("/sector/dossiers/{code}", get(sector::get))
        .route("/sector/dossiers/{code}/accept", post(sector::accept))
        .route("/sector/dossiers/{code}/progress", post(sector::progress))
        .route("/sector/dossiers/{code}/decline", post(sector::decline))
        .route(
            "/sector/dossiers/{code}/result",
            post(sector::result).layer(DefaultBodyLimit::max(crate::upload::MAX_FORM_BYTES)),
        )
        .route("/registry/lookups", post(registry::lookup))
        .route(
            "/grants",
            get(registry::list_grants).post(registry::create_grant),
        )
        .route("/grants/{id}/revoke", post(registry::revoke_grant))
        .route("/exchange/dead-letters", get(exchange::dead_letters))
        .route("/exchange/dead-letters/{id}/replay", post(exchange::replay))
        .route("/national/events", post(national::intake))
        .route("/national/totals", get(national::totals))
        .route("/national/obstacles", get(national::obstacles))
        .route("/service-index", get(service_index::get))
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route(
            "/webhooks/{id}",
            get(webhooks::get)
                .patch(webhooks::update)
                .delete(webhooks::delete),
        )
        .route("/webhooks/{id}/rotate", post(webhooks::rotate))
}
