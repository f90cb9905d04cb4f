//! Ranked, diacritic-insensitive search over procedures (tra cứu thủ tục).
//!
//! Tiers, best first: code prefix (`1.0011` finds `1.001193...`), then the
//! name (exact folded name, name prefix, the query as a phrase, every query
//! word as a word prefix), then the field name. Within a tier, shorter names
//! rank higher, so "Đăng ký khai sinh" comes before "Đăng ký lại khai sinh".

use super::model::Procedure;
use crate::text::fold;

const CODE_EXACT: u32 = 1000;
const CODE_PREFIX: u32 = 990;
const NAME_EXACT: u32 = 900;
const NAME_PREFIX: u32 = 800;
const NAME_PHRASE: u32 = 700;
const NAME_WORDS: u32 = 600;
const FIELD_EXACT: u32 = 400;
const FIELD_WORDS: u32 = 300;

/// The best matches for `query`, highest score first (ties by code), at most `limit`.
///
/// A blank query matches nothing.
pub fn search<'a, I>(procedures: I, query: &str, limit: usize) -> Vec<(u32, &'a Procedure)>
where
    I: IntoIterator<Item = &'a Procedure>,
{
    let mut hits: Vec<(u32, &'a Procedure)> = procedures
        .into_iter()
        .filter_map(|p| score(p, query).map(|s| (s, p)))
        .collect();
    hits.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.code.cmp(&b.1.code)));
    hits.truncate(limit);
    hits
}

/// How well `procedure` matches `query`; `None` when it does not match.
pub fn score(procedure: &Procedure, query: &str) -> Option<u32> {
    let raw = query.trim();
    let q = fold(raw);
    if q.is_empty() {
        return None;
    }
    let code = procedure.code.as_str();
    let code_score = (raw.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && code.starts_with(raw))
    .then(|| {
        if code == raw {
            CODE_EXACT
        } else {
            CODE_PREFIX - penalty(code.len() - raw.len())
        }
    });
    let name_score = text_score(
        &fold(&procedure.name),
        &q,
        [NAME_EXACT, NAME_PREFIX, NAME_PHRASE, NAME_WORDS],
    );
    let field_score = text_score(
        &fold(&procedure.field.name),
        &q,
        [FIELD_EXACT, FIELD_WORDS, FIELD_WORDS, FIELD_WORDS],
    );
    [code_score, name_score, field_score]
        .into_iter()
        .flatten()
        .max()
}

fn penalty(extra: usize) -> u32 {
    u32::try_from(extra.min(50)).unwrap_or(50)
}

/// Scores folded `text` against folded `q` with tiers [exact, prefix, phrase, words].
fn text_score(text: &str, q: &str, tiers: [u32; 4]) -> Option<u32> {
    let words: Vec<&str> = text.split(' ').collect();
    let q_words: Vec<&str> = q.split(' ').collect();
    let extra = penalty(words.len().saturating_sub(q_words.len()));
    if text == q {
        return Some(tiers[0]);
    }
    let padded = format!(" {text}");
    let tier = if text.starts_with(q) {
        tiers[1]
    } else if padded.contains(&format!(" {q}")) {
        tiers[2]
    } else if q_words
        .iter()
        .all(|qw| words.iter().any(|w| w.starts_with(qw)))
    {
        tiers[3]
    } else {
        return None;
    };
    Some(tier - extra)
}
