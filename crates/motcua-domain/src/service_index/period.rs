//! The periods the index is computed for, in Vietnam time (UTC+07:00, no
//! daylight saving): a month `YYYY-MM`, a quarter `YYYY-Qn`, a year `YYYY`,
//! and the reporting month `YYYY-MM-BC` (kỳ báo cáo tháng: from the 15th of
//! the month before to the 14th of the month, as provincial reports count
//! it).

use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Offset, TimeZone, Utc};

/// A period of the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// A calendar month.
    Month {
        /// Year.
        year: i32,
        /// Month 1–12.
        month: u32,
    },
    /// A quarter.
    Quarter {
        /// Year.
        year: i32,
        /// Quarter 1–4.
        quarter: u32,
    },
    /// A calendar year.
    Year(i32),
    /// The reporting month: the 15th of the month before to the 14th.
    ReportingMonth {
        /// Year.
        year: i32,
        /// Month 1–12 (the one that holds the 14th).
        month: u32,
    },
}

/// Why a period text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "kỳ không hợp lệ: {0:?} (YYYY-MM, YYYY-Qn, YYYY hoặc YYYY-MM-BC) / invalid period: {0:?} (YYYY-MM, YYYY-Qn, YYYY or YYYY-MM-BC)"
)]
pub struct PeriodError(pub String);

fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or(Utc.fix())
}

/// Midnight of a Vietnam day as a UTC instant.
fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| vietnam().from_local_datetime(&t).single())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn first_of(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)
}

fn add_months(year: i32, month: u32, n: u32) -> (i32, u32) {
    let m0 = i64::from(year) * 12 + i64::from(month) - 1 + i64::from(n);
    (
        i32::try_from(m0.div_euclid(12)).unwrap_or(year),
        u32::try_from(m0.rem_euclid(12)).unwrap_or(0) + 1,
    )
}

fn sub_months(year: i32, month: u32, n: u32) -> (i32, u32) {
    let m0 = i64::from(year) * 12 + i64::from(month) - 1 - i64::from(n);
    (
        i32::try_from(m0.div_euclid(12)).unwrap_or(year),
        u32::try_from(m0.rem_euclid(12)).unwrap_or(0) + 1,
    )
}

impl Period {
    /// Parses `YYYY-MM`, `YYYY-Qn`, `YYYY` or `YYYY-MM-BC`.
    pub fn parse(text: &str) -> Result<Self, PeriodError> {
        let bad = || PeriodError(text.to_owned());
        let year = |s: &str| -> Result<i32, PeriodError> {
            if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse::<i32>().map_err(|_| bad()).and_then(|y| {
                    if (2000..=2100).contains(&y) {
                        Ok(y)
                    } else {
                        Err(bad())
                    }
                })
            } else {
                Err(bad())
            }
        };
        let month = |s: &str| -> Result<u32, PeriodError> {
            if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse::<u32>()
                    .ok()
                    .filter(|m| (1..=12).contains(m))
                    .ok_or_else(bad)
            } else {
                Err(bad())
            }
        };
        let parts: Vec<&str> = text.trim().split('-').collect();
        match parts.as_slice() {
            [y] => Ok(Self::Year(year(y)?)),
            [y, q] if q.len() == 2 && (q.starts_with('Q') || q.starts_with('q')) => {
                let quarter = q[1..]
                    .parse::<u32>()
                    .ok()
                    .filter(|q| (1..=4).contains(q))
                    .ok_or_else(bad)?;
                Ok(Self::Quarter {
                    year: year(y)?,
                    quarter,
                })
            }
            [y, m] => Ok(Self::Month {
                year: year(y)?,
                month: month(m)?,
            }),
            [y, m, bc] if bc.eq_ignore_ascii_case("BC") => Ok(Self::ReportingMonth {
                year: year(y)?,
                month: month(m)?,
            }),
            _ => Err(bad()),
        }
    }

    /// The month of a Vietnam-time instant.
    pub fn month_of(at: DateTime<Utc>) -> Self {
        let local = at.with_timezone(&vietnam());
        Self::Month {
            year: local.year(),
            month: local.month(),
        }
    }

    /// First and last Vietnam day of the period.
    pub fn days(&self) -> (NaiveDate, NaiveDate) {
        let (from, to) = match *self {
            Self::Month { year, month } => (first_of(year, month), {
                let (y, m) = add_months(year, month, 1);
                first_of(y, m)
            }),
            Self::Quarter { year, quarter } => {
                let m = (quarter - 1) * 3 + 1;
                let (y2, m2) = add_months(year, m, 3);
                (first_of(year, m), first_of(y2, m2))
            }
            Self::Year(year) => (first_of(year, 1), first_of(year + 1, 1)),
            Self::ReportingMonth { year, month } => {
                let (y, m) = sub_months(year, month, 1);
                (
                    NaiveDate::from_ymd_opt(y, m, 15),
                    NaiveDate::from_ymd_opt(year, month, 15),
                )
            }
        };
        let from = from.unwrap_or_default();
        let to = to.unwrap_or_default();
        (from, to.pred_opt().unwrap_or(to))
    }

    /// `[from, to)` in UTC: Vietnam midnight of the first day to Vietnam
    /// midnight after the last.
    pub fn bounds(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let (first, last) = self.days();
        (midnight(first), midnight(last.succ_opt().unwrap_or(last)))
    }

    /// The same kind of period `n` steps before (months back for a month).
    pub fn back(&self, n: u32) -> Self {
        match *self {
            Self::Month { year, month } => {
                let (year, month) = sub_months(year, month, n);
                Self::Month { year, month }
            }
            Self::ReportingMonth { year, month } => {
                let (year, month) = sub_months(year, month, n);
                Self::ReportingMonth { year, month }
            }
            Self::Quarter { year, quarter } => {
                let q0 = i64::from(year) * 4 + i64::from(quarter) - 1 - i64::from(n);
                Self::Quarter {
                    year: i32::try_from(q0.div_euclid(4)).unwrap_or(year),
                    quarter: u32::try_from(q0.rem_euclid(4)).unwrap_or(0) + 1,
                }
            }
            Self::Year(year) => Self::Year(year - i32::try_from(n).unwrap_or(0)),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Self::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            Self::Year(year) => write!(f, "{year:04}"),
            Self::ReportingMonth { year, month } => write!(f, "{year:04}-{month:02}-BC"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn every_kind_parses_prints_and_bounds_in_vietnam_time() {
        let m = Period::parse("2025-11").unwrap();
        assert_eq!(m.to_string(), "2025-11");
        assert_eq!(
            m.bounds(),
            (utc("2025-10-31T17:00:00Z"), utc("2025-11-30T17:00:00Z"))
        );
        let q = Period::parse("2025-Q4").unwrap();
        assert_eq!(q.to_string(), "2025-Q4");
        assert_eq!(
            q.bounds(),
            (utc("2025-09-30T17:00:00Z"), utc("2025-12-31T17:00:00Z"))
        );
        let y = Period::parse("2025").unwrap();
        assert_eq!(
            y.bounds(),
            (utc("2024-12-31T17:00:00Z"), utc("2025-12-31T17:00:00Z"))
        );
        let r = Period::parse("2026-01-BC").unwrap();
        assert_eq!(r.to_string(), "2026-01-BC");
        assert_eq!(
            r.days(),
            (
                NaiveDate::from_ymd_opt(2025, 12, 15).unwrap(),
                NaiveDate::from_ymd_opt(2026, 1, 14).unwrap()
            )
        );
        assert_eq!(
            r.bounds(),
            (utc("2025-12-14T17:00:00Z"), utc("2026-01-14T17:00:00Z"))
        );
    }

    #[test]
    fn bad_texts_are_refused() {
        for bad in [
            "",
            "2025-13",
            "2025-Q5",
            "25-01",
            "2025-1",
            "abcd",
            "2025-01-XX",
            "2025-Q0",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn back_steps_over_years() {
        let m = Period::parse("2026-02").unwrap();
        assert_eq!(m.back(1).to_string(), "2026-01");
        assert_eq!(m.back(2).to_string(), "2025-12");
        assert_eq!(m.back(13).to_string(), "2025-01");
        assert_eq!(
            Period::parse("2026-Q1").unwrap().back(1).to_string(),
            "2025-Q4"
        );
        assert_eq!(
            Period::month_of(utc("2025-11-30T17:30:00Z")).to_string(),
            "2025-12"
        );
    }
}
