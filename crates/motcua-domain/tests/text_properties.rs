//! Property tests of the search key and the matching helpers.

use motcua_domain::text::{MatchKind, fold, match_kind, matches};
use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;

/// Text that looks like Vietnamese input: letters with and without marks,
/// Đ/đ, ETH, NFD marks, digits, punctuation and odd whitespace.
fn vietnamese_like() -> impl Strategy<Value = String> {
    proptest::string::string_regex(
        "[a-zA-ZĐđÐðăâêôơưĂÂÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵÀÁẢÃẠỲÝỶỸỴ\u{0300}\u{0301}\u{0303}\u{0309}\u{0323}0-9 .,’'\\-/\t\n]{0,40}",
    )
    .expect("valid regex")
}

/// Both hand-picked Vietnamese-like text and arbitrary Unicode.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![vietnamese_like(), any::<String>()]
}

proptest! {
    #[test]
    fn fold_is_idempotent(s in any_text()) {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once);
    }

    #[test]
    fn fold_ignores_normalization_form(s in any_text()) {
        let nfd: String = s.nfd().collect();
        let nfc: String = s.nfc().collect();
        prop_assert_eq!(fold(&nfd), fold(&nfc));
    }

    #[test]
    fn fold_output_is_lower_case_single_spaced_and_trimmed(s in any_text()) {
        let f = fold(&s);
        // No character changes under lower-casing (a few letters such as ℂ are
        // upper case without a lower-case form; they count as lower-case here).
        prop_assert!(f.chars().all(|c| c.to_lowercase().eq(std::iter::once(c))), "{:?}", f);
        prop_assert!(!f.contains("  "), "{:?}", f);
        prop_assert!(!f.starts_with(' ') && !f.ends_with(' '), "{:?}", f);
        prop_assert!(f.chars().all(|c| c == ' ' || c.is_alphanumeric()), "{:?}", f);
    }

    #[test]
    fn vietnamese_fold_output_has_no_upper_case(s in vietnamese_like()) {
        let f = fold(&s);
        prop_assert!(!f.chars().any(char::is_uppercase), "{:?}", f);
        prop_assert!(f.chars().all(|c| c == ' ' || c == 'ð' || c.is_ascii_alphanumeric()), "{:?}", f);
    }

    #[test]
    fn a_name_matches_itself_exactly(s in any_text()) {
        let key = fold(&s);
        prop_assert!(matches(&key, &s));
        prop_assert_eq!(match_kind(&key, &s), Some(MatchKind::Exact));
    }

    #[test]
    fn matches_agrees_with_match_kind(h in vietnamese_like(), q in vietnamese_like()) {
        let key = fold(&h);
        prop_assert_eq!(
            matches(&key, &q),
            match_kind(&key, &q) >= Some(MatchKind::WordPrefixes)
        );
    }
}
