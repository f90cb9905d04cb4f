//! The lunar calendar against an independent table, and its invariants.

use chrono::{Datelike, NaiveDate};
use motcua_domain::calendar::{LunarDate, MAX_YEAR, MIN_YEAR, leap_month, lunar_new_year};

const TET_TABLE: &str = include_str!("data/tet-2000-2050.csv");

#[test]
fn tet_2000_to_2050_matches_the_published_table() {
    let mut checked = 0;
    for line in TET_TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("year"))
    {
        let (year, date) = line.split_once(',').expect("year,date");
        let year: i32 = year.parse().expect("year");
        let expected = NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("date");
        assert_eq!(
            lunar_new_year(year).expect("in range"),
            expected,
            "Tết {year}"
        );
        checked += 1;
    }
    assert_eq!(checked, 51);
}

#[test]
fn tet_differs_from_china_where_expected() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    assert_eq!(lunar_new_year(1985).unwrap(), d(1985, 1, 21));
    assert_eq!(lunar_new_year(2007).unwrap(), d(2007, 2, 17));
    assert_eq!(lunar_new_year(2030).unwrap(), d(2030, 2, 2));
}

#[test]
fn every_tet_1900_to_2199_is_in_its_season_and_is_month_1_day_1() {
    for year in MIN_YEAR..=MAX_YEAR {
        let tet = lunar_new_year(year).unwrap();
        let lo = NaiveDate::from_ymd_opt(year, 1, 21).unwrap();
        let hi = NaiveDate::from_ymd_opt(year, 2, 21).unwrap();
        assert!(lo <= tet && tet <= hi, "Tết {year} = {tet}");
        let l = LunarDate::from_solar(tet).unwrap();
        assert_eq!((l.year, l.month, l.day, l.leap), (year, 1, 1, false));
    }
}

#[test]
fn solar_lunar_round_trip_over_the_whole_range() {
    let mut date = NaiveDate::from_ymd_opt(MIN_YEAR, 1, 1).unwrap();
    let end = NaiveDate::from_ymd_opt(MAX_YEAR, 12, 31).unwrap();
    let mut leap_days = 0;
    while date <= end {
        let l = LunarDate::from_solar(date).unwrap();
        assert!(
            (1..=30).contains(&l.day) && (1..=12).contains(&l.month),
            "{date}: {l:?}"
        );
        assert_eq!(l.to_solar().unwrap(), date, "{l:?}");
        if l.leap {
            leap_days += 1;
        }
        date = date + chrono::Days::new(3);
    }
    assert!(leap_days > 0);
}

#[test]
fn lunar_years_have_353_to_385_days_and_leap_years_13_months() {
    for year in MIN_YEAR..MAX_YEAR {
        let len = (lunar_new_year(year + 1).unwrap() - lunar_new_year(year).unwrap()).num_days();
        let leap = leap_month(year).unwrap();
        if leap.is_some() {
            assert!(
                (383..=385).contains(&len),
                "{year}: {len} days with leap {leap:?}"
            );
        } else {
            assert!((353..=355).contains(&len), "{year}: {len} days");
        }
    }
}

#[test]
fn out_of_range_is_an_error() {
    assert!(lunar_new_year(1899).is_err());
    assert!(lunar_new_year(2200).is_err());
    assert!(LunarDate::from_solar(NaiveDate::from_ymd_opt(2200, 1, 1).unwrap()).is_err());
    let d = NaiveDate::from_ymd_opt(2199, 12, 31).unwrap();
    assert_eq!(
        LunarDate::from_solar(d).unwrap().to_solar().unwrap().year(),
        2199
    );
}
