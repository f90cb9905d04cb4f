//! Working time elapsed between two instants.

use chrono::{DateTime, Days, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::ClockError;
use super::local::to_local;
use crate::calendar::{CalendarError, WorkingCalendar};

/// Working time elapsed between two instants.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WorkingTime {
    /// Working days elapsed: the number of working-day closing times (end of
    /// the office day) in `(a, b]`. A pause from Tuesday 10:00 to Thursday
    /// 10:00 is 2 working days.
    pub working_days: u32,
    /// Office minutes elapsed inside the office windows of working days.
    pub working_minutes: u64,
}

/// Working days and office minutes elapsed from `a` to `b` (zero if `b <= a`),
/// with the office hours of `province` (or the default).
pub fn working_time_between(
    cal: &WorkingCalendar,
    a: DateTime<Utc>,
    b: DateTime<Utc>,
    province: Option<&str>,
) -> Result<WorkingTime, ClockError> {
    if b <= a {
        return Ok(WorkingTime::default());
    }
    let hours = cal.office_hours(province);
    let (la, lb) = (to_local(a), to_local(b));
    let (da, db) = (la.date(), lb.date());
    let closes = hours.closes();
    let day =
        |d: Option<chrono::NaiveDate>| d.ok_or(ClockError::Calendar(CalendarError::BeyondRange));

    // Working days whose closing time lies in (a, b].
    let lo = if la.time() < closes {
        da
    } else {
        day(da.checked_add_days(Days::new(1)))?
    };
    let hi = if lb.time() >= closes {
        db
    } else {
        day(db.checked_sub_days(Days::new(1)))?
    };
    let working_days = if hi < lo {
        0
    } else {
        cal.working_days_in(lo, hi)?
    };

    let end_of_day = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
    let working_minutes = if da == db {
        if cal.is_working_day(da)? {
            u64::from(hours.minutes_between(la.time(), lb.time()))
        } else {
            0
        }
    } else {
        let first = if cal.is_working_day(da)? {
            hours.minutes_between(la.time(), end_of_day)
        } else {
            0
        };
        let last = if cal.is_working_day(db)? {
            hours.minutes_between(NaiveTime::MIN, lb.time())
        } else {
            0
        };
        let inner_from = day(da.checked_add_days(Days::new(1)))?;
        let inner_to = day(db.checked_sub_days(Days::new(1)))?;
        let full = cal.working_days_in(inner_from, inner_to)?;
        u64::from(first) + u64::from(last) + u64::from(full) * u64::from(hours.day_minutes())
    };
    Ok(WorkingTime {
        working_days,
        working_minutes,
    })
}
