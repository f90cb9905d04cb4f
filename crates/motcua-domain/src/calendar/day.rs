//! What the calendar says about one day, and a year's list of special days.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Why a day is special in the working calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// The weekly rest day (Saturday or Sunday).
    Weekend,
    /// A statutory holiday (ngày lễ, tết).
    Holiday,
    /// A compensatory day off (nghỉ bù, Labour Code art. 111(3)).
    Compensatory,
    /// A weekday given off in exchange for a Saturday worked (hoán đổi).
    SwapOff,
    /// A Saturday worked in exchange for a weekday off (làm bù): a working day.
    MakeupSaturday,
}

/// Where the calendar's statement about a day comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DaySource {
    /// The weekly rest-day rule.
    Weekly,
    /// Computed from a statutory rule (no official schedule for that year).
    Rule {
        /// Identifier of the [`super::HolidayRule`] (or `compensation`).
        rule: String,
    },
    /// An official yearly schedule.
    Official {
        /// The document that announced it (e.g. `9441/TB-BNV`).
        doc: String,
    },
}

/// The calendar's statement about one special day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayNote {
    /// Whether the day is a working day (only make-up Saturdays are).
    pub working: bool,
    /// The kind of special day.
    pub kind: DayKind,
    /// Human-readable reason in Vietnamese, e.g. `Tết Âm lịch` or
    /// `Nghỉ bù Giỗ Tổ Hùng Vương (26/04/2026)`.
    pub label: String,
    /// The same reason in English (second locale), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    /// Where this comes from.
    pub source: DaySource,
}

/// One special day of a year, for `GET /api/v1/calendar/{year}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    /// The date (serialised as `YYYY-MM-DD`).
    pub date: NaiveDate,
    /// What the calendar says about it.
    #[serde(flatten)]
    pub note: DayNote,
}

/// Every non-working day of a year with its reason, plus the make-up
/// Saturdays that are working days, in date order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearCalendar {
    /// The solar year.
    pub year: i32,
    /// The calendar version the list was computed with.
    pub version: String,
    /// Whether an official schedule was applied (otherwise the statutory default).
    pub official_schedule: bool,
    /// Number of working days in the year.
    pub working_days: u32,
    /// Non-working days (weekends included) and make-up Saturdays, by date.
    pub days: Vec<CalendarDay>,
}
