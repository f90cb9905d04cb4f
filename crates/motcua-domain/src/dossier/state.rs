//! The dossier aggregate's state, built only by [`super::evolve()`].

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::applicant::{Applicant, Channel};
use super::code::DossierCode;
use super::command::{Intake, ProcedureRef};
use super::event::Form;
use super::ids::AgencyId;
use super::on_time_766::{Milestone, OnTimeVerdict, evaluate_on_time};
use super::parts::{Component, FeeLine, Payment, Rating, ResultDocument};
use super::portal::{PortalMapError, PortalStatus, portal_status};
use super::records::{
    AgencyClock, ControlRecord, Decline, Extension, Pause, ProgressRecord, SentSupplement,
};
use super::status::{DossierStatus, LocalStatus, SubStatus};

/// A form issued for the dossier, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedForm {
    /// Which form.
    pub form: Form,
    /// When.
    pub at: DateTime<Utc>,
}

/// Hồ sơ: the state of one dossier.
///
/// Fields are public for reading and snapshotting; change them only through
/// [`super::decide()`] and [`super::evolve()`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    /// Mã hồ sơ; stays the same across transfers.
    pub code: DossierCode,
    /// Procedure code and catalog version.
    pub procedure: ProcedureRef,
    /// Chủ hồ sơ.
    pub applicant: Applicant,
    /// Nơi tiếp nhận.
    pub receiving_unit: AgencyId,
    /// Cơ quan giải quyết (differs for phi địa giới filings).
    pub deciding_agency: AgencyId,
    /// Kênh thực hiện.
    pub channel: Channel,
    /// Thành phần hồ sơ.
    pub components: Vec<Component>,
    /// Fees requested so far.
    pub fees: Vec<FeeLine>,
    /// Số lượng hồ sơ (bộ), from the intake (printed on form 01); states
    /// written before it existed read as 1.
    #[serde(
        default = "super::command::one_set",
        skip_serializing_if = "super::command::is_one_set"
    )]
    pub sets: u32,
    /// Payments received.
    pub payments: Vec<Payment>,
    /// The agency currently holding the dossier.
    pub current_agency: AgencyId,
    /// One clock per agency that held the dossier (liên thông).
    pub agency_clocks: Vec<AgencyClock>,
    /// Current processing step (0 = at the desk).
    pub step: u16,
    /// Process-control sheet lines (form 06).
    pub control_records: Vec<ControlRecord>,
    /// Progress reported by the agencies that held the dossier.
    #[serde(default)]
    pub progress: Vec<ProgressRecord>,
    /// Transfers declined, with their reasons.
    #[serde(default)]
    pub declines: Vec<Decline>,
    /// Current status.
    pub status: LocalStatus,
    /// Status to return to after a supplement or a payment.
    pub resume_to: Option<LocalStatus>,
    /// When filed (online) or received (desk).
    pub submitted_at: DateTime<Utc>,
    /// When received at the desk.
    pub received_at: Option<DateTime<Utc>>,
    /// Due date fixed at reception, kept for the 766 evaluation.
    pub original_due_at: Option<DateTime<Utc>>,
    /// Current due date (moved by supplements and extensions).
    pub due_at: Option<DateTime<Utc>>,
    /// The due date the on-time rule compares with: the one fixed at
    /// reception, moved across supplement pauses by the legal clock like
    /// [`Dossier::due_at`], but not by extensions (see
    /// [`Dossier::on_time`]). `None` in states written before it existed:
    /// [`Dossier::on_time_due`] then derives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_time_due_at: Option<DateTime<Utc>>,
    /// Number of supplement requests.
    pub supplement_count: u32,
    /// Clock pauses for supplements.
    pub pauses: Vec<Pause>,
    /// What the applicant sent while the dossier awaits a supplement, not
    /// yet confirmed by an officer: the sub-state "công dân đã gửi bổ sung"
    /// (empty otherwise; absent from states written before it existed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supplement_sent: Vec<SentSupplement>,
    /// Apologies and extensions (form 04).
    pub extensions: Vec<Extension>,
    /// Whether the dossier counts as late for Decision 766: a second
    /// supplement request, or an end (result, return, stop, withdrawal)
    /// that [`Dossier::on_time`] judges late. An apology and extension alone
    /// does not set it. Once the dossier has ended it equals the verdict of
    /// [`Dossier::on_time`], so counts of it (the leader page) agree with
    /// the portal verdict.
    pub counts_late: bool,
    /// Result documents.
    pub results: Vec<ResultDocument>,
    /// When the result was handed over.
    pub returned_at: Option<DateTime<Utc>>,
    /// The applicant's rating.
    pub rating: Option<Rating>,
    /// Milestones for the 766 evaluation.
    pub history: Vec<Milestone>,
    /// Forms issued.
    pub forms: Vec<IssuedForm>,
    /// Version for optimistic concurrency: the number of events applied.
    pub version: u64,
    /// Idempotency keys of the commands already applied.
    pub idempotency_keys: BTreeSet<String>,
}

impl Dossier {
    /// A new dossier from its intake, in `status`, at version 0 (the
    /// creating event sets the version).
    pub(crate) fn from_intake(intake: &Intake, status: LocalStatus, at: DateTime<Utc>) -> Self {
        Self {
            code: intake.code.clone(),
            procedure: intake.procedure.clone(),
            applicant: intake.applicant.clone(),
            receiving_unit: intake.receiving_unit.clone(),
            deciding_agency: intake.deciding_agency.clone(),
            channel: intake.channel,
            components: intake.components.clone(),
            fees: intake.fees.clone(),
            sets: intake.sets,
            payments: Vec::new(),
            current_agency: intake.deciding_agency.clone(),
            agency_clocks: Vec::new(),
            step: 0,
            control_records: Vec::new(),
            progress: Vec::new(),
            declines: Vec::new(),
            status,
            resume_to: None,
            submitted_at: at,
            received_at: None,
            original_due_at: None,
            due_at: None,
            on_time_due_at: None,
            supplement_count: 0,
            pauses: Vec::new(),
            supplement_sent: Vec::new(),
            extensions: Vec::new(),
            counts_late: false,
            results: Vec::new(),
            returned_at: None,
            rating: None,
            history: Vec::new(),
            forms: Vec::new(),
            version: 0,
            idempotency_keys: BTreeSet::new(),
        }
    }

    /// When the applicant last sent a supplement that no officer has
    /// recorded yet (`None` when nothing waits to be checked).
    pub fn supplement_sent_at(&self) -> Option<DateTime<Utc>> {
        self.supplement_sent.last().map(|s| s.at)
    }

    /// The national portal code of the current status.
    pub fn portal_status(&self) -> Result<PortalStatus, PortalMapError> {
        portal_status(self.status)
    }

    /// Total of fees requested, in đồng.
    pub fn fees_vnd(&self) -> u64 {
        self.fees
            .iter()
            .map(|f| f.amount_vnd)
            .fold(0, u64::saturating_add)
    }

    /// Total paid, in đồng.
    pub fn paid_vnd(&self) -> u64 {
        self.payments
            .iter()
            .map(|p| p.amount_vnd)
            .fold(0, u64::saturating_add)
    }

    /// What remains to pay, in đồng.
    pub fn outstanding_vnd(&self) -> u64 {
        self.fees_vnd().saturating_sub(self.paid_vnd())
    }

    /// Whether the legal clock is paused for a supplement.
    pub fn is_paused(&self) -> bool {
        self.pauses.last().is_some_and(|p| p.until.is_none())
    }

    /// Total paused time up to `now`.
    pub fn paused_for(&self, now: DateTime<Utc>) -> TimeDelta {
        self.pauses
            .iter()
            .map(|p| p.until.unwrap_or(now) - p.from)
            .filter(|d| *d > TimeDelta::zero())
            .fold(TimeDelta::zero(), |a, b| a + b)
    }

    /// The open clock of the agency holding the dossier, if any.
    pub fn current_clock(&self) -> Option<&AgencyClock> {
        self.agency_clocks
            .iter()
            .rev()
            .find(|c| c.ended_at.is_none() && c.agency == self.current_agency)
    }

    /// Whether the dossier was transferred to the agency holding it and
    /// that agency has not acknowledged it yet.
    pub fn awaiting_acceptance(&self) -> bool {
        self.status.sub == SubStatus::Transferred
            && self
                .current_clock()
                .is_some_and(|c| c.accepted_at.is_none())
    }

    /// The agency that transferred the dossier to the one holding it: the
    /// holder of the clock before the open one (the deciding agency if
    /// there is none).
    pub fn transferred_from(&self) -> AgencyId {
        let open = self
            .agency_clocks
            .iter()
            .rposition(|c| c.ended_at.is_none())
            .unwrap_or(self.agency_clocks.len());
        open.checked_sub(1)
            .and_then(|i| self.agency_clocks.get(i))
            .map_or_else(|| self.deciding_agency.clone(), |c| c.agency.clone())
    }

    /// The status a processing dossier is in at its current agency.
    pub(crate) fn processing_status(&self) -> LocalStatus {
        let sub = if self.current_agency == self.deciding_agency {
            SubStatus::AtStep
        } else {
            SubStatus::Transferred
        };
        LocalStatus::new(DossierStatus::Processing, sub)
    }

    /// The due date the on-time rule compares with: fixed at reception,
    /// moved across supplement pauses by the legal clock, not by extensions.
    /// For states written before [`Dossier::on_time_due_at`] existed: the
    /// current due date without extensions, else the due date in force when
    /// the first extension was granted.
    pub fn on_time_due(&self) -> Option<DateTime<Utc>> {
        self.on_time_due_at
            .or_else(|| match self.extensions.first() {
                None => self.due_at,
                Some(e) => e.previous_due_at.or(self.original_due_at),
            })
    }

    /// **The one on-time rule** (Decision 766, indicator 2.1): the verdict
    /// for this dossier at `period_end`. The portal summary (`on_time`, and
    /// from it the hub's totals), the dossier's `counts_late` flag (and from
    /// it the leader page's on-time counts) all come from here. See
    /// [`super::on_time_766`] for the rules.
    pub fn on_time(&self, period_end: DateTime<Utc>) -> OnTimeVerdict {
        evaluate_on_time(&self.history, self.on_time_due(), None, period_end)
    }
}
