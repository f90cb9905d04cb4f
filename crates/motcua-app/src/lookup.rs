//! Looking a citizen up in the population registry at the desk: checked
//! against a live grant and a stated purpose, rate-limited per officer, and
//! audited whether it is allowed or refused.

use std::sync::Arc;

use chrono::NaiveDate;
use motcua_domain::audit::{AuditAction, AuditEntry, AuditOutcome, SubjectKey, mask_identifier};
use motcua_domain::catalog::WaiverSource;
use motcua_domain::dossier::PersonalId;
use motcua_domain::grant::{LookupRefusal, StatedPurpose, stated_purpose};
use motcua_domain::resident::{
    MismatchField, RESIDENT_FIELDS, RegistryAnswer, RegistryQuery, Resident,
};
use serde::Serialize;
use thiserror::Error;

use crate::AppError;
use crate::ports::Clock;
use crate::ports::registry::RegistryError;
use crate::ports::{CitizenRegistry, LookupPorts};
use crate::rate_limit::RateLimiter;

/// What the officer asks.
#[derive(Debug, Clone)]
pub struct LookupRequest {
    /// Who asks.
    pub officer_id: String,
    /// The agency the officer works at, if known.
    pub agency_id: Option<String>,
    /// The grant relied on.
    pub grant_id: Option<String>,
    /// The open dossier the look-up serves.
    pub dossier_code: Option<String>,
    /// Or a stated purpose.
    pub purpose: Option<String>,
    /// The applicant's personal ID, as typed.
    pub personal_id: String,
    /// The applicant's full name, as given.
    pub full_name: String,
    /// The applicant's date of birth, as given.
    pub birth_date: NaiveDate,
    /// When set (the web API), the dossier named must belong to one of
    /// these agency subtrees (the officer's scope); otherwise it is refused
    /// as `dossier_not_open`, like an unknown one.
    pub dossier_scope: Option<Vec<String>>,
}

/// The answer of an allowed look-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum LookupAnswer {
    /// Found: the data pre-fills the dossier, and components backed by these
    /// sources need not be brought (thành phần được miễn nộp).
    Found {
        /// The resident's data.
        resident: Resident,
        /// Waiver sources this look-up satisfies.
        satisfied_sources: Vec<WaiverSource>,
    },
    /// Nobody has this personal ID.
    NotFound,
    /// Name or date of birth differ; nothing disclosed.
    Mismatch {
        /// What differs.
        fields: Vec<MismatchField>,
    },
}

/// Why a look-up gave no answer.
#[derive(Debug, Error)]
pub enum LookupError {
    /// Refused (and audited) for this reason.
    #[error("{0}")]
    Refused(LookupRefusal),
    /// The registry could not answer (the attempt is audited).
    #[error(transparent)]
    Registry(RegistryError),
    /// Bad input or a store failure.
    #[error(transparent)]
    App(#[from] AppError),
}

/// The look-up use case.
#[derive(Clone)]
pub struct LookupService {
    store: Arc<dyn LookupPorts>,
    registry: Arc<dyn CitizenRegistry>,
    subjects: SubjectKey,
    limiter: Arc<RateLimiter>,
    clock: Clock,
    require_open_dossier: bool,
}

impl LookupService {
    /// Wires the use case.
    pub fn new(
        store: Arc<dyn LookupPorts>,
        registry: Arc<dyn CitizenRegistry>,
        subjects: SubjectKey,
        limiter: Arc<RateLimiter>,
        clock: Clock,
    ) -> Self {
        Self {
            store,
            registry,
            subjects,
            limiter,
            clock,
            require_open_dossier: false,
        }
    }

    /// Refuses (`dossier_not_open`) a look-up for a dossier that is unknown
    /// or closed. Off by default for the command line, which may serve
    /// dossiers kept elsewhere; the web API turns it on.
    pub fn requiring_open_dossier(mut self) -> Self {
        self.require_open_dossier = true;
        self
    }

    /// Checks, looks up, audits. A refusal is audited before it is returned;
    /// an answer is returned only once its audit entry is committed.
    pub async fn lookup_citizen(&self, req: &LookupRequest) -> Result<LookupAnswer, LookupError> {
        let now = self.clock.now_micros();
        let id =
            PersonalId::parse(&req.personal_id).map_err(|e| AppError::Invalid(e.to_string()))?;
        if req.officer_id.trim().is_empty() {
            return Err(
                AppError::Invalid("Thiếu cán bộ tra cứu / the officer is missing".into()).into(),
            );
        }
        if req.full_name.trim().is_empty() {
            return Err(AppError::Invalid("Thiếu họ tên / the full name is missing".into()).into());
        }
        let mut entry = AuditEntry::new(
            now,
            req.officer_id.trim(),
            AuditAction::PersonalDataLookup,
            AuditOutcome::Allowed,
        );
        entry.agency_id = req.agency_id.clone();
        entry.subject_key = Some(self.subjects.key_of(&id));
        entry.subject_masked = Some(mask_identifier(id.as_str()));
        entry.grant_id = req.grant_id.clone();
        entry.dossier_code = req.dossier_code.clone();
        entry.purpose = req.purpose.clone();

        if let Err(refusal) = self.check(req, &mut entry, now).await? {
            entry.outcome = AuditOutcome::Refused(refusal.code().to_owned());
            self.store
                .append_audit(&entry)
                .await
                .map_err(AppError::from)?;
            return Err(LookupError::Refused(refusal));
        }
        let query = RegistryQuery {
            personal_id: id,
            full_name: req.full_name.trim().to_owned(),
            birth_date: req.birth_date,
        };
        let answer = match self.registry.lookup(&query).await {
            Ok(answer) => answer,
            Err(err) => {
                self.store
                    .append_audit(&entry)
                    .await
                    .map_err(AppError::from)?;
                return Err(LookupError::Registry(err));
            }
        };
        let out = match answer {
            RegistryAnswer::Found { resident } => {
                entry.fields = RESIDENT_FIELDS
                    .iter()
                    .filter(|f| **f != "temporary_unit" || resident.temporary_unit.is_some())
                    .map(|f| (*f).to_owned())
                    .collect();
                LookupAnswer::Found {
                    resident,
                    satisfied_sources: vec![WaiverSource::PopulationDb],
                }
            }
            RegistryAnswer::NotFound => LookupAnswer::NotFound,
            RegistryAnswer::Mismatch { fields } => LookupAnswer::Mismatch { fields },
        };
        self.store
            .append_audit(&entry)
            .await
            .map_err(AppError::from)?;
        Ok(out)
    }

    /// The newest allowed look-up of `applicant` under a grant, made for
    /// dossier `code`, that found the person (so disclosed fields), among
    /// the person's latest audit entries.
    pub async fn recorded_reuse(
        &self,
        code: &str,
        applicant: &PersonalId,
    ) -> Result<Option<motcua_domain::dossier::DataReuse>, AppError> {
        let entries = self
            .store
            .audit_for_subject(&self.subjects.key_of(applicant), 200)
            .await?;
        Ok(entries.into_iter().find_map(|e| {
            let c = e.columns;
            let found = c.fields.trim() != "[]" && !c.fields.trim().is_empty();
            let fits = c.action == AuditAction::PersonalDataLookup.as_str()
                && c.outcome == "allowed"
                && found
                && c.dossier_code.as_deref() == Some(code);
            let grant_id = c.grant_id.filter(|g| !g.is_empty())?;
            fits.then_some(motcua_domain::dossier::DataReuse {
                looked_up_at: c.occurred_at,
                officer: c.officer_id,
                grant_id,
            })
        }))
    }

    /// The newest allowed look-up of `applicant` under a grant that found
    /// the person, made by `officer` at `since` or later.
    pub async fn desk_reuse(
        &self,
        officer: &str,
        applicant: &PersonalId,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<motcua_domain::dossier::DataReuse>, AppError> {
        let entries = self
            .store
            .audit_for_subject(&self.subjects.key_of(applicant), 200)
            .await?;
        Ok(entries.into_iter().find_map(|e| {
            let c = e.columns;
            let found = c.fields.trim() != "[]" && !c.fields.trim().is_empty();
            let fits = c.action == AuditAction::PersonalDataLookup.as_str()
                && c.outcome == "allowed"
                && found
                && c.officer_id == officer
                && c.occurred_at >= since;
            let grant_id = c.grant_id.filter(|g| !g.is_empty())?;
            fits.then_some(motcua_domain::dossier::DataReuse {
                looked_up_at: c.occurred_at,
                officer: c.officer_id,
                grant_id,
            })
        }))
    }

    /// Whether one of `roots` covers the dossier's receiving, current or deciding agency.
    async fn in_scope(
        &self,
        roots: &[String],
        d: &crate::ports::dossier_rows::DossierProjection,
    ) -> Result<bool, AppError> {
        let scopes = crate::authz::ScopeResolver::new(self.store.clone());
        for root in roots {
            let scope = motcua_domain::identity::Scope::Agency(root.clone());
            for agency in [&d.receiving_unit, &d.current_agency, &d.deciding_agency] {
                if scopes.covers_agency(&scope, agency).await? {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// The checks, in order: rate, purpose, open dossier, grant, the grant's
    /// unit. Fills the entry with what was stated (trimmed) and the grant's
    /// unit.
    async fn check(
        &self,
        req: &LookupRequest,
        entry: &mut AuditEntry,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Result<(), LookupRefusal>, AppError> {
        if !self.limiter.try_acquire(req.officer_id.trim(), now) {
            return Ok(Err(LookupRefusal::RateLimited));
        }
        let StatedPurpose {
            dossier_code,
            purpose,
        } = match stated_purpose(req.dossier_code.as_deref(), req.purpose.as_deref()) {
            Ok(s) => s,
            Err(r) => return Ok(Err(r)),
        };
        // The dossier served, when it is kept here: its agencies bound the
        // grant's unit below.
        let stored = match &dossier_code {
            Some(code) => self.store.load_dossier(code).await?,
            None => None,
        };
        if self.require_open_dossier && dossier_code.is_some() {
            let mut open = stored.as_ref().is_some_and(|d| {
                motcua_domain::dossier::DossierStatus::ALL
                    .iter()
                    .find(|s| s.key() == d.projection.status)
                    .is_some_and(|s| !s.is_terminal())
            });
            if let (Some(d), Some(roots)) = (&stored, &req.dossier_scope)
                && open
            {
                open = self.in_scope(roots, &d.projection).await?;
            }
            if !open {
                entry.dossier_code = dossier_code;
                entry.purpose = purpose;
                return Ok(Err(LookupRefusal::DossierNotOpen));
            }
        }
        entry.dossier_code = dossier_code;
        entry.purpose = purpose;
        let Some(grant_id) = req
            .grant_id
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
        else {
            return Ok(Err(LookupRefusal::NoGrant));
        };
        entry.grant_id = Some(grant_id.to_owned());
        let Some(grant) = self.store.get_grant(grant_id).await? else {
            return Ok(Err(LookupRefusal::GrantNotFound));
        };
        entry.unit_code = Some(grant.unit_code.clone());
        if let Err(refusal) = grant.check(req.officer_id.trim(), now) {
            return Ok(Err(refusal));
        }
        if !self
            .grant_covers(&grant, stored.as_ref(), req.agency_id.as_deref())
            .await?
        {
            return Ok(Err(LookupRefusal::GrantOutsideUnit));
        }
        Ok(Ok(()))
    }

    /// Whether the grant's administrative unit covers what the look-up is
    /// for: the dossier's receiving or current agency when the dossier is
    /// kept here, otherwise the agency the officer works at. A grant for
    /// commune A therefore never reads for a dossier of commune B. Only
    /// when neither is known here (the command line serving a dossier kept
    /// elsewhere, an agency absent from the store) is the unit not checked.
    async fn grant_covers(
        &self,
        grant: &motcua_domain::grant::Grant,
        dossier: Option<&crate::ports::dossier_rows::StoredDossier>,
        officer_agency: Option<&str>,
    ) -> Result<bool, AppError> {
        let scopes = crate::authz::ScopeResolver::new(self.store.clone());
        let scope = motcua_domain::identity::Scope::Unit(grant.unit_code.clone());
        if let Some(d) = dossier {
            for agency in [&d.projection.receiving_unit, &d.projection.current_agency] {
                if scopes.covers_agency(&scope, agency).await? {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        match officer_agency.map(str::trim).filter(|a| !a.is_empty()) {
            Some(agency) if self.store.get_agency(agency).await?.is_some() => {
                scopes.covers_agency(&scope, agency).await
            }
            _ => Ok(true),
        }
    }
}

#[async_trait::async_trait]
impl crate::dossiers::ReuseRecords for LookupService {
    async fn reuse_for(
        &self,
        code: &str,
        applicant: &PersonalId,
    ) -> Result<Option<motcua_domain::dossier::DataReuse>, crate::dossiers::DossierError> {
        self.recorded_reuse(code, applicant)
            .await
            .map_err(|e| crate::dossiers::DossierError::Unexpected(anyhow::anyhow!("{e}")))
    }

    async fn reuse_at_desk(
        &self,
        officer: &str,
        applicant: &PersonalId,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<motcua_domain::dossier::DataReuse>, crate::dossiers::DossierError> {
        self.desk_reuse(officer, applicant, since)
            .await
            .map_err(|e| crate::dossiers::DossierError::Unexpected(anyhow::anyhow!("{e}")))
    }
}
