//! Test support for the address converter: the reference data parsed into
//! domain records, and the generator of test cases (every old commune in
//! several writing styles, every current commune as a new address). The
//! expected answer of a generated case is read off the conversion table
//! here, not from the converter: see `tests/address_cases/README.md`.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use motcua_domain::address::AddressIndex;
use motcua_domain::text::{deaccent, fold, strip_stroke};
use motcua_domain::unit::{
    AdministrativeUnit, Era, LineageLink, UnitChange, UnitCode, UnitLevel, UnitType,
};

const UNITS_2025: &str = include_str!("../../../../reference/units/units-2025.csv");
const UNITS_LEGACY: &str = include_str!("../../../../reference/units/units-legacy.csv");
const LINEAGE: &str = include_str!("../../../../reference/units/units-legacy-to-2025.csv");
const CHANGES: &str = include_str!("../../../../reference/units/units-2026-changes.csv");

fn code(s: &str) -> UnitCode {
    UnitCode::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

fn rows(text: &str) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

/// The reference data as domain records.
pub struct Reference {
    pub units: Vec<AdministrativeUnit>,
    pub lineage: Vec<LineageLink>,
    pub changes: Vec<UnitChange>,
}

fn short(name: &str, t: UnitType) -> String {
    let tw = t.as_str();
    if name.to_lowercase().starts_with(tw) {
        name[tw.len()..].trim().to_owned()
    } else {
        name.to_owned()
    }
}

/// Parses the four reference files.
pub fn reference() -> Reference {
    let mut units = Vec::new();
    for (text, era) in [(UNITS_2025, Era::Current), (UNITS_LEGACY, Era::Legacy)] {
        for r in rows(text) {
            let t: UnitType = r["type"].parse().unwrap();
            let level: UnitLevel = r["level"].parse().unwrap();
            let parent = (!r["parent_code"].is_empty()).then(|| code(&r["parent_code"]));
            let province = match era {
                Era::Legacy => code(&r["province_code"]),
                Era::Current => parent.clone().unwrap_or_else(|| code(&r["code"])),
            };
            units.push(AdministrativeUnit {
                code: code(&r["code"]),
                short_name: short(&r["name"], t),
                name: r["name"].clone(),
                unit_type: t,
                level,
                parent_code: parent,
                province_code: province,
                era,
                valid_from: None,
                valid_to: None,
            });
        }
    }
    let lineage = rows(LINEAGE)
        .into_iter()
        .map(|r| {
            let commune = !r["old_commune_code"].is_empty();
            LineageLink {
                old_code: code(if commune {
                    &r["old_commune_code"]
                } else {
                    &r["old_district_code"]
                }),
                old_level: if commune {
                    UnitLevel::Commune
                } else {
                    UnitLevel::District
                },
                old_name: r["old_commune_name"].clone(),
                old_district_code: code(&r["old_district_code"]),
                old_province_code: code(&r["old_province_code"]),
                new_code: code(&r["new_commune_code"]),
                new_name: r["new_commune_name"].clone(),
                new_province_code: code(&r["new_province_code"]),
                partial: r["nso_partial"] == "1",
                targets: r["n_targets"].parse().unwrap(),
                default_target: None,
            }
        })
        .collect();
    let changes = rows(CHANGES)
        .into_iter()
        .map(|r| {
            let basis = r["legal_basis"].clone();
            let date = basis
                .rsplit_once('(')
                .and_then(|(_, d)| d.strip_suffix(')'))
                .unwrap();
            UnitChange {
                code: code(&r["code"]),
                level: r["level"].parse().unwrap(),
                name_before: r["name_2025"].clone(),
                type_before: r["type_2025"].parse().unwrap(),
                name_after: r["name_reported"].clone(),
                type_after: r["type_reported"].parse().unwrap(),
                effective_on: NaiveDate::parse_from_str(date, "%d/%m/%Y").unwrap(),
                legal_basis: basis,
            }
        })
        .collect();
    Reference {
        units,
        lineage,
        changes,
    }
}

/// The index over the whole reference data.
pub fn index(r: &Reference) -> AddressIndex {
    AddressIndex::new(&r.units, &r.lineage, &r.changes).expect("index")
}

/// A generated case.
#[derive(Debug, Clone)]
pub struct Case {
    pub style: &'static str,
    pub address: String,
    /// `converted`, `ambiguous`, `unchanged` or `not_found`.
    pub status: &'static str,
    /// The current commune(s) expected: one for converted and unchanged,
    /// every candidate for ambiguous.
    pub communes: BTreeSet<String>,
    /// The street part expected (styles with commas).
    pub street: Option<String>,
    /// For a misspelt commune (`misspelled`, expected `not_found`): the old
    /// commune that must be among the suggestions.
    pub suggest: Option<String>,
}

/// Streets used in turn (deterministically by code).
const STREETS: [&str; 6] = [
    "",
    "Số 12 đường Lê Lợi",
    "45/7 Trần Hưng Đạo",
    "Thôn 3",
    "Tổ 5, khu phố 2",
    "Ấp Bình Hòa",
];

struct Unit<'a> {
    u: &'a AdministrativeUnit,
    key: String,
}

fn key_of(name: &str) -> String {
    fold(name)
        .split(' ')
        .map(|w| {
            if w.len() > 1 && w.bytes().all(|b| b.is_ascii_digit()) {
                let t = w.trim_start_matches('0');
                if t.is_empty() { "0" } else { t }
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn plain(s: &str) -> String {
    strip_stroke(&deaccent(s))
}

fn abbreviation(t: UnitType) -> &'static str {
    match t {
        UnitType::Phuong => "P.",
        UnitType::Xa => "X.",
        UnitType::ThiTran => "TT.",
        UnitType::Quan => "Q.",
        UnitType::Huyen => "H.",
        UnitType::ThiXa => "TX.",
        UnitType::ThanhPho => "TP.",
        UnitType::Tinh => "T.",
        UnitType::DacKhu => "ĐK.",
    }
}

fn abbreviated(u: &AdministrativeUnit, level: UnitLevel) -> String {
    if level == UnitLevel::Province {
        match u.code.as_str() {
            "79" => return "TPHCM".into(),
            "01" => return "HN".into(),
            _ if u.unit_type == UnitType::Tinh => return u.short_name.clone(),
            _ => {}
        }
    }
    let numeric = u.short_name.bytes().all(|b| b.is_ascii_digit());
    if numeric && u.unit_type == UnitType::Phuong {
        return format!("p{}", u.short_name);
    }
    if numeric && u.unit_type == UnitType::Quan {
        return format!("Q{}", u.short_name);
    }
    format!("{}{}", abbreviation(u.unit_type), u.short_name)
}

fn bare(u: &AdministrativeUnit) -> String {
    if u.short_name.bytes().all(|b| b.is_ascii_digit()) {
        u.name.clone()
    } else {
        u.short_name.clone()
    }
}

/// One typing slip in the last word of `short` (a commune's name without
/// its type word), chosen by `n`: the last letter doubled, a letter
/// dropped, or two letters swapped; `None` when the slip changes nothing.
fn misspell(short: &str, n: usize) -> Option<String> {
    let chars: Vec<char> = short.chars().collect();
    let start = chars.iter().rposition(|c| *c == ' ').map_or(0, |i| i + 1);
    let last = chars.len().checked_sub(1)?;
    if last < start + 2 {
        return None;
    }
    let mut out = chars.clone();
    match n % 3 {
        0 => out.push(chars[last]),
        1 => {
            out.remove(start + (last - start) / 2 + 1);
        }
        _ => out.swap(last - 1, last - 2),
    }
    let out: String = out.into_iter().collect();
    (fold(&out) != fold(short)).then_some(out)
}

/// Every case: old communes in nine styles (the ninth, `misspelled`, a
/// typing slip in the commune's name: expected not_found with the commune
/// suggested), current communes as new addresses. Deterministic.
pub fn cases(r: &Reference) -> Vec<Case> {
    let by_code: HashMap<(Era, &str), &AdministrativeUnit> = r
        .units
        .iter()
        .map(|u| ((u.era, u.code.as_str()), u))
        .collect();
    let mut targets: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for l in &r.lineage {
        targets
            .entry(l.old_code.as_str())
            .or_default()
            .insert(l.new_code.to_string());
    }
    let legacy: Vec<Unit> = r
        .units
        .iter()
        .filter(|u| u.era == Era::Legacy)
        .map(|u| Unit {
            u,
            key: key_of(&u.short_name),
        })
        .collect();
    let current: Vec<Unit> = r
        .units
        .iter()
        .filter(|u| u.era == Era::Current)
        .map(|u| Unit {
            u,
            key: key_of(&u.short_name),
        })
        .collect();
    // Same-name look-ups.
    let mut old_by_district: HashMap<(&str, &str), Vec<&AdministrativeUnit>> = HashMap::new();
    let mut old_by_province: HashMap<(&str, &str), Vec<&AdministrativeUnit>> = HashMap::new();
    for x in legacy.iter().filter(|x| x.u.level == UnitLevel::Commune) {
        let d = x.u.parent_code.as_ref().unwrap().as_str();
        old_by_district.entry((d, &x.key)).or_default().push(x.u);
        old_by_province
            .entry((x.u.province_code.as_str(), &x.key))
            .or_default()
            .push(x.u);
    }
    let mut new_by_province: HashMap<(&str, &str), Vec<&AdministrativeUnit>> = HashMap::new();
    for x in current.iter().filter(|x| x.u.level == UnitLevel::Commune) {
        new_by_province
            .entry((x.u.province_code.as_str(), &x.key))
            .or_default()
            .push(x.u);
    }
    let districts_of: BTreeMap<&str, Vec<&AdministrativeUnit>> = legacy
        .iter()
        .filter(|x| x.u.level == UnitLevel::District)
        .fold(BTreeMap::new(), |mut m, x| {
            m.entry(x.u.province_code.as_str()).or_default().push(x.u);
            m
        });
    let old_to_new_province: HashMap<&str, &str> = r
        .lineage
        .iter()
        .map(|l| (l.old_province_code.as_str(), l.new_province_code.as_str()))
        .collect();
    let expect = |set: BTreeSet<String>, current_hit: bool| -> &'static str {
        match set.len() {
            0 => "not_found",
            1 if current_hit => "unchanged",
            1 => "converted",
            _ => "ambiguous",
        }
    };
    // Union of the targets of same-name (same-type when `typed`) units.
    let union = |units: &[&AdministrativeUnit], t: Option<UnitType>| -> BTreeSet<String> {
        units
            .iter()
            .filter(|u| t.is_none_or(|t| u.unit_type == t))
            .flat_map(|u| targets.get(u.code.as_str()).into_iter().flatten().cloned())
            .collect()
    };
    // Every commune name (old and current, folded): a slip that makes
    // another real name is not a misspelling.
    let all_names: BTreeSet<String> = legacy
        .iter()
        .chain(current.iter())
        .filter(|x| x.u.level == UnitLevel::Commune)
        .map(|x| x.key.clone())
        .collect();
    let mut out = Vec::new();
    let mut slips = Vec::new();
    for x in legacy.iter().filter(|x| x.u.level == UnitLevel::Commune) {
        let c = x.u;
        if !targets.contains_key(c.code.as_str()) {
            continue;
        }
        let d = by_code[&(Era::Legacy, c.parent_code.as_ref().unwrap().as_str())];
        let p = by_code[&(Era::Legacy, c.province_code.as_str())];
        let n: usize = c.code.as_str().parse().unwrap();
        let street = STREETS[n % STREETS.len()];
        let with_street = |s: String| {
            if street.is_empty() {
                s
            } else {
                format!("{street}, {s}")
            }
        };
        let expected_street = (!street.is_empty()).then(|| street.to_owned());
        let in_district = &old_by_district[&(d.code.as_str(), x.key.as_str())];
        let numeric = c.short_name.bytes().all(|b| b.is_ascii_digit());
        let mut push = |style: &'static str,
                        address: String,
                        set: BTreeSet<String>,
                        current_hit: bool,
                        street: Option<String>| {
            out.push(Case {
                style,
                address,
                status: expect(set.clone(), current_hit),
                communes: set,
                street,
                suggest: None,
            })
        };
        let typed = Some(c.unit_type);
        let full_set = union(in_district, typed);
        let full = format!("{}, {}, {}", c.name, d.name, p.name);
        push(
            "full",
            with_street(full.clone()),
            full_set.clone(),
            false,
            expected_street.clone(),
        );
        push(
            "no_diacritics",
            plain(&with_street(full.clone())).to_lowercase(),
            full_set.clone(),
            false,
            expected_street.as_deref().map(|s| plain(s).to_lowercase()),
        );
        push(
            "abbreviated",
            with_street(format!(
                "{}, {}, {}",
                abbreviated(c, UnitLevel::Commune),
                abbreviated(d, UnitLevel::District),
                abbreviated(p, UnitLevel::Province)
            )),
            full_set.clone(),
            false,
            expected_street.clone(),
        );
        push(
            "no_commas",
            plain(&format!("{} {} {}", c.name, d.name, p.name)).to_uppercase(),
            full_set.clone(),
            false,
            None,
        );
        // Everything at once: abbreviated, glued, no diacritics, no commas,
        // doubled province, country and postcode.
        push(
            "messy",
            plain(&format!(
                "{} {} {} {}, viet nam 700000",
                abbreviated(c, UnitLevel::Commune),
                abbreviated(d, UnitLevel::District),
                abbreviated(p, UnitLevel::Province),
                p.short_name,
            ))
            .to_lowercase(),
            full_set.clone(),
            false,
            None,
        );
        let untyped = if numeric { typed } else { None };
        push(
            "no_type_words",
            with_street(format!("{}, {}, {}", bare(c), bare(d), bare(p))),
            union(in_district, untyped),
            false,
            expected_street.clone(),
        );
        // A typing slip in the commune's name, district and province right:
        // not found, the commune among the suggestions.
        if !numeric
            && let Some(slip) = misspell(&c.short_name, n)
            && !all_names.contains(&key_of(&slip))
            && let Some(type_word) = c.name.strip_suffix(c.short_name.as_str())
        {
            slips.push(Case {
                style: "misspelled",
                address: format!("{type_word}{slip}, {}, {}", d.name, p.name),
                status: "not_found",
                communes: BTreeSet::new(),
                street: None,
                suggest: Some(c.code.to_string()),
            });
        }
        // Without the district: the whole old province, and a current
        // commune of that name when the province keeps its name today.
        let in_province = &old_by_province[&(p.code.as_str(), x.key.as_str())];
        let mut set = union(in_province, typed);
        let new_p = old_to_new_province[p.code.as_str()];
        let province_kept = by_code
            .get(&(Era::Current, new_p))
            .is_some_and(|np| fold(&np.short_name) == fold(&p.short_name));
        let mut current_hit = false;
        if province_kept {
            for n in new_by_province
                .get(&(new_p, x.key.as_str()))
                .into_iter()
                .flatten()
                .filter(|n| n.unit_type == c.unit_type)
            {
                set.insert(n.code.to_string());
                current_hit = true;
            }
        }
        let no_district = format!("{}, {}", c.name, p.name);
        push(
            "no_district",
            with_street(no_district),
            set.clone(),
            current_hit,
            expected_street.clone(),
        );
        // A wrong district: another district of the province without a
        // commune of this name.
        let wrong = districts_of[p.code.as_str()].iter().find(|o| {
            o.code != d.code
                && districts_of[p.code.as_str()]
                    .iter()
                    .filter(|q| fold(&q.short_name) == fold(&o.short_name))
                    .count()
                    == 1
                && !old_by_district.contains_key(&(o.code.as_str(), x.key.as_str()))
                && fold(&o.short_name) != x.key
                && fold(&o.short_name) != fold(&p.short_name)
        });
        if let Some(w) = wrong {
            push(
                "wrong_district",
                with_street(format!("{}, {}, {}", c.name, w.name, p.name)),
                set,
                current_hit,
                expected_street,
            );
        }
    }
    out.append(&mut slips);
    // Current communes written the new way.
    for x in current.iter().filter(|x| x.u.level == UnitLevel::Commune) {
        let c = x.u;
        let p = by_code[&(Era::Current, c.province_code.as_str())];
        let n: usize = c.code.as_str().parse().unwrap();
        let street = STREETS[n % STREETS.len()];
        // Every current commune of that name and type in the province.
        let mut set: BTreeSet<String> = new_by_province[&(p.code.as_str(), x.key.as_str())]
            .iter()
            .filter(|n| n.unit_type == c.unit_type)
            .map(|n| n.code.to_string())
            .collect();
        // An old commune of the same name and type in the old province of
        // the same name is an equally good reading.
        // (The old province of that name that is part of this one.)
        if let Some(op) = legacy.iter().map(|x| x.u).find(|o| {
            o.level == UnitLevel::Province
                && fold(&o.short_name) == fold(&p.short_name)
                && old_to_new_province.get(o.code.as_str()) == Some(&p.code.as_str())
        }) {
            set.extend(union(
                old_by_province
                    .get(&(op.code.as_str(), x.key.as_str()))
                    .map(Vec::as_slice)
                    .unwrap_or_default(),
                Some(c.unit_type),
            ));
        }
        let address = if street.is_empty() {
            format!("{}, {}", c.name, p.name)
        } else {
            format!("{street}, {}, {}", c.name, p.name)
        };
        let status = if set.len() == 1 {
            "unchanged"
        } else {
            "ambiguous"
        };
        out.push(Case {
            style: "new_address",
            address,
            status,
            communes: set,
            street: (!street.is_empty()).then(|| street.to_owned()),
            suggest: None,
        });
    }
    out
}
