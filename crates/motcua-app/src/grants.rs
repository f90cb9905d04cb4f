//! Granting and revoking access to the population database (phân quyền khai
//! thác). Each change is audited in the same transaction.
//!
//! Who may grant (a unit administrator of the unit) is the policy's
//! (`Capability::ManageGrants`, checked by the caller); this service adds
//! what holds for every caller: nobody grants to themselves (four eyes),
//! and a grant starts now or later, never in the past (beyond
//! [`BACKDATE_SKEW`] of clock difference).

use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};
use motcua_domain::audit::{AuditAction, AuditEntry, AuditOutcome};
use motcua_domain::grant::{Grant, check_new_grant};
use motcua_domain::unit::{Era, UnitCode};

use crate::AppError;
use crate::authz::ScopeResolver;
use crate::ports::Clock;
use crate::ports::GrantPorts;
use motcua_domain::identity::Scope;

/// How far in the past `valid_from` may lie (clock skew between the
/// caller and the server), no more.
pub const BACKDATE_SKEW: chrono::Duration = chrono::Duration::minutes(5);

/// A request to grant access.
#[derive(Debug, Clone)]
pub struct NewGrant {
    /// Who receives the grant.
    pub officer_id: String,
    /// For which administrative unit (a current unit code).
    pub unit_code: String,
    /// Why.
    pub purpose: String,
    /// From when (default: now).
    pub valid_from: Option<DateTime<Utc>>,
    /// Until when (exclusive).
    pub valid_until: DateTime<Utc>,
    /// The unit administrator granting it.
    pub granted_by: String,
}

/// Grant use cases.
#[derive(Clone)]
pub struct GrantService {
    store: Arc<dyn GrantPorts>,
    clock: Clock,
}

impl GrantService {
    /// Over `store`, reading time from `clock`.
    pub fn new(store: Arc<dyn GrantPorts>, clock: Clock) -> Self {
        Self { store, clock }
    }

    /// Creates a grant and audits it (`grant_created`), in one transaction.
    #[tracing::instrument(level = "info", skip_all, fields(officer = %req.officer_id, grant = tracing::field::Empty))]
    pub async fn create(&self, req: NewGrant) -> Result<Grant, AppError> {
        let now = self.clock.now_micros();
        let valid_from = req.valid_from.map_or(now, |t| t.trunc_subsecs(6));
        let valid_until = req.valid_until.trunc_subsecs(6);
        check_new_grant(
            &req.officer_id,
            &req.unit_code,
            &req.purpose,
            valid_from,
            valid_until,
        )
        .map_err(AppError::Invalid)?;
        if req.granted_by.trim().is_empty() {
            return Err(AppError::Invalid(
                "Thiếu người phân quyền / the granting administrator is missing".into(),
            ));
        }
        if req.granted_by.trim() == req.officer_id.trim() {
            return Err(AppError::Invalid(
                "Không được tự cấp quyền khai thác cho chính mình / \
                 nobody may grant registry access to themselves"
                    .into(),
            ));
        }
        if valid_from < now - BACKDATE_SKEW {
            return Err(AppError::Invalid(
                "Phân quyền không được có hiệu lực từ quá khứ (valid_from) / \
                 a grant cannot start in the past (valid_from)"
                    .into(),
            ));
        }
        let code = UnitCode::parse(req.unit_code.trim())
            .map_err(|e| AppError::Invalid(format!("mã đơn vị / unit code: {e}")))?;
        if self.store.get_unit(Era::Current, &code).await?.is_none() {
            return Err(AppError::Invalid(format!(
                "Không có đơn vị hành chính hiện hành mã {0} / no current unit {0}",
                code.as_str()
            )));
        }
        let grant = Grant {
            id: uuid::Uuid::now_v7().to_string(),
            officer_id: req.officer_id.trim().to_owned(),
            unit_code: code.as_str().to_owned(),
            purpose: req.purpose.trim().to_owned(),
            valid_from,
            valid_until,
            granted_by: req.granted_by.trim().to_owned(),
            created_at: now,
            revoked_at: None,
        };
        tracing::Span::current().record("grant", grant.id.as_str());
        let mut entry = AuditEntry::new(
            now,
            &grant.granted_by,
            AuditAction::GrantCreated,
            AuditOutcome::Allowed,
        );
        entry.unit_code = Some(grant.unit_code.clone());
        entry.grant_id = Some(grant.id.clone());
        entry.purpose = Some(format!(
            "cấp cho / granted to {} đến / until {}",
            grant.officer_id,
            grant.valid_until.to_rfc3339()
        ));
        self.store.create_grant(&grant, &entry).await?;
        Ok(grant)
    }

    /// Revokes a grant and audits it (`grant_revoked`), in one transaction.
    #[tracing::instrument(level = "info", skip_all, fields(grant = %id))]
    pub async fn revoke(&self, id: &str, revoked_by: &str) -> Result<Grant, AppError> {
        let now = self.clock.now_micros();
        let Some(grant) = self.store.get_grant(id).await? else {
            return Err(AppError::NotFound(format!(
                "Không có phân quyền {id} / no grant {id}"
            )));
        };
        let mut entry = AuditEntry::new(
            now,
            revoked_by,
            AuditAction::GrantRevoked,
            AuditOutcome::Allowed,
        );
        entry.unit_code = Some(grant.unit_code.clone());
        entry.grant_id = Some(grant.id.clone());
        self.store.revoke_grant(id, now, &entry).await?;
        Ok(Grant {
            revoked_at: Some(now),
            ..grant
        })
    }

    /// An officer's grants, newest first.
    #[tracing::instrument(level = "info", skip_all, fields(officer = %officer_id))]
    pub async fn of_officer(&self, officer_id: &str) -> Result<Vec<Grant>, AppError> {
        Ok(self.store.grants_of_officer(officer_id).await?)
    }

    /// The grant an officer's look-up should use when none is named: among
    /// the grants live now, the newest whose unit covers one of `agencies`
    /// (the dossier's or the desk's), else the newest live one (the look-up
    /// then refuses it for its unit, and audits the refusal).
    #[tracing::instrument(level = "info", skip_all, fields(officer = %officer_id))]
    pub async fn live_grant_for(
        &self,
        officer_id: &str,
        agencies: &[&str],
    ) -> Result<Option<String>, AppError> {
        let now = self.clock.now();
        let live: Vec<Grant> = self
            .of_officer(officer_id)
            .await?
            .into_iter()
            .filter(|g| g.check(officer_id, now).is_ok())
            .collect();
        let scopes = ScopeResolver::new(self.store.clone());
        for g in &live {
            let scope = Scope::Unit(g.unit_code.clone());
            for agency in agencies {
                if scopes.covers_agency(&scope, agency).await? {
                    return Ok(Some(g.id.clone()));
                }
            }
        }
        Ok(live.into_iter().next().map(|g| g.id))
    }
}
