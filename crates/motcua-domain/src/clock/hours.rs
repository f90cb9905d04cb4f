//! Adding office minutes inside the office windows of working days.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::error::ClockError;
use super::explain::{Recorder, Step};
use super::start::record_skipped;
use crate::calendar::{OfficeHours, WorkingCalendar};

/// The local time at which `minutes` office minutes have elapsed, counting
/// from `from` on `day` (moved to the next working day's opening if `day` is
/// not a working day). Ends exactly at a window's end when the minutes run
/// out there (e.g. 11:30, not 13:00).
pub(crate) fn add_working_minutes(
    cal: &WorkingCalendar,
    hours: &OfficeHours,
    day: NaiveDate,
    from: NaiveTime,
    minutes: u64,
    rec: &mut Recorder,
) -> Result<NaiveDateTime, ClockError> {
    let (mut day, mut from, mut remaining) = (day, from, minutes);
    if !cal.is_working_day(day)? {
        let next = cal.next_working_day(day)?;
        record_skipped(cal, day, next, rec)?;
        (day, from) = (next, NaiveTime::MIN);
    }
    loop {
        for w in hours.windows() {
            let s = w.start.max(from);
            if s >= w.end {
                continue;
            }
            let avail = (w.end - s).num_minutes().max(0) as u64;
            if remaining <= avail {
                let end = s + Duration::minutes(remaining as i64);
                if remaining > 0 {
                    rec.push(|| Step::HoursCounted {
                        date: day,
                        from: s,
                        to: end,
                    });
                }
                return Ok(day.and_time(end));
            }
            remaining -= avail;
            rec.push(|| Step::HoursCounted {
                date: day,
                from: s,
                to: w.end,
            });
        }
        let next = cal.next_working_day(day)?;
        record_skipped(cal, day, next, rec)?;
        (day, from) = (next, NaiveTime::MIN);
    }
}
