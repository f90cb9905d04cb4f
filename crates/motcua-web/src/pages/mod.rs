//! Server-rendered pages (askama templates, auto-escaped; htmx for partial
//! updates). Every string shown comes from the Fluent messages in
//! [`crate::i18n`]. A bad input gives an inline message, never an error page.

pub mod addresses;
pub mod assets;
pub mod citizen;
pub mod desk;
pub mod exchange;
pub mod forms;
pub mod identity;
pub mod national;
pub mod obstacle_report;
pub mod receipt;
pub mod receipt_pdf;
pub mod register;
pub mod service_index;
pub mod units;

use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use crate::AppState;
use crate::i18n::Messages;

/// The page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(citizen::home::page))
        .route("/thu-tuc", get(citizen::home::search))
        .route("/thu-tuc/{code}", get(citizen::procedure::page))
        .route(
            "/thu-tuc/{code}/nop-truc-tuyen",
            get(citizen::file_online::form)
                .post(citizen::file_online::post)
                .layer(DefaultBodyLimit::max(crate::upload::MAX_FORM_BYTES)),
        )
        .route("/tra-cuu", get(citizen::track::form))
        .route("/tra-cuu/{code}", get(citizen::track::dossier))
        .route(
            "/tra-cuu/{code}/bo-sung",
            post(citizen::track::supply)
                .layer(DefaultBodyLimit::max(crate::upload::MAX_FORM_BYTES)),
        )
        .route("/tra-cuu/{code}/danh-gia", post(citizen::track::rate))
        .route(
            "/phan-anh",
            get(citizen::feedback::form).post(citizen::feedback::post),
        )
        .route("/phan-anh/cong-khai", get(citizen::feedback::public))
        .route("/phan-anh/{id}", get(citizen::feedback::view))
        .route("/phan-anh/{id}/danh-gia", post(citizen::feedback::rate))
        .route(
            "/phan-anh/{id}/bo-sung",
            get(citizen::feedback::supplement_form).post(citizen::feedback::supplement),
        )
        .route("/tra-cuu/{code}/thanh-toan", post(citizen::payment::pay))
        .route(
            "/tra-cuu/{code}/thanh-toan/{order}",
            get(citizen::payment::result),
        )
        .route(
            "/tra-cuu/{code}/thanh-toan/{order}/bien-lai.pdf",
            get(citizen::payment::receipt_pdf),
        )
        .route(
            "/thong-bao/huy-dang-ky",
            get(citizen::unsubscribe::form).post(citizen::unsubscribe::submit),
        )
        .route("/don-vi", get(units::page))
        .route("/dia-chi/moi", get(addresses::hint_fragment))
        .route(
            "/dang-nhap",
            get(identity::login_page).post(identity::login_submit),
        )
        .route("/dang-nhap/sso", get(crate::oidc::start))
        .route("/dang-nhap/sso/callback", get(crate::oidc::callback))
        .route("/dang-xuat", axum::routing::post(identity::logout))
        .route(
            "/du-lieu-cua-toi",
            get(identity::my_data_page).post(identity::my_data_submit),
        )
        .route("/can-bo/trao-doi", get(exchange::page))
        .route(
            "/can-bo/trao-doi/phat-lai",
            axum::routing::post(exchange::replay),
        )
        .route("/quoc-gia", get(national::page))
        .route("/ho-so/{code}/bien-nhan", get(receipt::page))
        .route("/ho-so/{code}/bien-nhan.pdf", get(receipt::pdf))
        .route("/ho-so/{code}/bieu-mau/{form}", get(forms::form))
        .route("/can-bo/so-theo-doi", get(register::page))
        .route("/can-bo/so-theo-doi.pdf", get(register::pdf))
        .route("/can-bo/so-theo-doi.xlsx", get(register::xlsx))
        .route("/can-bo/chi-so-766", get(service_index::leader_page))
        .route("/can-bo/chi-so-766.xlsx", get(service_index::leader_xlsx))
        .route("/can-bo/chi-so-766.pdf", get(service_index::leader_pdf))
        .route("/chi-so-766/{province}", get(service_index::public_page))
        .route("/static/style.css", get(assets::style))
        .route("/static/htmx.min.js", get(assets::htmx))
        .merge(desk::routes())
}

/// Renders a template as HTML, remembering the chosen language in a cookie.
pub fn render(t: Messages, template: &impl Template) -> Response {
    match template.render() {
        Ok(body) => {
            let mut response = Html(body).into_response();
            let cookie = format!(
                "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
                t.locale.tag()
            );
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Err(err) => {
            tracing::error!(error = %err, "template failed");
            crate::problem::Problem::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Lỗi hiển thị trang / page rendering failed",
            )
            .into_response()
        }
    }
}
