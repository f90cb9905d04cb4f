//! From an officer's request to a domain action: the instants each action
//! needs come from the legal clock (reception fixes the due date, a
//! received supplement resumes it, a transfer gives the next agency its own
//! due instant, an extension moves it).

use chrono::{DateTime, Utc};
use motcua_domain::clock::ClockRequest;
use motcua_domain::dossier::{Action, Dossier, Payment, ResumedDue};

use super::error::DossierError;
use super::input::{ActionInput, checked_checklist, checklist};
use super::procedures::ProcedureFacts;
use super::{DossierService, clock_error, local_day};

impl DossierService {
    /// The due instant fixed at reception.
    pub(super) fn due_at_reception(
        &self,
        facts: &ProcedureFacts,
        received_at: DateTime<Utc>,
        explicit: Option<DateTime<Utc>>,
    ) -> Result<DateTime<Utc>, DossierError> {
        match (facts.limit, explicit) {
            (Some(limit), _) => {
                let mut req = ClockRequest::new(received_at, limit);
                req.reception = facts.reception;
                self.clock(req)
            }
            (None, Some(due)) => Ok(due),
            (None, None) => Err(DossierError::invalid(
                "due_at.required",
                format!(
                    "Thủ tục {} chưa có thời hạn giải quyết trong danh mục: phải ghi ngày hẹn trả (due_at)",
                    facts.code
                ),
                format!(
                    "Procedure {} has no time limit in the catalog: give due_at",
                    facts.code
                ),
            )),
        }
    }

    /// The due dates once a supplement arrives (the open pause closed now),
    /// by the domain's one rule for every procedure: the legal clock moves
    /// the due date across each pause by the working days elapsed, whether
    /// the procedure has a statutory limit or its due date was given at
    /// reception (never by wall-clock time); extensions replace it. Also
    /// the on-time due date (without extensions) for the 766 verdict.
    pub(super) fn due_after_supplement(
        &self,
        d: &Dossier,
        facts: &ProcedureFacts,
        now: DateTime<Utc>,
    ) -> Result<Option<ResumedDue>, DossierError> {
        d.due_after_supplement(
            Self::calendar()?,
            facts.limit.map(|limit| (limit, facts.reception)),
            self.settings.province.as_deref(),
            now,
        )
        .map_err(clock_error)
    }

    pub(super) fn due_or(
        &self,
        explicit: Option<DateTime<Utc>>,
        working_days: Option<u32>,
        from: DateTime<Utc>,
        fallback: Option<DateTime<Utc>>,
        what: &str,
    ) -> Result<DateTime<Utc>, DossierError> {
        if let Some(at) = explicit {
            return Ok(at);
        }
        if let Some(n) = working_days {
            return self.working_days_after(from, n);
        }
        fallback.ok_or_else(|| {
            DossierError::invalid(
                "deadline.required",
                format!("Phải ghi thời hạn ({what})"),
                format!("A deadline is required ({what})"),
            )
        })
    }

    /// The id of the officer or unit `raw` names (an id, or a label of the
    /// list), when it is an active officer or a unit of the dossier's
    /// current agency or below; anything else is refused, so that no dossier
    /// is handed over to nobody (UX review #10).
    async fn hand_over_target(&self, d: &Dossier, raw: &str) -> Result<String, DossierError> {
        let targets =
            crate::people::hand_over_targets(&*self.store, d.current_agency.as_str()).await?;
        match crate::people::resolve_target(&targets, raw) {
            Some(t) => Ok(t.id.clone()),
            None => {
                let shown: String = raw.trim().chars().take(80).collect();
                let (vi, en) = crate::people::unknown_target_message(&shown);
                Err(DossierError::invalid("to.unknown", vi, en))
            }
        }
    }

    /// The recorded look-up that found the dossier's applicant (a citizen)
    /// for this dossier, if any.
    async fn reuse_of(
        &self,
        d: &Dossier,
    ) -> Result<Option<motcua_domain::dossier::DataReuse>, DossierError> {
        let (Some(records), motcua_domain::dossier::ApplicantId::Citizen(id)) =
            (&self.reuse, &d.applicant.id)
        else {
            return Ok(None);
        };
        records.reuse_for(d.code.as_str(), id).await
    }

    /// Turns an officer's request into the domain action, computing the
    /// instants it needs with the legal clock.
    pub(super) async fn to_action(
        &self,
        d: &Dossier,
        input: ActionInput,
        now: DateTime<Utc>,
    ) -> Result<Action, DossierError> {
        let facts = || async {
            self.procedures
                .procedure(&d.procedure.code, local_day(d.submitted_at))
                .await
                .ok_or_else(|| {
                    DossierError::invalid(
                        "procedure.unknown",
                        format!("Không còn thủ tục {}", d.procedure.code),
                        format!("Procedure {} is no longer known", d.procedure.code),
                    )
                })
        };
        Ok(match input {
            ActionInput::Receive { components, due_at } => {
                let facts = facts().await?;
                let reuse = if components.wants_reuse() {
                    self.reuse_of(d).await?
                } else {
                    None
                };
                let sent = components.inputs(&facts, &d.components, reuse.as_ref())?;
                Action::Receive {
                    checked: checked_checklist(&facts, &sent, Some(&d.components))?,
                    due_at: self.due_at_reception(&facts, now, due_at)?,
                }
            }
            ActionInput::Refuse { reason } => Action::RefuseReception { reason },
            ActionInput::HandOver {
                to,
                step_deadline,
                step_working_days,
            } => Action::HandOver {
                to: self.hand_over_target(d, &to).await?,
                step_deadline: self.due_or(
                    step_deadline,
                    step_working_days,
                    now,
                    d.due_at,
                    "step_deadline",
                )?,
            },
            ActionInput::RequestSupplement { reason, missing } => {
                Action::RequestSupplement { reason, missing }
            }
            ActionInput::SupplementReceived { components } => {
                let facts = facts().await?;
                let merged = checklist(&facts, &components, Some(&d.components))?;
                let resumed = self.due_after_supplement(d, &facts, now)?;
                Action::ResumeAfterSupplement {
                    components: merged
                        .into_iter()
                        .filter(|c| components.iter().any(|s| s.code == c.code))
                        .collect(),
                    new_due_at: resumed.map(|r| r.due_at),
                    on_time_due_at: resumed.map(|r| r.on_time_due_at),
                }
            }
            ActionInput::RequestPayment { fees } => Action::RequestPayment { fees },
            ActionInput::RecordPayment {
                amount_vnd,
                method,
                reference,
            } => Action::RecordPayment {
                payment: Payment {
                    amount_vnd,
                    method,
                    reference,
                    paid_at: now,
                },
            },
            ActionInput::Transfer {
                to_agency,
                agency_due_at,
                working_days,
            } => {
                let (to_agency, _) = self.agency(&to_agency).await?;
                Action::Transfer {
                    to_agency,
                    agency_due_at: self.due_or(
                        agency_due_at,
                        working_days,
                        now,
                        d.due_at,
                        "agency_due_at",
                    )?,
                }
            }
            ActionInput::Stop { reason } => Action::Stop { reason },
            ActionInput::ApologiseAndExtend {
                reason,
                new_due_at,
                extra_working_days,
            } => {
                let base = d.due_at.map_or(now, |due| due.max(now));
                Action::ApologiseAndExtend {
                    reason,
                    new_due_at: self.due_or(
                        new_due_at,
                        extra_working_days,
                        base,
                        None,
                        "new_due_at",
                    )?,
                }
            }
            ActionInput::ResultReady { documents } => Action::MarkResultReady { documents },
            ActionInput::Return { method } => Action::ReturnResult { method },
            ActionInput::Withdraw { reason } => Action::Withdraw { reason },
            ActionInput::Rate { rating, comment } => Action::Rate { rating, comment },
        })
    }
}
