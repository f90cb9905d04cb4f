//! Versions: lookup by date, binding keys and the Catalog type.

use chrono::NaiveDate;
use motcua_domain::catalog::{
    Catalog, DiagnosticKind, ProcedureCode, ProcedureVersion, seed_catalog, validate,
};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn two_versions() -> Vec<ProcedureVersion> {
    let seed = seed_catalog();
    let mut v1 = seed
        .iter()
        .find(|v| v.procedure.code.as_str() == "1.004194")
        .unwrap()
        .clone();
    v1.valid_to = Some(day(2026, 3, 31));
    let mut v2 = v1.clone();
    v2.version = 2;
    v2.valid_from = day(2026, 4, 1);
    v2.valid_to = None;
    v2.procedure.fees.lines[0].in_person_vnd = 16_000;
    vec![v1, v2]
}

#[test]
fn version_at_picks_the_version_in_force() {
    let catalog = Catalog::new(two_versions()).unwrap();
    let code = ProcedureCode::parse("1.004194").unwrap();
    assert!(
        catalog.version_at(&code, day(2025, 6, 30)).is_none(),
        "before the first version"
    );
    assert_eq!(
        catalog.version_at(&code, day(2026, 3, 31)).unwrap().version,
        1,
        "valid_to is inclusive"
    );
    assert_eq!(
        catalog.version_at(&code, day(2026, 4, 1)).unwrap().version,
        2
    );
    assert_eq!(catalog.versions_of(&code).len(), 2);
    let key = catalog.version_at(&code, day(2025, 8, 1)).unwrap().key();
    assert_eq!(
        catalog.get(&key).unwrap().procedure.fees.lines[0].in_person_vnd,
        15_000,
        "a dossier keeps its version"
    );
    assert_eq!(catalog.in_force_on(day(2026, 5, 1)).len(), 1);
}

#[test]
fn overlapping_versions_are_refused() {
    let mut versions = two_versions();
    versions[1].valid_from = day(2026, 3, 31);
    assert!(versions[0].overlaps(&versions[1]));
    let problems = Catalog::new(versions).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(
        (problems[0].kind, problems[0].path.as_str()),
        (
            DiagnosticKind::OverlappingVersions,
            "procedure[1].valid_from"
        )
    );
    assert_eq!(problems[0].line, 0, "in-memory checks have no line");
}

#[test]
fn the_seed_is_a_valid_catalog() {
    let seed = seed_catalog();
    assert!(validate(&seed).is_empty());
    let catalog = Catalog::new(seed).unwrap();
    assert!(catalog.in_force_on(day(2025, 7, 1)).len() >= 15);
}

#[test]
fn model_serialises_to_json_and_back() {
    let seed = seed_catalog();
    let json = serde_json::to_string(&seed).unwrap();
    let back: Vec<ProcedureVersion> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, seed);
    assert!(json.contains("\"code\":\"1.001193\""));
}
