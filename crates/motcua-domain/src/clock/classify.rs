//! Early / on time / late, for form 06 and the Decision 766 on-time rule.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::local::to_local;

/// How a completion compares with its due instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Trước hạn: completed on a local calendar day before the due day.
    Early,
    /// Đúng hạn: completed on the due day, at or before the due instant.
    OnTime,
    /// Quá hạn: completed after the due instant.
    Late,
}

/// Classifies a completion instant against a due instant.
///
/// "Early" is decided by local (UTC+7) calendar day: finishing at 16:00 on
/// the due day is on time, finishing the day before is early. Both count as
/// on time for Decision 766 ("trước hạn, đúng hạn").
pub fn classify_completion(completed_at: DateTime<Utc>, due_at: DateTime<Utc>) -> Timeliness {
    if completed_at > due_at {
        Timeliness::Late
    } else if to_local(completed_at).date() < to_local(due_at).date() {
        Timeliness::Early
    } else {
        Timeliness::OnTime
    }
}

impl Timeliness {
    /// Whether this counts as on time for Decision 766 (early or on time).
    pub fn is_on_time(self) -> bool {
        !matches!(self, Timeliness::Late)
    }
}
