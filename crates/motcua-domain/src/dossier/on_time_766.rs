//! Whether a dossier was handled on time under Decision 766/QĐ-TTg
//! (indicator 2.1, "hồ sơ xử lý trước hạn, đúng hạn"): **the one on-time
//! rule** of motcua. The portal summary (and so the hub's totals), the
//! leader page and the dossier's own `counts_late` flag all come from
//! [`super::Dossier::on_time`], which calls [`evaluate_on_time`].
//!
//! The rules follow the portal's own formula description as reproduced by
//! integrators (secondary source, facts sheet §2.5, see ADR 0006):
//! 1. the end is the first "đã xử lý xong" (9), else the first "đã trả kết
//!    quả" (10), else the first stop or refusal (8, 3);
//! 2. time waiting for a supplement is subtracted;
//! 3. if the only end is a pending supplement request, its time is the end;
//!    more than one supplement request means late;
//! 4. without a due date, end − start − supplement time must not exceed the
//!    statutory maximum;
//! 5. a dossier still open at the end of the period ends at the period end.
//!
//! How motcua applies rule 2: the waiting time is subtracted *by the legal
//! clock*, i.e. the due date is moved across each pause by the working days
//! that elapsed (ADR 0004), exactly as the due date shown to staff. The due
//! date given here is that moved date, so the desk, the leader page and the
//! portal verdict cannot disagree after a pause across closing time.
//! Subtracting the raw wall-clock wait from the end instead would make a
//! dossier paused Monday 16:00 → Tuesday 08:00 late on Wednesday afternoon
//! while its displayed due date is Wednesday 17:00.
//!
//! An apology and extension (form 04) does not by itself make a dossier
//! late: the verdict compares the end with the due date *before* any
//! extension (moved by pauses only), so a dossier extended but finished by
//! that date is on time, and one finished after it is late whatever its new
//! appointment. Withdrawal (7) is not named by the rule; it is treated like a
//! stop here (unverified).

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// A dated fact that matters to the 766 evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneKind {
    /// Filed online (1); not a start.
    Submitted,
    /// Received (2): the start.
    Received,
    /// Refused at reception (3).
    RefusedAtReception,
    /// Supplement requested (5).
    SupplementRequested,
    /// Supplement completed (hoàn thành bổ sung).
    SupplementCompleted,
    /// Withdrawn (7).
    Withdrawn,
    /// Processing stopped (8).
    Stopped,
    /// Result ready (9).
    ResultReady,
    /// Result returned (10).
    Returned,
    /// Apology and extension (form 04): recorded, not itself a verdict.
    Extended,
}

/// One dated milestone of a dossier's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    /// What happened.
    pub kind: MilestoneKind,
    /// When.
    pub at: DateTime<Utc>,
}

/// Which rule chose the end instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndKind {
    /// First "đã xử lý xong" (9).
    ResultReady,
    /// First "đã trả kết quả" (10).
    Returned,
    /// First stop, refusal or withdrawal.
    StoppedOrRefused,
    /// A pending supplement request (rule 3).
    SupplementPending,
    /// Still open at the end of the period (rule 5).
    PeriodEnd,
}

/// Why a dossier counts as late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LateReason {
    /// More than one supplement request.
    MultipleSupplements,
    /// The end is after the due date (moved across supplement pauses).
    AfterDue,
    /// Without a due date, net elapsed time exceeds the statutory maximum.
    BeyondStatutory,
}

/// The evaluated span of a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Reception instant.
    pub start: DateTime<Utc>,
    /// End instant.
    pub end: DateTime<Utc>,
    /// Which rule chose the end.
    pub end_kind: EndKind,
    /// Wall-clock time spent waiting for supplements inside [start, end]
    /// (for display; with a due date the wait is already in the moved due
    /// date, see the module documentation).
    pub supplement_wait: TimeDelta,
}

/// The verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OnTimeVerdict {
    /// Trước hạn or đúng hạn.
    OnTime(Span),
    /// Quá hạn.
    Late(Span, LateReason),
    /// Neither a due date nor a statutory maximum was given.
    NoDeadline(Span),
    /// Never received by the period end: not in the indicator.
    NotReceived,
}

impl OnTimeVerdict {
    /// Whether the dossier counts as on time.
    pub fn is_on_time(&self) -> bool {
        matches!(self, Self::OnTime(_))
    }

    /// Whether the dossier counts as late (quá hạn).
    pub fn is_late(&self) -> bool {
        matches!(self, Self::Late(..))
    }
}

/// Evaluates a dossier's history under the 766 rules.
///
/// `due_at` is the due date fixed at reception **moved across the closed
/// supplement pauses by the legal clock** (the due date shown to staff,
/// without extensions): the waiting time is in it, and is not subtracted
/// again. Only without a due date (rule 4) is the wall-clock waiting time
/// subtracted before comparing with `max_statutory`, the legal time limit
/// already turned into a duration. Milestones after `period_end` are
/// ignored; an apology-and-extension milestone changes nothing.
pub fn evaluate_on_time(
    history: &[Milestone],
    due_at: Option<DateTime<Utc>>,
    max_statutory: Option<TimeDelta>,
    period_end: DateTime<Utc>,
) -> OnTimeVerdict {
    let mut seen: Vec<Milestone> = history
        .iter()
        .copied()
        .filter(|m| m.at <= period_end)
        .collect();
    seen.sort_by_key(|m| m.at);
    let first =
        |kinds: &[MilestoneKind]| seen.iter().find(|m| kinds.contains(&m.kind)).map(|m| m.at);
    let Some(start) = first(&[MilestoneKind::Received]) else {
        return OnTimeVerdict::NotReceived;
    };
    let closing = [
        MilestoneKind::Stopped,
        MilestoneKind::RefusedAtReception,
        MilestoneKind::Withdrawn,
    ];
    let pending_request = seen
        .iter()
        .rev()
        .find(|m| {
            matches!(
                m.kind,
                MilestoneKind::SupplementRequested | MilestoneKind::SupplementCompleted
            )
        })
        .filter(|m| m.kind == MilestoneKind::SupplementRequested)
        .map(|m| m.at);
    let (end, end_kind) = first(&[MilestoneKind::ResultReady])
        .map(|t| (t, EndKind::ResultReady))
        .or_else(|| first(&[MilestoneKind::Returned]).map(|t| (t, EndKind::Returned)))
        .or_else(|| first(&closing).map(|t| (t, EndKind::StoppedOrRefused)))
        .or_else(|| pending_request.map(|t| (t, EndKind::SupplementPending)))
        .unwrap_or((period_end, EndKind::PeriodEnd));
    let end = end.max(start);

    let mut supplement_wait = TimeDelta::zero();
    let mut requests = 0u32;
    let mut open: Option<DateTime<Utc>> = None;
    for m in &seen {
        match m.kind {
            MilestoneKind::SupplementRequested => {
                requests += 1;
                open = Some(m.at);
            }
            MilestoneKind::SupplementCompleted => {
                if let Some(from) = open.take() {
                    supplement_wait += overlap(from, m.at, start, end);
                }
            }
            _ => {}
        }
    }
    if let Some(from) = open {
        supplement_wait += overlap(from, end, start, end);
    }
    let span = Span {
        start,
        end,
        end_kind,
        supplement_wait,
    };
    if requests > 1 {
        return OnTimeVerdict::Late(span, LateReason::MultipleSupplements);
    }
    let net_end = end - supplement_wait;
    match (due_at, max_statutory) {
        (Some(due), _) if end <= due => OnTimeVerdict::OnTime(span),
        (Some(_), _) => OnTimeVerdict::Late(span, LateReason::AfterDue),
        (None, Some(max)) if net_end - start <= max => OnTimeVerdict::OnTime(span),
        (None, Some(_)) => OnTimeVerdict::Late(span, LateReason::BeyondStatutory),
        (None, None) => OnTimeVerdict::NoDeadline(span),
    }
}

/// Length of [a, b] ∩ [lo, hi], zero when they do not meet.
fn overlap(a: DateTime<Utc>, b: DateTime<Utc>, lo: DateTime<Utc>, hi: DateTime<Utc>) -> TimeDelta {
    let from = a.max(lo);
    let to = b.min(hi);
    if to > from {
        to - from
    } else {
        TimeDelta::zero()
    }
}
