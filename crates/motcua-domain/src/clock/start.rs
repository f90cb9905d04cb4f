//! Where counting starts: the receipt day, or the next working day.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};

use super::error::ClockError;
use super::explain::{Recorder, Step};
use super::request::ReceptionRules;
use crate::calendar::{DayKind, OfficeHours, WorkingCalendar};

/// The day counting starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Start {
    /// Day 0 of the count.
    pub day: NaiveDate,
    /// Whether the receipt was in the office hours of `day` itself (so hour
    /// limits start at the receipt time, not at opening).
    pub same_day: bool,
    /// Whether `day` is a Saturday used for Saturday-morning reception.
    pub saturday: bool,
}

/// Lists the non-working days strictly between `from` and `to`.
pub(crate) fn record_skipped(
    cal: &WorkingCalendar,
    from: NaiveDate,
    to: NaiveDate,
    rec: &mut Recorder,
) -> Result<(), ClockError> {
    if !rec.enabled() {
        return Ok(());
    }
    for date in from.iter_days().skip(1).take_while(|d| *d < to) {
        if let Some(note) = cal.non_working_reason(date)? {
            rec.push(|| Step::Skipped {
                date,
                reason: note.label,
            });
        }
    }
    Ok(())
}

fn is_plain_saturday(cal: &WorkingCalendar, date: NaiveDate) -> Result<bool, ClockError> {
    Ok(date.weekday() == Weekday::Sat
        && cal
            .non_working_reason(date)?
            .is_some_and(|n| n.kind == DayKind::Weekend))
}

/// The next reception day strictly after `date`: the next working day, or
/// an ordinary Saturday before it when Saturday-morning reception is on (so
/// that a receipt on Friday evening never counts from later than one on
/// Saturday morning).
fn next_reception_day(
    cal: &WorkingCalendar,
    rules: &ReceptionRules,
    date: NaiveDate,
) -> Result<Start, ClockError> {
    let working = cal.next_working_day(date)?;
    if rules.saturday_morning_reception {
        for day in date.iter_days().skip(1).take_while(|d| *d < working) {
            if is_plain_saturday(cal, day)? {
                return Ok(Start {
                    day,
                    same_day: false,
                    saturday: true,
                });
            }
        }
    }
    Ok(Start {
        day: working,
        same_day: false,
        saturday: false,
    })
}

/// Decides the start day of a receipt at local time `local`.
pub(crate) fn start_day(
    cal: &WorkingCalendar,
    hours: &OfficeHours,
    rules: &ReceptionRules,
    local: NaiveDateTime,
    rec: &mut Recorder,
) -> Result<Start, ClockError> {
    let (date, time) = (local.date(), local.time());
    let after_cutoff = rules.cutoff.is_some_and(|c| time >= c);
    let next = |rec: &mut Recorder| -> Result<Start, ClockError> {
        let start = next_reception_day(cal, rules, date)?;
        record_skipped(cal, date, start.day, rec)?;
        if start.saturday {
            rec.push(|| Step::SaturdayReception { date: start.day });
        }
        rec.push(|| Step::StartDay { date: start.day });
        Ok(start)
    };
    if cal.is_working_day(date)? {
        if after_cutoff {
            rec.push(|| Step::CutOffApplied {
                cutoff: rules.cutoff.unwrap_or_default(),
            });
            return next(rec);
        }
        if time >= hours.closes() {
            rec.push(|| Step::AfterOfficeHours {
                closes: hours.closes(),
            });
            return next(rec);
        }
        if time < hours.opens() {
            rec.push(|| Step::BeforeOpening {
                opens: hours.opens(),
            });
        }
        rec.push(|| Step::StartDay { date });
        return Ok(Start {
            day: date,
            same_day: true,
            saturday: false,
        });
    }
    if rules.saturday_morning_reception
        && is_plain_saturday(cal, date)?
        && time < hours.morning().end
        && !after_cutoff
    {
        rec.push(|| Step::SaturdayReception { date });
        rec.push(|| Step::StartDay { date });
        return Ok(Start {
            day: date,
            same_day: false,
            saturday: true,
        });
    }
    let reason = cal
        .non_working_reason(date)?
        .map(|n| n.label)
        .unwrap_or_default();
    rec.push(|| Step::ReceivedOnNonWorkingDay { date, reason });
    next(rec)
}
