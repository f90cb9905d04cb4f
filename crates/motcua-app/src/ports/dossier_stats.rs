//! Shapes of the leader's statistics (thống kê cho lãnh đạo), aggregated by
//! the engines in SQL over the dossier projection and the event log.

use chrono::{DateTime, NaiveDate, Utc};

/// What to aggregate: a permission scope, a period and "now".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsQuery {
    /// The officer's agency: dossiers held or received by it or any agency
    /// below it (as in a work list).
    pub scope_agency: String,
    /// Start of the period, inclusive.
    pub from: DateTime<Utc>,
    /// End of the period, exclusive.
    pub to: DateTime<Utc>,
    /// Now, in epoch milliseconds: running dossiers due before it are overdue.
    pub now_key: i64,
}

/// One Vietnam-time day of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyCounts {
    /// The day (UTC+07:00).
    pub day: NaiveDate,
    /// Dossiers received at the desk that day.
    pub received: u64,
    /// Dossiers whose result became ready that day (status 9).
    pub resolved: u64,
    /// Of those, results ready by the due date and not counting late.
    pub resolved_on_time: u64,
}

/// A count by a key (a procedure code, an assignee).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount {
    /// The key; `None` for dossiers without one (not handed over yet).
    pub key: Option<String>,
    /// How many.
    pub count: u64,
}

/// The aggregates of one scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DossierStats {
    /// Days with any reception or result, in order; days without are absent.
    pub days: Vec<DailyCounts>,
    /// Running overdue dossiers by procedure code, most first.
    pub overdue_by_procedure: Vec<GroupCount>,
    /// Running overdue dossiers by assignee, most first.
    pub overdue_by_assignee: Vec<GroupCount>,
}

impl DossierStats {
    /// Merges per-day received and resolved rows into [`DailyCounts`] in day
    /// order (a helper for the engines).
    pub fn merge_days(
        received: Vec<(NaiveDate, u64)>,
        resolved: Vec<(NaiveDate, u64, u64)>,
    ) -> Vec<DailyCounts> {
        let mut days: std::collections::BTreeMap<NaiveDate, DailyCounts> = Default::default();
        let blank = |day| DailyCounts {
            day,
            received: 0,
            resolved: 0,
            resolved_on_time: 0,
        };
        for (day, n) in received {
            days.entry(day).or_insert_with(|| blank(day)).received += n;
        }
        for (day, n, on_time) in resolved {
            let slot = days.entry(day).or_insert_with(|| blank(day));
            slot.resolved += n;
            slot.resolved_on_time += on_time;
        }
        days.into_values().collect()
    }
}
