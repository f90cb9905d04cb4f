//! Office windows (giờ làm việc) per province, as data.

use std::collections::BTreeMap;

use chrono::{NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use super::error::CalendarError;

/// The office hours shipped with motcua (`reference/calendar/office-hours.toml`).
pub const EMBEDDED_OFFICE_HOURS_TOML: &str =
    include_str!("../../../../reference/calendar/office-hours.toml");

/// One opening window, local time, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Window {
    /// Opening time.
    pub start: NaiveTime,
    /// Closing time.
    pub end: NaiveTime,
}

impl Window {
    /// Length in minutes.
    pub fn minutes(&self) -> u32 {
        (self.end - self.start).num_minutes().max(0) as u32
    }
}

/// The opening windows of a working day, in order, non-overlapping.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OfficeHours {
    windows: Vec<Window>,
}

impl OfficeHours {
    /// Builds office hours from windows; errors if empty, unordered or overlapping.
    pub fn new(windows: Vec<Window>) -> Result<Self, CalendarError> {
        if windows.is_empty() {
            return Err(CalendarError::OfficeHours("no window".into()));
        }
        for w in &windows {
            if w.start >= w.end {
                return Err(CalendarError::OfficeHours(format!("empty window {w:?}")));
            }
            if w.start.second() != 0 || w.end.second() != 0 {
                return Err(CalendarError::OfficeHours(
                    "windows are whole minutes".into(),
                ));
            }
        }
        if windows.windows(2).any(|p| p[0].end > p[1].start) {
            return Err(CalendarError::OfficeHours(
                "windows overlap or are out of order".into(),
            ));
        }
        Ok(Self { windows })
    }

    /// The default hours, an 8-hour office day: 07:30–11:30 and 13:00–17:00.
    pub fn standard() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        Self {
            windows: vec![
                Window {
                    start: t(7, 30),
                    end: t(11, 30),
                },
                Window {
                    start: t(13, 0),
                    end: t(17, 0),
                },
            ],
        }
    }

    /// The windows, in order.
    pub fn windows(&self) -> &[Window] {
        &self.windows
    }

    /// Opening time of the day.
    pub fn opens(&self) -> NaiveTime {
        self.windows.first().map_or(NaiveTime::MIN, |w| w.start)
    }

    /// End of the office day (due time of day-based limits).
    pub fn closes(&self) -> NaiveTime {
        self.windows.last().map_or(NaiveTime::MIN, |w| w.end)
    }

    /// The morning window (used for Saturday-morning reception).
    pub fn morning(&self) -> Window {
        self.windows.first().copied().unwrap_or(Window {
            start: NaiveTime::MIN,
            end: NaiveTime::MIN,
        })
    }

    /// Minutes of office time in a full working day.
    pub fn day_minutes(&self) -> u32 {
        self.windows.iter().map(Window::minutes).sum()
    }

    /// Minutes of office time between `from` and `to` on one day.
    pub fn minutes_between(&self, from: NaiveTime, to: NaiveTime) -> u32 {
        self.windows
            .iter()
            .map(|w| {
                let s = w.start.max(from);
                let e = w.end.min(to);
                if s < e {
                    (e - s).num_minutes() as u32
                } else {
                    0
                }
            })
            .sum()
    }
}

#[derive(Deserialize)]
struct RawHours {
    windows: Vec<String>,
}

#[derive(Deserialize)]
struct RawTable {
    default: RawHours,
    #[serde(default)]
    provinces: BTreeMap<String, RawHours>,
}

fn parse_time(s: &str) -> Result<NaiveTime, CalendarError> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|e| CalendarError::OfficeHours(format!("time {s:?}: {e}")))
}

impl TryFrom<RawHours> for OfficeHours {
    type Error = CalendarError;
    fn try_from(raw: RawHours) -> Result<Self, CalendarError> {
        let windows = raw
            .windows
            .iter()
            .map(|w| {
                let (a, b) = w.split_once('-').ok_or_else(|| {
                    CalendarError::OfficeHours(format!("window {w:?}: want HH:MM-HH:MM"))
                })?;
                Ok(Window {
                    start: parse_time(a)?,
                    end: parse_time(b)?,
                })
            })
            .collect::<Result<Vec<_>, CalendarError>>()?;
        OfficeHours::new(windows)
    }
}

/// Office hours: a default and per-province exceptions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OfficeHoursTable {
    /// Hours used where no province entry exists.
    pub default: OfficeHours,
    /// Hours by province code (the caller's code, e.g. `H22`).
    pub provinces: BTreeMap<String, OfficeHours>,
}

impl OfficeHoursTable {
    /// The embedded table.
    pub fn embedded() -> Result<Self, CalendarError> {
        Self::parse_toml(EMBEDDED_OFFICE_HOURS_TOML)
    }

    /// Reads a table from TOML (`[default] windows = ["07:30-11:30", …]`,
    /// `[provinces.<code>] windows = […]`).
    pub fn parse_toml(text: &str) -> Result<Self, CalendarError> {
        let raw: RawTable =
            toml::from_str(text).map_err(|e| CalendarError::OfficeHours(e.to_string()))?;
        let default = OfficeHours::try_from(raw.default)?;
        let provinces = raw
            .provinces
            .into_iter()
            .map(|(k, v)| Ok((k, OfficeHours::try_from(v)?)))
            .collect::<Result<_, CalendarError>>()?;
        Ok(Self { default, provinces })
    }

    /// Hours of `province`, or the default.
    pub fn for_province(&self, province: Option<&str>) -> &OfficeHours {
        province
            .and_then(|p| self.provinces.get(p))
            .unwrap_or(&self.default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_is_the_standard_schedule() {
        let t = OfficeHoursTable::embedded().unwrap();
        assert_eq!(t.default, OfficeHours::standard());
        assert_eq!(t.default.day_minutes(), 480);
    }

    #[test]
    fn provinces_and_errors() {
        let t = OfficeHoursTable::parse_toml(
            "[default]\nwindows=[\"07:30-11:30\",\"13:30-17:00\"]\n[provinces.H22]\nwindows=[\"07:00-11:00\",\"13:00-16:30\"]\n",
        )
        .unwrap();
        assert_eq!(
            t.for_province(Some("H22")).closes(),
            NaiveTime::from_hms_opt(16, 30, 0).unwrap()
        );
        assert_eq!(t.for_province(Some("H99")), &t.default);
        for bad in [
            "",
            "[default]\nwindows=[]",
            "[default]\nwindows=[\"17:00-07:00\"]",
            "[default]\nwindows=[\"07:00-12:00\",\"11:00-17:00\"]",
            "[default]\nwindows=[\"7h-8h\"]",
        ] {
            assert!(OfficeHoursTable::parse_toml(bad).is_err(), "{bad}");
        }
    }
}
