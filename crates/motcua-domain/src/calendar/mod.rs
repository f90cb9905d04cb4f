//! The working calendar (lịch làm việc): weekends, statutory holidays, the
//! Vietnamese lunar calendar and each year's official schedule.
//!
//! - [`lunar`]: solar ↔ lunar conversion computed from the astronomy for UTC+7.
//! - [`rules`]: statutory holidays as a rule table with effective years; the
//!   default calendar of a year without an official schedule.
//! - [`official`]: official yearly schedules (CSV), which replace the default
//!   for their year; 2023–2026 are embedded.
//! - [`office`]: office windows per province.
//! - [`WorkingCalendar`]: the precomputed result, with a data `version()`.
//!
//! ```
//! use chrono::NaiveDate;
//! use motcua_domain::calendar::WorkingCalendar;
//!
//! let cal = WorkingCalendar::vietnam()?;
//! let tet = NaiveDate::from_ymd_opt(2026, 2, 17).unwrap_or_default();
//! assert!(!cal.is_working_day(tet)?);
//! let why = cal.non_working_reason(tet)?;
//! assert_eq!(why.map(|n| n.label), Some("Tết Âm lịch".to_owned()));
//! # Ok::<(), motcua_domain::calendar::CalendarError>(())
//! ```

mod astro;
mod day;
mod error;
pub mod lunar;
pub mod office;
pub mod official;
pub mod rules;
mod working;

pub use day::{CalendarDay, DayKind, DayNote, DaySource, YearCalendar};
pub use error::CalendarError;
pub use lunar::{LunarDate, leap_month, lunar_new_year};
pub use office::{OfficeHours, OfficeHoursTable, Window};
pub use official::{OfficialDay, OfficialKind, OfficialSchedule};
pub use rules::{HolidayDate, HolidayRule, RuleSet, WeekendRule};
pub use working::{CalendarBuilder, WorkingCalendar};

/// First supported solar year.
pub const MIN_YEAR: i32 = 1900;
/// Last supported solar year.
pub const MAX_YEAR: i32 = 2199;
