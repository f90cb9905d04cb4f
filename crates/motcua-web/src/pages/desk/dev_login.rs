//! `/dang-nhap/phat-trien`: a page that explains the
//! **development login** and sets its cookie. Only in demonstration mode
//! (`motcua serve --demo`, loopback only, ADR 0021). The form is protected
//! like the others and more: its post must come from this server's own page
//! (`Origin` or `Referer`), so no other site can log a browser in (login
//! CSRF), and `next` must be a local path (review F27).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
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

/// Only local paths may be returned to (the check of `/dang-nhap`: no
/// `//`, `/\`, control characters such as tabs, CR or LF); the work list
/// otherwise.
fn safe_next(next: Option<&str>) -> String {
    match crate::session::safe_next(next) {
        n if n == "/" && next.map(str::trim) != Some("/") => "/can-bo/ho-so".to_owned(),
        n => n,
    }
}

/// Whether the post comes from this server's own page: its `Origin` (or,
/// without one, its `Referer`) is the origin of `public_url` or of the
/// request's `Host`. A post with neither is refused too.
fn from_this_site(state: &AppState, headers: &HeaderMap) -> bool {
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .and_then(crate::csrf::origin_of);
    let Some(claimed) = claimed else {
        return false;
    };
    if crate::csrf::origin_of(&state.public_url).is_some_and(|o| o == claimed) {
        return true;
    }
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase)
        .is_some_and(|h| claimed == format!("http://{h}") || claimed == format!("https://{h}"))
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
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if !from_this_site(&state, &headers) {
        tracing::warn!("development log-in posted from another site: refused");
        return crate::problem::Problem::new(
            StatusCode::FORBIDDEN,
            "cross-origin",
            "Yêu cầu đến từ trang khác, đã bị từ chối / a request from another site was refused",
        )
        .with_code("cross_origin")
        .into_response();
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_a_local_path_or_the_work_list() {
        assert_eq!(
            safe_next(Some("/can-bo/ho-so?trang=2")),
            "/can-bo/ho-so?trang=2"
        );
        assert_eq!(safe_next(Some("/")), "/");
        for bad in [
            "/\t/evil.example/path",
            "/a\r\nSet-Cookie: pwn=1",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
        ] {
            assert_eq!(safe_next(Some(bad)), "/can-bo/ho-so", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/can-bo/ho-so");
    }
}
