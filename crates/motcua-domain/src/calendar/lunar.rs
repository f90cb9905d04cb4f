//! The Vietnamese lunisolar calendar (âm lịch), computed for UTC+7.
//!
//! # Method
//!
//! This is the standard astronomical construction of the Chinese-family
//! lunisolar calendar, evaluated in Vietnam's time zone, as popularised for
//! Vietnam by Hồ Ngọc Đức:
//!
//! 1. A lunar month starts on the civil day (UTC+7) of a new moon.
//! 2. Month 11 is the month that contains the winter solstice (the Sun at
//!    270°).
//! 3. The span from one month 11 to the next (a *suì*) holds 12 or 13
//!    months. If it holds 13, the first month after month 11 that contains
//!    no major solar term (the Sun does not cross a multiple of 30°) is the
//!    leap month (tháng nhuận) and takes the number of the month before it.
//! 4. Month 1 (tháng Giêng) starts the lunar year; its first day is Tết.
//!
//! Because days are cut at midnight UTC+7 rather than UTC+8, Vietnam and
//! China occasionally differ (e.g. Tết 1985 fell on 21 January in Vietnam and
//! 20 February in China; Tết 2007 on 17 February vs 18 February).
//!
//! Valid for solar dates 1900-01-01 ..= 2199-12-31. The astronomy is the
//! low-precision series of `super::astro`; see there for its limits.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::astro::{
    NEW_MOON_EPOCH, SYNODIC_MONTH, date_from_jdn, julian_day_number, new_moon_day,
    sun_sector_at_day_start,
};
use super::error::CalendarError;
use super::{MAX_YEAR, MIN_YEAR};

/// Vietnam's time zone, in hours east of UTC.
pub const VN_TZ_HOURS: f64 = 7.0;

/// A date of the Vietnamese lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LunarDate {
    /// Lunar year, named by the solar year in which its month 1 begins.
    pub year: i32,
    /// Month 1..=12.
    pub month: u8,
    /// Day 1..=30.
    pub day: u8,
    /// Whether the month is the leap (intercalary) month of that number.
    pub leap: bool,
}

/// One *suì*: the lunar months from the month 11 containing one winter
/// solstice up to (not including) the next month 11.
#[derive(Debug, Clone, Copy)]
struct Sui {
    /// Index `k` of the new moon that starts the first month 11.
    k_start: i64,
    /// Julian day number on which the first month 11 starts.
    start: i64,
    /// Index (from `k_start`, 1..=12) of the leap month, if the suì has 13 months.
    leap_index: Option<i64>,
}

/// Julian day number of the start of the month 11 that contains the winter
/// solstice of solar year `year`.
fn month11_start(year: i32) -> Option<i64> {
    let dec31 = julian_day_number(NaiveDate::from_ymd_opt(year, 12, 31)?);
    let k = ((dec31 - 2_415_021) as f64 / SYNODIC_MONTH).floor() as i64;
    let nm = new_moon_day(k, VN_TZ_HOURS);
    // If the Sun is already past 270° when that month starts, the solstice
    // fell in the month before.
    if sun_sector_at_day_start(nm, VN_TZ_HOURS) >= 9 {
        Some(new_moon_day(k - 1, VN_TZ_HOURS))
    } else {
        Some(nm)
    }
}

fn k_of_month_start(jdn: i64) -> i64 {
    ((jdn as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5).floor() as i64
}

/// The suì that starts with the month 11 of solar year `year`.
fn sui_from(year: i32) -> Option<Sui> {
    let start = month11_start(year)?;
    let end = month11_start(year + 1)?;
    let k_start = k_of_month_start(start);
    let leap_index = if end - start > 365 {
        // 13 months: the first one without a major solar term is the leap month.
        (1..=12).find(|&i| {
            let a = new_moon_day(k_start + i, VN_TZ_HOURS);
            let b = new_moon_day(k_start + i + 1, VN_TZ_HOURS);
            sun_sector_at_day_start(a, VN_TZ_HOURS) == sun_sector_at_day_start(b, VN_TZ_HOURS)
        })
    } else {
        None
    };
    Some(Sui {
        k_start,
        start,
        leap_index,
    })
}

impl Sui {
    fn month_start(&self, index: i64) -> i64 {
        if index == 0 {
            self.start
        } else {
            new_moon_day(self.k_start + index, VN_TZ_HOURS)
        }
    }

    /// Month number and leap flag of the month at `index` (0 = month 11).
    fn label(&self, index: i64) -> (u8, bool) {
        let (shift, leap) = match self.leap_index {
            Some(l) if index == l => (index - 1, true),
            Some(l) if index > l => (index - 1, false),
            _ => (index, false),
        };
        let month = (10 + shift).rem_euclid(12) + 1;
        (month as u8, leap)
    }

    /// Index of the month with number `month` (and leap flag), if it exists.
    fn index_of(&self, month: u8, leap: bool) -> Option<i64> {
        let offset = (i64::from(month) - 11).rem_euclid(12);
        match self.leap_index {
            Some(l) => {
                if leap {
                    (self.label(l) == (month, true)).then_some(l)
                } else if offset >= l {
                    Some(offset + 1)
                } else {
                    Some(offset)
                }
            }
            None => (!leap).then_some(offset),
        }
    }
}

fn check_year(year: i32) -> Result<(), CalendarError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(CalendarError::YearOutOfRange(year))
    }
}

impl LunarDate {
    /// Converts a solar (Gregorian) date to its lunar date.
    ///
    /// Returns [`CalendarError::YearOutOfRange`] outside 1900–2199.
    pub fn from_solar(date: NaiveDate) -> Result<Self, CalendarError> {
        use chrono::Datelike;
        let year = date.year();
        check_year(year)?;
        let jdn = julian_day_number(date);
        let this = sui_from(year).ok_or(CalendarError::YearOutOfRange(year))?;
        let sui = if jdn >= this.start {
            this
        } else {
            sui_from(year - 1).ok_or(CalendarError::YearOutOfRange(year))?
        };
        // Find the month containing `jdn`.
        let mut index = ((jdn - sui.start) as f64 / SYNODIC_MONTH).floor() as i64;
        while index > 0 && sui.month_start(index) > jdn {
            index -= 1;
        }
        while sui.month_start(index + 1) <= jdn {
            index += 1;
        }
        let (month, leap) = sui.label(index);
        let day = (jdn - sui.month_start(index) + 1) as u8;
        // Months 11 and 12 (and a leap 11/12) at the head of the suì belong
        // to the lunar year that began the previous January/February.
        let sui_year = if sui.start == this.start {
            year + 1
        } else {
            year
        };
        let lunar_year = if month >= 11 && index < 4 {
            sui_year - 1
        } else {
            sui_year
        };
        Ok(Self {
            year: lunar_year,
            month,
            day,
            leap,
        })
    }

    /// Converts this lunar date to its solar date.
    ///
    /// Errors if the month does not exist (e.g. a leap month that year does
    /// not have), if the day exceeds the month's length, or outside 1900–2199.
    pub fn to_solar(&self) -> Result<NaiveDate, CalendarError> {
        let invalid = || CalendarError::InvalidLunarDate(*self);
        if !(1..=12).contains(&self.month) || !(1..=30).contains(&self.day) {
            return Err(invalid());
        }
        // Lunar year 1899 ends in January 1900; the solar result is checked below.
        if !(MIN_YEAR - 1..=MAX_YEAR).contains(&self.year) {
            return Err(CalendarError::YearOutOfRange(self.year));
        }
        let sui_start_year = if self.month >= 11 {
            self.year
        } else {
            self.year - 1
        };
        let sui = sui_from(sui_start_year).ok_or(CalendarError::YearOutOfRange(self.year))?;
        let index = sui.index_of(self.month, self.leap).ok_or_else(invalid)?;
        let start = sui.month_start(index);
        let next = sui.month_start(index + 1);
        let jdn = start + i64::from(self.day) - 1;
        if jdn >= next {
            return Err(invalid());
        }
        let date = date_from_jdn(jdn).ok_or_else(invalid)?;
        use chrono::Datelike;
        check_year(date.year())?;
        Ok(date)
    }

    /// Number of days (29 or 30) in this date's month.
    pub fn month_length(&self) -> Result<u8, CalendarError> {
        let first = LunarDate { day: 1, ..*self }.to_solar()?;
        let next_first = first + chrono::Days::new(29);
        let probe = Self::from_solar(next_first)?;
        Ok(if probe.day == 1 { 29 } else { 30 })
    }
}

/// The leap month of lunar year `year`, if it has one (month number 1..=12).
///
/// A leap month 11 or 12 counts for the lunar year it belongs to.
pub fn leap_month(year: i32) -> Result<Option<u8>, CalendarError> {
    check_year(year)?;
    for sui_year in [year - 1, year] {
        let sui = sui_from(sui_year).ok_or(CalendarError::YearOutOfRange(year))?;
        if let Some(l) = sui.leap_index {
            let (month, _) = sui.label(l);
            // Leap months 11/12 early in the suì belong to the previous year.
            let owner = if month >= 11 && l < 4 {
                sui_year
            } else {
                sui_year + 1
            };
            if owner == year {
                return Ok(Some(month));
            }
        }
    }
    Ok(None)
}

/// Mùng 1 Tết: the first day of lunar year `year`, as a solar date.
pub fn lunar_new_year(year: i32) -> Result<NaiveDate, CalendarError> {
    LunarDate {
        year,
        month: 1,
        day: 1,
        leap: false,
    }
    .to_solar()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn vietnam_differs_from_china_in_1985_and_2007() {
        assert_eq!(lunar_new_year(1985).unwrap(), d(1985, 1, 21));
        assert_eq!(lunar_new_year(2007).unwrap(), d(2007, 2, 17));
    }

    #[test]
    fn known_anchors() {
        assert_eq!(lunar_new_year(2026).unwrap(), d(2026, 2, 17));
        assert_eq!(lunar_new_year(2027).unwrap(), d(2027, 2, 6));
        let gio_to_2027 = LunarDate {
            year: 2027,
            month: 3,
            day: 10,
            leap: false,
        };
        assert_eq!(gio_to_2027.to_solar().unwrap(), d(2027, 4, 16));
    }

    #[test]
    fn leap_months() {
        assert_eq!(leap_month(2023).unwrap(), Some(2));
        assert_eq!(leap_month(2025).unwrap(), Some(6));
        assert_eq!(leap_month(2024).unwrap(), None);
        assert_eq!(leap_month(2020).unwrap(), Some(4));
    }

    #[test]
    fn round_trip_every_day_of_a_few_years() {
        for y in [1900, 1985, 2023, 2033, 2199] {
            let mut date = d(y, 1, 1);
            while date <= d(y, 12, 31) {
                let l = LunarDate::from_solar(date).unwrap();
                assert_eq!(l.to_solar().unwrap(), date, "{l:?}");
                date = date.succ_opt().unwrap();
            }
        }
    }

    #[test]
    fn rejects_out_of_range_and_bad_dates() {
        assert!(LunarDate::from_solar(d(1899, 12, 31)).is_err());
        assert!(LunarDate::from_solar(d(2200, 1, 1)).is_err());
        assert!(
            LunarDate {
                year: 2024,
                month: 3,
                day: 1,
                leap: true
            }
            .to_solar()
            .is_err()
        );
        assert!(
            LunarDate {
                year: 2024,
                month: 13,
                day: 1,
                leap: false
            }
            .to_solar()
            .is_err()
        );
    }
}
