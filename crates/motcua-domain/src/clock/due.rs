//! The due-date computation itself.

use chrono::{DateTime, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::elapsed::working_time_between;
use super::error::ClockError;
use super::explain::{Recorder, Step};
use super::hours::add_working_minutes;
use super::local::{from_local, to_local};
use super::request::{ClockRequest, Extension, Pause};
use super::start::{record_skipped, start_day};
use crate::calendar::{OfficeHours, WorkingCalendar};
use crate::legal_time::TimeUnit;

/// The answer of the clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueDate {
    /// The due instant; `None` while a pause is open (the clock is stopped).
    pub due_at: Option<DateTime<Utc>>,
    /// Day 0 of the count (local date).
    pub start_day: NaiveDate,
    /// When the open pause started, if the clock is stopped.
    pub paused_since: Option<DateTime<Utc>>,
    /// Every decision, in order.
    pub steps: Vec<Step>,
    /// [`WorkingCalendar::version`] of the calendar used.
    pub calendar_version: String,
}

impl DueDate {
    /// The steps as human-readable lines.
    pub fn explanation(&self) -> Vec<String> {
        self.steps.iter().map(ToString::to_string).collect()
    }
}

/// Computes the due instant of a dossier and explains it.
///
/// Pure and deterministic: the same calendar version and request give the
/// same answer. Semantics: see the [`crate::clock`] module documentation.
pub fn compute_due(cal: &WorkingCalendar, req: &ClockRequest) -> Result<DueDate, ClockError> {
    run(cal, req, Recorder::new(true))
}

/// Like [`compute_due`] but without building the explanation (faster).
pub fn due_instant(
    cal: &WorkingCalendar,
    req: &ClockRequest,
) -> Result<Option<DateTime<Utc>>, ClockError> {
    Ok(run(cal, req, Recorder::new(false))?.due_at)
}

fn settle_on_working_day(
    cal: &WorkingCalendar,
    target: NaiveDate,
    closes: NaiveTime,
    rec: &mut Recorder,
) -> Result<NaiveDateTime, ClockError> {
    rec.push(|| Step::CalendarTarget { date: target });
    let day = cal.working_day_on_or_after(target)?;
    if day != target {
        let reason = cal
            .non_working_reason(target)?
            .map(|n| n.label)
            .unwrap_or_default();
        rec.push(|| Step::MovedToWorkingDay {
            from: target,
            to: day,
            reason,
        });
        record_skipped(cal, target, day, rec)?;
    }
    Ok(day.and_time(closes))
}

fn record_counted_days(
    cal: &WorkingCalendar,
    start: NaiveDate,
    end: NaiveDate,
    rec: &mut Recorder,
) -> Result<(), ClockError> {
    if !rec.enabled() {
        return Ok(());
    }
    let mut ordinal = 0;
    for date in start.iter_days().skip(1).take_while(|d| *d <= end) {
        match cal.non_working_reason(date)? {
            Some(note) => rec.push(|| Step::Skipped {
                date,
                reason: note.label,
            }),
            None => {
                ordinal += 1;
                rec.push(|| Step::Counted { date, ordinal });
            }
        }
    }
    Ok(())
}

fn base_due(
    cal: &WorkingCalendar,
    hours: &OfficeHours,
    req: &ClockRequest,
    rec: &mut Recorder,
) -> Result<(NaiveDate, NaiveDateTime), ClockError> {
    let local = to_local(req.received_at);
    rec.push(|| Step::Received { at: local });
    let start = start_day(cal, hours, &req.reception, local, rec)?;
    let n = req.limit.amount;
    let closes = hours.closes();
    let due = match req.limit.unit {
        TimeUnit::WorkingDays if n == 0 => {
            let time = if start.saturday {
                hours.morning().end
            } else {
                closes
            };
            start.day.and_time(time)
        }
        TimeUnit::WorkingDays => {
            let day = cal.nth_working_day_after(start.day, n)?;
            record_counted_days(cal, start.day, day, rec)?;
            day.and_time(closes)
        }
        TimeUnit::CalendarDays => {
            let target = start
                .day
                .checked_add_days(Days::new(u64::from(n)))
                .ok_or(ClockError::LimitTooLarge)?;
            settle_on_working_day(cal, target, closes, rec)?
        }
        TimeUnit::Months => {
            let target = start
                .day
                .checked_add_months(Months::new(n))
                .ok_or(ClockError::LimitTooLarge)?;
            settle_on_working_day(cal, target, closes, rec)?
        }
        TimeUnit::WorkingHours => {
            let (day, from) = if start.same_day {
                (start.day, local.time().max(hours.opens()))
            } else if start.saturday {
                (cal.next_working_day(start.day)?, NaiveTime::MIN)
            } else {
                (start.day, NaiveTime::MIN)
            };
            add_working_minutes(cal, hours, day, from, u64::from(n) * 60, rec)?
        }
    };
    rec.push(|| Step::Due { at: due });
    Ok((start.day, due))
}

/// Checks pauses and extensions; returns closed pauses and the open one.
fn validate(req: &ClockRequest) -> Result<(Vec<Pause>, Option<Pause>), ClockError> {
    validate_events(Some(req.received_at), &req.pauses, &req.extensions)
}

/// Checks pauses (after `received_at`, when known; not overlapping) and
/// extensions; returns the closed pauses in time order and the open one.
fn validate_events(
    received_at: Option<DateTime<Utc>>,
    pauses: &[Pause],
    extensions: &[Extension],
) -> Result<(Vec<Pause>, Option<Pause>), ClockError> {
    let mut pauses = pauses.to_vec();
    pauses.sort_by_key(|p| p.requested_at);
    for p in &pauses {
        if received_at.is_some_and(|r| p.requested_at < r) {
            return Err(ClockError::PauseBeforeReceipt(p.requested_at));
        }
        if p.resumed_at.is_some_and(|r| r < p.requested_at) {
            return Err(ClockError::PauseEndsBeforeStart(p.requested_at));
        }
    }
    for pair in pauses.windows(2) {
        match pair[0].resumed_at {
            Some(end) if pair[1].requested_at >= end => {}
            _ => return Err(ClockError::OverlappingPauses(pair[1].requested_at)),
        }
    }
    let open = pauses.last().filter(|p| p.resumed_at.is_none()).copied();
    if open.is_some() {
        pauses.pop();
    }
    for e in extensions {
        if received_at.is_some_and(|r| e.granted_at < r) {
            return Err(ClockError::ExtensionBeforeReceipt(e.granted_at));
        }
        if open.is_some_and(|p| e.granted_at >= p.requested_at) {
            return Err(ClockError::ExtensionDuringOpenPause(e.granted_at));
        }
    }
    Ok((pauses, open))
}

enum Event<'a> {
    Pause(&'a Pause, DateTime<Utc>),
    Extension(&'a Extension),
}

impl Event<'_> {
    fn at(&self) -> DateTime<Utc> {
        match self {
            Event::Pause(_, resumed) => *resumed,
            Event::Extension(e) => e.granted_at,
        }
    }
}

/// Moves a due instant across closed supplement pauses and extensions, in
/// time order, by the rule of [`compute_due`]: a pause moves it by the
/// working days elapsed (office minutes for an hour limit), an extension
/// replaces it. On a tie the pause comes first.
fn apply_events(
    (cal, hours): (&WorkingCalendar, &OfficeHours),
    unit: TimeUnit,
    province: Option<&str>,
    mut due: NaiveDateTime,
    closed: &[Pause],
    extensions: &[Extension],
    rec: &mut Recorder,
) -> Result<NaiveDateTime, ClockError> {
    let mut events: Vec<Event<'_>> = closed
        .iter()
        .filter_map(|p| p.resumed_at.map(|r| Event::Pause(p, r)))
        .chain(extensions.iter().map(Event::Extension))
        .collect();
    events.sort_by_key(|e| (e.at(), matches!(e, Event::Extension(_))));

    for event in events {
        match event {
            Event::Pause(p, resumed) => {
                let elapsed = working_time_between(cal, p.requested_at, resumed, province)?;
                let before = due;
                due = if unit == TimeUnit::WorkingHours {
                    if elapsed.working_minutes == 0 {
                        due
                    } else {
                        add_working_minutes(
                            cal,
                            hours,
                            due.date(),
                            due.time(),
                            elapsed.working_minutes,
                            &mut Recorder::new(false),
                        )?
                    }
                } else {
                    let day = cal.nth_working_day_after(due.date(), elapsed.working_days)?;
                    day.and_time(due.time())
                };
                rec.push(|| Step::PauseShift {
                    requested_at: to_local(p.requested_at),
                    resumed_at: to_local(resumed),
                    working_days: elapsed.working_days,
                    working_minutes: elapsed.working_minutes,
                    from: before,
                    to: due,
                });
                record_skipped(
                    cal,
                    before.date(),
                    due.date().succ_opt().unwrap_or(due.date()),
                    rec,
                )?;
            }
            Event::Extension(e) => {
                let before = due;
                due = to_local(e.new_due);
                rec.push(|| Step::Extension {
                    granted_at: to_local(e.granted_at),
                    from: before,
                    to: due,
                    reason: e.reason.clone(),
                });
            }
        }
    }
    Ok(due)
}

/// Moves a due instant that was fixed without counting a limit (a
/// procedure without a statutory time limit, whose due date the officer
/// gave at reception) across the dossier's supplement pauses and
/// extensions, by the same rule as [`compute_due`]: each closed pause moves
/// it by the working days elapsed between request and receipt of the
/// supplement (closing times passed; office minutes when `unit` is
/// [`TimeUnit::WorkingHours`]), keeping its time of day; an extension
/// replaces it. Never by wall-clock time: a pause from Friday 16:00 to
/// Monday 08:00 moves it by one working day, a pause over Tết by the working
/// days of the pause only.
///
/// `None` while a pause is open (the clock is stopped).
pub fn move_due(
    cal: &WorkingCalendar,
    due_at: DateTime<Utc>,
    unit: TimeUnit,
    pauses: &[Pause],
    extensions: &[Extension],
    province: Option<&str>,
) -> Result<Option<DateTime<Utc>>, ClockError> {
    let (closed, open) = validate_events(None, pauses, extensions)?;
    if open.is_some() {
        return Ok(None);
    }
    let hours = cal.office_hours(province);
    let due = apply_events(
        (cal, hours),
        unit,
        province,
        to_local(due_at),
        &closed,
        extensions,
        &mut Recorder::new(false),
    )?;
    Ok(Some(from_local(due)))
}

fn run(
    cal: &WorkingCalendar,
    req: &ClockRequest,
    mut rec: Recorder,
) -> Result<DueDate, ClockError> {
    let (closed, open) = validate(req)?;
    let province = req.province.as_deref();
    let hours = cal.office_hours(province);
    let (start_day, due) = base_due(cal, hours, req, &mut rec)?;
    let due = apply_events(
        (cal, hours),
        req.limit.unit,
        province,
        due,
        &closed,
        &req.extensions,
        &mut rec,
    )?;

    let (due_at, paused_since) = match open {
        Some(p) => {
            rec.push(|| Step::PauseOpen {
                requested_at: to_local(p.requested_at),
                due_when_stopped: due,
            });
            (None, Some(p.requested_at))
        }
        None => (Some(from_local(due)), None),
    };
    Ok(DueDate {
        due_at,
        start_day,
        paused_since,
        steps: rec.into_steps(),
        calendar_version: cal.version().to_owned(),
    })
}
