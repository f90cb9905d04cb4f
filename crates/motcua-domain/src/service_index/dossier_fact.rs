//! What the index reads of one dossier: its unit, channel, dates, the 766
//! milestones and due date (for **the one on-time rule**), fees and how its
//! components were supplied. Built from the dossier's state by
//! [`DossierFact::of`], so the index cannot read a dossier differently from
//! the leader page and the portal summary.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::dossier::on_time_766::{Milestone, MilestoneKind, OnTimeVerdict, evaluate_on_time};
use crate::dossier::parts::{Component, ComponentState, DataSource, FeeLine, Rating};
use crate::dossier::{Channel, Dossier};

/// One dossier as the index reads it.
///
/// A store keeps it as JSON beside the dossier (the index's narrow read);
/// the unit is not kept, since the receiving agency's unit is joined on
/// read. A change to what [`DossierFact::of`] derives needs the kept facts
/// derived again (a migration that clears them: the store derives a
/// missing one from the whole state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierFact {
    /// Mã hồ sơ.
    pub code: String,
    /// The procedure (`MaTTHC`).
    pub procedure_code: String,
    /// The administrative unit (commune or province code) of the receiving
    /// agency.
    #[serde(skip)]
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

/// The parts of a dossier's state the index reads, as a store can pull them
/// out of the stored state without building the whole [`Dossier`]: each
/// JSON part is the text of the field of that name in the state.
#[derive(Debug, Clone, Copy)]
pub struct StateParts<'a> {
    /// Mã hồ sơ.
    pub code: &'a str,
    /// The procedure code.
    pub procedure_code: &'a str,
    /// The receiving agency's unit.
    pub unit_code: &'a str,
    /// `KenhThucHien` (1, 2 = online, 3).
    pub channel: u8,
    /// When received.
    pub received_at: Option<DateTime<Utc>>,
    /// The state's `on_time_due_at`; `None` for a state written before it
    /// existed, which must go through [`DossierFact::of`].
    pub on_time_due_at: Option<DateTime<Utc>>,
    /// `history` (JSON array).
    pub history: &'a str,
    /// `components` (JSON array).
    pub components: &'a str,
    /// `fees` (JSON array).
    pub fees: &'a str,
    /// `rating` as a JSON string value without quotes (e.g.
    /// `dissatisfied`), if any.
    pub rating: Option<&'a str>,
}

/// Why stored parts could not be read.
#[derive(Debug, thiserror::Error)]
#[error("phần hồ sơ không đọc được / unreadable dossier part {part}: {source}")]
pub struct PartsError {
    /// Which part.
    pub part: &'static str,
    /// The parse error.
    #[source]
    pub source: serde_json::Error,
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    code: &str,
    procedure_code: &str,
    unit_code: &str,
    online: bool,
    received_at: Option<DateTime<Utc>>,
    on_time_due: Option<DateTime<Utc>>,
    history: Vec<Milestone>,
    components: &[Component],
    fees_vnd: u64,
    rating: Option<Rating>,
) -> DossierFact {
    let reused_from = |pred: &dyn Fn(&DataSource) -> bool| {
        components.iter().any(|c| match &c.state {
            ComponentState::Waived {
                source,
                reuse: Some(_),
            } => pred(source),
            _ => false,
        })
    };
    DossierFact {
        code: code.to_owned(),
        procedure_code: procedure_code.to_owned(),
        unit_code: unit_code.to_owned(),
        online,
        received_at,
        on_time_due,
        history,
        fees_vnd,
        digitised: components
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
        disliked: rating == Some(Rating::Dissatisfied),
    }
}

impl DossierFact {
    /// The fact of a dossier whose receiving agency belongs to `unit_code`.
    pub fn of(d: &Dossier, unit_code: &str) -> Self {
        assemble(
            d.code.as_str(),
            &d.procedure.code,
            unit_code,
            d.channel == Channel::Online,
            d.received_at,
            d.on_time_due(),
            d.history.clone(),
            &d.components,
            d.fees_vnd(),
            d.rating,
        )
    }

    /// The fact from parts of a stored state (the same result as
    /// [`DossierFact::of`] on the whole state). `None` when the state has
    /// no `on_time_due_at`: read it whole and use [`DossierFact::of`].
    pub fn from_parts(p: &StateParts<'_>) -> Result<Option<Self>, PartsError> {
        let Some(on_time_due) = p.on_time_due_at else {
            return Ok(None);
        };
        let history: Vec<Milestone> =
            serde_json::from_str(p.history).map_err(|source| PartsError {
                part: "history",
                source,
            })?;
        let components: Vec<Component> =
            serde_json::from_str(p.components).map_err(|source| PartsError {
                part: "components",
                source,
            })?;
        let fees: Vec<FeeLine> = serde_json::from_str(p.fees).map_err(|source| PartsError {
            part: "fees",
            source,
        })?;
        let rating = match p.rating {
            None => None,
            Some(r) => Some(
                serde_json::from_value::<Rating>(serde_json::Value::String(r.to_owned())).map_err(
                    |source| PartsError {
                        part: "rating",
                        source,
                    },
                )?,
            ),
        };
        Ok(Some(assemble(
            p.code,
            p.procedure_code,
            p.unit_code,
            p.channel == Channel::Online.code(),
            p.received_at,
            Some(on_time_due),
            history,
            &components,
            fees.iter()
                .map(|f| f.amount_vnd)
                .fold(0, u64::saturating_add),
            rating,
        )))
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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    /// The JSON a store keeps reads back as the same fact, but for the unit
    /// (joined on read), and judges the same with the one on-time rule.
    #[test]
    fn a_kept_fact_reads_back_the_same_but_for_its_unit() {
        let at = |d, h| Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap();
        let fact = DossierFact {
            code: "H55.X05743.TT-261102-0001".into(),
            procedure_code: "1.004873".into(),
            unit_code: "05743".into(),
            online: true,
            received_at: Some(at(2, 8)),
            on_time_due: Some(at(5, 17)),
            history: vec![
                Milestone {
                    kind: MilestoneKind::Received,
                    at: at(2, 8),
                },
                Milestone {
                    kind: MilestoneKind::SupplementRequested,
                    at: at(3, 9),
                },
                Milestone {
                    kind: MilestoneKind::SupplementCompleted,
                    at: at(4, 9),
                },
                Milestone {
                    kind: MilestoneKind::ResultReady,
                    at: at(6, 10),
                },
            ],
            fees_vnd: 50_000,
            digitised: true,
            reused: true,
            citizen_data_store: false,
            population_data: true,
            disliked: true,
        };
        let json = serde_json::to_string(&fact).unwrap();
        assert!(!json.contains("05743\""), "the unit is not kept: {json}");
        let mut back: DossierFact = serde_json::from_str(&json).unwrap();
        assert_eq!(back.unit_code, "");
        back.unit_code = "05743".into();
        assert_eq!(back, fact);
        let end = at(30, 0);
        assert_eq!(back.on_time(end), fact.on_time(end));
    }
}
