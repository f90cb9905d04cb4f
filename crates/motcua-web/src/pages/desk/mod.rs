//! The officer desk (bộ phận một cửa), processing and the leader's view,
//! all under `/can-bo/...`. Officers are identified by the [`DeskOfficer`]
//! extractor (the development cookie `motcua_dev=<officer>:<agency>` until
//! accounts exist); an anonymous visit is sent to `/dang-nhap?next=...`.

pub mod chart;
pub mod dev_login;
pub mod dossier;
pub mod dossier_actions;
pub mod dossier_lookup;
pub mod dossier_notices;
pub mod dossier_view;
pub mod feedback;
pub mod leader;
pub mod obstacles;
pub mod people;
pub mod reception;
pub mod reception_view;
pub mod result_upload;
pub mod shortages;
pub mod staff;
pub mod training;
pub mod view;
pub mod work_list;
pub mod workload;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::AppState;
use crate::auth::{MaybeOfficer, Officer};

/// The desk routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/can-bo", get(|| async { Redirect::to("/can-bo/ho-so") }))
        .route(
            "/can-bo/tiep-nhan",
            get(reception::page).post(reception::submit),
        )
        .route("/can-bo/tiep-nhan/thu-tuc", get(reception::procedures))
        .route("/can-bo/tiep-nhan/da-nhan/{code}", get(reception::done))
        .route("/can-bo/ho-so", get(work_list::page))
        .route("/can-bo/ho-so.csv", get(work_list::csv))
        .route("/can-bo/ho-so.xlsx", get(work_list::xlsx))
        .route("/can-bo/ho-so/{code}", get(dossier::page))
        .route("/can-bo/ho-so/{code}/thao-tac/{action}", post(dossier::act))
        .route("/can-bo/ho-so/{code}/tra-cuu", post(dossier_lookup::lookup))
        .route(
            "/can-bo/ho-so/{code}/ket-qua",
            post(result_upload::upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::upload::MAX_FORM_BYTES,
            )),
        )
        .route("/can-bo/lanh-dao", get(leader::page))
        .merge(obstacles::routes())
        .merge(staff::routes())
        .merge(training::routes())
        .route(
            "/dang-nhap/phat-trien",
            get(dev_login::page).post(dev_login::submit),
        )
        .merge(feedback::routes())
}

/// An officer on a desk page. Anonymous visitors (and broken credentials)
/// are redirected to the login page, which brings them back afterwards.
#[derive(Debug, Clone)]
pub struct DeskOfficer(pub Officer);

/// Percent-encodes a path and query for a `next=` parameter.
pub fn encode_component(raw: &str) -> String {
    raw.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl FromRequestParts<AppState> for DeskOfficer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match MaybeOfficer::from_request_parts(parts, state).await {
            Ok(MaybeOfficer(Some(officer))) => Ok(Self(officer)),
            _ => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map_or("/can-bo/ho-so", |p| p.as_str());
                Err(
                    Redirect::to(&format!("/dang-nhap?next={}", encode_component(next)))
                        .into_response(),
                )
            }
        }
    }
}

/// A fresh idempotency key for a form: a double click sends it twice and
/// the second answer is the first one replayed.
pub fn new_key() -> String {
    format!("desk-{}", uuid::Uuid::now_v7().simple())
}
