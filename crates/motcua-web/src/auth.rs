//! Who is calling, and with which roles (vai trò) in which scopes.
//!
//! An [`Officer`] comes from, in order:
//! 1. `Authorization: Bearer mck_...`: an API key of a (system) account;
//! 2. `Authorization: Bearer dev:<officer-id>:<agency-id>`: the
//!    **development login**, accepted only with `[auth] dev_login = true`;
//!    it gets every role, scoped to its agency;
//! 3. the session cookie `motcua_session` set by the log-in page;
//! 4. the development cookie `motcua_dev=<officer-id>:<agency-id>` (pages,
//!    development only).
//!
//! Who may do what is not decided here: handlers name a capability and the
//! one policy table of `motcua_app::policy` decides (see [`crate::policy`]).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use motcua_app::identity::Principal;
use motcua_domain::dossier::AgencyId;
use motcua_domain::identity::{Role, RoleAssignment, Scope};

use crate::AppState;
use crate::problem::Problem;

/// An officer (cán bộ), the agency they act for, and their roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Officer {
    /// Account id.
    pub id: String,
    /// Họ tên, shown in the desk header (the id for the development login).
    pub name: String,
    /// The officer's agency: what they may see and act on is this agency
    /// and the agencies below it, within their roles.
    pub agency: AgencyId,
    /// Roles, each with its scope.
    pub roles: Vec<RoleAssignment>,
}

/// An officer when the request carries credentials, `None` when anonymous.
#[derive(Debug, Clone)]
pub struct MaybeOfficer(pub Option<Officer>);

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "motcua_session";

fn unauthorized(detail: &str) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail).with_code("unauthorized")
}

/// 403 with the role that is missing.
pub fn forbidden(detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::FORBIDDEN, "forbidden", detail).with_code("forbidden")
}

/// The same 404 whether a thing does not exist or is out of the caller's scope.
pub fn hidden_not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "Không tìm thấy / not found",
    )
}

fn valid_id(id: &str) -> bool {
    motcua_domain::identity::valid_account_id(id)
}

/// Every role, scoped to one agency: what the development login gets.
pub fn all_roles_in(agency: &AgencyId) -> Vec<RoleAssignment> {
    Role::ALL
        .into_iter()
        .map(|role| RoleAssignment {
            role,
            scope: Scope::Agency(agency.as_str().to_owned()),
        })
        .collect()
}

/// Parses the development bearer token `dev:<officer-id>:<agency-id>`.
pub fn parse_dev_token(value: &str) -> Option<Officer> {
    let token = value.strip_prefix("Bearer ")?.trim();
    let rest = token.strip_prefix("dev:")?;
    let (id, agency) = rest.split_once(':')?;
    if !valid_id(id) {
        return None;
    }
    let agency = AgencyId::parse(agency).ok()?;
    Some(Officer {
        id: id.to_owned(),
        name: id.to_owned(),
        roles: all_roles_in(&agency),
        agency,
    })
}

/// The name of the development-login cookie used by the pages.
pub const DEV_COOKIE: &str = "motcua_dev";

/// Parses the development cookie value `<officer-id>:<agency-id>`.
pub fn parse_dev_cookie(value: &str) -> Option<Officer> {
    parse_dev_token(&format!("Bearer dev:{}", value.trim()))
}

/// The value of a cookie of the request.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    cookie_value(&parts.headers, name)
}

/// The value of the cookie `name` among these headers.
pub fn cookie_value<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|c| c.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(name)?.strip_prefix('='))
}

fn from_principal(p: Principal) -> Option<Officer> {
    Some(Officer {
        agency: AgencyId::parse(&p.agency_id).ok()?,
        name: if p.display_name.trim().is_empty() {
            p.id.clone()
        } else {
            p.display_name
        },
        id: p.id,
        roles: p.roles,
    })
}

async fn officer_of(parts: &Parts, state: &AppState) -> Result<Option<Officer>, Problem> {
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let value = value.to_str().unwrap_or_default();
        if let Some(secret) = value.strip_prefix("Bearer mck_") {
            let principal = state.identity.api_key(&format!("mck_{secret}")).await?;
            return principal.and_then(from_principal).map(Some).ok_or_else(|| {
                unauthorized("Khóa API không hợp lệ hoặc đã thu hồi / invalid or revoked API key")
            });
        }
        if !state.dev_login {
            return Err(unauthorized(
                "Thông tin đăng nhập không hợp lệ (Bearer <khóa API>) / \
                 invalid credentials (Bearer <API key>)",
            ));
        }
        return parse_dev_token(value).map(Some).ok_or_else(|| {
            unauthorized(
                "Thông tin đăng nhập không hợp lệ (Bearer dev:<cán bộ>:<mã cơ quan>) / \
                 invalid credentials (Bearer dev:<officer>:<agency id>)",
            )
        });
    }
    if let Some(token) = cookie(parts, SESSION_COOKIE)
        && let Some(p) = state.identity.session(token.trim()).await?
    {
        return Ok(from_principal(p));
    }
    match cookie(parts, DEV_COOKIE) {
        Some(value) if state.dev_login => Ok(parse_dev_cookie(value)),
        _ => Ok(None),
    }
}

impl FromRequestParts<AppState> for Officer {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        officer_of(parts, state).await?.ok_or_else(|| {
            unauthorized("Cần đăng nhập với tư cách cán bộ / an officer login is required")
        })
    }
}

impl FromRequestParts<AppState> for MaybeOfficer {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        officer_of(parts, state).await.map(MaybeOfficer)
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
