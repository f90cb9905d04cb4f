//! Server-rendered pages (askama templates, auto-escaped; htmx for partial
//! updates). Every string shown comes from the Fluent messages in
//! [`crate::i18n`]. A bad input gives an inline message, never an error page.

pub mod assets;
pub mod home;
pub mod receipt;
pub mod receipt_pdf;
pub mod units;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::i18n::Messages;

/// The page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
        .route("/don-vi", get(units::page))
        .route("/ho-so/{code}/bien-nhan", get(receipt::page))
        .route("/ho-so/{code}/bien-nhan.pdf", get(receipt::pdf))
        .route("/static/style.css", get(assets::style))
        .route("/static/htmx.min.js", get(assets::htmx))
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
