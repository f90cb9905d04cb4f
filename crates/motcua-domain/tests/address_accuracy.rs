//! Accuracy of the address converter on the generated test set (every old
//! commune in nine writing styles, one a typing slip in the commune's name
//! that must answer not_found with the commune suggested; every current
//! commune as a new address)
//! and on the hand-written hard cases, which must all be exact. Prints the
//! table by writing style and by expected status; run with
//! `cargo test -p motcua-domain --test address_accuracy -- --nocapture`.

mod address_support;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use motcua_domain::address::{Conversion, Status};

/// Floors per style, set from measurement (see docs/benchmarks.md); a
/// change that lowers accuracy below them fails.
const FLOORS: [(&str, f64); 11] = [
    ("messy", 0.995),
    ("full", 0.995),
    ("no_diacritics", 0.995),
    ("abbreviated", 0.995),
    ("no_commas", 0.995),
    ("no_type_words", 0.995),
    ("no_district", 0.995),
    ("wrong_district", 0.995),
    ("new_address", 0.995),
    // Measured 97.04 % (7,901 of 8,142, 2026-12-05): names that begin with
    // a type word ("Quán Thánh", "Phương Mai") read as one once misspelt,
    // and slips in a ward named like a current one ("Cầu Din" in Quận Nam
    // Từ Liêm reads as Phường Từ Liêm).
    ("misspelled", 0.965),
    ("all", 0.995),
];

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn codes(c: &Conversion) -> BTreeSet<String> {
    match c.status {
        Status::Ambiguous => c.candidates.iter().map(|k| k.code.to_string()).collect(),
        _ => c.commune.iter().map(|k| k.code.to_string()).collect(),
    }
}

fn judge(
    c: &Conversion,
    status: &str,
    communes: &BTreeSet<String>,
    street: Option<&str>,
) -> Result<(), String> {
    judge_suggesting(c, status, communes, street, None)
}

/// As [`judge`]; with `suggest`, that old commune must also be among the
/// candidates, with a why that says it is a similar name.
fn judge_suggesting(
    c: &Conversion,
    status: &str,
    communes: &BTreeSet<String>,
    street: Option<&str>,
    suggest: Option<&str>,
) -> Result<(), String> {
    if c.status.as_str() != status {
        return Err(format!("status {} (expected {status})", c.status.as_str()));
    }
    if let Some(code) = suggest
        && !c
            .candidates
            .iter()
            .any(|k| k.code.as_str() == code && k.why.vi().starts_with("Tên gần giống"))
    {
        return Err(format!("{code} not among the suggestions"));
    }
    if status != "not_found" && (communes.len() <= 10 || status != "ambiguous") {
        let got = codes(c);
        if &got != communes {
            return Err(format!("communes {got:?} (expected {communes:?})"));
        }
    }
    if let Some(s) = street
        && c.street.as_deref() != Some(s)
    {
        return Err(format!("street {:?} (expected {s:?})", c.street));
    }
    Ok(())
}

#[test]
fn generated_cases_by_style_and_status() {
    let reference = address_support::reference();
    let index = address_support::index(&reference);
    let cases = address_support::cases(&reference);
    assert!(cases.len() > 60_000, "{} cases", cases.len());
    let as_of = day("2025-07-01");
    let mut by_style: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut by_status: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    let mut misses: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for case in &cases {
        let got = index.convert(&case.address, as_of);
        let verdict = judge_suggesting(
            &got,
            case.status,
            &case.communes,
            case.street.as_deref(),
            case.suggest.as_deref(),
        );
        let ok = usize::from(verdict.is_ok());
        for key in [case.style, "all"] {
            let e = by_style.entry(key).or_default();
            e.0 += 1;
            e.1 += ok;
        }
        let e = by_status.entry((case.style, case.status)).or_default();
        e.0 += 1;
        e.1 += ok;
        if let Err(why) = verdict {
            let list = misses.entry(case.style).or_default();
            if list.len() < 8 {
                let whys: Vec<String> = got
                    .candidates
                    .iter()
                    .map(|c| format!("{} {}", c.code, c.why.vi()))
                    .collect();
                list.push(format!("{:?}: {why} {whys:?}", case.address));
            }
        }
    }
    println!("\n| style | expected status | cases | exact | % |\n|---|---|---:|---:|---:|");
    for ((style, status), (n, ok)) in &by_status {
        println!(
            "| {style} | {status} | {n} | {ok} | {:.2} |",
            100.0 * *ok as f64 / *n as f64
        );
    }
    println!("\n| style | cases | exact | % |\n|---|---:|---:|---:|");
    for (style, (n, ok)) in &by_style {
        println!(
            "| {style} | {n} | {ok} | {:.2} |",
            100.0 * *ok as f64 / *n as f64
        );
    }
    for (style, list) in &misses {
        println!("\nmisses of {style}:");
        for m in list {
            println!("  {m}");
        }
    }
    for (style, floor) in FLOORS {
        let (n, ok) = by_style[style];
        let rate = ok as f64 / n as f64;
        assert!(rate >= floor, "{style}: {rate:.4} below the floor {floor}");
    }
}

#[test]
fn every_hard_case_is_exact() {
    let reference = address_support::reference();
    let index = address_support::index(&reference);
    let text = include_str!("address_cases/hard-cases.csv");
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut failures = Vec::new();
    let mut n = 0;
    for row in reader.records() {
        let row = row.unwrap();
        let (address, as_of, status, communes, street) =
            (&row[0], &row[1], &row[2], &row[3], &row[4]);
        let as_of = if as_of.is_empty() {
            day("2025-07-01")
        } else {
            day(as_of)
        };
        let communes: BTreeSet<String> = communes
            .split('|')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let street = (!street.is_empty()).then_some(street);
        let got = index.convert(address, as_of);
        n += 1;
        if let Err(why) = judge(&got, status, &communes, street) {
            failures.push(format!(
                "{address:?}: {why}\n    warnings: {:?}",
                got.warnings.iter().map(|w| w.vi()).collect::<Vec<_>>()
            ));
        }
        let wants = &row[5];
        for want in wants.split('|').filter(|w| !w.is_empty()) {
            if !got.warnings.iter().any(|w| w.vi().contains(want)) {
                failures.push(format!("{address:?}: no warning containing {want:?}"));
            }
        }
    }
    assert!(n >= 40, "only {n} hard cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn answers_are_deterministic_and_the_same_across_indexes() {
    let reference = address_support::reference();
    let a = address_support::index(&reference);
    let b = address_support::index(&reference);
    for address in [
        "Phường Cống Vị, Quận Ba Đình, Hà Nội",
        "p1 q3 hcm",
        "Xã Tân Lập, Tỉnh Bình Phước",
        "khong co gi",
    ] {
        let x = a.convert(address, day("2025-07-01"));
        assert_eq!(x, a.convert(address, day("2025-07-01")));
        assert_eq!(x, b.convert(address, day("2025-07-01")));
    }
}

#[test]
fn a_misspelled_commune_is_not_found_with_the_old_commune_suggested() {
    let reference = address_support::reference();
    let index = address_support::index(&reference);
    let got = index.convert(
        "Phường Thạch Thangg, Quận Hải Châu, Đà Nẵng",
        day("2025-07-01"),
    );
    assert_eq!(got.status, Status::NotFound, "{got:?}");
    assert!(got.commune.is_none() && got.formatted.is_none());
    let thach_thang = got
        .candidates
        .iter()
        .find(|c| c.code.as_str() == "20233")
        .unwrap_or_else(|| panic!("old Phường Thạch Thang not suggested: {got:?}"));
    assert_eq!(thach_thang.name, "Phường Thạch Thang");
    // A suggestion says it is one, and that it names an OLD unit (the
    // candidates of `ambiguous` are current units).
    let why = thach_thang.why.to_string();
    assert!(why.contains("Tên gần giống: đơn vị cũ"), "{why}");
    assert!(why.contains("Quận Hải Châu"), "{why}");
    // A current name misspelled is suggested as a current unit, beside
    // the old ward of the same name.
    let got = index.convert("Phường Hải Chauu, Thành phố Đà Nẵng", day("2025-07-01"));
    assert_eq!(got.status, Status::NotFound, "{got:?}");
    let why_of = |code: &str| {
        got.candidates
            .iter()
            .find(|c| c.code.as_str() == code)
            .unwrap_or_else(|| panic!("{code} not suggested: {got:?}"))
            .why
            .vi()
    };
    assert!(why_of("20242").contains("đơn vị hiện nay"));
    assert!(why_of("20236").contains("đơn vị cũ"));
}

/// `ADDR="…" cargo test -p motcua-domain --test address_accuracy show -- --nocapture`
#[test]
fn show() {
    let Ok(address) = std::env::var("ADDR") else {
        return;
    };
    let reference = address_support::reference();
    let index = address_support::index(&reference);
    let as_of = std::env::var("AS_OF").map_or(day("2025-07-01"), |d| day(&d));
    println!("{:#?}", index.convert(&address, as_of));
}
