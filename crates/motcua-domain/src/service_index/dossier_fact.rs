//! What the index reads of one dossier: its unit, channel, dates, the 766
//! milestones and due date (for **the one on-time rule**), fees and how its
//! components were supplied. Built from the dossier's state by
//! [`DossierFact::of`], so the index cannot read a dossier differently from
//! the leader page and the portal summary.

use chrono::{DateTime, Utc};

use crate::dossier::on_time_766::{Milestone, MilestoneKind, OnTimeVerdict, evaluate_on_time};
use crate::dossier::parts::{ComponentState, DataSource, Rating};
use crate::dossier::{Channel, Dossier};

/// One dossier as the index reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierFact {
    /// Mã hồ sơ.
    pub code: String,
    /// The procedure (`MaTTHC`).
    pub procedure_code: String,
    /// The administrative unit (commune or province code) of the receiving
    /// agency.
    pub unit_code: String,
    /// Filed online.
    pub online: bool,
    /// When received (the start of the 766 clock), if it was.
    pub received_at: Option<DateTime<Utc>>,
    /// The due date the on-time rule compares with ([`Dossier::on_time_due`]).
    pub on_time_due: Option<DateTime<Utc>>,
    /// The 766 milestones.
    pub history: Vec<Milestone>,
    /// Fees requested, in đồng (0: no financial obligation).
    pub fees_vnd: u64,
    /// At least one component handed in with an electronic copy (số hóa).
    pub digitised: bool,
    /// At least one component waived after a recorded look-up (4.3).
    pub reused: bool,
    /// At least one component taken from the citizen's data store on the
    /// national portal after a recorded look-up (4.4).
    pub citizen_data_store: bool,
    /// At least one component taken from the population or civil-status
    /// database after a recorded look-up (4.5b).
    pub population_data: bool,
    /// The applicant rated the dossier "không hài lòng" (a dislike, 5.4).
    pub disliked: bool,
}

impl DossierFact {
    /// The fact of a dossier whose receiving agency belongs to `unit_code`.
    pub fn of(d: &Dossier, unit_code: &str) -> Self {
        let reused_from = |pred: &dyn Fn(&DataSource) -> bool| {
            d.components.iter().any(|c| match &c.state {
                ComponentState::Waived {
                    source,
                    reuse: Some(_),
                } => pred(source),
                _ => false,
            })
        };
        Self {
            code: d.code.as_str().to_owned(),
            procedure_code: d.procedure.code.clone(),
            unit_code: unit_code.to_owned(),
            online: d.channel == Channel::Online,
            received_at: d.received_at,
            on_time_due: d.on_time_due(),
            history: d.history.clone(),
            fees_vnd: d.fees_vnd(),
            digitised: d
                .components
                .iter()
                .any(|c| matches!(c.state, ComponentState::Submitted { digitised: true })),
            reused: reused_from(&|_| true),
            citizen_data_store: reused_from(&|s| matches!(s, DataSource::CitizenDataStore)),
            population_data: reused_from(&|s| {
                matches!(
                    s,
                    DataSource::PopulationDatabase | DataSource::CivilStatusDatabase
                )
            }),
            disliked: d.rating == Some(Rating::Dissatisfied),
        }
    }

    /// The verdict of **the one on-time rule** at `period_end`: the same
    /// call as [`Dossier::on_time`] with the same history and due date.
    pub fn on_time(&self, period_end: DateTime<Utc>) -> OnTimeVerdict {
        evaluate_on_time(&self.history, self.on_time_due, None, period_end)
    }

    /// When the result was first ready (else returned), if it was by `at`.
    pub fn result_at(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let first = |k| {
            self.history
                .iter()
                .filter(|m| m.kind == k && m.at <= at)
                .map(|m| m.at)
                .min()
        };
        first(MilestoneKind::ResultReady).or_else(|| first(MilestoneKind::Returned))
    }

    /// Whether the dossier has not ended by `at` (no result, return, stop,
    /// refusal or withdrawal).
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.received_at.is_some_and(|r| r <= at)
            && !self.history.iter().any(|m| {
                m.at <= at
                    && matches!(
                        m.kind,
                        MilestoneKind::ResultReady
                            | MilestoneKind::Returned
                            | MilestoneKind::Stopped
                            | MilestoneKind::RefusedAtReception
                            | MilestoneKind::Withdrawn
                    )
            })
    }
}
