//! Enums that the TOML format writes as a fixed keyword (`"ubnd_xa"`, `"full"`).

/// An enum whose variants are written as fixed keywords in the catalog file.
pub trait Keyword: Sized + Copy + 'static {
    /// Every variant, in declaration order.
    const ALL: &'static [Self];

    /// The keyword of this variant, as written in the TOML file.
    fn keyword(self) -> &'static str;

    /// The variant written as `text`, if `text` is one of the keywords.
    fn from_keyword(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.keyword() == text)
    }

    /// All keywords, quoted and comma-separated, for diagnostics.
    fn expected() -> String {
        let words: Vec<String> = Self::ALL
            .iter()
            .map(|v| format!("\"{}\"", v.keyword()))
            .collect();
        words.join(", ")
    }
}

/// Implements [`Keyword`] for a fieldless enum from `Variant => "keyword"` pairs.
macro_rules! keywords {
    ($ty:ty { $($var:ident => $kw:literal),+ $(,)? }) => {
        impl $crate::catalog::keyword::Keyword for $ty {
            const ALL: &'static [Self] = &[$(Self::$var),+];
            fn keyword(self) -> &'static str {
                match self {
                    $(Self::$var => $kw),+
                }
            }
        }
    };
}
pub(crate) use keywords;

keywords!(crate::legal_time::TimeUnit {
    WorkingDays => "working_days",
    CalendarDays => "calendar_days",
    WorkingHours => "working_hours",
    Months => "months",
});
