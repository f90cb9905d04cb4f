//! Worked examples, checked by hand (the arithmetic is in each comment).

use chrono::NaiveDate;

use super::*;

fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

fn nd307() -> RuleSet {
    RuleBook::embedded()
        .unwrap()
        .in_force(d(2026, 1, 15))
        .unwrap()
        .clone()
}

fn inputs(pairs: &[(&str, InputValue)]) -> Inputs {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

fn n(x: f64) -> InputValue {
    InputValue::Number(x)
}

fn points(sheet: &ScoreSheet, criterion: &str) -> Option<String> {
    sheet
        .lines
        .iter()
        .find(|l| l.criterion == criterion)
        .and_then(|l| l.points)
        .map(|p| p.to_string())
}

#[test]
fn a_province_of_2_06_million_people_and_8400_km2_gets_10_50_and_11_00() {
    // Population: 2,060,000 − 2,000,000 = 60,000 = one step of +0.5 → 10.50.
    // Area: 8,400 − 8,000 = 400 km² = two steps of 200 km² at +0.5 → 11.00.
    let sheet = score(
        &nd307(),
        UnitKind::Province,
        &inputs(&[
            ("population", n(2_060_000.0)),
            ("natural_area_km2", n(8_400.0)),
        ]),
        false,
    );
    assert_eq!(points(&sheet, "population").as_deref(), Some("10.50"));
    assert_eq!(points(&sheet, "natural_area").as_deref(), Some("11.00"));
    let line = sheet
        .lines
        .iter()
        .find(|l| l.criterion == "population")
        .unwrap();
    assert_eq!(line.rule_set, "nd-307-2025");
    assert_eq!(line.article, "Điều 5 khoản 1");
    // The other province criteria are NOT FOUND: never guessed.
    match &sheet.outcome {
        Outcome::CannotClassify {
            missing_rules,
            missing_inputs,
            reason,
        } => {
            assert!(missing_rules.contains(&"socio_economic_other".to_owned()));
            assert!(missing_rules.contains(&"special_criteria".to_owned()));
            assert!(missing_inputs.contains(&"central_budget_share_pct".to_owned()));
            assert!(reason.contains("cannot classify: missing rule"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn increments_are_pro_rata_and_rounded_half_up_to_two_decimals() {
    let set = nd307();
    let pop = |p: f64, mountainous: bool| {
        let s = score(
            &set,
            UnitKind::Province,
            &inputs(&[
                ("population", n(p)),
                ("mountainous", InputValue::Flag(mountainous)),
            ]),
            false,
        );
        points(&s, "population").unwrap()
    };
    // 10,000 / 60,000 × 0.5 = 0.08333… → 10.08 (rounded down).
    assert_eq!(pop(2_010_000.0, false), "10.08");
    // 70,000 / 60,000 × 0.5 = 0.58333… → 10.58.
    assert_eq!(pop(2_070_000.0, false), "10.58");
    // 15,000 / 60,000 × 0.5 = 0.125 → 10.13 (half up).
    assert_eq!(pop(2_015_000.0, false), "10.13");
    // 20,000 / 60,000 × 0.5 = 0.1666… → 10.17 (rounded up).
    assert_eq!(pop(2_020_000.0, false), "10.17");
    // 1.5 steps of +0.5 → 0.75 (Art. 4.3's own example).
    assert_eq!(pop(2_090_000.0, false), "10.75");
    // At or below the threshold: the base points.
    assert_eq!(pop(2_000_000.0, false), "10.00");
    assert_eq!(pop(900_000.0, false), "10.00");
    // Cap: 5,000,000 → 10 + 3,000,000/60,000 × 0.5 = 35 → capped at 25.
    assert_eq!(pop(5_000_000.0, false), "25.00");
    // Just under the cap: 3,740,000 → 10 + 29 × 0.5 = 24.50; 3,800,000 → 25.00 exactly.
    assert_eq!(pop(3_740_000.0, false), "24.50");
    assert_eq!(pop(3_800_000.0, false), "25.00");
    // Mountainous (75 %): threshold 1,500,000, step 45,000:
    // 2,060,000 → 10 + 560,000 / 45,000 × 0.5 = 16.2222… → 16.22.
    assert_eq!(pop(2_060_000.0, true), "16.22");
}

#[test]
fn a_criterion_going_down_and_a_flag_and_a_threshold_from_another_input() {
    let set = nd307();
    let s = score(
        &set,
        UnitKind::Xa,
        &inputs(&[
            // d) poverty ≥ 4.5 % = 3; +1 per 1 % lower: 2.0 % → 3 + 2.5 = 5.5 → cap 5.
            ("poverty_rate_pct", n(2.0)),
            // a) self-balancing budget → 10.
            ("budget_self_balancing", InputValue::Flag(true)),
            // e) 22.3 % against a province average of 17 %: 5.3 / 0.5 × 0.25 = 2.65 → 5.65 → cap 5.
            ("full_online_share_pct", n(22.3)),
            ("province_full_online_share_pct", n(17.0)),
            // đ) clean water 78 %: 8 / 5 × 0.5 = 0.8 → 3.80.
            ("clean_water_pct", n(78.0)),
            // b) 52 %: 2 / 5 × 0.5 = 0.2 → 3.20.
            ("industry_services_share_pct", n(52.0)),
        ]),
        false,
    );
    assert_eq!(points(&s, "poverty_rate").as_deref(), Some("5.00"));
    assert_eq!(points(&s, "budget").as_deref(), Some("10.00"));
    assert_eq!(points(&s, "full_online_share").as_deref(), Some("5.00"));
    assert_eq!(points(&s, "clean_water").as_deref(), Some("3.80"));
    assert_eq!(
        points(&s, "industry_services_share").as_deref(),
        Some("3.20")
    );
    // Poverty 4.0 %: 0.5 lower → 3.50.
    let s2 = score(
        &set,
        UnitKind::Xa,
        &inputs(&[("poverty_rate_pct", n(4.0))]),
        false,
    );
    assert_eq!(points(&s2, "poverty_rate").as_deref(), Some("3.50"));
    // Not self-balancing, local revenue 47 % of expenditure: 3 + 7/5 × 0.5 = 3.70.
    let s3 = score(
        &set,
        UnitKind::Xa,
        &inputs(&[
            ("budget_self_balancing", InputValue::Flag(false)),
            ("local_revenue_share_pct", n(47.0)),
        ]),
        false,
    );
    assert_eq!(points(&s3, "budget").as_deref(), Some("3.70"));
}

#[test]
fn a_commune_under_307_cannot_be_classified_without_its_population_and_area_rules() {
    let set = nd307();
    let all = inputs(&[("population", n(25_000.0)), ("natural_area_km2", n(60.0))]);
    let s = score(&set, UnitKind::Xa, &all, false);
    let Outcome::CannotClassify { missing_rules, .. } = &s.outcome else {
        panic!("{:?}", s.outcome)
    };
    assert!(
        missing_rules.contains(&"population".to_owned()),
        "{missing_rules:?}"
    );
    assert!(missing_rules.contains(&"digital_documents_share".to_owned()));
    // Provisional: the draft gives 15 + 5 × 0.5 = 17.50 and 15 + 1 × 0.5 = 15.50,
    // marked provisional, and the NOT FOUND rules still block the type.
    let p = score(&set, UnitKind::Xa, &all, true);
    assert_eq!(points(&p, "population").as_deref(), Some("17.50"));
    assert_eq!(points(&p, "natural_area").as_deref(), Some("15.50"));
    let line = p
        .lines
        .iter()
        .find(|l| l.criterion == "population")
        .unwrap();
    assert_eq!(line.state, LineState::Provisional);
    assert!(matches!(p.outcome, Outcome::CannotClassify { .. }));
}

#[test]
fn a_unit_whose_rule_table_is_missing_answers_missing_rule() {
    // Phường under NĐ 307: the whole table is NOT FOUND.
    let s = score(
        &nd307(),
        UnitKind::Phuong,
        &inputs(&[("population", n(40_000.0))]),
        true,
    );
    match &s.outcome {
        Outcome::CannotClassify {
            missing_rules,
            reason,
            ..
        } => {
            assert_eq!(missing_rules, &["all_criteria".to_owned()]);
            assert!(
                reason.starts_with("Không thể phân loại: thiếu quy tắc"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(s.lines.iter().all(|l| l.points.is_none()));
    // Thị trấn has no table under NĐ 307 at all.
    let t = score(&nd307(), UnitKind::ThiTran, &Inputs::new(), true);
    let Outcome::CannotClassify { missing_rules, .. } = &t.outcome else {
        panic!()
    };
    assert_eq!(
        missing_rules,
        &["thi_tran: criteria".to_owned(), "thresholds".to_owned()]
    );
}

/// A complete test table (not law) to exercise the thresholds.
const TEST_SET: &str = r#"
id = "test"
instrument = "test"
effective_from = "2030-01-01"
[[thresholds]]
kind = "phuong"
special = 90.0
special_condition_input = "meets_special_conditions"
type_i = 75.0
type_ii = 60.0
[[criteria]]
kind = "phuong"
id = "a"
group = "population"
status = "final"
article = "1"
input = "a"
base_threshold = 0.0
base_points = 0.0
step = 1.0
step_points = 1.0
cap = 100.0
[[criteria]]
kind = "phuong"
id = "bonus"
group = "priority"
status = "final"
article = "9"
input = "bonus"
base_threshold = 0.0
base_points = 0.0
step = 1.0
step_points = 1.0
cap = 10.0
"#;

#[test]
fn thresholds_and_priority_points_kept_apart() {
    let set = RuleSet::parse_toml(TEST_SET).unwrap();
    let class = |a: f64, bonus: f64, special: bool| {
        let s = score(
            &set,
            UnitKind::Phuong,
            &inputs(&[
                ("a", n(a)),
                ("bonus", n(bonus)),
                ("meets_special_conditions", InputValue::Flag(special)),
            ]),
            false,
        );
        match s.outcome {
            Outcome::Classified { class, provisional } => {
                assert!(!provisional);
                class
            }
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(class(59.99, 0.0, false), UnitClass::III);
    assert_eq!(class(60.0, 0.0, false), UnitClass::II);
    assert_eq!(class(74.99, 0.0, false), UnitClass::II);
    assert_eq!(class(75.0, 0.0, false), UnitClass::I);
    // Priority points count for I/II/III: 70 + 5 = 75 → I.
    assert_eq!(class(70.0, 5.0, false), UnitClass::I);
    // …but not for special: 85 + 10 = 95 is still I.
    assert_eq!(class(85.0, 10.0, true), UnitClass::I);
    assert_eq!(class(90.0, 0.0, true), UnitClass::Special);
    assert_eq!(class(95.0, 0.0, false), UnitClass::I);
    // The criteria total at most 100.
    let s = score(
        &set,
        UnitKind::Phuong,
        &inputs(&[("a", n(100.0)), ("bonus", n(3.0))]),
        false,
    );
    assert_eq!(s.criteria_points.to_string(), "100.00");
    assert_eq!(s.total_points.to_string(), "103.00");
    // Under NĐ 307 itself the special conditions are a missing rule.
}

#[test]
fn rule_sets_are_effective_dated_side_by_side() {
    let book = RuleBook::embedded().unwrap();
    assert_eq!(book.in_force(d(2025, 11, 26)).unwrap().id, "nq-1211-2016");
    assert_eq!(book.in_force(d(2025, 11, 27)).unwrap().id, "nd-307-2025");
    assert!(book.in_force(d(2010, 1, 1)).is_none());
    // NQ 1211 xã: population 4,000 → 10 + 500/100 × 0.5 = 12.50; border (30 %):
    // threshold 1,050, step 30 → 10 + 2,950/30 × 0.5 = 59.17 → cap 35.
    let old = book.by_id("nq-1211-2016").unwrap();
    let s = score(
        old,
        UnitKind::Xa,
        &inputs(&[("population", n(4_000.0))]),
        false,
    );
    assert_eq!(points(&s, "population").as_deref(), Some("12.50"));
    let b = score(
        old,
        UnitKind::Xa,
        &inputs(&[
            ("population", n(4_000.0)),
            ("border", InputValue::Flag(true)),
        ]),
        false,
    );
    assert_eq!(points(&b, "population").as_deref(), Some("35.00"));
    // Two sets in force on one day are refused.
    let mut twin = old.clone();
    twin.id = "twin".into();
    assert!(RuleBook::new(vec![old.clone(), twin]).is_err());
}

#[test]
fn a_merged_commune_takes_the_highest_type_of_its_predecessors_until_classified() {
    let merged = Formation::Merged {
        predecessors: vec![UnitClass::III, UnitClass::I, UnitClass::II],
    };
    let t = transitional_class(&merged, ChangeWhen::Rearrangement2025, d(2026, 3, 1));
    assert_eq!(t.class, Some(UnitClass::I));
    assert_eq!(t.classify_before, d(2026, 6, 30));
    assert!(!t.overdue);
    let late = transitional_class(&merged, ChangeWhen::Rearrangement2025, d(2026, 6, 30));
    assert!(late.overdue);
    // Split → type III whatever the predecessors were.
    let split = transitional_class(
        &Formation::Split,
        ChangeWhen::Rearrangement2025,
        d(2026, 3, 1),
    );
    assert_eq!(split.class, Some(UnitClass::III));
    // From one predecessor: keeps it; after 27/11/2025: one year from the resolution.
    let one = transitional_class(
        &Formation::FromOne {
            predecessor: UnitClass::II,
        },
        ChangeWhen::After307(d(2026, 2, 1)),
        d(2026, 3, 1),
    );
    assert_eq!(one.class, Some(UnitClass::II));
    assert_eq!(one.classify_before, d(2027, 2, 1));
    // Not rearranged: keeps its old type until 30/4/2026.
    let kept = transitional_class(
        &Formation::Unchanged {
            previous: Some(UnitClass::II),
        },
        ChangeWhen::Rearrangement2025,
        d(2026, 5, 1),
    );
    assert_eq!((kept.class, kept.overdue), (Some(UnitClass::II), true));
}

#[test]
fn cells_parse_as_numbers_or_flags() {
    assert_eq!(InputValue::parse("2,060,000"), Some(n(2_060_000.0)));
    assert_eq!(InputValue::parse("2060000"), Some(n(2_060_000.0)));
    assert_eq!(InputValue::parse("8400.5"), Some(n(8400.5)));
    assert_eq!(InputValue::parse("17,5"), Some(n(17.5)));
    assert_eq!(InputValue::parse("có"), Some(InputValue::Flag(true)));
    assert_eq!(InputValue::parse("không"), Some(InputValue::Flag(false)));
    assert_eq!(InputValue::parse(""), None);
    assert_eq!(InputValue::parse("abc"), None);
    assert_eq!(UnitClass::parse("loại II"), Some(UnitClass::II));
}
