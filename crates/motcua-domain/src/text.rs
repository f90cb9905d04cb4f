//! Vietnamese text: folding for search, and collation for sorting names.
//!
//! `fold` turns any spelling of a name (with or without diacritics, NFC or
//! NFD, "Hoà" or "Hòa", upper or lower case) into one search key, so that
//! "ho tich", "Hộ tịch" and "HỘ TỊCH" all match.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Removes combining marks after canonical decomposition. Keeps Đ/đ.
pub fn deaccent(input: &str) -> String {
    input.nfd().filter(|c| !is_combining_mark(*c)).nfc().collect()
}

/// Maps Đ→D and đ→d, and nothing else.
pub fn strip_stroke(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            'Đ' => 'D',
            'đ' => 'd',
            other => other,
        })
        .collect()
}

/// The search key: deaccented, stroke stripped, lower case, every run of
/// non-alphanumeric characters turned into one space, trimmed.
pub fn fold(input: &str) -> String {
    let plain = strip_stroke(&deaccent(input));
    let mut out = String::with_capacity(plain.len());
    let mut pending_space = false;
    for c in plain.chars() {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}
