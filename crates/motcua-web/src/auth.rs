//! Who is calling. Until the identity issue lands, a **development login**
//! only: `Authorization: Bearer dev:<officer-id>:<agency-id>` for the API, or
//! the cookie `motcua_dev=<officer-id>:<agency-id>` for the pages, accepted
//! when the setting `[auth] dev_login = true`. Never enable it in
//! production: it trusts whatever the caller claims.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use motcua_domain::dossier::AgencyId;

use crate::AppState;
use crate::problem::Problem;

/// An officer (cán bộ) and the agency they act for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Officer {
    /// Account id.
    pub id: String,
    /// The officer's agency: what they may see and act on is this agency
    /// and the agencies below it.
    pub agency: AgencyId,
}

/// An officer when the request carries credentials, `None` when anonymous.
#[derive(Debug, Clone)]
pub struct MaybeOfficer(pub Option<Officer>);

fn unauthorized(detail: &str) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail).with_code("unauthorized")
}

fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// Parses the development bearer token `dev:<officer-id>:<agency-id>`.
pub fn parse_dev_token(value: &str) -> Option<Officer> {
    let token = value.strip_prefix("Bearer ")?.trim();
    let rest = token.strip_prefix("dev:")?;
    let (id, agency) = rest.split_once(':')?;
    if !valid_id(id) {
        return None;
    }
    Some(Officer {
        id: id.to_owned(),
        agency: AgencyId::parse(agency).ok()?,
    })
}

/// The name of the development-login cookie used by the pages.
pub const DEV_COOKIE: &str = "motcua_dev";

/// Parses the development cookie value `<officer-id>:<agency-id>`.
pub fn parse_dev_cookie(value: &str) -> Option<Officer> {
    parse_dev_token(&format!("Bearer dev:{}", value.trim()))
}

fn dev_cookie(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|c| c.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(DEV_COOKIE)?.strip_prefix('='))
}

fn officer_of(parts: &Parts, state: &AppState) -> Result<Option<Officer>, Problem> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return match dev_cookie(parts) {
            Some(cookie) if state.dev_login => Ok(parse_dev_cookie(cookie)),
            _ => Ok(None),
        };
    };
    if !state.dev_login {
        return Err(unauthorized(
            "Đăng nhập phát triển đang tắt và chưa có cách đăng nhập khác / \
             development login is off and no other login exists yet",
        ));
    }
    let value = value.to_str().unwrap_or_default();
    parse_dev_token(value).map(Some).ok_or_else(|| {
        unauthorized(
            "Thông tin đăng nhập không hợp lệ (Bearer dev:<cán bộ>:<mã cơ quan>) / \
             invalid credentials (Bearer dev:<officer>:<agency id>)",
        )
    })
}

impl FromRequestParts<AppState> for Officer {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        officer_of(parts, state)?.ok_or_else(|| {
            unauthorized("Cần đăng nhập với tư cách cán bộ / an officer login is required")
        })
    }
}

impl FromRequestParts<AppState> for MaybeOfficer {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        officer_of(parts, state).map(MaybeOfficer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_tokens_parse_strictly() {
        let o = parse_dev_token("Bearer dev:nva:H55.X05743.TT").unwrap();
        assert_eq!(o.id, "nva");
        assert_eq!(o.agency.as_str(), "H55.X05743.TT");
        for bad in [
            "dev:nva:H55",
            "Bearer nva:H55",
            "Bearer dev::H55",
            "Bearer dev:nva:",
            "Bearer dev:nva:h55",
            "Bearer dev:n v:H55",
        ] {
            assert_eq!(parse_dev_token(bad), None, "{bad}");
        }
        assert_eq!(
            parse_dev_cookie("nva:H55.X05743.TT").map(|o| o.id),
            Some("nva".to_owned())
        );
        assert_eq!(parse_dev_cookie("nva"), None);
    }
}
