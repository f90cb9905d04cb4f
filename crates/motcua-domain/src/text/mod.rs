//! Vietnamese text: folding for search, and collation for sorting names.
//!
//! `fold` turns any spelling of a name (with or without diacritics, NFC or
//! NFD, "Hoà" or "Hòa", upper or lower case) into one search key, so that
//! "ho tich", "Hộ tịch" and "HỘ TỊCH" all match.
//!
//! * Transforms: [`normalize`] (NFC), [`deaccent`], [`strip_stroke`],
//!   [`repair_mojibake`], [`fold`] and the [`is_vietnamese`] heuristic. They
//!   pass the vn-text 1.0.0 conformance suite in
//!   `reference/text/vn-text-conformance.json`.
//! * Search: [`matches`](fn@matches), [`match_kind`] and [`Query`] compare a
//!   query against stored `fold` keys and rank the hits by [`MatchKind`].
//! * Sorting: [`VietnameseCollator`] and [`sort_vietnamese`] give Vietnamese
//!   alphabetical order (CLDR `vi` collation through ICU4X).
//!
//! Nothing here does I/O; see `docs/decisions/0003-vietnamese-text.md`.

mod collation;
mod fold;
mod matching;

pub use collation::{CollationUnavailable, VietnameseCollator, sort_vietnamese};
pub use fold::{deaccent, fold, is_vietnamese, normalize, repair_mojibake, strip_stroke};
pub use matching::{MatchKind, Query, match_kind, matches};
