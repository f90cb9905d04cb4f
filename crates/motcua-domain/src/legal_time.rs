//! Shared vocabulary of legal time limits, used by the catalog and the clock.

use serde::{Deserialize, Serialize};

/// The unit a legal time limit is stated in (the portal's `DonViTinh`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    /// Ngày làm việc: working days of the official calendar.
    WorkingDays,
    /// Ngày: calendar days.
    CalendarDays,
    /// Giờ: working hours inside office windows.
    WorkingHours,
    /// Tháng: calendar months.
    Months,
}

/// A legal time limit (thời hạn giải quyết), e.g. "07 ngày làm việc".
///
/// An amount of zero with [`TimeUnit::WorkingDays`] means "same working day"
/// (trong ngày), subject to the procedure's cut-off hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeLimit {
    /// How many units.
    pub amount: u32,
    /// Which unit.
    pub unit: TimeUnit,
}

impl TimeLimit {
    /// A limit of `amount` working days.
    pub const fn working_days(amount: u32) -> Self {
        Self { amount, unit: TimeUnit::WorkingDays }
    }
}
