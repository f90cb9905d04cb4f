//! Character-level transforms: normalisation, accent and stroke removal,
//! the Ð/Đ repair, the search key, and a cheap "is this Vietnamese" test.
//!
//! The trap these functions are built around: Vietnamese `Đ`/`đ`
//! (U+0110/U+0111, D WITH STROKE) and Icelandic `Ð`/`ð` (U+00D0/U+00F0, ETH)
//! look alike, and neither has a canonical decomposition. So NFD followed by
//! mark stripping leaves `Đ` in place (`"Đặng"` → `"Đang"`), and a blanket
//! "any stroked D is D" rule would corrupt Icelandic names. Each function
//! below says exactly which of the four letters it touches.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// LATIN CAPITAL LETTER D WITH STROKE, the Vietnamese `Đ`.
const D_STROKE_UPPER: char = '\u{0110}';
/// LATIN SMALL LETTER D WITH STROKE, the Vietnamese `đ`.
const D_STROKE_LOWER: char = '\u{0111}';
/// LATIN CAPITAL LETTER ETH, Icelandic/Faroese `Ð`. Never folded to `D`.
const ETH_UPPER: char = '\u{00D0}';
/// LATIN SMALL LETTER ETH, Icelandic/Faroese `ð`. Never folded to `d`.
const ETH_LOWER: char = '\u{00F0}';

/// Puts text into Unicode Normalization Form C (composed).
///
/// Use this before storing, comparing for equality or deduplicating: a name
/// typed on one keyboard as `a` + U+0301 and on another as `á` (U+00E1) is the
/// same name, and only becomes the same string after normalisation.
///
/// ```
/// use motcua_domain::text::normalize;
/// assert_eq!(normalize("Ca\u{0301}i"), "Cái");
/// ```
pub fn normalize(input: &str) -> String {
    input.nfc().collect()
}

/// Removes every combining mark after canonical decomposition (NFD), then
/// recomposes (NFC).
///
/// Works for all scripts that use combining marks (`"café"` → `"cafe"`,
/// Cyrillic `"Ѐ"` → `"Е"`). Only *canonical* decompositions are applied, so
/// compatibility characters such as the ligature `ﬁ` are left as they are.
/// Whitespace and punctuation are never touched.
///
/// Letters that have no decomposition survive unchanged, in particular
/// Vietnamese `Đ`/`đ` and Icelandic `Ð`/`ð`: removing tone marks must not
/// change which letter it is. Use [`strip_stroke`] or [`fold`] to turn `đ`
/// into `d`.
///
/// ```
/// use motcua_domain::text::deaccent;
/// assert_eq!(deaccent("Trần Đại Nghĩa"), "Tran Đai Nghia");
/// ```
pub fn deaccent(input: &str) -> String {
    input
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .nfc()
        .collect()
}

/// Replaces Vietnamese `Đ` with `D` and `đ` with `d`, and changes nothing
/// else.
///
/// Tone and vowel marks are left for [`deaccent`]; Icelandic `Ð`/`ð` (ETH) are
/// different letters and are kept.
///
/// ```
/// use motcua_domain::text::strip_stroke;
/// assert_eq!(strip_stroke("Đỗ Mười"), "Dỗ Mười");
/// assert_eq!(strip_stroke("Ðor"), "Ðor");
/// ```
pub fn strip_stroke(input: &str) -> String {
    input.chars().map(unstroke).collect()
}

/// Repairs the most common damage in legacy Vietnamese data: Icelandic `Ð`/`ð`
/// (ETH, U+00D0/U+00F0) typed or converted in place of `Đ`/`đ`
/// (U+0110/U+0111). Every occurrence is replaced; nothing else changes.
///
/// This is a *data repair* step, and it is deliberately Vietnamese-biased: an
/// Icelandic name such as `"Ðor"` becomes `"Đor"`. Do not run it on text that
/// may legitimately contain ETH; [`fold`] never reinterprets letters and is
/// the right tool for search keys.
///
/// It does not fix anything else: misplaced vowel marks (`"lựơng"`) stay, and
/// byte-level mojibake (UTF-8 read as Windows-1252, e.g. `"Ä Ä¡ng"`) cannot
/// be undone from characters alone.
///
/// ```
/// use motcua_domain::text::repair_mojibake;
/// assert_eq!(repair_mojibake("Ðại học"), "Đại học");
/// ```
pub fn repair_mojibake(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            ETH_UPPER => D_STROKE_UPPER,
            ETH_LOWER => D_STROKE_LOWER,
            other => other,
        })
        .collect()
}

/// The search key of a text.
///
/// Lower case, without combining marks (as [`deaccent`]), with `Đ`/`đ` turned
/// into `d` (as [`strip_stroke`]), and with every run of characters that are
/// neither letters nor digits turned into one space; no leading or trailing
/// space. NFC and NFD spellings of the same text give the same key, and so do
/// tone-mark placement variants (`"Hoà"`/`"Hòa"`, `"Thuỷ"`/`"Thủy"`) and
/// apostrophe variants (`’`/`'`), since marks and punctuation both vanish.
///
/// Letters of other scripts stay (`"東京 Tokyo"` → `"東京 tokyo"`), and ETH is
/// lower-cased but never turned into `d`. Lower-casing is per character and
/// locale-independent. `fold` is idempotent: `fold(&fold(s)) == fold(s)`.
///
/// ```
/// use motcua_domain::text::fold;
/// assert_eq!(fold("TP. Hồ Chí Minh"), "tp ho chi minh");
/// assert_eq!(fold("Đặng Minh Anh"), "dang minh anh");
/// ```
pub fn fold(input: &str) -> String {
    // Decompose first so that NFC and NFD inputs take the same path, then
    // lower-case, then decompose again: lower-casing can itself produce
    // decomposable characters or combining marks (İ → i + U+0307).
    let plain = input
        .nfd()
        .flat_map(char::to_lowercase)
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(unstroke)
        .nfc();
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in plain {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        } else {
            pending_space = true;
        }
    }
    out
}

/// True when the text contains a letter that only Vietnamese uses: `Đ`/`đ`,
/// `Ơ`/`ơ`, `Ư`/`ư`, or any precomposed letter of the Vietnamese range
/// U+1EA0–U+1EF9 (`ạ`, `ễ`, `ỳ`, …), in NFC or NFD spelling.
///
/// A fast heuristic, not a language detector. Letters shared with other
/// languages (`à`, `é`, `ă`, `ô`) do not count, ETH (`Ð`) does not count, and
/// ASCII-only Vietnamese such as `"Nguyen"` is not detected.
///
/// ```
/// use motcua_domain::text::is_vietnamese;
/// assert!(is_vietnamese("Nguyễn"));
/// assert!(!is_vietnamese("café"));
/// ```
pub fn is_vietnamese(input: &str) -> bool {
    input.nfc().any(is_vietnamese_letter)
}

/// The letters counted by [`is_vietnamese`].
fn is_vietnamese_letter(c: char) -> bool {
    matches!(
        c,
        D_STROKE_UPPER
            | D_STROKE_LOWER
            | '\u{01A0}'
            | '\u{01A1}'
            | '\u{01AF}'
            | '\u{01B0}'
            | '\u{1EA0}'..='\u{1EF9}'
    )
}

/// Maps `Đ` → `D`, `đ` → `d`, any other character to itself.
fn unstroke(c: char) -> char {
    match c {
        D_STROKE_UPPER => 'D',
        D_STROKE_LOWER => 'd',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_placement_variants_fold_equal() {
        // Old style (mark on the second vowel) and new style (on the first).
        assert_eq!(fold("Hoà"), fold("Hòa"));
        assert_eq!(fold("Thuỷ"), fold("Thủy"));
        assert_eq!(fold("Khoẻ"), fold("Khỏe"));
        assert_eq!(fold("Hoà Bình"), "hoa binh");
        assert_eq!(fold("Thuỷ"), "thuy");
    }

    #[test]
    fn apostrophe_variants_fold_equal() {
        assert_eq!(fold("Cư M’gar"), fold("Cư M'gar"));
        assert_eq!(fold("Ea H’leo"), "ea h leo");
        assert_eq!(fold("Đắk R’lấp"), fold("Dak R'lap"));
    }

    #[test]
    fn nfd_input_folds_like_nfc() {
        let nfc = "Nguyễn Thị Đặng Hoà";
        let nfd: String = nfc.nfd().collect();
        assert_ne!(nfc, nfd);
        assert_eq!(fold(&nfd), fold(nfc));
        assert_eq!(fold(&nfd), "nguyen thi dang hoa");
        assert_eq!(deaccent(&nfd), "Nguyen Thi Đang Hoa");
        assert_eq!(normalize(&nfd), nfc);
    }

    #[test]
    fn d_with_stroke_folds_to_d_but_eth_does_not() {
        assert_eq!(fold("Đ"), "d");
        assert_eq!(fold("đ"), "d");
        assert_eq!(fold("ĐỖ"), "do");
        assert_eq!(fold("Ð"), "ð");
        assert_eq!(strip_stroke("ĐđÐð"), "DdÐð");
        assert_eq!(deaccent("Đđ"), "Đđ");
        assert_eq!(repair_mojibake("Ðð Đđ"), "Đđ Đđ");
        assert_eq!(fold(&repair_mojibake("Ðảm baỏ")), "dam bao");
    }

    #[test]
    fn lower_casing_that_creates_marks_still_folds_clean() {
        // U+0130 lower-cases to i + U+0307.
        assert_eq!(fold("İstanbul"), "istanbul");
    }

    #[test]
    fn is_vietnamese_sees_nfd_and_horn_letters() {
        let nfd: String = "Nguyễn".nfd().collect();
        assert!(is_vietnamese(&nfd));
        assert!(is_vietnamese("ơi"));
        assert!(is_vietnamese("Ư"));
        assert!(!is_vietnamese("Hà"));
        assert!(!is_vietnamese("ð"));
    }
}
