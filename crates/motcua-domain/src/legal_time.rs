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
        Self {
            amount,
            unit: TimeUnit::WorkingDays,
        }
    }
}

/// A daily cut-off time (giờ chốt tiếp nhận), e.g. 15:00 for same-day hộ tịch
/// and chứng thực procedures: a dossier received after it counts as received
/// on the next working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CutOff {
    hour: u8,
    minute: u8,
}

/// Why a text is not a [`CutOff`] (expected `HH:MM` within 00:00–23:59).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a cut-off time within 00:00-23:59 (HH:MM): {0:?}")]
pub struct InvalidCutOff(pub String);

impl CutOff {
    /// A cut-off at `hour:minute`, if it lies within 00:00–23:59.
    pub const fn new(hour: u8, minute: u8) -> Option<Self> {
        if hour < 24 && minute < 60 {
            Some(Self { hour, minute })
        } else {
            None
        }
    }

    /// Parses `HH:MM` (one or two digits for the hour, two for the minutes).
    pub fn parse(text: &str) -> Result<Self, InvalidCutOff> {
        let bad = || InvalidCutOff(text.to_owned());
        let (h, m) = text.split_once(':').ok_or_else(bad)?;
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(h) || m.len() != 2 || !digits(m) {
            return Err(bad());
        }
        let hour = h.parse().map_err(|_| bad())?;
        let minute = m.parse().map_err(|_| bad())?;
        Self::new(hour, minute).ok_or_else(bad)
    }

    /// The hour, 0–23.
    pub const fn hour(self) -> u8 {
        self.hour
    }

    /// The minute, 0–59.
    pub const fn minute(self) -> u8 {
        self.minute
    }
}

impl std::fmt::Display for CutOff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

impl TryFrom<String> for CutOff {
    type Error = InvalidCutOff;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CutOff> for String {
    fn from(c: CutOff) -> Self {
        c.to_string()
    }
}
