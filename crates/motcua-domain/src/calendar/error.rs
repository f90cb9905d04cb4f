//! Errors of the working calendar.

use chrono::NaiveDate;

use super::lunar::LunarDate;

/// Why a calendar question could not be answered or its data not loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The year is outside the supported range 1900–2199.
    #[error("year {0} is outside the supported range 1900-2199")]
    YearOutOfRange(i32),
    /// The date is outside the supported range 1900-01-01..=2199-12-31.
    #[error("date {0} is outside the supported range 1900-01-01..=2199-12-31")]
    DateOutOfRange(NaiveDate),
    /// The lunar date does not exist (no such leap month, day 30 of a short month…).
    #[error("lunar date {0:?} does not exist")]
    InvalidLunarDate(LunarDate),
    /// A line of an official schedule (CSV) could not be read.
    #[error("schedule line {line}: {message}")]
    Schedule {
        /// 1-based line number in the text.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The office-hours data could not be read.
    #[error("office hours: {0}")]
    OfficeHours(String),
    /// A holiday rule is malformed.
    #[error("holiday rule {id}: {message}")]
    Rule {
        /// The rule's identifier.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// Counting ran past the end of the supported range.
    #[error("counting ran past 2199-12-31")]
    BeyondRange,
}
