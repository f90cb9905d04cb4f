//! Grouping the same obstacle raised by several units.
//!
//! Two cases are "the same obstacle" when their folded words (diacritics,
//! case and Unicode form removed by [`crate::text::fold`]) share most of
//! their syllable pairs: the Jaccard index of the sets of adjacent syllable
//! pairs of title and description, at least [`SAME_OBSTACLE`]. Pairs, not
//! single syllables, because Vietnamese words are mostly two syllables
//! ("hộ tịch", "phần mềm") and single syllables repeat across unrelated text.

use std::collections::BTreeSet;

use crate::text::fold;

/// The similarity from which two cases are suggested as one group.
pub const SAME_OBSTACLE: f64 = 0.5;

/// The comparable form of a case's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimilarityKey {
    pairs: BTreeSet<String>,
}

impl SimilarityKey {
    /// From the case's title and description.
    pub fn new(title: &str, description: &str) -> Self {
        let folded = fold(&format!("{title} {description}"));
        let words: Vec<&str> = folded
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let mut pairs: BTreeSet<String> = words
            .windows(2)
            .map(|w| format!("{} {}", w[0], w[1]))
            .collect();
        if words.len() == 1 {
            pairs.insert(words[0].to_owned());
        }
        Self { pairs }
    }

    /// The Jaccard index of the two keys, 0.0 to 1.0.
    pub fn score(&self, other: &Self) -> f64 {
        if self.pairs.is_empty() || other.pairs.is_empty() {
            return 0.0;
        }
        let common = self.pairs.intersection(&other.pairs).count();
        let all = self.pairs.union(&other.pairs).count();
        common as f64 / all as f64
    }

    /// Whether the two are the same obstacle.
    pub fn same_as(&self, other: &Self) -> bool {
        self.score(other) >= SAME_OBSTACLE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_obstacle_without_diacritics_is_recognised() {
        let a = SimilarityKey::new(
            "Phần mềm một cửa không kết nối CSDL hộ tịch",
            "Không đồng bộ được hồ sơ khai sinh sang CSDL hộ tịch điện tử",
        );
        let b = SimilarityKey::new(
            "phan mem mot cua khong ket noi csdl ho tich",
            "KHÔNG ĐỒNG BỘ ĐƯỢC HỒ SƠ KHAI SINH sang CSDL hộ tịch",
        );
        assert!(a.score(&b) > 0.8, "{}", a.score(&b));
        assert!(a.same_as(&b));
    }

    #[test]
    fn different_obstacles_are_not_grouped() {
        let a = SimilarityKey::new(
            "Phần mềm một cửa không kết nối CSDL hộ tịch",
            "Không đồng bộ được hồ sơ khai sinh",
        );
        let b = SimilarityKey::new(
            "Thiếu biên chế công chức địa chính",
            "Xã sau sáp nhập chỉ còn một công chức địa chính",
        );
        assert!(a.score(&b) < 0.1, "{}", a.score(&b));
        assert!(!a.same_as(&b));
        assert_eq!(SimilarityKey::new("", "").score(&a), 0.0);
    }
}
