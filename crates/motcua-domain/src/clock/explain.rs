//! The explanation of a due date: one step per decision, in order.
//! All times are local (UTC+7) wall times.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// One step of the explanation of a due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// The dossier was received at this local time.
    Received {
        /// Local receipt time.
        at: NaiveDateTime,
    },
    /// Received at or after the procedure's cut-off: counts from the next working day.
    CutOffApplied {
        /// The cut-off time.
        cutoff: NaiveTime,
    },
    /// Received after the office closed: counts from the next working day.
    AfterOfficeHours {
        /// Closing time that day.
        closes: NaiveTime,
    },
    /// Received before the office opened on a working day: counts from that day.
    BeforeOpening {
        /// Opening time.
        opens: NaiveTime,
    },
    /// Received on a non-working day: counts from the next working day.
    ReceivedOnNonWorkingDay {
        /// The day.
        date: NaiveDate,
        /// Why it is not a working day.
        reason: String,
    },
    /// Received in the Saturday-morning reception window (cư trú): Saturday is the start day.
    SaturdayReception {
        /// The Saturday.
        date: NaiveDate,
    },
    /// Counting starts after this day (day 0).
    StartDay {
        /// The start day.
        date: NaiveDate,
    },
    /// A working day counted.
    Counted {
        /// The day.
        date: NaiveDate,
        /// Its number in the count (1 = first).
        ordinal: u32,
    },
    /// A day skipped.
    Skipped {
        /// The day.
        date: NaiveDate,
        /// Why it is not a working day.
        reason: String,
    },
    /// Office minutes counted on a working day (hour limits).
    HoursCounted {
        /// The day.
        date: NaiveDate,
        /// From (local).
        from: NaiveTime,
        /// To (local).
        to: NaiveTime,
    },
    /// The calendar-day or month target before adjustment.
    CalendarTarget {
        /// Start day + N days or months (day of month clamped).
        date: NaiveDate,
    },
    /// The target was not a working day and moved to the next one.
    MovedToWorkingDay {
        /// The target.
        from: NaiveDate,
        /// The next working day.
        to: NaiveDate,
        /// Why the target is not a working day.
        reason: String,
    },
    /// The due time computed from the limit, before pauses and extensions.
    Due {
        /// Local due time.
        at: NaiveDateTime,
    },
    /// A closed pause moved the due time.
    PauseShift {
        /// Supplement requested (local).
        requested_at: NaiveDateTime,
        /// Supplement received (local).
        resumed_at: NaiveDateTime,
        /// Working days elapsed in the pause (day-based limits).
        working_days: u32,
        /// Office minutes elapsed in the pause (hour limits).
        working_minutes: u64,
        /// Due before.
        from: NaiveDateTime,
        /// Due after.
        to: NaiveDateTime,
    },
    /// A pause still open: the clock is stopped and the due time unknown.
    PauseOpen {
        /// Supplement requested (local).
        requested_at: NaiveDateTime,
        /// Due time that applied when the clock stopped.
        due_when_stopped: NaiveDateTime,
    },
    /// An extension replaced the due time.
    Extension {
        /// When it was granted (local).
        granted_at: NaiveDateTime,
        /// Due before.
        from: NaiveDateTime,
        /// Due after.
        to: NaiveDateTime,
        /// The reason on form 04.
        reason: String,
    },
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = |d: &NaiveDateTime| d.format("%Y-%m-%d %H:%M");
        let hm = |d: &NaiveTime| d.format("%H:%M");
        match self {
            Self::Received { at } => write!(f, "received {}", t(at)),
            Self::CutOffApplied { cutoff } => {
                write!(
                    f,
                    "received at or after the {} cut-off: counts from the next working day",
                    hm(cutoff)
                )
            }
            Self::AfterOfficeHours { closes } => {
                write!(
                    f,
                    "received after closing ({}): counts from the next working day",
                    hm(closes)
                )
            }
            Self::BeforeOpening { opens } => write!(
                f,
                "received before opening ({}): counts from that day",
                hm(opens)
            ),
            Self::ReceivedOnNonWorkingDay { date, reason } => {
                write!(
                    f,
                    "received on {date}, not a working day ({reason}): counts from the next working day"
                )
            }
            Self::SaturdayReception { date } => {
                write!(
                    f,
                    "Saturday-morning reception day {date} (cư trú): counts as day 0"
                )
            }
            Self::StartDay { date } => write!(f, "start day {date}"),
            Self::Counted { date, ordinal } => write!(f, "{date} counted as working day {ordinal}"),
            Self::Skipped { date, reason } => write!(f, "{date} skipped: {reason}"),
            Self::HoursCounted { date, from, to } => {
                write!(f, "{date} {}-{} counted", hm(from), hm(to))
            }
            Self::CalendarTarget { date } => write!(f, "target date {date}"),
            Self::MovedToWorkingDay { from, to, reason } => {
                write!(f, "{from} is not a working day ({reason}): moved to {to}")
            }
            Self::Due { at } => write!(f, "due {}", t(at)),
            Self::PauseShift {
                requested_at,
                resumed_at,
                working_days,
                working_minutes,
                from,
                to,
            } => write!(
                f,
                "paused {} to {} ({working_days} working days, {working_minutes} office minutes): due moved from {} to {}",
                t(requested_at),
                t(resumed_at),
                t(from),
                t(to)
            ),
            Self::PauseOpen {
                requested_at,
                due_when_stopped,
            } => write!(
                f,
                "paused since {} (supplement awaited); due was {} when the clock stopped",
                t(requested_at),
                t(due_when_stopped)
            ),
            Self::Extension {
                granted_at,
                from,
                to,
                reason,
            } => {
                write!(
                    f,
                    "extension granted {}: due moved from {} to {} ({reason})",
                    t(granted_at),
                    t(from),
                    t(to)
                )
            }
        }
    }
}

/// Collects steps, or nothing when no explanation is wanted.
pub(crate) struct Recorder {
    steps: Option<Vec<Step>>,
}

impl Recorder {
    pub(crate) fn new(enabled: bool) -> Self {
        Self {
            steps: enabled.then(Vec::new),
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.steps.is_some()
    }

    pub(crate) fn push(&mut self, step: impl FnOnce() -> Step) {
        if let Some(steps) = &mut self.steps {
            steps.push(step());
        }
    }

    pub(crate) fn into_steps(self) -> Vec<Step> {
        self.steps.unwrap_or_default()
    }
}
