//! Who may call `/api/v1/sector`: only an API key (`Authorization: Bearer
//! mck_…`) whose account holds the `system` role scoped to an agency. A
//! session cookie, the development login or an officer's credentials are
//! refused (401): a vertical-sector system answers as a system, never as a
//! person logged in.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use motcua_app::dossiers::SectorCaller;
use motcua_domain::dossier::AgencyId;
use motcua_domain::identity::{Role, Scope};

use crate::AppState;
use crate::auth::forbidden;
use crate::problem::Problem;

/// A sector system, authenticated by its API key.
#[derive(Debug, Clone)]
pub struct SectorSystem(pub SectorCaller);

fn unauthorized(detail: &str) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail).with_code("unauthorized")
}

/// The API key of the request, if it carries one.
fn api_key(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|s| s.starts_with("mck_"))
}

impl FromRequestParts<AppState> for SectorSystem {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let Some(secret) = api_key(parts) else {
            return Err(unauthorized(
                "Cần khóa API của hệ thống ngành (Authorization: Bearer mck_…); \
                 đăng nhập của cán bộ không dùng được ở đây / \
                 a sector system's API key is required (Authorization: Bearer mck_…); \
                 an officer's login is not accepted here",
            ));
        };
        let principal = state.identity.api_key(secret).await?.ok_or_else(|| {
            unauthorized("Khóa API không hợp lệ hoặc đã thu hồi / invalid or revoked API key")
        })?;
        let system: Vec<&Scope> = principal
            .roles
            .iter()
            .filter(|r| r.role == Role::System)
            .map(|r| &r.scope)
            .collect();
        if system.is_empty() {
            return Err(forbidden(
                "Cần vai trò system / the role system is required",
            ));
        }
        let mut agencies: Vec<AgencyId> = system
            .into_iter()
            .filter_map(|s| match s {
                Scope::Agency(a) => AgencyId::parse(a).ok(),
                Scope::Unit(_) => None,
            })
            .collect();
        agencies.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        agencies.dedup();
        if agencies.is_empty() {
            return Err(forbidden(
                "Vai trò system phải gắn với một cơ quan (agency:MÃ) / \
                 the system role must be scoped to an agency (agency:ID)",
            ));
        }
        Ok(Self(SectorCaller {
            account: principal.id,
            agencies,
        }))
    }
}
