//! The citizen's pages (công dân): find a procedure, read what it needs,
//! file online with uploads, and track a dossier by code and verifier.
//! Every string comes from `locales/<lang>/citizen.ftl`.

pub mod feedback;
pub mod file_online;
pub mod home;
pub mod payment;
pub mod procedure;
pub mod track;
pub mod unsubscribe;

use motcua_domain::legal_time::{TimeLimit, TimeUnit};

use crate::i18n::Messages;

/// Amounts on the citizen's pages: the one rule of [`motcua_domain::format`].
pub use motcua_domain::format::vnd;

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
    fn values_are_kept_short_and_on_one_line() {
        assert_eq!(field_value(" a\nb ", 10), "ab");
        assert_eq!(field_value("abcdef", 3), "abc");
    }
}
