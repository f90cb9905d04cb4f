//! Cross-site request forgery protection for the pages (ADR 0014).
//!
//! A form post (`POST`, `PUT`, `PATCH`, `DELETE`) that carries a login
//! cookie must come from this server's own pages: its
//! `Origin` header (or, without one, its `Referer`) must name this server's
//! origin, that of `[server] public_url` or of the request's `Host`. So no
//! form needs a token. Together with `SameSite=Lax` session cookies (not
//! sent on cross-site posts at all) this is defence in depth. A page post
//! with neither header is let through: every current browser sends `Origin`
//! on a cross-origin post, and non-browser clients are not the threat. On
//! `/api/` a write authenticated by a cookie (no `Authorization` header)
//! must carry a same-origin `Origin` or `Referer` (security review F10).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::{DEV_COOKIE, SESSION_COOKIE};
use crate::problem::Problem;

/// `scheme://host[:port]` of a URL, lower-cased.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    if host.is_empty() {
        return None;
    }
    Some(format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase()
    ))
}

fn carries_login(req: &Request) -> bool {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|c| c.split(';'))
        .any(|kv| {
            let name = kv.trim().split('=').next().unwrap_or_default();
            name == SESSION_COOKIE || name == DEV_COOKIE
        })
}

/// Whether `claimed` (an `Origin` or `Referer` value) is this server.
fn same_origin_as(claimed: &str, public_url: &str, req: &Request) -> bool {
    let Some(claimed) = origin_of(claimed) else {
        return false;
    };
    if origin_of(public_url).is_some_and(|o| o == claimed) {
        return true;
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase);
    host.is_some_and(|h| claimed == format!("http://{h}") || claimed == format!("https://{h}"))
}

/// The middleware: refuses a cross-origin unsafe request that carries a login cookie.
/// Its state is the public URL only (not a clone of the whole `AppState`
/// per request: issue 21, item 4).
pub async fn same_origin(State(public_url): State<Arc<str>>, req: Request, next: Next) -> Response {
    let unsafe_method = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if !unsafe_method || !carries_login(&req) {
        return next.run(req).await;
    }
    // On the JSON API a bearer credential wins over cookies (the cookie is
    // not used), so only cookie-authenticated writes are checked there, and
    // they must name their origin: a browser always sends `Origin` on a POST.
    let api = req.uri().path().starts_with("/api/");
    if api && req.headers().contains_key(header::AUTHORIZATION) {
        return next.run(req).await;
    }
    let claimed = req
        .headers()
        .get(header::ORIGIN)
        .or_else(|| req.headers().get(header::REFERER))
        .map(|v| v.to_str().unwrap_or("null").to_owned());
    match claimed {
        Some(c) if !same_origin_as(&c, &public_url, &req) => {
            tracing::warn!(path = req.uri().path(), "cross-origin form post refused");
            Problem::new(
                StatusCode::FORBIDDEN,
                "cross-origin",
                "Yêu cầu đến từ trang khác, đã bị từ chối / a request from another site was refused",
            )
            .with_code("cross_origin")
            .into_response()
        }
        None if api => Problem::new(
            StatusCode::FORBIDDEN,
            "cross-origin",
            "Yêu cầu ghi qua API bằng cookie đăng nhập phải có tiêu đề Origin của trang này / \
             a cookie-authenticated API write must carry this site's Origin",
        )
        .with_code("cross_origin")
        .into_response(),
        _ => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_and_host() {
        assert_eq!(
            origin_of("https://Motcua.example.vn/dang-nhap?next=/").as_deref(),
            Some("https://motcua.example.vn")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of("null"), None);
        assert_eq!(origin_of("http://"), None);
    }
}
