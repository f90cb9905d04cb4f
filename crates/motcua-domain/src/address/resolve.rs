//! Reading an address from its end (province, district, commune), scoring
//! every consistent reading, and turning the best ones into an answer.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::index::{AddressIndex, Kind};
use super::tokens::Tokens;
use super::{Candidate, Conversion, Note, OldUnits, Status, UnitRef};
use crate::unit::{UnitType, two_tier_start};

/// The most candidates an answer lists.
const MAX_CANDIDATES: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Province,
    District,
    Commune,
}

/// A type word typed before a name ("P.", "huyện", "TX").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hint {
    Phuong,
    Xa,
    ThiTran,
    DacKhu,
    Quan,
    Huyen,
    ThiXa,
    ThanhPho,
    Tinh,
}

impl Hint {
    fn fits(self, level: Level) -> bool {
        match self {
            Self::Phuong | Self::Xa | Self::ThiTran | Self::DacKhu => level == Level::Commune,
            Self::Quan | Self::Huyen | Self::ThiXa => level == Level::District,
            Self::ThanhPho => level != Level::Commune,
            Self::Tinh => level == Level::Province,
        }
    }

    fn unit_type(self) -> UnitType {
        match self {
            Self::Phuong => UnitType::Phuong,
            Self::Xa => UnitType::Xa,
            Self::ThiTran => UnitType::ThiTran,
            Self::DacKhu => UnitType::DacKhu,
            Self::Quan => UnitType::Quan,
            Self::Huyen => UnitType::Huyen,
            Self::ThiXa => UnitType::ThiXa,
            Self::ThanhPho => UnitType::ThanhPho,
            Self::Tinh => UnitType::Tinh,
        }
    }

    fn one(word: &str) -> Option<Self> {
        Some(match word {
            "phuong" | "p" | "ph" | "f" | "phuon" => Self::Phuong,
            "xa" | "x" => Self::Xa,
            "tt" | "ttr" => Self::ThiTran,
            "quan" | "q" => Self::Quan,
            "huyen" | "h" => Self::Huyen,
            "tx" => Self::ThiXa,
            "tp" | "thanhpho" => Self::ThanhPho,
            "tinh" | "t" => Self::Tinh,
            _ => return None,
        })
    }

    fn two(a: &str, b: &str) -> Option<Self> {
        Some(match (a, b) {
            ("thi", "tran") | ("t", "tran") => Self::ThiTran,
            ("thi", "xa") | ("t", "xa") => Self::ThiXa,
            ("thanh", "pho") | ("t", "p") => Self::ThanhPho,
            ("dac", "khu") => Self::DacKhu,
            _ => return None,
        })
    }
}

/// Words that open a street or village name, not a unit.
const STREET_WORDS: [&str; 20] = [
    "duong", "pho", "ngo", "hem", "kiet", "ngach", "thon", "ap", "xom", "ban", "to", "khom", "kp",
    "khu", "so", "lo", "dg", "d", "tdp", "ql",
];

/// Words written after the province that say nothing ("Việt Nam").
fn tail_junk(toks: &Tokens, end: usize) -> usize {
    let mut end = end;
    loop {
        if end >= 2 && toks.key(end - 2, end) == "viet nam" {
            end -= 2;
            continue;
        }
        if end >= 1 {
            let w = toks.word(end - 1);
            let postcode = (5..=6).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_digit());
            if matches!(w, "vietnam" | "vn") || postcode {
                end -= 1;
                continue;
            }
        }
        return end;
    }
}

/// The type words that may stand just before word `i`, in the same part:
/// none, the nearest, and doubled ones ("Phường P."), each with where its
/// words start. The nearest comes first.
fn hints_before(toks: &Tokens, i: usize) -> Vec<(Option<Hint>, usize)> {
    let mut out = vec![(None, i)];
    let mut found: Option<Hint> = None;
    let mut start = i;
    let seg = toks.list.get(i).map(|t| t.segment);
    let same = |k: usize| Some(toks.list[k].segment) == seg;
    loop {
        let next = if start >= 2
            && same(start - 2)
            && let Some(h) = Hint::two(toks.word(start - 2), toks.word(start - 1))
        {
            Some((h, start - 2))
        } else if start >= 1
            && same(start - 1)
            && let Some(h) = Hint::one(toks.word(start - 1))
        {
            Some((h, start - 1))
        } else {
            None
        };
        match (next, found) {
            (Some((h, s)), None) => {
                found = Some(h);
                start = s;
            }
            (Some((h, s)), Some(f)) if same_level(h, f) => start = s,
            _ => return out,
        }
        out.push((found, start));
    }
}

/// True when the words just before word `s` (two or more, in one part)
/// are a known name.
fn ends_a_name(idx: &AddressIndex, toks: &Tokens, s: usize) -> bool {
    (s.saturating_sub(idx.max_words)..s.saturating_sub(1))
        .any(|k| toks.same_segment(k, s) && idx.names.contains_key(toks.key(k, s)))
}

fn same_level(a: Hint, b: Hint) -> bool {
    [Level::Province, Level::District, Level::Commune]
        .into_iter()
        .any(|l| a.fits(l) && b.fits(l))
}

/// A name found in the address.
#[derive(Debug, Clone)]
struct Mention {
    /// First word, type word included.
    start: usize,
    words: usize,
    hint: Option<Hint>,
    whole: bool,
    nodes: Vec<u32>,
}

/// The province an address names.
#[derive(Debug, Clone, Copy)]
struct Prov {
    old: Option<u32>,
    new: Option<u32>,
    /// The name written is an old province that no longer exists.
    old_only: bool,
    /// The node named (for messages).
    named: u32,
}

/// A province option: the province, where its words start, its score,
/// the words skipped, its type word.
type ProvOption = (
    Option<Prov>,
    usize,
    i32,
    Option<(usize, usize)>,
    Option<Hint>,
);

/// A district option, like [`ProvOption`].
type DistOption = (
    Option<u32>,
    usize,
    i32,
    Option<(usize, usize)>,
    Option<Hint>,
);

/// One consistent reading of the address and its score.
#[derive(Debug, Clone)]
struct Reading {
    score: i32,
    start: usize,
    prov: Option<Prov>,
    district: Option<u32>,
    /// Words of a district that was written but ignored.
    ignored: Option<(usize, usize)>,
    commune: Option<u32>,
    skipped: Option<(usize, usize)>,
    /// Type words typed before the commune and the province.
    commune_hint: Option<Hint>,
    prov_hint: Option<Hint>,
    district_hint: Option<Hint>,
}

fn hint_score(idx: &AddressIndex, node: u32, hint: Option<Hint>, weight: i32) -> i32 {
    match hint {
        None => 0,
        Some(h) if idx.has_type(node, h.unit_type()) => weight,
        Some(_) => -weight,
    }
}

fn mentions(idx: &AddressIndex, toks: &Tokens, end: usize, level: Level) -> Vec<Mention> {
    let mut out = Vec::new();
    if end == 0 {
        return out;
    }
    for s in end.saturating_sub(idx.max_words)..end {
        if toks.has_segments && !toks.same_segment(s, end) {
            continue;
        }
        let Some(found) = idx.names.get(toks.key(s, end)) else {
            continue;
        };
        let nodes: Vec<u32> = found
            .iter()
            .copied()
            .filter(|&n| {
                let kind = idx.node(n).kind;
                match level {
                    Level::Province => kind.is_province(),
                    Level::District => kind == Kind::OldDistrict,
                    Level::Commune => kind.is_commune(),
                }
            })
            .collect();
        if nodes.is_empty() {
            continue;
        }
        let numeric = toks
            .key(s, end)
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b' ');
        let options = hints_before(toks, s);
        // With a type word typed, reading it as part of the street is no
        // option.
        let typed = options.len() > 1;
        for (hint, start) in options {
            if hint.is_some_and(|h| !h.fits(level)) {
                break;
            }
            // A district without its type word opens its part ("Phường 2
            // Bảo Lộc" is one current name, not ward 2 of Bảo Lộc).
            if level == Level::District
                && hint.is_none()
                && toks.has_segments
                && !toks.opens_segment(s)
            {
                continue;
            }
            if hint.is_none() {
                if numeric {
                    continue;
                }
                if typed && !ends_a_name(idx, toks, s) {
                    // "Quận Hải Châu" is no commune "Hải Châu"; but in
                    // "Văn Quan Lạng Sơn", "quan" ends the name "Văn Quan".
                    continue;
                }
                if level == Level::Commune
                    && s > 0
                    && toks.list[s - 1].segment == toks.list[s].segment
                    && STREET_WORDS.contains(&toks.word(s - 1))
                {
                    continue;
                }
            }
            out.push(Mention {
                start,
                words: end - s,
                hint,
                whole: toks.has_segments && toks.opens_segment(start) && toks.closes_segment(end),
                nodes: nodes.clone(),
            });
        }
    }
    // "Phường Trần Hưng Đạo": with the longer name typed with its type
    // word, "Hưng Đạo" alone is no reading.
    if let Some(typed_from) = out
        .iter()
        .filter(|m| m.hint.is_some())
        .map(|m| end - m.words)
        .min()
    {
        out.retain(|m| m.hint.is_some() || end - m.words <= typed_from);
    }
    out
}

/// The first word of the comma-separated part that ends at `end`, when
/// the address has parts and that part has words.
fn segment_start(toks: &Tokens, end: usize) -> Option<usize> {
    if !toks.has_segments || end == 0 {
        return None;
    }
    let seg = toks.list[end - 1].segment;
    let mut s = end - 1;
    while s > 0 && toks.list[s - 1].segment == seg {
        s -= 1;
    }
    (s > 0).then_some(s)
}

fn province_options(
    idx: &AddressIndex,
    toks: &Tokens,
    end: usize,
) -> Vec<(Prov, usize, i32, Option<Hint>)> {
    let mut out = Vec::new();
    for m in mentions(idx, toks, end, Level::Province) {
        for &n in &m.nodes {
            let node = idx.node(n);
            let prov = if node.kind == Kind::OldProvince {
                let same_code_new = m.nodes.iter().copied().find(|&o| {
                    idx.node(o).kind == Kind::NewProvince && idx.node(o).code == node.code
                });
                // A current province of that name, maybe of another code
                // (old Lào Cai 10 is part of the current Lào Cai 15).
                let current_name = same_code_new.is_some()
                    || m.nodes.iter().any(|&o| {
                        idx.node(o).kind == Kind::NewProvince && Some(o) == node.new_province
                    });
                Prov {
                    old: Some(n),
                    new: node.new_province,
                    old_only: !current_name,
                    named: n,
                }
            } else {
                if m.nodes.iter().any(|&o| {
                    idx.node(o).kind == Kind::OldProvince && idx.node(o).new_province == Some(n)
                }) {
                    continue; // the old node above covers both
                }
                Prov {
                    old: None,
                    new: Some(n),
                    old_only: false,
                    named: n,
                }
            };
            let score = 20 + 2 * m.words as i32 + hint_score(idx, n, m.hint, 3);
            out.push((prov, m.start, score, m.hint));
            let mut start = m.start;
            // "…, TP HCM, Hồ Chí Minh": the same province twice.
            loop {
                let again = mentions(idx, toks, start, Level::Province)
                    .into_iter()
                    .find(|r| {
                        r.nodes
                            .iter()
                            .any(|&o| idx.node(o).new_province == prov.new && prov.new.is_some())
                    });
                match again {
                    Some(r) => {
                        start = r.start;
                        out.push((prov, start, score, m.hint));
                    }
                    None => break,
                }
            }
        }
    }
    out
}

fn district_fits(idx: &AddressIndex, prov: Option<Prov>, d: u32) -> bool {
    let node = idx.node(d);
    match prov {
        None => true,
        Some(p) if p.old_only => p.old == Some(node.province),
        Some(p) => p.old == Some(node.province) || (p.new.is_some() && node.new_province == p.new),
    }
}

fn old_in_province(idx: &AddressIndex, prov: Option<Prov>, c: u32) -> bool {
    district_fits(idx, prov, c)
}

fn new_in_province(idx: &AddressIndex, prov: Option<Prov>, c: u32) -> bool {
    match prov {
        None => true,
        Some(p) => p.new == Some(idx.node(c).province),
    }
}

fn district_options(
    idx: &AddressIndex,
    toks: &Tokens,
    end: usize,
    prov: Option<Prov>,
) -> Vec<(u32, usize, i32, Option<Hint>)> {
    let mut out = Vec::new();
    for m in mentions(idx, toks, end, Level::District) {
        for &d in &m.nodes {
            if !district_fits(idx, prov, d) {
                continue;
            }
            let score = 20 + 2 * m.words as i32 + hint_score(idx, d, m.hint, 3);
            out.push((d, m.start, score, m.hint));
            let mut start = m.start;
            loop {
                let again = mentions(idx, toks, start, Level::District)
                    .into_iter()
                    .find(|r| r.nodes.contains(&d));
                match again {
                    Some(r) => {
                        start = r.start;
                        out.push((d, start, score, m.hint));
                    }
                    None => break,
                }
            }
        }
    }
    out
}

/// Every reading of the address, best first not guaranteed.
fn readings(idx: &AddressIndex, toks: &Tokens, end: usize) -> Vec<Reading> {
    let mut out = Vec::new();
    let mut provs: Vec<ProvOption> = province_options(idx, toks, end)
        .into_iter()
        .map(|(p, s, sc, h)| (Some(p), s, sc, None, h))
        .collect();
    provs.push((None, end, 0, None, None));
    if provs.len() == 1
        && let Some(s) = segment_start(toks, end)
    {
        // An unreadable last part (a misspelt province): skip it once.
        provs.push((None, s, -12, Some((s, end)), None));
    }
    for (prov, pstart, pscore, skipped, prov_hint) in provs {
        let mut dists: Vec<DistOption> = district_options(idx, toks, pstart, prov)
            .into_iter()
            .map(|(d, s, sc, h)| (Some(d), s, sc, skipped, h))
            .collect();
        dists.push((None, pstart, 0, skipped, None));
        if prov.is_some()
            && skipped.is_none()
            && dists.len() == 1
            && let Some(s) = segment_start(toks, pstart)
        {
            // An unreadable district: skip it, look in the whole province.
            dists.push((None, s, -12, Some((s, pstart)), None));
        }
        for (district, dstart, dscore, skipped, district_hint) in dists {
            let base = pscore + dscore;
            let reading = Reading {
                score: base,
                start: dstart,
                prov,
                district,
                ignored: None,
                commune: None,
                skipped,
                commune_hint: None,
                prov_hint,
                district_hint,
            };
            commune_readings(idx, toks, &reading, (dstart, pstart), dscore, &mut out);
            out.push(reading);
        }
    }
    out
}

/// The readings that add a commune to `upper` (a province and district
/// reading ending where the district's words `dspan` start).
fn commune_readings(
    idx: &AddressIndex,
    toks: &Tokens,
    upper: &Reading,
    dspan: (usize, usize),
    dscore: i32,
    out: &mut Vec<Reading>,
) {
    let (prov, district, end, base) = (upper.prov, upper.district, dspan.0, upper.score);
    for m in mentions(idx, toks, end, Level::Commune) {
        let in_district: Vec<u32> = match district {
            Some(d) => m
                .nodes
                .iter()
                .copied()
                .filter(|&c| idx.node(c).parent == Some(d) && idx.node(c).kind == Kind::OldCommune)
                .collect(),
            None => Vec::new(),
        };
        let scope_prov = match (prov, district) {
            (Some(p), _) => Some(p),
            (None, Some(d)) => Some(Prov {
                old: Some(idx.node(d).province),
                new: idx.node(d).new_province,
                old_only: false,
                named: idx.node(d).province,
            }),
            (None, None) => None,
        };
        let mention_score = 40
            + 2 * m.words as i32
            + if m.whole { 2 } else { 0 }
            + if m.hint.is_none() && toks.has_segments && !m.whole {
                -3
            } else {
                0
            };
        let ignored = district.filter(|_| in_district.is_empty()).map(|_| dspan);
        let candidates: Vec<u32> = if in_district.is_empty() {
            m.nodes.clone()
        } else {
            in_district.clone()
        };
        for c in candidates {
            let node = idx.node(c);
            let mut score = base + mention_score + hint_score(idx, c, m.hint, 4);
            match node.kind {
                Kind::OldCommune => {
                    if !in_district.is_empty() {
                        score += 10;
                    } else if !old_in_province(idx, scope_prov, c) {
                        continue;
                    }
                    if prov.is_some_and(|p| p.old == Some(node.province)) {
                        score += 3;
                    }
                }
                Kind::NewCommune => {
                    if !new_in_province(idx, scope_prov, c) {
                        continue;
                    }
                    match prov {
                        Some(p) if p.old_only => score -= 5,
                        Some(_) => score += 3,
                        None => {}
                    }
                }
                _ => continue,
            }
            if ignored.is_some() {
                // The district's words count as read, not as a match.
                score += 2 - dscore;
            }
            out.push(Reading {
                score,
                start: m.start,
                district: if ignored.is_some() { None } else { district },
                ignored,
                commune: Some(c),
                commune_hint: m.hint,
                ..upper.clone()
            });
        }
    }
}

/// "Phường Phúc Xá (Quận Ba Đình, Thành phố Hà Nội)".
fn describe_old(idx: &AddressIndex, n: u32) -> String {
    let node = idx.node(n);
    let mut place = Vec::new();
    if let Some(d) = node.parent.filter(|_| node.kind == Kind::OldCommune) {
        place.push(idx.node(d).name.as_str());
    }
    if !node.kind.is_province() {
        place.push(idx.node(node.province).name.as_str());
    }
    if place.is_empty() {
        node.name.clone()
    } else {
        format!("{} ({})", node.name, place.join(", "))
    }
}

fn unit_ref(idx: &AddressIndex, n: u32, as_of: NaiveDate) -> UnitRef {
    UnitRef {
        code: idx.node(n).code.clone(),
        name: idx.name_at(n, as_of).to_owned(),
    }
}

fn old_ref(idx: &AddressIndex, n: u32) -> UnitRef {
    let node = idx.node(n);
    UnitRef {
        code: node.code.clone(),
        name: node.name.clone(),
    }
}

fn street_of(toks: &Tokens, start: usize) -> Option<String> {
    if start == 0 || start >= toks.len() {
        return None;
    }
    let end = toks.list[start].raw.0;
    let s = toks.text[..end]
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .trim_start();
    (!s.is_empty()).then(|| s.to_owned())
}

/// Bounded edit distance on bytes; `None` when above `limit`.
fn distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[b.len()] <= limit).then_some(prev[b.len()])
}

/// The closest commune names to what precedes the recognised part.
fn suggestions(idx: &AddressIndex, toks: &Tokens, r: &Reading) -> Vec<Candidate> {
    let end = r
        .skipped
        .map_or(r.start, |(s, e)| if e == r.start { s } else { r.start });
    let end = if r.skipped.is_some() && r.start == toks.len() {
        r.skipped.map_or(end, |(_, e)| e)
    } else {
        end
    };
    if end == 0 {
        return Vec::new();
    }
    let mut first = segment_start(toks, end).unwrap_or(0);
    while first + 1 < end
        && (Hint::one(toks.word(first)).is_some()
            || Hint::two(toks.word(first), toks.word(first + 1)).is_some())
    {
        first += 1;
    }
    let queries: Vec<&str> = (first.max(end.saturating_sub(4))..end)
        .map(|s| toks.key(s, end))
        .collect();
    let scope: Vec<u32> = if let Some(d) = r.district {
        idx.communes_of.get(&d).cloned().unwrap_or_default()
    } else if let Some(p) = r.prov {
        let mut v = Vec::new();
        for n in [p.old, p.new].into_iter().flatten() {
            v.extend(idx.communes_of.get(&n).into_iter().flatten().copied());
        }
        v
    } else {
        (0..idx.nodes.len() as u32)
            .filter(|&n| idx.node(n).kind.is_commune())
            .collect()
    };
    let mut scored: Vec<(usize, u32)> = Vec::new();
    for n in scope {
        let key = idx.node(n).key.as_str();
        let best = queries
            .iter()
            .filter_map(|q| distance(q, key, (q.len() / 4).clamp(1, 3)))
            .min();
        if let Some(d) = best {
            scored.push((d, n));
        }
    }
    scored.sort_by(|a, b| {
        (a.0, idx.node(a.1).kind.is_old(), &idx.node(a.1).code).cmp(&(
            b.0,
            idx.node(b.1).kind.is_old(),
            &idx.node(b.1).code,
        ))
    });
    scored.dedup_by_key(|x| x.1);
    scored
        .into_iter()
        .take(5)
        .map(|(_, n)| {
            let node = idx.node(n);
            let place = if node.kind == Kind::OldCommune {
                describe_old(idx, n)
                    .strip_prefix(&node.name)
                    .map(|p| p.trim().trim_matches(['(', ')']).to_owned())
                    .unwrap_or_default()
            } else {
                idx.node(node.province).name.clone()
            };
            Candidate {
                code: node.code.clone(),
                name: node.name.clone(),
                why: Note::Similar {
                    place,
                    old: node.kind.is_old(),
                },
            }
        })
        .collect()
}

fn empty(status: Status) -> Conversion {
    Conversion {
        status,
        street: None,
        old: None,
        commune: None,
        province: None,
        formatted: None,
        candidates: Vec::new(),
        warnings: Vec::new(),
    }
}

/// Notes on changes in force for a current unit; true when the typed type
/// word is the one from before a change.
fn change_notes(
    idx: &AddressIndex,
    n: u32,
    as_of: NaiveDate,
    typed: Option<UnitType>,
    out: &mut Vec<Note>,
) -> bool {
    let mut outdated = false;
    for c in idx.changes_in_force(n, as_of) {
        out.push(Note::Changed {
            before: c.name_before.clone(),
            after: c.name_after.clone(),
            basis: c.legal_basis.clone(),
        });
        if typed.is_some_and(|t| t == c.type_before && t != c.type_after) {
            outdated = true;
        }
    }
    outdated
}

pub(crate) fn convert(idx: &AddressIndex, address: &str, as_of: NaiveDate) -> Conversion {
    let toks = Tokens::new(address);
    if toks.len() == 0 {
        let mut c = empty(Status::NotFound);
        c.warnings.push(Note::Empty);
        return c;
    }
    let end = tail_junk(&toks, toks.len());
    let all = readings(idx, &toks, end);
    let Some(top) = all.iter().map(|r| r.score).max() else {
        let mut c = empty(Status::NotFound);
        c.warnings.push(Note::NoCommune);
        return c;
    };
    let mut best: Vec<&Reading> = all.iter().filter(|r| r.score == top).collect();
    best.sort_by_key(|r| (r.commune, r.district, r.start));
    best.dedup_by_key(|r| (r.commune, r.district.filter(|_| r.commune.is_none())));
    let lead = best[0];
    let mut warnings = Vec::new();
    if as_of < two_tier_start() {
        warnings.push(Note::BeforeTwoTier {
            as_of: as_of.to_string(),
        });
    }
    if let Some((s, e)) = lead.skipped {
        warnings.push(Note::Skipped {
            text: toks.raw(s, e).to_owned(),
        });
    }
    let street = street_of(&toks, lead.start);
    // What the best readings point at: communes, or an island district.
    let mut olds: Vec<u32> = Vec::new();
    let mut news: Vec<u32> = Vec::new();
    for r in &best {
        match r.commune {
            Some(c) if idx.node(c).kind == Kind::NewCommune => news.push(c),
            Some(c) => olds.push(c),
            None => {
                if let Some(d) = r.district.filter(|&d| !idx.node(d).targets.is_empty()) {
                    olds.push(d);
                }
            }
        }
    }
    olds.sort_unstable();
    olds.dedup();
    news.sort_unstable();
    news.dedup();
    let prov = lead.prov;
    if let Some(p) = prov.filter(|p| p.old_only)
        && let Some(now) = p.new
    {
        warnings.push(Note::ProvinceMerged {
            old: idx.node(p.named).name.clone(),
            now: idx.name_at(now, as_of).to_owned(),
        });
    }
    if prov.is_none() && (!olds.is_empty() || !news.is_empty()) {
        warnings.push(Note::NoProvince);
    }
    // Old units named.
    let old = if !olds.is_empty() && news.is_empty() {
        let common = |f: &dyn Fn(u32) -> Option<u32>| -> Option<u32> {
            let first = f(olds[0]);
            olds.iter()
                .all(|&o| f(o) == first)
                .then_some(first)
                .flatten()
        };
        let commune = (olds.len() == 1 && idx.node(olds[0]).kind == Kind::OldCommune)
            .then(|| old_ref(idx, olds[0]));
        let district = common(&|o| {
            let n = idx.node(o);
            if n.kind == Kind::OldDistrict {
                Some(o)
            } else {
                n.parent
            }
        })
        .map(|d| old_ref(idx, d));
        let province = common(&|o| Some(idx.node(o).province)).map(|p| old_ref(idx, p));
        Some(OldUnits {
            commune,
            district,
            province,
        })
    } else if olds.is_empty() && news.is_empty() {
        // Nothing found: still say what was recognised.
        let district = lead.district.map(|d| old_ref(idx, d));
        let province = prov.and_then(|p| p.old).map(|p| old_ref(idx, p));
        (district.is_some() || province.is_some()).then_some(OldUnits {
            commune: None,
            district,
            province,
        })
    } else {
        None
    };
    if let Some((s, e)) = lead.ignored
        && best.iter().all(|r| r.ignored.is_some())
    {
        let (commune, actual) = match lead.commune {
            Some(c) if best.len() == 1 => (
                idx.node(c).name.clone(),
                idx.node(c)
                    .parent
                    .filter(|_| idx.node(c).kind == Kind::OldCommune)
                    .map(|d| idx.node(d).name.clone()),
            ),
            _ => (toks.raw(lead.start, s).to_owned(), None),
        };
        warnings.push(Note::DistrictIgnored {
            written: toks.raw(s, e).to_owned(),
            commune,
            actual,
        });
    } else if !olds.is_empty()
        && news.is_empty()
        && best
            .iter()
            .all(|r| r.district.is_none() && r.ignored.is_none())
        && olds.iter().all(|&o| idx.node(o).kind == Kind::OldCommune)
    {
        warnings.push(Note::NoDistrict);
    }
    if let Some(d) = lead.district
        && let Some(h) = lead.district_hint
        && !idx.has_type(d, h.unit_type())
    {
        warnings.push(Note::ReadAs {
            written: h.unit_type().as_str().to_owned(),
            unit: idx.node(d).name.clone(),
        });
    }
    // Where they went.
    let mut results: BTreeMap<u32, Vec<Note>> = BTreeMap::new();
    for &n in &news {
        results.entry(n).or_default().push(Note::CurrentName);
    }
    for &o in &olds {
        let node = idx.node(o);
        if node.targets.is_empty() {
            warnings.push(Note::NoLineage {
                old: describe_old(idx, o),
            });
            continue;
        }
        let split = node.targets.len() > 1;
        if split {
            warnings.push(Note::Split {
                old: describe_old(idx, o),
                parts: node.targets.len(),
            });
        } else if node.targets[0].partial {
            warnings.push(Note::Partial {
                old: describe_old(idx, o),
                new: idx.name_at(node.targets[0].node, as_of).to_owned(),
            });
        }
        for t in &node.targets {
            let why = if split {
                Note::PartOf {
                    old: describe_old(idx, o),
                }
            } else {
                Note::FromOld {
                    old: describe_old(idx, o),
                }
            };
            results.entry(t.node).or_default().push(why);
        }
    }
    let mut out = empty(Status::NotFound);
    out.street = street;
    out.old = old;
    match results.len() {
        0 => {
            if olds.is_empty() {
                warnings.push(Note::NoCommune);
                out.candidates = suggestions(idx, &toks, lead);
            }
            if let Some(p) = prov.and_then(|p| p.new) {
                out.province = Some(unit_ref(idx, p, as_of));
            }
        }
        1 => {
            let (&n, _) = results.iter().next().expect("one result");
            let province = idx.node(n).province;
            let typed = |h: Option<Hint>| h.map(Hint::unit_type);
            let outdated = change_notes(idx, n, as_of, typed(lead.commune_hint), &mut warnings)
                | change_notes(idx, province, as_of, typed(lead.prov_hint), &mut warnings);
            out.status = if news.is_empty() || outdated {
                Status::Converted
            } else {
                Status::Unchanged
            };
            let commune = unit_ref(idx, n, as_of);
            let province = unit_ref(idx, province, as_of);
            let mut parts: Vec<&str> = Vec::new();
            if let Some(s) = &out.street {
                parts.push(s);
            }
            parts.push(&commune.name);
            parts.push(&province.name);
            out.formatted = Some(parts.join(", "));
            out.commune = Some(commune);
            out.province = Some(province);
        }
        total => {
            out.status = Status::Ambiguous;
            let provinces: Vec<u32> = results.keys().map(|&n| idx.node(n).province).collect();
            if provinces.iter().all(|&p| p == provinces[0]) {
                out.province = Some(unit_ref(idx, provinces[0], as_of));
            }
            if total > MAX_CANDIDATES {
                warnings.push(Note::MoreCandidates { total });
            }
            out.candidates = results
                .into_iter()
                .take(MAX_CANDIDATES)
                .map(|(n, mut whys)| {
                    let r = unit_ref(idx, n, as_of);
                    Candidate {
                        code: r.code,
                        name: r.name,
                        why: whys.swap_remove(0),
                    }
                })
                .collect();
        }
    }
    warnings.dedup();
    out.warnings = warnings;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_distance_stops_above_its_limit() {
        assert_eq!(distance("thach thang", "thach thangg", 2), Some(1));
        assert_eq!(distance("ba dinh", "ba dinh", 1), Some(0));
        assert_eq!(distance("ba dinh", "hai chau", 2), None);
        assert_eq!(distance("a", "abcd", 2), None);
    }

    #[test]
    fn type_words_and_their_levels() {
        assert_eq!(Hint::one("p"), Some(Hint::Phuong));
        assert_eq!(Hint::two("thi", "xa"), Some(Hint::ThiXa));
        assert!(Hint::ThanhPho.fits(Level::District) && Hint::ThanhPho.fits(Level::Province));
        assert!(!Hint::Quan.fits(Level::Commune));
    }
}
