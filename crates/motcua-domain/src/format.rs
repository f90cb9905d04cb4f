//! How dates, times and money are written for people in Vietnam: one
//! implementation for every page, form, export and refusal message.
//!
//! * Instants are shown in Vietnam time (UTC+7, [`crate::clock::to_local`]),
//!   day first: `15/07/2025 09:05` ([`local_datetime`]), `15/07/2025`
//!   ([`local_date`], [`date`]).
//! * Amounts of money are whole đồng with a dot between thousands:
//!   `50.000 đ` on pages ([`vnd`]), `50.000 đồng` in sentences ([`dong`]);
//!   [`thousands`] groups with another separator for English text.
//! * Shares are percentages with a decimal comma and a space before the
//!   sign: `12,5 %` ([`percent`]); [`percent_with`] sets the decimals and
//!   the decimal mark (`.` on English pages).

use chrono::{DateTime, NaiveDate, Utc};

use crate::clock::to_local;

/// An instant in Vietnam time, `dd/mm/yyyy HH:MM`.
pub fn local_datetime(at: DateTime<Utc>) -> String {
    to_local(at).format("%d/%m/%Y %H:%M").to_string()
}

/// The day of an instant in Vietnam time, `dd/mm/yyyy`.
pub fn local_date(at: DateTime<Utc>) -> String {
    date(to_local(at).date())
}

/// The time of day of an instant in Vietnam time, `HH:MM`.
pub fn local_time_of_day(at: DateTime<Utc>) -> String {
    to_local(at).format("%H:%M").to_string()
}

/// A calendar day, `dd/mm/yyyy`.
pub fn date(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

/// `n` with `sep` between groups of three digits: `1.234.567` with `'.'`
/// (Vietnamese), `1,234,567` with `','` (English).
pub fn thousands(n: u64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// An amount for a page or a table: `50.000 đ`.
pub fn vnd(amount: u64) -> String {
    format!("{} đ", thousands(amount, '.'))
}

/// An amount in a sentence: `50.000 đồng`.
pub fn dong(amount: u64) -> String {
    format!("{} đồng", thousands(amount, '.'))
}

/// A share (`0.125`) as a percentage, the way the pages write it in
/// Vietnamese: one decimal after a decimal comma, a space before the sign
/// (`12,5 %`).
pub fn percent(share: f64) -> String {
    percent_with(share, 1, ',')
}

/// A share as a percentage with `decimals` decimals and `point` as the
/// decimal mark (`','` in Vietnamese, `'.'` in English), a space before the
/// sign: `percent_with(0.8235, 2, '.')` is `82.35 %`,
/// `percent_with(0.87, 0, ',')` is `87 %`.
pub fn percent_with(share: f64, decimals: usize, point: char) -> String {
    let s = format!("{:.*} %", decimals, share * 100.0);
    if point == '.' {
        s
    } else {
        s.replacen('.', point.encode_utf8(&mut [0; 4]), 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339)
            .expect("an instant")
            .with_timezone(&Utc)
    }

    /// The cases of the pages' `local_time`/`when`/`day` and of the CSV
    /// export's `vn_time`, which were written separately.
    #[test]
    fn instants_are_shown_in_vietnam_time_day_first() {
        assert_eq!(
            local_datetime(at("2025-07-15T02:05:00Z")),
            "15/07/2025 09:05"
        );
        // 17:30 UTC is already the next day in Vietnam.
        assert_eq!(
            local_datetime(at("2025-12-31T17:30:00Z")),
            "01/01/2026 00:30"
        );
        assert_eq!(local_date(at("2025-12-31T17:30:00Z")), "01/01/2026");
        assert_eq!(local_date(at("2025-07-15T02:05:00Z")), "15/07/2025");
        assert_eq!(local_time_of_day(at("2025-07-15T02:05:00Z")), "09:05");
        let day = NaiveDate::from_ymd_opt(2025, 2, 3).expect("a day");
        assert_eq!(date(day), "03/02/2025");
    }

    /// The cases of the citizen pages', the desk's and the receipt's
    /// money helpers.
    #[test]
    fn money_is_whole_dong_with_dots_between_thousands() {
        assert_eq!(vnd(0), "0 đ");
        assert_eq!(vnd(500), "500 đ");
        assert_eq!(vnd(8_000), "8.000 đ");
        assert_eq!(vnd(20_000), "20.000 đ");
        assert_eq!(vnd(1_500_000), "1.500.000 đ");
        assert_eq!(vnd(1_234_567), "1.234.567 đ");
        assert_eq!(dong(50_000), "50.000 đồng");
        assert_eq!(thousands(999, '.'), "999");
        assert_eq!(thousands(8_000, '.'), "8.000");
        assert_eq!(thousands(1_234_567, ','), "1,234,567");
        assert_eq!(thousands(u64::MAX, '.'), "18.446.744.073.709.551.615");
    }

    /// The cases of the training verdict's, the national page's, the
    /// leader's, the 766 index pages' and the workload page's percentages,
    /// which were written separately (`25,0%`, `12,3 %`, `87 %`, `82,35 %`).
    #[test]
    fn shares_are_percentages_with_a_decimal_comma_and_a_space() {
        assert_eq!(percent(0.25), "25,0 %");
        assert_eq!(percent(0.123), "12,3 %");
        assert_eq!(percent(1.0), "100,0 %");
        assert_eq!(percent(0.0), "0,0 %");
        assert_eq!(percent_with(0.87, 0, ','), "87 %");
        assert_eq!(percent_with(0.8235, 2, ','), "82,35 %");
        assert_eq!(percent_with(0.8235, 2, '.'), "82.35 %");
        assert_eq!(percent_with(0.125, 1, '.'), "12.5 %");
    }
}
