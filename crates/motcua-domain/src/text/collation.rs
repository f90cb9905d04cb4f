//! Vietnamese alphabetical order, from the CLDR `vi` collation via ICU4X.
//!
//! Byte order and folded order are both wrong for Vietnamese names: `Đ` is a
//! letter of its own between `D` and `E`, `Ă`/`Â` follow `A`, `Ô`/`Ơ` follow
//! `O`, `Ư` follows `U`, and tone marks only break ties between otherwise equal
//! words (secondary differences). [`VietnameseCollator`] gives that order.

use std::cmp::Ordering;
use std::sync::OnceLock;

use icu_collator::options::CollatorOptions;
use icu_collator::preferences::CollationNumericOrdering;
use icu_collator::{Collator, CollatorBorrowed, CollatorPreferences};
use icu_locale_core::locale;

/// The Vietnamese collation could not be loaded.
///
/// With the compiled (baked) ICU4X data this crate uses, that would be a
/// build defect rather than a runtime condition.
#[derive(Debug, thiserror::Error)]
#[error("Vietnamese collation data unavailable: {0}")]
pub struct CollationUnavailable(String);

/// Compares strings in Vietnamese alphabetical order (CLDR `vi` tailoring,
/// tertiary strength, numeric ordering of digit runs).
///
/// Build it once and reuse it; [`VietnameseCollator::shared`] gives a
/// process-wide instance. Digit runs compare by value, so `"Phường 2"` sorts
/// before `"Phường 10"`. Canonically equivalent strings (NFC and NFD
/// spellings) compare [`Ordering::Equal`].
///
/// ```
/// use std::cmp::Ordering;
/// use motcua_domain::text::VietnameseCollator;
/// let c = VietnameseCollator::shared();
/// assert_eq!(c.compare("Dương", "Đà Nẵng"), Ordering::Less);
/// assert_eq!(c.compare("Đà Nẵng", "Gia Lai"), Ordering::Less);
/// ```
#[derive(Debug)]
pub struct VietnameseCollator {
    inner: CollatorBorrowed<'static>,
}

impl VietnameseCollator {
    /// Builds the collator from the ICU4X data compiled into the binary.
    ///
    /// # Errors
    ///
    /// [`CollationUnavailable`] if the `vi` collation data cannot be loaded,
    /// which does not happen with the compiled data this crate is built with.
    pub fn try_new() -> Result<Self, CollationUnavailable> {
        let mut prefs = CollatorPreferences::from(locale!("vi"));
        prefs.numeric_ordering = Some(CollationNumericOrdering::True);
        let inner = Collator::try_new(prefs, CollatorOptions::default())
            .map_err(|e| CollationUnavailable(e.to_string()))?;
        Ok(Self { inner })
    }

    /// A process-wide collator, built on first use.
    ///
    /// # Panics
    ///
    /// If the compiled `vi` collation data cannot be loaded (a build defect,
    /// covered by this crate's tests), never because of any input.
    pub fn shared() -> &'static Self {
        static SHARED: OnceLock<VietnameseCollator> = OnceLock::new();
        SHARED.get_or_init(|| match Self::try_new() {
            Ok(collator) => collator,
            Err(e) => panic!("{e}"),
        })
    }

    /// Compares two strings in Vietnamese order.
    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        self.inner.compare(a, b)
    }

    /// Sorts `items` by the string `key` returns, in Vietnamese order.
    ///
    /// Keys that collate equal (for example NFC and NFD spellings) are ordered
    /// by their bytes, so the result does not depend on the input order.
    pub fn sort_by_key<T, F>(&self, items: &mut [T], mut key: F)
    where
        F: FnMut(&T) -> &str,
    {
        items.sort_by(|a, b| {
            let (ka, kb) = (key(a), key(b));
            self.compare(ka, kb).then_with(|| ka.cmp(kb))
        });
    }
}

/// Sorts names in Vietnamese alphabetical order with the
/// [shared](VietnameseCollator::shared) collator.
///
/// Names that collate equal are ordered by their bytes.
///
/// ```
/// use motcua_domain::text::sort_vietnamese;
/// let mut names = vec!["Gia Lai", "Đà Nẵng", "Dương", "An Giang"];
/// sort_vietnamese(&mut names);
/// assert_eq!(names, ["An Giang", "Dương", "Đà Nẵng", "Gia Lai"]);
/// ```
pub fn sort_vietnamese<S: AsRef<str>>(names: &mut [S]) {
    VietnameseCollator::shared().sort_by_key(names, |s| s.as_ref());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        sort_vietnamese(&mut v);
        v
    }

    fn assert_strictly_ascending(names: &[&str]) {
        let c = VietnameseCollator::shared();
        for pair in names.windows(2) {
            assert_eq!(
                c.compare(pair[0], pair[1]),
                Ordering::Less,
                "{:?} should sort before {:?}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn try_new_loads_the_compiled_vi_data() {
        assert!(VietnameseCollator::try_new().is_ok());
    }

    #[test]
    fn d_with_stroke_is_its_own_letter_between_d_and_e() {
        assert_strictly_ascending(&["Dương", "Dz", "Đà Nẵng", "Đắk Lắk", "Điện Biên", "Gia Lai"]);
        assert_strictly_ascending(&["dz", "đa"]);
        assert_strictly_ascending(&["Đz", "E"]);
    }

    #[test]
    fn vowel_letters_follow_their_base_letter() {
        // Ă and Â are letters after A, before B (even before "Az").
        assert_strictly_ascending(&["A", "Az", "Ă", "Ăz", "Â", "Âz", "B"]);
        assert_strictly_ascending(&["Ê", "F"]);
        assert_strictly_ascending(&["E", "Ez", "Ê"]);
        // O < Ô < Ơ < P.
        assert_strictly_ascending(&["O", "Oz", "Ô", "Ôz", "Ơ", "Ơz", "P"]);
        // U < Ư < V.
        assert_strictly_ascending(&["U", "Uz", "Ư", "Ưz", "V"]);
    }

    #[test]
    fn tone_marks_are_secondary_in_the_vi_order() {
        // What CLDR vi gives: no tone, huyền, hỏi, ngã, sắc, nặng.
        assert_strictly_ascending(&["Ba", "Bà", "Bả", "Bã", "Bá", "Bạ"]);
        // Secondary only: a tone never outweighs a later base letter.
        assert_strictly_ascending(&["Bạ", "Bac", "Bác", "Bai"]);
        assert_strictly_ascending(&["Hòa", "Hoan"]);
    }

    #[test]
    fn case_is_tertiary_lower_first() {
        assert_strictly_ascending(&["ba", "Ba", "bà"]);
    }

    #[test]
    fn nfd_and_nfc_spellings_collate_equal() {
        let c = VietnameseCollator::shared();
        assert_eq!(
            c.compare("Nguy\u{1EC5}n", "Nguye\u{0302}\u{0303}n"),
            Ordering::Equal
        );
    }

    #[test]
    fn digit_runs_sort_by_value() {
        assert_eq!(
            sorted(&["Phường 10", "Phường 2", "Phường 1"]),
            ["Phường 1", "Phường 2", "Phường 10"]
        );
    }

    #[test]
    fn provinces_sort_in_vietnamese_order() {
        assert_eq!(
            sorted(&[
                "Gia Lai",
                "Đồng Nai",
                "Bắc Ninh",
                "Điện Biên",
                "An Giang",
                "Cà Mau",
                "Đà Nẵng",
                "Bà Rịa - Vũng Tàu",
                "Dương",
                "Hà Nội",
                "Ông Ích Khiêm",
                "Ơn",
                "Ô Môn",
            ]),
            [
                "An Giang",
                "Bà Rịa - Vũng Tàu",
                "Bắc Ninh",
                "Cà Mau",
                "Dương",
                "Đà Nẵng",
                "Điện Biên",
                "Đồng Nai",
                "Gia Lai",
                "Hà Nội",
                "Ô Môn",
                "Ông Ích Khiêm",
                "Ơn",
            ]
        );
    }

    #[test]
    fn ties_are_broken_by_bytes_so_order_is_deterministic() {
        let nfc = "Hòa".to_string();
        let nfd = "Ho\u{0300}a".to_string();
        let mut a = vec![nfc.clone(), nfd.clone()];
        let mut b = vec![nfd, nfc];
        sort_vietnamese(&mut a);
        sort_vietnamese(&mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn sort_by_key_sorts_records() {
        struct Unit {
            name: &'static str,
        }
        let mut units = [Unit { name: "Đông Hà" }, Unit { name: "Duy Tiên" }];
        VietnameseCollator::shared().sort_by_key(&mut units, |u| u.name);
        assert_eq!(units[0].name, "Duy Tiên");
    }
}
