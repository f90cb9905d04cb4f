//! Records kept along the way: the process-control sheet (form 06),
//! per-agency clocks for liên thông, clock pauses and extensions.

use chrono::{DateTime, FixedOffset, Offset, Utc};
use serde::{Deserialize, Serialize};

use super::command::Actor;
use super::ids::AgencyId;
use super::progress::Progress;

/// Whether a step finished trước hạn / đúng hạn / quá hạn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Trước hạn: handed over on a day before the deadline's day.
    Early,
    /// Đúng hạn: handed over on the deadline's day, not after the deadline.
    OnTime,
    /// Quá hạn: handed over after the deadline.
    Late,
}

/// Vietnam's offset (UTC+7, no daylight saving).
fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or(Utc.fix())
}

/// Classifies a hand-over against the step's deadline, comparing calendar
/// days in Vietnam time. The day granularity is a local choice: form 06
/// has the three columns but the circular's text was not found.
pub fn classify_handover(at: DateTime<Utc>, deadline: DateTime<Utc>) -> Timeliness {
    if at > deadline {
        Timeliness::Late
    } else if at.with_timezone(&vietnam()).date_naive()
        < deadline.with_timezone(&vietnam()).date_naive()
    {
        Timeliness::Early
    } else {
        Timeliness::OnTime
    }
}

/// One line of the process-control sheet (Phiếu kiểm soát quá trình giải
/// quyết hồ sơ, form 06).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlRecord {
    /// The step being handed over (1 = from the desk).
    pub step: u16,
    /// Who handed over (bên giao).
    pub handed_over_by: Actor,
    /// Who received (bên nhận).
    pub received_by: String,
    /// When (giao và nhận are recorded at the same instant).
    pub at: DateTime<Utc>,
    /// The step's deadline.
    pub step_deadline: DateTime<Utc>,
    /// Trước hạn / đúng hạn / quá hạn.
    pub timeliness: Timeliness,
}

/// One agency's share of a dossier's time under liên thông.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyClock {
    /// The agency.
    pub agency: AgencyId,
    /// When it took the dossier.
    pub started_at: DateTime<Utc>,
    /// Its own due instant, if one was set.
    pub due_at: Option<DateTime<Utc>>,
    /// When it passed the dossier on or finished.
    pub ended_at: Option<DateTime<Utc>>,
    /// When it acknowledged a dossier transferred to it (liên thông); its
    /// due instant is then counted from here. `None` until then, and for
    /// the clock started at reception.
    #[serde(default)]
    pub accepted_at: Option<DateTime<Utc>>,
}

impl AgencyClock {
    /// Whether the agency finished (or is still working) after its due
    /// instant, as seen at `now`.
    pub fn is_late(&self, now: DateTime<Utc>) -> bool {
        self.due_at
            .is_some_and(|due| self.ended_at.unwrap_or(now) > due)
    }
}

/// A pause of the legal clock while waiting for a supplement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    /// When the supplement was requested.
    pub from: DateTime<Utc>,
    /// When it was received; `None` while waiting.
    pub until: Option<DateTime<Utc>>,
}

/// An apology-and-extension (form 04).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// When it was issued.
    pub at: DateTime<Utc>,
    /// Reason for the delay.
    pub reason: String,
    /// The due instant before (`NgayHenTraTruoc`).
    pub previous_due_at: Option<DateTime<Utc>>,
    /// The new due instant (`NgayHenTraMoi`).
    pub new_due_at: DateTime<Utc>,
}

/// Progress an agency reported (for officers: it may name people).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressRecord {
    /// When.
    pub at: DateTime<Utc>,
    /// The reporting agency.
    pub agency: AgencyId,
    /// The report.
    pub progress: Progress,
}

/// A transferred dossier sent back by the agency it was transferred to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decline {
    /// When.
    pub at: DateTime<Utc>,
    /// The declining agency.
    pub from_agency: AgencyId,
    /// Lý do.
    pub reason: String,
}

/// One file the applicant sent as a supplement (already stored as an
/// attachment of the dossier; the event names it, never holds its bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppliedFile {
    /// The stored attachment's identifier.
    pub id: String,
    /// The component it is for (`TP1`...).
    pub component: String,
}

/// A supplement the applicant sent while the dossier awaits one, not yet
/// confirmed by an officer (the sub-state "công dân đã gửi bổ sung").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentSupplement {
    /// When it was sent.
    pub at: DateTime<Utc>,
    /// The files sent.
    pub files: Vec<SuppliedFile>,
}
