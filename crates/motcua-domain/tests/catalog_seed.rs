//! The shipped seed catalog parses cleanly and keeps the fact sheet's facts.

use motcua_domain::catalog::{
    AgencyType, FormRole, ProcedureCode, SEED_CATALOG_TOML, Source, WaiverSource, check,
    parse_catalog, seed_catalog,
};
use motcua_domain::legal_time::{CutOff, TimeLimit};

fn code(text: &str) -> ProcedureCode {
    ProcedureCode::parse(text).expect("valid code")
}

#[test]
fn seed_has_no_diagnostics_and_at_least_15_procedures() {
    let diagnostics = check("commune-procedures.toml", SEED_CATALOG_TOML);
    assert!(
        diagnostics.is_empty(),
        "{}",
        diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let seed = seed_catalog();
    assert!(seed.len() >= 15, "{}", seed.len());
    assert_eq!(seed, parse_catalog("x.toml", SEED_CATALOG_TOML).unwrap());
}

#[test]
fn seed_covers_every_code_of_the_fact_sheet() {
    let seed = seed_catalog();
    for c in [
        "1.001193",
        "1.001193.02",
        "1.000894",
        "1.000656",
        "1.004884",
        "2.000635",
        "1.004873",
        "1.000881",
        "1.004222",
        "1.004194",
        "1.002755",
        "1.003677",
        "1.010028",
        "1.003197",
        "1.010038",
        "2.000815",
        "2.000884",
        "1.001612",
        "1.013314",
    ] {
        assert!(
            seed.iter().any(|v| v.procedure.code == code(c)),
            "missing {c}"
        );
    }
}

#[test]
fn khai_sinh_is_same_day_with_the_15h_cut_off_and_waivers() {
    let seed = seed_catalog();
    let ks = &seed
        .iter()
        .find(|v| v.procedure.code == code("1.001193"))
        .unwrap()
        .procedure;
    assert_eq!(ks.timing.limit, Some(TimeLimit::working_days(0)));
    assert_eq!(ks.timing.cut_off, CutOff::new(15, 0));
    assert_eq!(
        ks.fees.source,
        Source::Recalled,
        "fee exemption is [R] in the fact sheet"
    );
    let sources: Vec<WaiverSource> = ks
        .components
        .iter()
        .flat_map(|c| c.waivers.iter().map(|w| w.source))
        .collect();
    for s in [
        WaiverSource::ElectronicBirthCertificate,
        WaiverSource::PopulationDb,
        WaiverSource::CivilStatusDb,
    ] {
        assert!(sources.contains(&s), "{s:?}");
    }
    assert!(
        ks.components
            .iter()
            .flat_map(|c| &c.waivers)
            .all(|w| w.text.starts_with("Không cần"))
    );
}

#[test]
fn police_procedures_use_ct_forms_and_saturday_morning() {
    let seed = seed_catalog();
    let police: Vec<_> = seed
        .iter()
        .filter(|v| v.procedure.agencies == [AgencyType::CongAnXa])
        .collect();
    assert_eq!(police.len(), 7);
    for v in police {
        let p = &v.procedure;
        assert!(p.timing.saturday_morning_reception, "{}", p.code);
        assert_eq!(p.forms.form_for(FormRole::Receipt), Some("CT04"));
        assert_eq!(p.forms.form_for(FormRole::ResultNotice), Some("CT08"));
    }
    let tt = &seed
        .iter()
        .find(|v| v.procedure.code == code("1.004194"))
        .unwrap()
        .procedure;
    assert_eq!(
        (
            tt.fees.lines[0].in_person_vnd,
            tt.fees.lines[0].online_amount()
        ),
        (15_000, 7_000)
    );
    assert_eq!(tt.timing.limit, Some(TimeLimit::working_days(3)));
}

#[test]
fn not_found_facts_stay_empty() {
    let seed = seed_catalog();
    for c in [
        "1.004884", "1.003677", "1.010028", "1.003197", "1.010038", "1.013314",
    ] {
        let p = &seed
            .iter()
            .find(|v| v.procedure.code == code(c))
            .unwrap()
            .procedure;
        assert_eq!(
            (p.timing.limit, p.timing.source),
            (None, Source::NotFound),
            "{c}"
        );
        assert_eq!(p.fees.source, Source::NotFound, "{c}");
        assert!(p.fees.lines.is_empty(), "{c}");
    }
    let ck = &seed
        .iter()
        .find(|v| v.procedure.code == code("2.000884"))
        .unwrap()
        .procedure;
    assert_eq!(
        (ck.timing.source, ck.fees.source),
        (Source::NotFound, Source::Recalled)
    );
    assert!(!ck.fees.source.is_verified());
}
