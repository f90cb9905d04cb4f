//! Matching a user's query against folded names, and a coarse rank for
//! ordering the hits.
//!
//! Names are stored with their [`fold`] key; the query is folded the same
//! way, so `"ho tich"`, `"Hộ tịch"` and `"HỘ TỊCH"` find the same records.

use super::fold::fold;

/// How well a query matches a name; a later variant is a better match, so
/// `MatchKind` values can be compared and sorted directly.
///
/// Every kind from [`MatchKind::WordPrefixes`] up implies the one below it
/// except [`MatchKind::Substring`]: a query that is an exact match or a prefix
/// of the whole name also has all its words as word prefixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKind {
    /// The folded query occurs somewhere inside the name, possibly mid-word
    /// (`"tich"` in `"ho tich"`, `"oti"` in `"ho tich"`).
    Substring,
    /// Every query word is the beginning of some word of the name, in any
    /// order (`"tich ho"` or `"t h"` against `"ho tich"`).
    WordPrefixes,
    /// The name starts with the folded query (`"ho ti"` against `"ho tich"`).
    Prefix,
    /// The folded query equals the name.
    Exact,
}

/// A search query, folded once and then matched against many names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    folded: String,
}

impl Query {
    /// Folds `query` with [`fold`].
    pub fn new(query: &str) -> Self {
        Self {
            folded: fold(query),
        }
    }

    /// The folded query.
    pub fn folded(&self) -> &str {
        &self.folded
    }

    /// True when the query has no letters or digits; such a query matches
    /// every name.
    pub fn is_empty(&self) -> bool {
        self.folded.is_empty()
    }

    /// True when every query word is the beginning of some word of
    /// `haystack_folded` (see [`matches`](fn@matches)).
    pub fn matches(&self, haystack_folded: &str) -> bool {
        self.folded
            .split(' ')
            .all(|q| haystack_folded.split(' ').any(|w| w.starts_with(q)))
    }

    /// The best [`MatchKind`] of this query against `haystack_folded`, or
    /// `None` when it does not match at all (see [`match_kind`]).
    pub fn kind(&self, haystack_folded: &str) -> Option<MatchKind> {
        let q = self.folded.as_str();
        if haystack_folded == q {
            Some(MatchKind::Exact)
        } else if haystack_folded.starts_with(q) {
            Some(MatchKind::Prefix)
        } else if self.matches(haystack_folded) {
            Some(MatchKind::WordPrefixes)
        } else if haystack_folded.contains(q) {
            Some(MatchKind::Substring)
        } else {
            None
        }
    }
}

/// True when every word of the folded `query` is the beginning of some word
/// of `haystack_folded`, which must already be a [`fold`] key (as stored in a
/// search index). Words may appear in any order, and one name word may serve
/// several query words. A query without letters or digits matches everything.
///
/// ```
/// use motcua_domain::text::{fold, matches};
/// let name = fold("Đăng ký khai sinh");
/// assert!(matches(&name, "dang ky"));
/// assert!(matches(&name, "KHAI SINH"));
/// assert!(matches(&name, "sinh đăng"));
/// assert!(!matches(&name, "ang"));
/// ```
pub fn matches(haystack_folded: &str, query: &str) -> bool {
    Query::new(query).matches(haystack_folded)
}

/// Ranks how well `query` matches `haystack_folded` (a [`fold`] key):
/// [`MatchKind::Exact`] > [`MatchKind::Prefix`] > [`MatchKind::WordPrefixes`]
/// > [`MatchKind::Substring`], or `None` for no match.
///
/// `match_kind(h, q) >= Some(MatchKind::WordPrefixes)` exactly when
/// [`matches`](fn@matches)`(h, q)`. To rank many names against one query, build a
/// [`Query`] once instead.
///
/// ```
/// use motcua_domain::text::{fold, match_kind, MatchKind};
/// let name = fold("Hộ tịch");
/// assert_eq!(match_kind(&name, "HỘ TỊCH"), Some(MatchKind::Exact));
/// assert_eq!(match_kind(&name, "ho t"), Some(MatchKind::Prefix));
/// assert_eq!(match_kind(&name, "tich"), Some(MatchKind::WordPrefixes));
/// assert_eq!(match_kind(&name, "ich"), Some(MatchKind::Substring));
/// assert_eq!(match_kind(&name, "khai"), None);
/// ```
pub fn match_kind(haystack_folded: &str, query: &str) -> Option<MatchKind> {
    Query::new(query).kind(haystack_folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_ignores_accents_case_and_word_order() {
        let name = fold("Thủ tục đăng ký khai sinh");
        assert!(matches(&name, "khai sinh"));
        assert!(matches(&name, "ĐĂNG KÝ"));
        assert!(matches(&name, "dang ky khai"));
        assert!(matches(&name, "sinh thu"));
        assert!(matches(&name, "đ k k s"));
        assert!(!matches(&name, "ket hon"));
        assert!(!matches(&name, "hai"));
    }

    #[test]
    fn empty_query_matches_everything() {
        assert!(matches("ho tich", ""));
        assert!(matches("ho tich", " ,. "));
        assert!(Query::new("!!").is_empty());
        assert_eq!(match_kind("ho tich", ""), Some(MatchKind::Prefix));
    }

    #[test]
    fn kinds_rank_exact_then_prefix_then_words_then_substring() {
        let name = fold("Chứng thực bản sao");
        assert_eq!(
            match_kind(&name, "chung thuc ban sao"),
            Some(MatchKind::Exact)
        );
        assert_eq!(match_kind(&name, "Chứng thực"), Some(MatchKind::Prefix));
        assert_eq!(match_kind(&name, "chung thuc b"), Some(MatchKind::Prefix));
        assert_eq!(match_kind(&name, "sao ban"), Some(MatchKind::WordPrefixes));
        assert_eq!(match_kind(&name, "thuc"), Some(MatchKind::WordPrefixes));
        assert_eq!(match_kind(&name, "huc ban"), Some(MatchKind::Substring));
        assert_eq!(match_kind(&name, "xyz"), None);
        assert!(MatchKind::Exact > MatchKind::Prefix);
        assert!(MatchKind::Prefix > MatchKind::WordPrefixes);
        assert!(MatchKind::WordPrefixes > MatchKind::Substring);
    }

    #[test]
    fn ranking_a_list() {
        let names = ["Hộ tịch", "Đăng ký hộ tịch", "Hộ", "Hồ sơ"];
        let q = Query::new("ho");
        let mut hits: Vec<(MatchKind, &str)> = names
            .iter()
            .filter_map(|n| q.kind(&fold(n)).map(|k| (k, *n)))
            .collect();
        hits.sort_by_key(|h| std::cmp::Reverse(h.0));
        assert_eq!(hits[0], (MatchKind::Exact, "Hộ"));
        assert_eq!(hits.last().map(|h| h.0), Some(MatchKind::WordPrefixes));
        assert_eq!(hits.len(), 4);
    }
}
