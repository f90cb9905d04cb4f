//! The deadlines of feedback (one-stop rules §2.9) as data with effective
//! dates: `reference/feedback/deadlines.toml`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::WorkingCalendar;
use crate::clock::{ClockError, ClockRequest, compute_due, to_local};
use crate::legal_time::TimeLimit;

/// The embedded deadline file.
pub const DEADLINES_TOML: &str = include_str!("../../../../reference/feedback/deadlines.toml");

/// One set of deadlines, in working days, from its effective date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineSet {
    /// First local day of receipt the set applies to (`YYYY-MM-DD`).
    pub effective_from: NaiveDate,
    /// Where the numbers come from.
    pub source: String,
    /// Refuse within (từ chối tiếp nhận).
    pub refuse_working_days: u32,
    /// Request a supplement within (yêu cầu bổ sung).
    pub supplement_working_days: u32,
    /// Answer within (xử lý, trả lời).
    pub resolve_working_days: u32,
    /// Publish the answer within, counted from the answer.
    pub publish_working_days: u32,
}

#[derive(Deserialize)]
struct File {
    rule_set: Vec<DeadlineSet>,
}

/// The deadline sets, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineRules {
    sets: Vec<DeadlineSet>,
}

/// A deadline file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Tệp thời hạn phản ánh, kiến nghị không hợp lệ / invalid feedback deadlines: {0}")]
pub struct DeadlineFileError(pub String);

impl DeadlineRules {
    /// Parses a deadline file; at least one set, no two with the same date.
    pub fn parse(toml_text: &str) -> Result<Self, DeadlineFileError> {
        let file: File = toml::from_str(toml_text).map_err(|e| DeadlineFileError(e.to_string()))?;
        let mut sets = file.rule_set;
        if sets.is_empty() {
            return Err(DeadlineFileError("no [[rule_set]]".into()));
        }
        sets.sort_by_key(|s| s.effective_from);
        if sets
            .windows(2)
            .any(|w| w[0].effective_from == w[1].effective_from)
        {
            return Err(DeadlineFileError("two sets with one effective date".into()));
        }
        Ok(Self { sets })
    }

    /// The embedded file (`reference/feedback/deadlines.toml`).
    pub fn embedded() -> Result<Self, DeadlineFileError> {
        Self::parse(DEADLINES_TOML)
    }

    /// The set in force on the local day `day` (the oldest set before its
    /// date, so a feedback is never without deadlines).
    pub fn in_force(&self, day: NaiveDate) -> &DeadlineSet {
        self.sets
            .iter()
            .rev()
            .find(|s| s.effective_from <= day)
            .unwrap_or(&self.sets[0])
    }

    /// Every set, oldest first.
    pub fn sets(&self) -> &[DeadlineSet] {
        &self.sets
    }
}

/// The deadlines of one receipt (or of a receipt again after a supplement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    /// Refuse by.
    pub refuse_by: DateTime<Utc>,
    /// Request a supplement by.
    pub supplement_by: DateTime<Utc>,
    /// Answer by.
    pub answer_by: DateTime<Utc>,
}

/// `n` working days after `at` on the legal clock (end of office day).
pub fn working_days_after(
    cal: &WorkingCalendar,
    at: DateTime<Utc>,
    n: u32,
) -> Result<DateTime<Utc>, ClockError> {
    let due = compute_due(cal, &ClockRequest::new(at, TimeLimit::working_days(n)))?;
    // A request without pauses always has a due instant.
    Ok(due.due_at.unwrap_or(at))
}

impl DeadlineRules {
    /// The deadlines of a receipt at `at`, by the set in force that day.
    pub fn due_from(&self, cal: &WorkingCalendar, at: DateTime<Utc>) -> Result<Due, ClockError> {
        let set = self.in_force(to_local(at).date());
        Ok(Due {
            refuse_by: working_days_after(cal, at, set.refuse_working_days)?,
            supplement_by: working_days_after(cal, at, set.supplement_working_days)?,
            answer_by: working_days_after(cal, at, set.resolve_working_days)?,
        })
    }

    /// The deadline to publish an answer given at `at`, by the set in force
    /// on the day of the feedback's first receipt.
    pub fn publish_by(
        &self,
        cal: &WorkingCalendar,
        received_at: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, ClockError> {
        let set = self.in_force(to_local(received_at).date());
        working_days_after(cal, at, set.publish_working_days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_file_has_the_deadlines_of_the_facts_sheet() {
        let rules = DeadlineRules::embedded().unwrap();
        let set = rules.in_force(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(
            (
                set.refuse_working_days,
                set.supplement_working_days,
                set.resolve_working_days,
                set.publish_working_days
            ),
            (2, 5, 15, 2)
        );
        assert!(!set.source.is_empty());
    }

    #[test]
    fn a_later_set_applies_from_its_effective_date() {
        let text = format!(
            "{DEADLINES_TOML}\n[[rule_set]]\neffective_from = \"2027-01-01\"\nsource = \"a revision\"\n\
             refuse_working_days = 1\nsupplement_working_days = 3\nresolve_working_days = 10\n\
             publish_working_days = 1\n"
        );
        let rules = DeadlineRules::parse(&text).unwrap();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(rules.in_force(d(2026, 12, 31)).resolve_working_days, 15);
        assert_eq!(rules.in_force(d(2027, 1, 1)).resolve_working_days, 10);
        // Before the first set: the first set.
        assert_eq!(rules.in_force(d(2020, 1, 1)).resolve_working_days, 15);
    }

    #[test]
    fn a_file_without_sets_or_with_twin_dates_is_refused() {
        assert!(DeadlineRules::parse("rule_set = []").is_err());
        let twin = format!(
            "{DEADLINES_TOML}\n{}",
            &DEADLINES_TOML[DEADLINES_TOML.find("[[rule_set]]").unwrap()..]
        );
        assert!(DeadlineRules::parse(&twin).is_err());
    }
}
