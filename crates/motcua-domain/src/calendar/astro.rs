//! Low-precision astronomy for the lunisolar calendar: Julian day numbers,
//! mean-plus-periodic new moons and the apparent longitude of the Sun.
//!
//! The formulas are the truncated series of Jean Meeus, *Astronomical
//! Algorithms* (ch. 25 for the Sun, ch. 49 and the older Brown-based series
//! for the new moon), the same precision Hồ Ngọc Đức uses for his Vietnamese
//! calendar. They are good to a few minutes over 1900–2199, which is enough
//! to place a new moon or a solar term on the right civil day except when it
//! falls within minutes of local midnight (a handful of cases per century,
//! which is also where published calendars disagree with each other).

use chrono::{Datelike, NaiveDate};

/// Mean length of a synodic month, in days.
pub(crate) const SYNODIC_MONTH: f64 = 29.530_588_853;

/// Julian date (UT) of the mean new moon numbered `k = 0` (early January 1900).
pub(crate) const NEW_MOON_EPOCH: f64 = 2_415_021.076_998_695;

/// Offset between chrono's days-from-CE and the Julian day number.
const JDN_CE_OFFSET: i64 = 1_721_425;

/// Julian day number of a civil date (the day that starts at the local
/// midnight of `date`; the number itself is defined at noon).
pub(crate) fn julian_day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) + JDN_CE_OFFSET
}

/// The civil date of a Julian day number, if chrono can represent it.
pub(crate) fn date_from_jdn(jdn: i64) -> Option<NaiveDate> {
    let ce = i32::try_from(jdn - JDN_CE_OFFSET).ok()?;
    NaiveDate::from_num_days_from_ce_opt(ce)
}

/// Julian date (UT) of the `k`-th new moon after the epoch.
///
/// Mean lunation plus the main periodic terms in the Sun's anomaly `m`, the
/// Moon's anomaly `mp` and the Moon's argument of latitude `f`, minus an
/// approximation of ΔT (TT − UT).
pub(crate) fn new_moon_jd(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85; // Julian centuries since 1900
    let t2 = t * t;
    let t3 = t2 * t;
    let rad = std::f64::consts::PI / 180.0;
    let sin = |deg: f64| (deg * rad).sin();

    let mean = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3
        + 0.000_33 * sin(166.56 + 132.87 * t - 0.009_173 * t2);
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mp = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;

    let correction = (0.1734 - 0.000_393 * t) * sin(m) + 0.0021 * sin(2.0 * m) - 0.4068 * sin(mp)
        + 0.0161 * sin(2.0 * mp)
        - 0.0004 * sin(3.0 * mp)
        + 0.0104 * sin(2.0 * f)
        - 0.0051 * sin(m + mp)
        - 0.0074 * sin(m - mp)
        + 0.0004 * sin(2.0 * f + m)
        - 0.0004 * sin(2.0 * f - m)
        - 0.0006 * sin(2.0 * f + mp)
        + 0.0010 * sin(2.0 * f - mp)
        + 0.0005 * sin(m + 2.0 * mp);

    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    mean + correction - delta_t
}

/// Julian day number of the civil day, in a zone `tz_hours` east of UTC, on
/// which the `k`-th new moon falls.
pub(crate) fn new_moon_day(k: i64, tz_hours: f64) -> i64 {
    (new_moon_jd(k) + 0.5 + tz_hours / 24.0).floor() as i64
}

/// Apparent geometric longitude of the Sun, in degrees `[0, 360)`, at Julian
/// date `jd` (UT).
pub(crate) fn sun_longitude_deg(jd: f64) -> f64 {
    let t = (jd - 2_451_545.0) / 36_525.0; // Julian centuries since J2000
    let t2 = t * t;
    let rad = std::f64::consts::PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let centre = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (m * rad).sin()
        + (0.019_993 - 0.000_101 * t) * (2.0 * m * rad).sin()
        + 0.000_290 * (3.0 * m * rad).sin();
    (l0 + centre).rem_euclid(360.0)
}

/// Which 30° sector (0 = spring equinox … 9 = winter solstice …) the Sun is
/// in at the local midnight that starts civil day `jdn`.
///
/// A lunar month contains a major solar term (trung khí) exactly when the
/// sector at its first midnight differs from the sector at the first midnight
/// of the next month.
pub(crate) fn sun_sector_at_day_start(jdn: i64, tz_hours: f64) -> i64 {
    let jd_midnight_ut = jdn as f64 - 0.5 - tz_hours / 24.0;
    (sun_longitude_deg(jd_midnight_ut) / 30.0).floor() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jdn_round_trip() {
        let d = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
        assert_eq!(julian_day_number(d), 2_451_545);
        assert_eq!(date_from_jdn(2_451_545), Some(d));
    }

    #[test]
    fn sun_is_near_the_march_equinox() {
        // 2000-03-20 07:35 UT: longitude 0°.
        let jd = 2_451_623.815_97;
        let l = sun_longitude_deg(jd);
        assert!(!(0.05..=359.95).contains(&l), "longitude {l}");
    }

    #[test]
    fn new_moon_of_january_2000() {
        // 2000-01-06 18:14 UT.
        let k = ((2_451_550.26 - NEW_MOON_EPOCH) / SYNODIC_MONTH).round() as i64;
        let jd = new_moon_jd(k);
        assert!((jd - 2_451_550.26).abs() < 0.01, "jd {jd}");
    }
}
