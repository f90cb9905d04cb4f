//! `evolve`: applies one event to the state. It re-checks the version and
//! the transition table so that a corrupt or reordered event stream is
//! rejected instead of silently producing a wrong dossier.

use super::command::ActionKind;
use super::decide::is_allowed;
use super::event::{Event, EventPayload};
use super::on_time_766::{Milestone, MilestoneKind};
use super::parts::merge_components;
use super::records::{AgencyClock, Decline, Extension, Pause, ProgressRecord, SentSupplement};
use super::state::{Dossier, IssuedForm};
use super::status::{DossierStatus as S, LocalStatus, SubStatus};

/// Why an event could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvolveError {
    /// A non-creating event with no dossier.
    #[error("sự kiện cho hồ sơ chưa tồn tại / event for a dossier that does not exist")]
    NoDossier,
    /// A creating event on an existing dossier.
    #[error("hồ sơ đã tồn tại / dossier already exists")]
    AlreadyExists,
    /// The event's version is not the next one.
    #[error(
        "sai phiên bản: cần {expected}, nhận {found} / version mismatch: expected {expected}, found {found}"
    )]
    VersionMismatch {
        /// The version the event should carry.
        expected: u64,
        /// The version it carries.
        found: u64,
    },
    /// The transition is not allowed from the current status.
    #[error("chuyển trạng thái không hợp lệ / transition {kind:?} not allowed from {from}")]
    NotAllowed {
        /// The event's action kind.
        kind: ActionKind,
        /// The status it was applied to.
        from: LocalStatus,
    },
}

/// Applies one event; `state` is `None` before the creating event.
pub fn evolve(state: Option<Dossier>, event: &Event) -> Result<Dossier, EvolveError> {
    let kind = event.payload.action_kind();
    let expected = state.as_ref().map_or(1, |d| d.version + 1);
    if event.version != expected {
        return Err(EvolveError::VersionMismatch {
            expected,
            found: event.version,
        });
    }
    let mut d = match (state, &event.payload) {
        (None, EventPayload::Submitted { intake }) => {
            Dossier::from_intake(intake, LocalStatus::plain(S::Submitted), event.at)
        }
        (
            None,
            EventPayload::Received {
                intake: Some(intake),
                ..
            },
        ) => Dossier::from_intake(intake, LocalStatus::plain(S::Submitted), event.at),
        (
            None,
            EventPayload::ReceptionRefused {
                intake: Some(intake),
                ..
            },
        ) => Dossier::from_intake(intake, LocalStatus::plain(S::Submitted), event.at),
        (None, _) => return Err(EvolveError::NoDossier),
        (Some(_), _) if kind.creates() => return Err(EvolveError::AlreadyExists),
        (Some(d), _) if !is_allowed(kind, d.status) => {
            return Err(EvolveError::NotAllowed {
                kind,
                from: d.status,
            });
        }
        (Some(d), _) => d,
    };
    apply(&mut d, event);
    // What the applicant sent matters only while a supplement is awaited.
    if d.status.status != S::AwaitingSupplement {
        d.supplement_sent.clear();
    }
    d.version = event.version;
    d.idempotency_keys.insert(event.idempotency_key.clone());
    if let Some(form) = event.payload.form() {
        d.forms.push(IssuedForm { form, at: event.at });
    }
    Ok(d)
}

/// Folds a whole event stream into a dossier (`None` for an empty stream).
pub fn replay<'a>(
    events: impl IntoIterator<Item = &'a Event>,
) -> Result<Option<Dossier>, EvolveError> {
    let mut state = None;
    for event in events {
        state = Some(evolve(state, event)?);
    }
    Ok(state)
}

fn mark(d: &mut Dossier, kind: MilestoneKind, event: &Event) {
    d.history.push(Milestone { kind, at: event.at });
}

fn close_clock(d: &mut Dossier, event: &Event) {
    if let Some(clock) = d
        .agency_clocks
        .iter_mut()
        .rev()
        .find(|c| c.ended_at.is_none())
    {
        clock.ended_at = Some(event.at);
    }
}

/// At an end event: the dossier counts as late when the one on-time rule
/// ([`Dossier::on_time`]) says so, so that counts of `counts_late` (the
/// leader page) agree with the portal verdict.
fn settle_late(d: &mut Dossier, at: chrono::DateTime<chrono::Utc>) {
    if d.on_time(at).is_late() {
        d.counts_late = true;
    }
}

fn close_pause(d: &mut Dossier, event: &Event) {
    if let Some(pause) = d.pauses.last_mut().filter(|p| p.until.is_none()) {
        pause.until = Some(event.at);
    }
}

fn apply(d: &mut Dossier, event: &Event) {
    let at = event.at;
    match &event.payload {
        EventPayload::Submitted { .. } => mark(d, MilestoneKind::Submitted, event),
        EventPayload::Received {
            components, due_at, ..
        } => {
            d.components = components.clone();
            d.status = LocalStatus::plain(S::Received);
            d.received_at = Some(at);
            d.original_due_at = Some(*due_at);
            d.due_at = Some(*due_at);
            d.on_time_due_at = Some(*due_at);
            d.agency_clocks.push(AgencyClock {
                agency: d.current_agency.clone(),
                started_at: at,
                due_at: Some(*due_at),
                ended_at: None,
                accepted_at: None,
            });
            mark(d, MilestoneKind::Received, event);
        }
        EventPayload::ReceptionRefused { .. } => {
            d.status = LocalStatus::plain(S::RefusedAtReception);
            mark(d, MilestoneKind::RefusedAtReception, event);
            settle_late(d, at);
        }
        EventPayload::HandedOver { record } => {
            d.step = record.step;
            d.control_records.push(record.clone());
            d.status = d.processing_status();
        }
        EventPayload::SupplementRequested { counts_late, .. } => {
            d.resume_to = Some(d.status);
            let sub = if d.received_at.is_some() {
                d.pauses.push(Pause {
                    from: at,
                    until: None,
                });
                SubStatus::DuringProcessing
            } else {
                SubStatus::BeforeReception
            };
            d.status = LocalStatus::new(S::AwaitingSupplement, sub);
            d.supplement_count += 1;
            d.counts_late |= *counts_late;
            mark(d, MilestoneKind::SupplementRequested, event);
        }
        // The status and the paused clock stay: an officer confirms.
        EventPayload::SupplementSent { files } => d.supplement_sent.push(SentSupplement {
            at,
            files: files.clone(),
        }),
        EventPayload::SupplementReceived {
            components,
            new_due_at,
            on_time_due_at,
        } => {
            d.components = merge_components(&d.components, components);
            let fallback = if d.received_at.is_some() {
                S::Received
            } else {
                S::Submitted
            };
            d.status = d.resume_to.take().unwrap_or(LocalStatus::plain(fallback));
            if d.received_at.is_some() && new_due_at.is_some() {
                d.due_at = *new_due_at;
                // Without extensions the on-time due date is the new due
                // date itself; with them, the one the clock computed.
                d.on_time_due_at = match on_time_due_at {
                    Some(due) => Some(*due),
                    None if d.extensions.is_empty() => *new_due_at,
                    None => d.on_time_due(),
                };
            }
            close_pause(d, event);
            mark(d, MilestoneKind::SupplementCompleted, event);
        }
        EventPayload::PaymentRequested { fees } => {
            d.fees.extend(fees.iter().cloned());
            d.resume_to = Some(d.status);
            d.status = LocalStatus::plain(S::AwaitingPayment);
        }
        EventPayload::PaymentRecorded { payment } => {
            d.payments.push(payment.clone());
            if d.status.status == S::AwaitingPayment && d.outstanding_vnd() == 0 {
                d.status = d
                    .resume_to
                    .take()
                    .unwrap_or(LocalStatus::plain(S::Received));
            }
        }
        EventPayload::Transferred {
            to_agency,
            agency_due_at,
            ..
        } => {
            close_clock(d, event);
            d.current_agency = to_agency.clone();
            d.agency_clocks.push(AgencyClock {
                agency: to_agency.clone(),
                started_at: at,
                due_at: Some(*agency_due_at),
                ended_at: None,
                accepted_at: None,
            });
            d.status = d.processing_status();
        }
        EventPayload::TransferAccepted { agency_due_at, .. } => {
            let holder = d.current_agency.clone();
            if let Some(clock) = d
                .agency_clocks
                .iter_mut()
                .rev()
                .find(|c| c.ended_at.is_none() && c.agency == holder)
            {
                clock.accepted_at = Some(at);
                clock.due_at = Some(*agency_due_at);
            }
        }
        EventPayload::ProgressReported { agency, progress } => {
            d.progress.push(ProgressRecord {
                at,
                agency: agency.clone(),
                progress: progress.clone(),
            });
        }
        EventPayload::TransferDeclined {
            from_agency,
            to_agency,
            reason,
        } => {
            d.declines.push(Decline {
                at,
                from_agency: from_agency.clone(),
                reason: reason.clone(),
            });
            close_clock(d, event);
            d.current_agency = to_agency.clone();
            // The dossier comes back to an agency that already held it:
            // nothing to acknowledge, and the dossier's own due date holds.
            d.agency_clocks.push(AgencyClock {
                agency: to_agency.clone(),
                started_at: at,
                due_at: d.due_at,
                ended_at: None,
                accepted_at: Some(at),
            });
            d.status = d.processing_status();
        }
        EventPayload::ProcessingStopped { .. } => {
            d.status = LocalStatus::plain(S::Stopped);
            close_pause(d, event);
            close_clock(d, event);
            mark(d, MilestoneKind::Stopped, event);
            settle_late(d, at);
        }
        EventPayload::Extended {
            reason,
            previous_due_at,
            new_due_at,
        } => {
            // An apology alone is not lateness (facts sheet §2.5): the
            // verdict is settled at the end event against the on-time due
            // date, which an extension does not move.
            d.extensions.push(Extension {
                at,
                reason: reason.clone(),
                previous_due_at: *previous_due_at,
                new_due_at: *new_due_at,
            });
            d.due_at = Some(*new_due_at);
            mark(d, MilestoneKind::Extended, event);
        }
        EventPayload::ResultReady { documents } => {
            d.results.extend(documents.iter().cloned());
            d.status = LocalStatus::plain(S::ResultReady);
            close_clock(d, event);
            mark(d, MilestoneKind::ResultReady, event);
            settle_late(d, at);
        }
        EventPayload::ResultReturned { .. } => {
            d.status = LocalStatus::plain(S::Returned);
            d.returned_at = Some(at);
            mark(d, MilestoneKind::Returned, event);
            settle_late(d, at);
        }
        EventPayload::Withdrawn { .. } => {
            d.status = LocalStatus::plain(S::Withdrawn);
            close_pause(d, event);
            close_clock(d, event);
            mark(d, MilestoneKind::Withdrawn, event);
            settle_late(d, at);
        }
        EventPayload::Rated { rating, .. } => d.rating = Some(*rating),
    }
}
