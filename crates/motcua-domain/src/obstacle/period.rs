//! The monthly reporting period: from the 15th of the previous month to the
//! 14th of the month, Vietnam time (NĐ 09/2019/NĐ-CP, operations notes §3).

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::clock::{local_days, to_local};

/// A reporting month, named by the month it ends in (`2026-11` runs from
/// 15/10/2026 to 14/11/2026).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReportingMonth {
    year: i32,
    month: u32,
}

impl ReportingMonth {
    /// Parses `YYYY-MM`.
    pub fn parse(raw: &str) -> Option<Self> {
        let (y, m) = raw.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        NaiveDate::from_ymd_opt(year, month, 14)?;
        Some(Self { year, month })
    }

    /// The period an instant belongs to: on or after the 15th (Vietnam day)
    /// it is the next month's period.
    pub fn containing(at: DateTime<Utc>) -> Self {
        let day = to_local(at).date();
        let (mut year, mut month) = (day.year(), day.month());
        if day.day() >= 15 {
            if month == 12 {
                year += 1;
                month = 1;
            } else {
                month += 1;
            }
        }
        Self { year, month }
    }

    /// The first and last Vietnam day.
    pub fn days(self) -> (NaiveDate, NaiveDate) {
        let (py, pm) = if self.month == 1 {
            (self.year - 1, 12)
        } else {
            (self.year, self.month - 1)
        };
        let first = NaiveDate::from_ymd_opt(py, pm, 15).unwrap_or(NaiveDate::MIN);
        let last = NaiveDate::from_ymd_opt(self.year, self.month, 14).unwrap_or(NaiveDate::MIN);
        (first, last)
    }

    /// The UTC bounds `[start, end)`.
    pub fn bounds(self) -> (DateTime<Utc>, DateTime<Utc>) {
        let (first, last) = self.days();
        local_days(first, last)
    }

    /// `YYYY-MM`.
    pub fn code(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// "tháng 11/2026".
    pub fn label_vi(self) -> String {
        format!("tháng {}/{}", self.month, self.year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_month_runs_from_the_15th_to_the_14th_vietnam_time() {
        let m = ReportingMonth::parse("2026-11").unwrap();
        let (first, last) = m.days();
        assert_eq!(first, NaiveDate::from_ymd_opt(2026, 10, 15).unwrap());
        assert_eq!(last, NaiveDate::from_ymd_opt(2026, 11, 14).unwrap());
        let (start, end) = m.bounds();
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 10, 14, 17, 0, 0).unwrap());
        assert_eq!(end, Utc.with_ymd_and_hms(2026, 11, 14, 17, 0, 0).unwrap());
        // 14/11 23:30 Vietnam time is still November's period; 15/11 00:10 is December's.
        let late = Utc.with_ymd_and_hms(2026, 11, 14, 16, 30, 0).unwrap();
        assert_eq!(ReportingMonth::containing(late).code(), "2026-11");
        let next = Utc.with_ymd_and_hms(2026, 11, 14, 17, 10, 0).unwrap();
        assert_eq!(ReportingMonth::containing(next).code(), "2026-12");
        let jan = ReportingMonth::parse("2027-01").unwrap();
        assert_eq!(jan.days().0, NaiveDate::from_ymd_opt(2026, 12, 15).unwrap());
        assert_eq!(ReportingMonth::parse("2026-13"), None);
        assert_eq!(ReportingMonth::parse("2026-1"), None);
    }
}
