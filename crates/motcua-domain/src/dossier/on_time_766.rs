//! Whether a dossier was handled on time under Decision 766/QĐ-TTg
//! (indicator 2.1, "hồ sơ xử lý trước hạn, đúng hạn").
//!
//! The rules follow the portal's own formula description as reproduced by
//! integrators (secondary source, see ADR 0006):
//! 1. the end is the first "đã xử lý xong" (9), else the first "đã trả kết
//!    quả" (10), else the first stop or refusal (8, 3);
//! 2. time waiting for a supplement is subtracted;
//! 3. if the only end is a pending supplement request, its time is the end;
//!    more than one supplement request means late;
//! 4. without a due date, end − start − supplement time must not exceed the
//!    statutory maximum;
//! 5. a dossier still open at the end of the period ends at the period end.
//!
//! Also late: any apology-and-extension (form 04). Withdrawal (7) is not
//! named by the rule; it is treated like a stop here (unverified).

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
    /// Apology and extension (form 04).
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
    /// An apology-and-extension was issued.
    Extended,
    /// End minus supplement time is after the due date.
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
    /// Time spent waiting for supplements inside [start, end].
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
}

/// Evaluates a dossier's history under the 766 rules.
///
/// `due_at` is the due date fixed at reception (`NgayHenTra`), before any
/// shift for supplements: supplement time is subtracted from the end
/// instead. `max_statutory` is the legal time limit already turned into a
/// duration by the legal clock. Milestones after `period_end` are ignored.
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
    let extended = seen.iter().any(|m| m.kind == MilestoneKind::Extended);
    if requests > 1 {
        return OnTimeVerdict::Late(span, LateReason::MultipleSupplements);
    }
    if extended {
        return OnTimeVerdict::Late(span, LateReason::Extended);
    }
    let net_end = end - supplement_wait;
    match (due_at, max_statutory) {
        (Some(due), _) if net_end <= due => OnTimeVerdict::OnTime(span),
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
