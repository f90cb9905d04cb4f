//! Small model types, and the checker never panicking on arbitrary input.

use motcua_domain::catalog::{
    AgencyType, FormPreset, FormRole, FormSet, Keyword, ProcedureCode, SEED_CATALOG_TOML, Source,
    WaiverSource, check,
};
use motcua_domain::legal_time::CutOff;
use proptest::prelude::*;

#[test]
fn cut_off_accepts_only_times_of_day() {
    assert_eq!(CutOff::parse("15:00").unwrap().to_string(), "15:00");
    assert_eq!(CutOff::parse("7:30").unwrap(), CutOff::new(7, 30).unwrap());
    for bad in [
        "24:00", "23:60", "15", "15:0", "-1:00", "ab:cd", "", "15:00:00",
    ] {
        assert!(CutOff::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn procedure_code_round_trips_through_serde() {
    let code = ProcedureCode::parse("1.001193.02").unwrap();
    let json = serde_json::to_string(&code).unwrap();
    assert_eq!(json, "\"1.001193.02\"");
    assert_eq!(serde_json::from_str::<ProcedureCode>(&json).unwrap(), code);
    assert!(serde_json::from_str::<ProcedureCode>("\"1.0011\"").is_err());
}

#[test]
fn form_sets_resolve_overrides_then_preset() {
    let police = FormSet::preset(FormPreset::Police);
    assert_eq!(police.form_for(FormRole::Declaration), Some("CT01"));
    assert_eq!(police.form_for(FormRole::Refusal), Some("CT06"));
    assert_eq!(
        police.form_for(FormRole::Apology),
        Some("04"),
        "falls back to the one-stop form"
    );
    let one_stop = FormSet::default();
    assert_eq!(one_stop.form_for(FormRole::Receipt), Some("01"));
    assert_eq!(one_stop.form_for(FormRole::Declaration), None);
    let mut custom = FormSet::default();
    custom
        .overrides
        .insert(FormRole::Receipt, "01/HT".to_owned());
    assert_eq!(custom.form_for(FormRole::Receipt), Some("01/HT"));
    assert_eq!(custom.resolved().len(), 7);
}

#[test]
fn keywords_are_stable() {
    assert_eq!(
        WaiverSource::from_keyword("csdlqgvdc"),
        Some(WaiverSource::PopulationDb)
    );
    assert_eq!(Source::NotFound.keyword(), "NOT_FOUND");
    assert!(Source::Secondary.is_verified() && !Source::Recalled.is_verified());
    assert_eq!(
        AgencyType::from_keyword("cong_an_xa"),
        Some(AgencyType::CongAnXa)
    );
    assert_eq!(
        AgencyType::Other("Phòng Kinh tế".into()).as_toml_str(),
        "Phòng Kinh tế"
    );
    assert!(
        WaiverSource::ALL
            .iter()
            .all(|w| w.default_text().starts_with("Không cần nộp"))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn check_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
        let _ = check("fuzz.toml", &text);
    }

    #[test]
    fn check_never_panics_when_seed_lines_are_dropped(skip in proptest::collection::vec(0usize..950, 1..6)) {
        let text: String = SEED_CATALOG_TOML
            .lines()
            .enumerate()
            .filter(|(i, _)| !skip.contains(i))
            .map(|(_, l)| format!("{l}\n"))
            .collect();
        for d in check("mutated.toml", &text) {
            prop_assert!(d.line <= text.lines().count() + 1);
        }
    }
}
