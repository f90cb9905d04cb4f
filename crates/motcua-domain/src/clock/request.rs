//! What the clock is asked: the receipt, the limit, the procedure's
//! reception rules, and the dossier's pauses and extensions.

use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::legal_time::TimeLimit;

/// A procedure's reception rules (configurable per procedure: no general
/// national rule was found, see `docs/decisions/0004-legal-clock.md`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReceptionRules {
    /// Local cut-off time (e.g. 15:00 for same-day hộ tịch): a dossier
    /// received at or after it counts from the next working day.
    pub cutoff: Option<NaiveTime>,
    /// Whether a receipt in the morning window of an ordinary Saturday counts
    /// as a reception day (cư trú procedures at the police).
    pub saturday_morning_reception: bool,
}

/// The clock stopped for a supplement (yêu cầu bổ sung → đã bổ sung).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pause {
    /// When the supplement was requested.
    pub requested_at: DateTime<Utc>,
    /// When the supplement was received; `None` while still waiting.
    pub resumed_at: Option<DateTime<Utc>>,
}

/// An extension (form 04, phiếu xin lỗi và hẹn lại ngày trả kết quả): the
/// due instant is replaced.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Extension {
    /// When the new appointment was issued.
    pub granted_at: DateTime<Utc>,
    /// The new due instant.
    pub new_due: DateTime<Utc>,
    /// The reason given on the form.
    pub reason: String,
}

/// Everything the clock needs about one dossier.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClockRequest {
    /// When the complete, valid dossier was received.
    pub received_at: DateTime<Utc>,
    /// The procedure's time limit.
    pub limit: TimeLimit,
    /// The procedure's reception rules.
    pub reception: ReceptionRules,
    /// Supplement pauses, in any order; they must not overlap.
    pub pauses: Vec<Pause>,
    /// Extensions, in any order.
    pub extensions: Vec<Extension>,
    /// Province whose office hours apply (`None` = default hours).
    pub province: Option<String>,
}

impl ClockRequest {
    /// A request with no pauses, no extensions, default rules and hours.
    pub fn new(received_at: DateTime<Utc>, limit: TimeLimit) -> Self {
        Self {
            received_at,
            limit,
            reception: ReceptionRules::default(),
            pauses: Vec::new(),
            extensions: Vec::new(),
            province: None,
        }
    }
}
