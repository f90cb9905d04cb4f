//! The leader's view (lãnh đạo): today and this month for the officer's
//! agency and the agencies below it, aggregated by the store in SQL.
//!
//! "On time" is the one Decision 766 rule, `Dossier::on_time`: the store
//! counts results whose dossier has `counts_late = false`, a flag the domain
//! sets at the end event from that rule's verdict, so the leader page, the
//! portal summary and the hub's totals agree (conformance case
//! `cases_on_time`).

use chrono::{Datelike, NaiveDate, TimeDelta, TimeZone, Utc};
use motcua_domain::dossier::AgencyId;

use super::error::DossierError;
use super::{DossierService, WorkListFilter, local_day};
use crate::ports::dossiers::{DailyCounts, GroupCount, StatsQuery, WorkListRow};

/// How many of the oldest overdue dossiers the leader sees.
pub const OLDEST_SHOWN: u32 = 10;

/// The leader's statistics.
#[derive(Debug, Clone)]
pub struct LeaderStats {
    /// Today (Vietnam time).
    pub today: NaiveDate,
    /// Every day of this month up to today, zeros included.
    pub days: Vec<DailyCounts>,
    /// Running overdue dossiers by procedure code, most first.
    pub overdue_by_procedure: Vec<GroupCount>,
    /// Running overdue dossiers by assignee, most first.
    pub overdue_by_assignee: Vec<GroupCount>,
    /// The oldest overdue dossiers (earliest due date first).
    pub oldest_overdue: Vec<WorkListRow>,
}

impl LeaderStats {
    /// Today's counts.
    pub fn today_counts(&self) -> DailyCounts {
        self.days
            .iter()
            .copied()
            .find(|d| d.day == self.today)
            .unwrap_or(DailyCounts {
                day: self.today,
                received: 0,
                resolved: 0,
                resolved_on_time: 0,
            })
    }

    /// This month's totals.
    pub fn month_counts(&self) -> DailyCounts {
        self.days.iter().fold(
            DailyCounts {
                day: self.today.with_day(1).unwrap_or(self.today),
                received: 0,
                resolved: 0,
                resolved_on_time: 0,
            },
            |acc, d| DailyCounts {
                received: acc.received + d.received,
                resolved: acc.resolved + d.resolved,
                resolved_on_time: acc.resolved_on_time + d.resolved_on_time,
                ..acc
            },
        )
    }

    /// All running overdue dossiers.
    pub fn overdue_total(&self) -> u64 {
        self.overdue_by_procedure.iter().map(|g| g.count).sum()
    }
}

/// The on-time share in percent, `None` when nothing was resolved.
pub fn on_time_percent(c: &DailyCounts) -> Option<u64> {
    (c.resolved > 0).then(|| (c.resolved_on_time * 100 + c.resolved / 2) / c.resolved)
}

/// Midnight of a Vietnam-time day, as a UTC instant.
fn vietnam_midnight(day: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default()) - TimeDelta::hours(7)
}

/// Every day from `first` to `last` with the counts found (zeros otherwise).
pub fn fill_days(first: NaiveDate, last: NaiveDate, found: &[DailyCounts]) -> Vec<DailyCounts> {
    first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|day| {
            found
                .iter()
                .copied()
                .find(|c| c.day == day)
                .unwrap_or(DailyCounts {
                    day,
                    received: 0,
                    resolved: 0,
                    resolved_on_time: 0,
                })
        })
        .collect()
}

impl DossierService {
    /// Today and this month for the officer's agency and the agencies
    /// below it.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn leader_stats(&self, officer: &AgencyId) -> Result<LeaderStats, DossierError> {
        let now = self.now();
        let today = local_day(now);
        let first = today.with_day(1).unwrap_or(today);
        let tomorrow = today.succ_opt().unwrap_or(today);
        let stats = self
            .store
            .dossier_stats(&StatsQuery {
                scope_agency: officer.as_str().to_owned(),
                from: vietnam_midnight(first),
                to: vietnam_midnight(tomorrow),
                now_key: now.timestamp_millis(),
            })
            .await?;
        let oldest = self
            .work_list(
                officer,
                WorkListFilter {
                    overdue: true,
                    limit: OLDEST_SHOWN,
                    ..WorkListFilter::default()
                },
            )
            .await?;
        Ok(LeaderStats {
            today,
            days: fill_days(first, today, &stats.days),
            overdue_by_procedure: stats.overdue_by_procedure,
            overdue_by_assignee: stats.overdue_by_assignee,
            oldest_overdue: oldest.items,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_filled_and_percentages_rounded() {
        let d = |n| NaiveDate::from_ymd_opt(2026, 11, n).unwrap();
        let found = [DailyCounts {
            day: d(3),
            received: 4,
            resolved: 3,
            resolved_on_time: 2,
        }];
        let days = fill_days(d(1), d(5), &found);
        assert_eq!(days.len(), 5);
        assert_eq!(days[2].received, 4);
        assert_eq!(days[0].received + days[4].received, 0);
        assert_eq!(on_time_percent(&days[2]), Some(67));
        assert_eq!(on_time_percent(&days[0]), None);
        assert_eq!(
            vietnam_midnight(d(1)),
            Utc.with_ymd_and_hms(2026, 10, 31, 17, 0, 0).unwrap()
        );
    }
}
