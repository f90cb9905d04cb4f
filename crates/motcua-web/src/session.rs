//! The session cookie and safe redirects after log-in.

use axum::http::HeaderValue;
use chrono::{DateTime, Utc};

use crate::AppState;
use crate::auth::SESSION_COOKIE;

/// `Set-Cookie` for a new session: HttpOnly, SameSite=Lax, Secure when the
/// public URL is https, ending with the session's absolute expiry.
pub fn session_cookie(state: &AppState, token: &str, expires_at: DateTime<Utc>) -> HeaderValue {
    let max_age = (expires_at - state.clock.now()).num_seconds().max(0);
    let secure = if state.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes the session cookie.
pub fn cleared_cookie(state: &AppState) -> HeaderValue {
    let secure = if state.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `next` target when it is a local path of this site, else `/`:
/// `/x` is kept; `//host`, `/\host`, `http://...` and control characters
/// are not (no open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next.map(str::trim) else {
        return "/".to_owned();
    };
    let local = n.starts_with('/')
        && !n.starts_with("//")
        && !n.starts_with("/\\")
        && n.len() <= 500
        && !n.chars().any(|c| c.is_control() || c == '\\');
    if local { n.to_owned() } else { "/".to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/ho-so?trang=2")), "/ho-so?trang=2");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "/a\nb",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
