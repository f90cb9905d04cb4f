//! The citizen's pages (công dân): find a procedure, read what it needs,
//! file online with uploads, and track a dossier by code and verifier.
//! Every string comes from `locales/<lang>/citizen.ftl`.

pub mod file_online;
pub mod home;
pub mod procedure;
pub mod track;

use chrono::{DateTime, Utc};
use motcua_domain::clock::to_local;
use motcua_domain::legal_time::{TimeLimit, TimeUnit};

use crate::i18n::Messages;

/// An instant in Vietnam time, `dd/mm/yyyy HH:MM`.
pub fn local_time(at: DateTime<Utc>) -> String {
    to_local(at).format("%d/%m/%Y %H:%M").to_string()
}

/// A time limit in words.
pub fn limit_words(t: Messages, limit: &TimeLimit) -> String {
    if limit.amount == 0 {
        return t.get("citizen-limit-same-day");
    }
    let key = match limit.unit {
        TimeUnit::WorkingDays => "citizen-limit-working-days",
        TimeUnit::CalendarDays => "citizen-limit-calendar-days",
        TimeUnit::WorkingHours => "citizen-limit-working-hours",
        TimeUnit::Months => "citizen-limit-months",
    };
    t.with_count(key, "n", u64::from(limit.amount))
}

/// An amount in đồng with dot separators: `1.000.000 đ`.
pub fn vnd(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out + " đ"
}

/// Keeps a form value short and on one line.
pub fn field_value(raw: &str, max: usize) -> String {
    raw.chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_values_are_formatted() {
        assert_eq!(vnd(0), "0 đ");
        assert_eq!(vnd(8_000), "8.000 đ");
        assert_eq!(vnd(1_234_567), "1.234.567 đ");
        assert_eq!(field_value(" a\nb ", 10), "ab");
        assert_eq!(field_value("abcdef", 3), "abc");
    }
}
