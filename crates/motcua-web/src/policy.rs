//! The web face of the one policy table ([`motcua_app::policy`]): handlers
//! name a capability, the policy decides, and a refusal leaves as the same
//! status on both faces: a Problem Details document on the JSON API, an
//! HTML page with an inline message on the pages. A missing role is 403;
//! a dossier out of scope is the 404 of an unknown code.

use axum::response::Response;
use motcua_app::dossiers::DossierError;
use motcua_app::policy::{Capability, Denied, Policy};

use crate::AppState;
use crate::auth::{Officer, forbidden};
use crate::i18n::Messages;
use crate::problem::Problem;

pub use motcua_app::policy::{action_roles, agency_roots, allows, roles_for};

/// The policy over the application's scope resolver.
pub fn policy(state: &AppState) -> Policy {
    Policy::new(state.scopes.clone())
}

impl From<Denied> for Problem {
    fn from(d: Denied) -> Self {
        match d {
            Denied::MissingRole(_) | Denied::OutOfScope => forbidden(d.message()),
            Denied::Hidden => {
                DossierError::NotFound(motcua_app::dossiers::error::not_found_text()).into()
            }
            Denied::Failed(e) => e.into(),
        }
    }
}

/// 403 (API) unless the officer holds a role of `capability`.
pub fn require(officer: &Officer, capability: Capability) -> Result<(), Problem> {
    motcua_app::policy::require(&officer.roles, capability).map_err(Problem::from)
}

/// A refusal as a desk page: 403 or 404 with the reason inline.
pub fn page_refusal(t: Messages, officer: &Officer, d: Denied) -> Response {
    crate::pages::desk::dossier::error_page(t, officer, &DossierError::from(d))
}

/// A page refusal unless the officer holds a role of `capability`.
#[allow(clippy::result_large_err)]
pub fn page_require(
    t: Messages,
    officer: &Officer,
    capability: Capability,
) -> Result<(), Response> {
    motcua_app::policy::require(&officer.roles, capability).map_err(|d| page_refusal(t, officer, d))
}

/// The outer agency roots where the officer may exercise `capability` on a
/// page, or the page refusal (403 without such a role).
pub async fn page_roots(
    state: &AppState,
    t: Messages,
    officer: &Officer,
    capability: Capability,
) -> Result<Vec<motcua_domain::dossier::AgencyId>, Response> {
    page_require(t, officer, capability)?;
    policy(state)
        .outer_roots(&officer.roles, capability)
        .await
        .map_err(|d| page_refusal(t, officer, d))
}
