//! Runs every case of `reference/text/vn-text-conformance.json` (the vn-text
//! 1.0.0 conformance suite) against `motcua_domain::text`.

use motcua_domain::text::{
    deaccent, fold, is_vietnamese, normalize, repair_mojibake, strip_stroke,
};
use serde_json::Value;

const SUITE: &str = include_str!("../../../reference/text/vn-text-conformance.json");

/// The size of the revision this crate was checked against; a shrinking file
/// must fail the test rather than pass with fewer cases.
const EXPECTED_CASES: usize = 156;

#[test]
fn every_conformance_case_passes() {
    let suite: Value = serde_json::from_str(SUITE).expect("conformance file is valid JSON");
    let cases = suite["cases"].as_array().expect("`cases` is an array");
    assert_eq!(
        cases.len(),
        EXPECTED_CASES,
        "conformance case count changed"
    );

    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().expect("case has an id");
        let func = case["fn"].as_str().expect("case has a fn");
        let input = case["input"].as_str().expect("case input is a string");
        let expected = &case["expected"];
        let actual = match func {
            "normalize" => Value::from(normalize(input)),
            "deaccent" => Value::from(deaccent(input)),
            "stripStroke" => Value::from(strip_stroke(input)),
            "repairMojibake" => Value::from(repair_mojibake(input)),
            "fold" => Value::from(fold(input)),
            "isVietnamese" => Value::from(is_vietnamese(input)),
            other => {
                failures.push(format!("{id}: unknown fn {other:?}"));
                continue;
            }
        };
        if &actual != expected {
            failures.push(format!(
                "{id}: {func}({input:?}) = {actual}, expected {expected}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} conformance cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_function_of_the_suite_is_exercised() {
    let suite: Value = serde_json::from_str(SUITE).expect("conformance file is valid JSON");
    let cases = suite["cases"].as_array().expect("`cases` is an array");
    for func in [
        "normalize",
        "deaccent",
        "stripStroke",
        "repairMojibake",
        "fold",
        "isVietnamese",
    ] {
        assert!(cases.iter().any(|c| c["fn"] == func), "no case for {func}");
    }
}
