//! Whether a role's scope covers an agency or an administrative unit.
//!
//! A scope is a subtree: of agencies (`parent_id` links) or of units
//! (`parent_code` links). An agency scope covers a unit when the agency's
//! own unit covers it; a unit scope covers an agency whose unit lies in it.

use std::sync::Arc;

use motcua_domain::identity::{Role, RoleAssignment, Scope};
use motcua_domain::unit::{Era, UnitCode};

use crate::AppError;
use crate::ports::AgencyDirectory;

/// Deepest agency or unit chain walked (guards against a cycle).
const MAX_DEPTH: usize = 16;

/// Scope checks over the store.
#[derive(Clone)]
pub struct ScopeResolver {
    store: Arc<dyn AgencyDirectory>,
}

impl ScopeResolver {
    /// Over `store`.
    pub fn new(store: Arc<dyn AgencyDirectory>) -> Self {
        Self { store }
    }

    /// The agency and its ancestors, nearest first (just the id when unknown).
    async fn agency_chain(&self, agency: &str) -> Result<Vec<(String, Option<String>)>, AppError> {
        let mut out = Vec::new();
        let mut next = Some(agency.to_owned());
        while let Some(id) = next.take() {
            if out.len() >= MAX_DEPTH {
                break;
            }
            match self.store.get_agency(&id).await? {
                Some(a) => {
                    next = a.parent_id.clone();
                    out.push((id, Some(a.unit_code.clone())));
                }
                None => out.push((id, None)),
            }
        }
        Ok(out)
    }

    /// The unit and its ancestors, nearest first.
    async fn unit_chain(&self, unit: &str) -> Result<Vec<String>, AppError> {
        let mut out = Vec::new();
        let mut next = Some(unit.to_owned());
        while let Some(code) = next.take() {
            if out.len() >= MAX_DEPTH {
                break;
            }
            if let Ok(parsed) = UnitCode::parse(&code)
                && let Some(u) = self.store.get_unit(Era::Current, &parsed).await?
            {
                next = u.parent_code.map(|p| p.as_str().to_owned());
            }
            out.push(code);
        }
        Ok(out)
    }

    /// Whether `scope` covers the agency `agency`.
    pub async fn covers_agency(&self, scope: &Scope, agency: &str) -> Result<bool, AppError> {
        let chain = self.agency_chain(agency).await?;
        match scope {
            Scope::Agency(root) => Ok(chain.iter().any(|(id, _)| id == root)),
            Scope::Unit(root) => match chain.first().and_then(|(_, u)| u.clone()) {
                Some(unit) => Ok(self.unit_chain(&unit).await?.contains(root)),
                None => Ok(false),
            },
        }
    }

    /// Whether `scope` covers the administrative unit `unit`.
    pub async fn covers_unit(&self, scope: &Scope, unit: &str) -> Result<bool, AppError> {
        let units = self.unit_chain(unit).await?;
        match scope {
            Scope::Unit(root) => Ok(units.contains(root)),
            Scope::Agency(root) => match self.store.get_agency(root).await? {
                Some(a) => Ok(units.contains(&a.unit_code)),
                None => Ok(false),
            },
        }
    }

    /// Whether any of `roles` with one of `wanted` covers the agency.
    pub async fn any_covers_agency(
        &self,
        roles: &[RoleAssignment],
        wanted: &[Role],
        agency: &str,
    ) -> Result<bool, AppError> {
        for r in roles.iter().filter(|r| wanted.contains(&r.role)) {
            if self.covers_agency(&r.scope, agency).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether any of `roles` with one of `wanted` covers the unit.
    pub async fn any_covers_unit(
        &self,
        roles: &[RoleAssignment],
        wanted: &[Role],
        unit: &str,
    ) -> Result<bool, AppError> {
        for r in roles.iter().filter(|r| wanted.contains(&r.role)) {
            if self.covers_unit(&r.scope, unit).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}
