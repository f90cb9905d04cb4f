//! Dossier (hồ sơ) use cases: create, act, read, list and track.
//!
//! Every command follows one path: load the dossier, compute the due
//! instants it needs with the legal clock, ask the pure
//! `motcua_domain::dossier::decide`, and hand events, projection, outbox
//! rows and the answer to the store, which commits them in one
//! transaction. A request replayed with the same `Idempotency-Key` by the
//! same actor returns the first answer and writes nothing.

mod access;
mod actions;
pub mod agency_cache;
pub mod catalog_procedures;
mod commands;
pub mod error;
pub mod forms;
pub mod input;
pub mod procedures;
mod queries;
pub mod receipt;
pub mod secret;
pub mod sector;
pub mod stats;
pub mod supplement;
pub mod write;

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::clock::{ClockRequest, compute_due};
use motcua_domain::dossier::{AgencyId, DataReuse, Dossier, DossierCodePattern, PersonalId};
use motcua_domain::legal_time::TimeLimit;

pub use access::Accessor;
pub use catalog_procedures::CatalogProcedures;
pub use error::DossierError;
pub use input::{
    ActionInput, ApplicantInput, ApplicantKind, ComponentChoices, ComponentDecision,
    ComponentInput, IntakeOutcome, NewDossierInput, email_ok,
};
pub use procedures::{ProcedureFacts, ProcedureLookup, SeedProcedures};
pub use queries::{
    ApologyView, ComponentView, DossierView, EventSummary, TimelineEntry, TrackedDossier,
    TrackingView, VerifierProof, WorkListFilter, WorkListPage,
};
pub use receipt::{ReceiptAccess, ReceiptView};
pub use secret::TrackingKey;
pub use sector::{ResultFile, SectorCaller, SectorError, SectorInput, SectorProgressKind};
pub use write::{ActionAnswer, FiledAttachment};

use crate::ports::dossiers::StoredAnswer;
use crate::ports::{Clock, DossierPorts};

/// Settings of the dossier use cases.
#[derive(Debug, Clone, Default)]
pub struct DossierSettings {
    /// Layout of dossier codes.
    pub pattern: DossierCodePattern,
    /// Province whose office hours the clock uses (`None` = default hours).
    pub province: Option<String>,
}

/// The most working days an action may count (`step_working_days`,
/// `working_days`, `extra_working_days`): ten years' worth, as
/// `POST /api/v1/due-dates` allows.
pub const MAX_WORKING_DAYS: u32 = 3_650;

/// The most working hours a work-list filter may look ahead
/// (`due_within_hours`): [`MAX_WORKING_DAYS`] of 8 hours.
pub const MAX_WORKING_HOURS: u32 = MAX_WORKING_DAYS * 8;

/// A period the caller asked for is too long to count (400, not "retry").
pub fn out_of_range() -> DossierError {
    DossierError::invalid(
        "deadline.out_of_range",
        format!("Thời hạn quá dài (tối đa {MAX_WORKING_DAYS} ngày làm việc, không quá năm 2199)"),
        format!("The period is too long (at most {MAX_WORKING_DAYS} working days, not past 2199)"),
    )
}

/// A clock failure: counting past the calendar's end is the input's fault.
fn clock_error(e: motcua_domain::clock::ClockError) -> DossierError {
    use motcua_domain::calendar::CalendarError;
    use motcua_domain::clock::ClockError;
    match e {
        ClockError::Calendar(CalendarError::BeyondRange | CalendarError::DateOutOfRange(_))
        | ClockError::LimitTooLarge => out_of_range(),
        other => DossierError::Unexpected(anyhow::anyhow!("{other}")),
    }
}

/// Where the use cases find the recorded look-up that supplied a
/// dossier's data (the audit log, read by the look-up use case).
#[async_trait::async_trait]
pub trait ReuseRecords: Send + Sync {
    /// The newest allowed look-up of `applicant`, made under a grant for
    /// dossier `code`, that found the person; `None` when there is none.
    async fn reuse_for(
        &self,
        code: &str,
        applicant: &PersonalId,
    ) -> Result<Option<DataReuse>, DossierError>;

    /// The newest allowed look-up of `applicant` under a grant that found
    /// the person, made by `officer` at `since` or later (a reception at
    /// the desk, before the dossier has a code).
    async fn reuse_at_desk(
        &self,
        officer: &str,
        applicant: &PersonalId,
        since: DateTime<Utc>,
    ) -> Result<Option<DataReuse>, DossierError>;
}

/// The dossier use cases.
#[derive(Clone)]
pub struct DossierService {
    store: Arc<dyn DossierPorts>,
    procedures: Arc<dyn ProcedureLookup>,
    settings: DossierSettings,
    clock: Clock,
    agencies: Arc<agency_cache::AgencyCache>,
    tracking_key: TrackingKey,
    reuse: Option<Arc<dyn ReuseRecords>>,
}

impl DossierService {
    /// The service over a store, a procedure lookup and settings, reading
    /// "now" from `clock`.
    pub fn new(
        store: Arc<dyn DossierPorts>,
        procedures: Arc<dyn ProcedureLookup>,
        settings: DossierSettings,
        clock: Clock,
    ) -> Self {
        Self {
            store,
            procedures,
            settings,
            clock,
            agencies: Arc::default(),
            tracking_key: TrackingKey::random(),
            reuse: None,
        }
    }

    /// The same service checking `reused` components against `records`;
    /// without them a `reused` decision is refused.
    pub fn with_reuse_records(mut self, records: Arc<dyn ReuseRecords>) -> Self {
        self.reuse = Some(records);
        self
    }

    /// The same service deriving tracking secrets with `key` (by default a
    /// random key of this process; `motcua serve` reads the data
    /// directory's key file).
    pub fn with_tracking_key(mut self, key: TrackingKey) -> Self {
        self.tracking_key = key;
        self
    }

    /// The tracking secret of a dossier code, when it opens the dossier
    /// whose verifier hash is `verifier_hash` (a dossier created under
    /// another key gets `None`).
    fn derived_secret(&self, code: &str, verifier_hash: &str) -> Option<String> {
        let secret = self.tracking_key.secret(code);
        (write::sha256_hex(secret.as_bytes()) == verifier_hash).then_some(secret)
    }

    /// The code layout in use.
    pub fn pattern(&self) -> &DossierCodePattern {
        &self.settings.pattern
    }

    /// The procedure lookup in use.
    pub fn procedures(&self) -> &Arc<dyn ProcedureLookup> {
        &self.procedures
    }

    /// The service's clock, for pages that need "today" (the register's
    /// default period).
    pub fn current_time(&self) -> DateTime<Utc> {
        self.now()
    }

    /// Now, to the millisecond (both engines store that exactly).
    fn now(&self) -> DateTime<Utc> {
        self.clock.now_millis()
    }

    /// The working calendar, parsed once per process (its tables are
    /// embedded in the binary; parsing them per request cost more than the
    /// rest of a reception).
    fn calendar() -> Result<&'static WorkingCalendar, DossierError> {
        static CALENDAR: OnceLock<Result<WorkingCalendar, String>> = OnceLock::new();
        CALENDAR
            .get_or_init(|| WorkingCalendar::vietnam().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| DossierError::Unexpected(anyhow::anyhow!("{e}")))
    }

    /// A legal-clock computation.
    fn clock(&self, mut req: ClockRequest) -> Result<DateTime<Utc>, DossierError> {
        req.province = self.settings.province.clone();
        compute_due(Self::calendar()?, &req)
            .map_err(clock_error)?
            .due_at
            .ok_or_else(|| DossierError::Unexpected(anyhow::anyhow!("the clock is stopped")))
    }

    /// The instant `n` working days after `from` (end of office day).
    fn working_days_after(
        &self,
        from: DateTime<Utc>,
        n: u32,
    ) -> Result<DateTime<Utc>, DossierError> {
        if n > MAX_WORKING_DAYS {
            return Err(out_of_range());
        }
        self.clock(ClockRequest::new(from, TimeLimit::working_days(n)))
    }

    /// Parses a dossier code in the configured layout (400 when malformed).
    pub fn parse_code(
        &self,
        code: &str,
    ) -> Result<motcua_domain::dossier::DossierCode, DossierError> {
        Ok(self.settings.pattern.parse_code(code)?)
    }

    /// Whether `officer` is `target` or one of its ancestors.
    async fn covers(&self, officer: &AgencyId, target: &AgencyId) -> Result<bool, DossierError> {
        let mut current = Some(target.as_str().to_owned());
        for _ in 0..12 {
            let Some(id) = current else { return Ok(false) };
            if id == officer.as_str() {
                return Ok(true);
            }
            current = self.cached_agency(&id).await?.and_then(|a| a.parent_id);
        }
        Ok(false)
    }

    /// An agency, from the cache when fresh (see [`agency_cache`]).
    pub(super) async fn cached_agency(
        &self,
        id: &str,
    ) -> Result<Option<motcua_domain::agency::Agency>, DossierError> {
        if let Some(hit) = self.agencies.agency(id) {
            return Ok(hit);
        }
        let found = self.store.get_agency(id).await?;
        if found.is_some() {
            // Absence is not cached: an agency created now is usable now.
            self.agencies.put_agency(id, found.clone());
        }
        Ok(found)
    }

    /// Refuses an officer whose agency covers none of the dossier's agencies.
    async fn check_scope(&self, officer: &AgencyId, d: &Dossier) -> Result<(), DossierError> {
        for target in [&d.current_agency, &d.receiving_unit, &d.deciding_agency] {
            if self.covers(officer, target).await? {
                return Ok(());
            }
        }
        Err(DossierError::Forbidden(format!(
            "Cơ quan {officer} không quản lý hồ sơ {} / agency {officer} does not handle dossier {}",
            d.code, d.code
        )))
    }
}

/// The Vietnam-time calendar day of an instant.
pub fn local_day(at: DateTime<Utc>) -> NaiveDate {
    motcua_domain::clock::to_local(at).date()
}

/// Checks an idempotency key: 1 to 200 visible ASCII characters.
fn check_key(key: &str) -> Result<(), DossierError> {
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(DossierError::invalid(
            "idempotency_key",
            "Idempotency-Key phải có từ 1 đến 200 ký tự ASCII nhìn thấy được",
            "Idempotency-Key must be 1 to 200 visible ASCII characters",
        ));
    }
    Ok(())
}

/// A stored answer, if it answers the same request.
fn replayed(
    stored: &StoredAnswer,
    fingerprint: &str,
) -> Result<(ActionAnswer, bool), DossierError> {
    if stored.fingerprint != fingerprint {
        return Err(DossierError::KeyReused(
            "Idempotency-Key này đã được dùng cho một yêu cầu khác / \
             this Idempotency-Key was already used for a different request"
                .into(),
        ));
    }
    let answer = serde_json::from_str(&stored.answer_json)
        .map_err(|e| DossierError::Unexpected(e.into()))?;
    Ok((answer, true))
}
