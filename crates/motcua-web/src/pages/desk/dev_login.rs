//! `/dang-nhap/phat-trien`: a page that explains the
//! **development login** and sets its cookie. Replaced by the real login
//! page of the identity work; never enable `[auth] dev_login` on a server
//! others can reach.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{DEV_COOKIE, parse_dev_cookie};
use crate::i18n::Messages;

/// Query and form of the page.
#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    /// Where to go afterwards (a local path).
    pub next: Option<String>,
    /// Officer id.
    pub officer: Option<String>,
    /// Agency id.
    pub agency: Option<String>,
}

/// `templates/pages/desk/dev_login.html`.
#[derive(Template)]
#[template(path = "pages/desk/dev_login.html")]
pub struct DevLoginPage {
    /// Messages.
    pub t: Messages,
    /// Whether the development login is on.
    pub enabled: bool,
    /// Where to go afterwards.
    pub next: String,
    /// Officer id as typed.
    pub officer: String,
    /// Agency id as typed.
    pub agency: String,
    /// An inline error.
    pub error: Option<String>,
}

/// Only local paths may be returned to.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/can-bo/ho-so".to_owned(),
    }
}

/// `GET /dang-nhap/phat-trien?next=`.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    form: Result<Query<LoginForm>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let form = form.map(|Query(f)| f).unwrap_or_default();
    super::super::render(
        t,
        &DevLoginPage {
            t,
            enabled: state.dev_login,
            next: safe_next(form.next.as_deref()),
            officer: String::new(),
            agency: String::new(),
            error: None,
        },
    )
}

/// `POST /dang-nhap/phat-trien`: sets the development cookie and goes back.
pub async fn submit(
    State(state): State<AppState>,
    t: Messages,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let officer = form.officer.unwrap_or_default().trim().to_owned();
    let agency = form.agency.unwrap_or_default().trim().to_owned();
    let value = format!("{officer}:{agency}");
    if state.dev_login && parse_dev_cookie(&value).is_some() {
        let cookie = format!("{DEV_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax");
        let mut response = Redirect::to(&next).into_response();
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, v);
        }
        return response;
    }
    let mut response = super::super::render(
        t,
        &DevLoginPage {
            t,
            enabled: state.dev_login,
            next,
            officer,
            agency,
            error: Some(t.get("desk-login-invalid")),
        },
    );
    *response.status_mut() = StatusCode::BAD_REQUEST;
    response
}
