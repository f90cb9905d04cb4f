//! Vietnamese text: folding for search, and collation for sorting names.
//!
//! `fold` turns any spelling of a name (with or without diacritics, NFC or
//! NFD, "Hoà" or "Hòa", upper or lower case) into one search key, so that
//! "ho tich", "Hộ tịch" and "HỘ TỊCH" all match.

mod fold;
mod matching;

pub use fold::{deaccent, fold, is_vietnamese, normalize, repair_mojibake, strip_stroke};
pub use matching::{MatchKind, Query, match_kind, matches};
