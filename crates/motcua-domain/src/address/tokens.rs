//! Splitting an address into folded tokens that remember where they came
//! from, so the street part can be cut out of the text as typed.

use unicode_normalization::char::is_combining_mark;

use crate::text::fold;

/// One word of the address.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    /// Byte range in the (NFC) text as typed.
    pub raw: (usize, usize),
    /// Byte range in [`Tokens::folded`].
    pub folded: (usize, usize),
    /// Which comma-separated part of the address it is in.
    pub segment: u32,
}

/// The words of one address, folded and joined by single spaces.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    /// The address in NFC.
    pub text: String,
    /// The folded words joined by one space, so that any run of words is a
    /// slice of this string.
    pub folded: String,
    /// The words.
    pub list: Vec<Token>,
    /// True when the text has separators (commas, semicolons, new lines).
    pub has_segments: bool,
}

/// Abbreviations written glued to a number: "p15", "Q10", "f.7" is already
/// two words.
const GLUED: [&str; 12] = [
    "p", "ph", "f", "q", "x", "tt", "h", "tx", "quan", "phuong", "huyen", "xa",
];

fn is_separator(c: char) -> bool {
    matches!(c, ',' | ';' | '\n' | '\r' | '|' | '(' | ')' | '\t')
}

impl Tokens {
    /// Tokenises `input`.
    pub fn new(input: &str) -> Self {
        let text = if input.is_ascii() {
            input.to_owned()
        } else {
            crate::text::normalize(input)
        };
        let mut out = Tokens {
            folded: String::with_capacity(text.len()),
            list: Vec::with_capacity(16),
            ..Tokens::default()
        };
        let mut segment = 0u32;
        let mut start: Option<usize> = None;
        let mut bumped = true;
        for (i, c) in text.char_indices() {
            if c.is_alphanumeric() || is_combining_mark(c) {
                if start.is_none() {
                    start = Some(i);
                }
                continue;
            }
            if let Some(s) = start.take() {
                out.push(&text, s, i, segment);
                bumped = false;
            }
            if is_separator(c) && !bumped {
                segment += 1;
                bumped = true;
                out.has_segments = true;
            }
        }
        if let Some(s) = start {
            out.push(&text, s, text.len(), segment);
        }
        out.text = text;
        out
    }

    fn push(&mut self, text: &str, start: usize, end: usize, segment: u32) {
        let raw = &text[start..end];
        let word = if raw.is_ascii() {
            // `fold` of ASCII letters and digits is their lower case.
            raw.to_ascii_lowercase()
        } else {
            fold(raw)
        };
        if word.is_empty() {
            return;
        }
        // "p15" → "p" "15"; "Q.10" is already two words.
        let digits = word.bytes().rev().take_while(u8::is_ascii_digit).count();
        if digits > 0 && digits < word.len() && GLUED.contains(&&word[..word.len() - digits]) {
            let cut_raw = end - digits;
            let cut = word.len() - digits;
            self.push_word(&word[..cut], (start, cut_raw), segment);
            self.push_word(&word[cut..], (cut_raw, end), segment);
            return;
        }
        self.push_word(&word, (start, end), segment);
    }

    fn push_word(&mut self, word: &str, raw: (usize, usize), segment: u32) {
        if !self.folded.is_empty() {
            self.folded.push(' ');
        }
        let begin = self.folded.len();
        push_number_or_word(&mut self.folded, word);
        self.list.push(Token {
            raw,
            folded: (begin, self.folded.len()),
            segment,
        });
    }

    /// The folded words `i..j` joined by spaces.
    pub fn key(&self, i: usize, j: usize) -> &str {
        &self.folded[self.list[i].folded.0..self.list[j - 1].folded.1]
    }

    /// One folded word.
    pub fn word(&self, i: usize) -> &str {
        self.key(i, i + 1)
    }

    /// The number of words.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// The typed text of words `i..j`.
    pub fn raw(&self, i: usize, j: usize) -> &str {
        &self.text[self.list[i].raw.0..self.list[j - 1].raw.1]
    }

    /// True when word `i` opens its comma-separated part.
    pub fn opens_segment(&self, i: usize) -> bool {
        i == 0 || self.list[i - 1].segment != self.list[i].segment
    }

    /// True when word `j - 1` closes its comma-separated part.
    pub fn closes_segment(&self, j: usize) -> bool {
        j == self.list.len() || self.list[j].segment != self.list[j - 1].segment
    }

    /// True when words `i..j` lie in one comma-separated part.
    pub fn same_segment(&self, i: usize, j: usize) -> bool {
        self.list[i].segment == self.list[j - 1].segment
    }
}

/// Writes a word; a number loses its leading zeros ("01" → "1").
pub(crate) fn push_number_or_word(out: &mut String, word: &str) {
    if word.len() > 1 && word.bytes().all(|b| b.is_ascii_digit()) {
        let trimmed = word.trim_start_matches('0');
        out.push_str(if trimmed.is_empty() { "0" } else { trimmed });
    } else {
        out.push_str(word);
    }
}

/// The key of a name as the index stores it: folded, numbers without
/// leading zeros.
pub(crate) fn name_key(name: &str) -> String {
    let folded = fold(name);
    let mut out = String::with_capacity(folded.len());
    for (n, w) in folded.split(' ').enumerate() {
        if n > 0 {
            out.push(' ');
        }
        push_number_or_word(&mut out, w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_their_typed_spans_and_parts() {
        let t = Tokens::new("12/3 Lê Lợi, P.Bến Thành,Q1 , TP.HCM");
        let words: Vec<&str> = (0..t.len()).map(|i| t.word(i)).collect();
        assert_eq!(
            words,
            [
                "12", "3", "le", "loi", "p", "ben", "thanh", "q", "1", "tp", "hcm"
            ]
        );
        assert_eq!(t.raw(0, 4), "12/3 Lê Lợi");
        assert_eq!(t.key(5, 7), "ben thanh");
        assert!(t.opens_segment(4) && t.closes_segment(7) && t.has_segments);
        assert_eq!(t.list[7].segment, 2);
    }

    #[test]
    fn numbers_lose_leading_zeros_and_glued_abbreviations_split() {
        let t = Tokens::new("Phường 01 p15 F07 quan10 Đường 3/2");
        let words: Vec<&str> = (0..t.len()).map(|i| t.word(i)).collect();
        assert_eq!(
            words,
            [
                "phuong", "1", "p", "15", "f", "7", "quan", "10", "duong", "3", "2"
            ]
        );
        assert_eq!(name_key("Phường 09"), "phuong 9");
    }

    #[test]
    fn the_ascii_fast_path_folds_like_fold() {
        for w in ["HCM", "Quan", "p", "Da", "NANG 007"] {
            let t = Tokens::new(w);
            let joined: Vec<&str> = (0..t.len()).map(|i| t.word(i)).collect();
            assert_eq!(joined.join(" "), name_key(w), "{w}");
        }
    }
}
