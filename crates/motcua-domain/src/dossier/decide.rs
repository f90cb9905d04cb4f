//! `decide`: a pure function from the current state and a command to the
//! events it causes, or a [`Refusal`].

use chrono::{DateTime, Utc};

use super::applicant::Channel;
use super::command::{Action, ActionKind, Command, Intake};
use super::event::{Event, EventPayload};
use super::parts::{merge_components, missing_required};
use super::records::{ControlRecord, classify_handover};
use super::refusal::{Refusal, RefusalCode};
use super::state::Dossier;
use super::status::{DossierStatus as S, LocalStatus, SubStatus};

/// Whether an action may be applied to a dossier in `status`. Creating
/// actions are never allowed on an existing dossier. This table is shared
/// by [`decide`] and [`super::evolve()`].
pub fn is_allowed(kind: ActionKind, status: LocalStatus) -> bool {
    let s = status.status;
    match kind {
        ActionKind::SubmitOnline | ActionKind::ReceiveNew | ActionKind::RefuseNew => false,
        ActionKind::Receive => s == S::Submitted,
        ActionKind::RefuseReception => {
            s == S::Submitted
                || status == LocalStatus::new(S::AwaitingSupplement, SubStatus::BeforeReception)
        }
        ActionKind::HandOver | ActionKind::Transfer => matches!(s, S::Received | S::Processing),
        ActionKind::AcceptTransfer | ActionKind::DeclineTransfer => {
            status == LocalStatus::new(S::Processing, SubStatus::Transferred)
        }
        ActionKind::ReportProgress => matches!(s, S::Received | S::Processing),
        ActionKind::RequestSupplement => matches!(s, S::Submitted | S::Received | S::Processing),
        ActionKind::SendSupplement | ActionKind::ResumeAfterSupplement => {
            s == S::AwaitingSupplement
        }
        ActionKind::RequestPayment => matches!(s, S::Received | S::Processing | S::ResultReady),
        ActionKind::RecordPayment => {
            matches!(
                s,
                S::Submitted | S::Received | S::Processing | S::AwaitingPayment | S::ResultReady
            )
        }
        ActionKind::Stop => {
            matches!(s, S::Received | S::Processing | S::AwaitingPayment)
                || status == LocalStatus::new(S::AwaitingSupplement, SubStatus::DuringProcessing)
        }
        ActionKind::ApologiseAndExtend => {
            matches!(s, S::Received | S::Processing | S::AwaitingPayment)
        }
        ActionKind::MarkResultReady => matches!(s, S::Received | S::Processing),
        ActionKind::ReturnResult => s == S::ResultReady,
        ActionKind::Withdraw => {
            matches!(
                s,
                S::Submitted
                    | S::Received
                    | S::Processing
                    | S::AwaitingSupplement
                    | S::AwaitingPayment
            )
        }
        ActionKind::Rate => s == S::Returned,
    }
}

/// Decides what a command does to a dossier (`None` before it exists).
///
/// Returns the events to append (exactly one for an accepted command), or
/// an empty list when the command's idempotency key was already applied.
/// Never panics; `now` is the instant recorded on the events.
pub fn decide(
    state: Option<&Dossier>,
    command: &Command,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, Refusal> {
    let kind = command.action.kind();
    let payload = match state {
        Some(d) if d.idempotency_keys.contains(&command.idempotency_key) => return Ok(Vec::new()),
        None if kind.creates() => create(&command.action, now)?,
        None => return Err(Refusal::no_dossier()),
        Some(_) if kind.creates() => return Err(Refusal::already_exists()),
        Some(d) if !is_allowed(kind, d.status) => return Err(Refusal::not_allowed(kind, d.status)),
        Some(d) => change(d, command, now)?,
    };
    Ok(vec![Event {
        version: state.map_or(1, |d| d.version + 1),
        actor: command.actor.clone(),
        at: now,
        idempotency_key: command.idempotency_key.clone(),
        payload,
    }])
}

fn require_text(text: &str) -> Result<(), Refusal> {
    if text.trim().is_empty() {
        Err(Refusal::reason_required())
    } else {
        Ok(())
    }
}

fn require_future(due: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), Refusal> {
    if due > now {
        Ok(())
    } else {
        Err(Refusal::due_in_past())
    }
}

fn require_complete(components: &[super::parts::Component]) -> Result<(), Refusal> {
    let missing = missing_required(components);
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Refusal::checklist_incomplete(&missing))
    }
}

fn wrong_channel(vi: &str, en: &str) -> Refusal {
    Refusal::new(RefusalCode::WrongChannel, vi, en)
}

fn create(action: &Action, now: DateTime<Utc>) -> Result<EventPayload, Refusal> {
    match action {
        Action::SubmitOnline { intake } => {
            if intake.channel != Channel::Online {
                return Err(wrong_channel(
                    "Chỉ hồ sơ nộp trực tuyến mới ở trạng thái mới đăng ký",
                    "Only online filings start as submitted",
                ));
            }
            Ok(EventPayload::Submitted {
                intake: intake.clone(),
            })
        }
        Action::ReceiveNew { intake, due_at } => receive_new(intake, *due_at, now),
        Action::RefuseNew { intake, reason } => {
            if intake.channel == Channel::Online {
                return Err(wrong_channel(
                    "Hồ sơ trực tuyến được nộp trước rồi mới từ chối tiếp nhận",
                    "An online dossier is submitted first, then refused",
                ));
            }
            require_text(reason)?;
            Ok(EventPayload::ReceptionRefused {
                reason: reason.clone(),
                intake: Some(intake.clone()),
            })
        }
        _ => Err(Refusal::no_dossier()),
    }
}

fn receive_new(
    intake: &Intake,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<EventPayload, Refusal> {
    if intake.channel == Channel::Online {
        return Err(wrong_channel(
            "Hồ sơ trực tuyến phải được nộp trước rồi mới tiếp nhận",
            "An online dossier must be submitted before it is received",
        ));
    }
    require_complete(&intake.components)?;
    require_future(due_at, now)?;
    Ok(EventPayload::Received {
        intake: Some(Box::new(intake.clone())),
        components: intake.components.clone(),
        due_at,
    })
}

fn change(d: &Dossier, command: &Command, now: DateTime<Utc>) -> Result<EventPayload, Refusal> {
    match &command.action {
        Action::SubmitOnline { .. } | Action::ReceiveNew { .. } | Action::RefuseNew { .. } => {
            Err(Refusal::already_exists())
        }
        Action::Receive { checked, due_at } => {
            let components = merge_components(&d.components, checked);
            require_complete(&components)?;
            require_future(*due_at, now)?;
            Ok(EventPayload::Received {
                intake: None,
                components,
                due_at: *due_at,
            })
        }
        Action::RefuseReception { reason } => {
            require_text(reason)?;
            Ok(EventPayload::ReceptionRefused {
                reason: reason.clone(),
                intake: None,
            })
        }
        Action::HandOver { to, step_deadline } => {
            if to.trim().is_empty() {
                return Err(Refusal::nothing_listed(
                    "người hoặc đơn vị nhận",
                    "recipient",
                ));
            }
            let record = ControlRecord {
                step: d.step.saturating_add(1),
                handed_over_by: command.actor.clone(),
                received_by: to.clone(),
                at: now,
                step_deadline: *step_deadline,
                timeliness: classify_handover(now, *step_deadline),
            };
            Ok(EventPayload::HandedOver { record })
        }
        Action::RequestSupplement { reason, missing } => {
            require_text(reason)?;
            if missing.iter().all(|m| m.trim().is_empty()) {
                return Err(Refusal::nothing_listed(
                    "giấy tờ cần bổ sung",
                    "document to supply",
                ));
            }
            Ok(EventPayload::SupplementRequested {
                reason: reason.clone(),
                missing: missing.clone(),
                counts_late: d.supplement_count >= 1,
            })
        }
        Action::SendSupplement { files } => {
            if files.is_empty() || files.iter().any(|f| f.id.trim().is_empty()) {
                return Err(Refusal::nothing_listed("tệp bổ sung", "supplement file"));
            }
            Ok(EventPayload::SupplementSent {
                files: files.clone(),
            })
        }
        Action::ResumeAfterSupplement {
            components,
            new_due_at,
            on_time_due_at,
        } => {
            if d.received_at.is_some() {
                let due = new_due_at.ok_or_else(|| {
                    Refusal::new(
                        RefusalCode::DueDateRequired,
                        "Phải ghi ngày hẹn trả mới khi nhận hồ sơ bổ sung",
                        "A new due date is required when the supplement is received",
                    )
                })?;
                require_future(due, now)?;
            }
            Ok(EventPayload::SupplementReceived {
                components: components.clone(),
                new_due_at: *new_due_at,
                on_time_due_at: on_time_due_at.filter(|_| d.received_at.is_some()),
            })
        }
        Action::RequestPayment { fees } => {
            if fees.is_empty() {
                return Err(Refusal::nothing_listed("khoản phí, lệ phí", "fee line"));
            }
            if fees.iter().all(|f| f.amount_vnd == 0) {
                return Err(invalid_amount());
            }
            Ok(EventPayload::PaymentRequested { fees: fees.clone() })
        }
        Action::RecordPayment { payment } => {
            if payment.amount_vnd == 0 {
                return Err(invalid_amount());
            }
            Ok(EventPayload::PaymentRecorded {
                payment: payment.clone(),
            })
        }
        Action::Transfer {
            to_agency,
            agency_due_at,
        } => {
            if *to_agency == d.current_agency {
                return Err(Refusal::new(
                    RefusalCode::SameAgency,
                    "Hồ sơ đang ở chính cơ quan được chuyển đến",
                    "The dossier is already at that agency",
                ));
            }
            require_future(*agency_due_at, now)?;
            Ok(EventPayload::Transferred {
                from_agency: d.current_agency.clone(),
                to_agency: to_agency.clone(),
                agency_due_at: *agency_due_at,
            })
        }
        Action::AcceptTransfer { agency_due_at } => {
            if !d.awaiting_acceptance() {
                return Err(Refusal::new(
                    RefusalCode::AlreadyAccepted,
                    "Cơ quan đã xác nhận tiếp nhận hồ sơ này",
                    "The agency already accepted this dossier",
                ));
            }
            require_future(*agency_due_at, now)?;
            Ok(EventPayload::TransferAccepted {
                agency: d.current_agency.clone(),
                agency_due_at: *agency_due_at,
            })
        }
        Action::ReportProgress { progress } => {
            if d.awaiting_acceptance() {
                return Err(Refusal::not_accepted());
            }
            if !progress.is_complete() {
                return Err(Refusal::nothing_listed(
                    "nội dung tiến độ (bước đã xong hoặc ghi chú)",
                    "progress text (the step done, or the note)",
                ));
            }
            Ok(EventPayload::ProgressReported {
                agency: d.current_agency.clone(),
                progress: progress.clone(),
            })
        }
        Action::DeclineTransfer { reason } => {
            require_text(reason)?;
            Ok(EventPayload::TransferDeclined {
                from_agency: d.current_agency.clone(),
                to_agency: d.transferred_from(),
                reason: reason.clone(),
            })
        }
        Action::Stop { reason } => {
            require_text(reason)?;
            Ok(EventPayload::ProcessingStopped {
                reason: reason.clone(),
            })
        }
        Action::ApologiseAndExtend { reason, new_due_at } => {
            require_text(reason)?;
            if d.due_at.is_some_and(|due| *new_due_at <= due) {
                return Err(Refusal::new(
                    RefusalCode::ExtensionNotLater,
                    "Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại",
                    "The new due date must be after the current one",
                ));
            }
            require_future(*new_due_at, now)?;
            Ok(EventPayload::Extended {
                reason: reason.clone(),
                previous_due_at: d.due_at,
                new_due_at: *new_due_at,
            })
        }
        Action::MarkResultReady { documents } => {
            if documents.is_empty() {
                return Err(Refusal::nothing_listed(
                    "giấy tờ kết quả",
                    "result document",
                ));
            }
            Ok(EventPayload::ResultReady {
                documents: documents.clone(),
            })
        }
        Action::ReturnResult { method } => {
            if d.outstanding_vnd() > 0 {
                return Err(Refusal::new(
                    RefusalCode::FeesUnpaid,
                    format!(
                        "Chưa nộp đủ phí, lệ phí: còn thiếu {}",
                        crate::format::dong(d.outstanding_vnd())
                    ),
                    format!(
                        "Fees are unpaid: {} VND outstanding",
                        crate::format::thousands(d.outstanding_vnd(), ',')
                    ),
                ));
            }
            Ok(EventPayload::ResultReturned { method: *method })
        }
        Action::Withdraw { reason } => {
            require_text(reason)?;
            Ok(EventPayload::Withdrawn {
                reason: reason.clone(),
            })
        }
        Action::Rate { rating, comment } => {
            if d.rating.is_some() {
                return Err(Refusal::new(
                    RefusalCode::AlreadyRated,
                    "Hồ sơ đã được đánh giá",
                    "The dossier was already rated",
                ));
            }
            Ok(EventPayload::Rated {
                rating: *rating,
                comment: comment.clone(),
            })
        }
    }
}

fn invalid_amount() -> Refusal {
    Refusal::new(
        RefusalCode::InvalidAmount,
        "Số tiền phải lớn hơn 0",
        "The amount must be greater than zero",
    )
}
