//! Identifier parsers: good and bad inputs, and round trips.

use chrono::NaiveDate;
use motcua_domain::dossier::{
    AgencyId, AgencyIdForm, Channel, DossierCode, DossierCodePattern, PersonalId, Sex, TaxCode,
};
use proptest::prelude::*;

#[test]
fn personal_id_accepts_well_formed_numbers() {
    let id = PersonalId::parse("001087123456").expect("valid");
    assert_eq!(id.province_code(), "001");
    assert_eq!(id.sex(), Sex::Male);
    assert_eq!(id.birth_year(), 1987);
    let id = PersonalId::parse(" 079301000001 ").expect("valid, trimmed");
    assert_eq!(id.sex(), Sex::Female);
    assert_eq!(id.birth_year(), 2001);
    assert_eq!(id.as_str(), "079301000001");
    assert_eq!(
        PersonalId::parse("096299999999").map(|i| i.birth_year()),
        Ok(2099)
    );
}

#[test]
fn personal_id_rejects_bad_numbers_with_bilingual_messages() {
    for (input, code) in [
        ("", "personal_id.shape"),
        ("00108712345", "personal_id.shape"),
        ("0010871234567", "personal_id.shape"),
        ("00108712345a", "personal_id.shape"),
        ("００1087123456", "personal_id.shape"),
        ("003087123456", "personal_id.province"),
        ("000087123456", "personal_id.province"),
        ("097087123456", "personal_id.province"),
        ("001487123456", "personal_id.century"),
        ("001987123456", "personal_id.century"),
    ] {
        let err = PersonalId::parse(input).expect_err(input);
        assert_eq!(err.code, code, "{input}");
        assert!(!err.vi.is_empty() && !err.en.is_empty());
    }
    let err = PersonalId::parse("1234").expect_err("short");
    assert!(err.vi.contains("12 chữ số"), "{}", err.vi);
    assert!(err.en.contains("12 digits"), "{}", err.en);
}

#[test]
fn tax_code_accepts_published_valid_codes() {
    // Codes listed as valid in public test data for the same checksum.
    for code in [
        "0100233488",
        "0100112437",
        "0101245486",
        "0102182292",
        "0109161862",
        "0200747399",
        "0314409058-002",
        "0312687878-001",
        "0102641429-066",
        "2000102580-005",
        "3500748818",
        "5800199577-002",
        "8037630690",
        "8463763902",
        "0100047516",
    ] {
        let parsed = TaxCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(parsed.as_str(), code);
    }
    let branch = TaxCode::parse("0314409058-002").expect("valid");
    assert_eq!(branch.main(), "0314409058");
    assert_eq!(branch.branch(), Some("002"));
    assert_eq!(TaxCode::parse("0100233488").expect("valid").branch(), None);
}

#[test]
fn tax_check_digit_matches_the_worked_example() {
    use motcua_domain::dossier::ids::tax_check_digit;
    assert_eq!(tax_check_digit(&[0, 1, 0, 0, 0, 4, 7, 5, 1]), Some(6));
    assert_eq!(tax_check_digit(&[0; 9]), None);
}

#[test]
fn tax_code_rejects_bad_codes() {
    for (input, code) in [
        ("0100233480", "tax_code.checksum"),
        ("0100233489", "tax_code.checksum"),
        ("0100000008", "tax_code.component"),
        ("0314409058-000", "tax_code.component"),
        ("12345", "tax_code.shape"),
        ("VV34567890", "tax_code.shape"),
        ("0314409058002", "tax_code.shape"),
        ("0314409058-02", "tax_code.shape"),
        ("0314409058-", "tax_code.shape"),
        ("-002", "tax_code.shape"),
        ("0314409058-002-1", "tax_code.shape"),
        ("", "tax_code.shape"),
    ] {
        let err = TaxCode::parse(input).expect_err(input);
        assert_eq!(err.code, code, "{input}");
    }
}

#[test]
fn agency_id_accepts_both_layouts() {
    let legacy = AgencyId::parse("000.00.01.H22").expect("legacy");
    assert_eq!(legacy.form(), AgencyIdForm::Legacy);
    assert_eq!(legacy.level1(), "H22");
    let modern = AgencyId::parse("H55.242").expect("left to right");
    assert_eq!(modern.form(), AgencyIdForm::LeftToRight);
    assert_eq!(modern.level1(), "H55");
    for ok in ["000.00.00.H49", "G01", "K57", "H55.242.01", "G12.15.A3"] {
        assert!(AgencyId::parse(ok).is_ok(), "{ok}");
    }
    let longest = format!("H55.{}", "1".repeat(31));
    assert_eq!(longest.len(), 35);
    assert!(AgencyId::parse(&longest).is_ok());
}

#[test]
fn agency_id_rejects_bad_identifiers() {
    for (input, code) in [
        ("", "agency_id.length"),
        (&*format!("H55.{}", "1".repeat(32)), "agency_id.length"),
        ("h55.242", "agency_id.charset"),
        ("H55-242", "agency_id.charset"),
        ("H55 242", "agency_id.charset"),
        ("H55..242", "agency_id.layout"),
        (".H55", "agency_id.layout"),
        ("H55.", "agency_id.layout"),
        ("000.00.01.22H", "agency_id.layout"),
        ("123.45", "agency_id.layout"),
        ("H5.242", "agency_id.layout"),
    ] {
        let err = AgencyId::parse(input).expect_err(input);
        assert_eq!(err.code, code, "{input}");
    }
}

#[test]
fn channel_codes() {
    assert_eq!(Channel::from_code(1), Ok(Channel::InPerson));
    assert_eq!(Channel::from_code(2), Ok(Channel::Online));
    assert_eq!(Channel::from_code(3), Ok(Channel::Post));
    for bad in [0, 4, 255] {
        assert_eq!(
            Channel::from_code(bad).map_err(|e| e.code),
            Err("channel.code")
        );
    }
    assert!(
        Channel::ALL
            .iter()
            .all(|c| Channel::from_code(c.code()) == Ok(*c))
    );
}

#[test]
fn dossier_code_parses_the_default_layout() {
    let code = DossierCode::parse("000.00.01.H22-250715-0001").expect("valid");
    assert_eq!(code.agency().as_str(), "000.00.01.H22");
    assert_eq!(
        code.date(),
        NaiveDate::from_ymd_opt(2025, 7, 15).expect("date")
    );
    assert_eq!(code.sequence(), 1);
    assert_eq!(code.to_string(), "000.00.01.H22-250715-0001");
    let code: DossierCode = "H55.242-251231-9999".parse().expect("valid");
    assert_eq!(code.sequence(), 9999);
}

#[test]
fn dossier_code_rejects_bad_codes() {
    for input in [
        "000.00.01.H22-251315-0001",
        "000.00.01.H22-250230-0001",
        "000.00.01.H22-250715-0000",
        "000.00.01.H22-250715-001",
        "000.00.01.H22-250715-00001",
        "000.00.01.H22250715-0001",
        "H55.242-250715-0001-X",
        "-250715-0001",
        "h55.242-250715-0001",
        "",
    ] {
        assert!(DossierCode::parse(input).is_err(), "{input}");
    }
}

#[test]
fn dossier_code_pattern_is_configurable() {
    let pattern = DossierCodePattern::parse("{agency}/{yyyymmdd}/{seq:6}").expect("pattern");
    let agency = AgencyId::parse("H55.242").expect("agency");
    let date = NaiveDate::from_ymd_opt(2025, 7, 15).expect("date");
    let code = pattern.format(&agency, date, 123).expect("format");
    assert_eq!(code.as_str(), "H55.242/20250715/000123");
    assert_eq!(pattern.parse_code("H55.242/20250715/000123"), Ok(code));
    assert_eq!(pattern.max_sequence(), 999_999);
    let default = DossierCodePattern::default();
    assert_eq!(default.as_str(), DossierCodePattern::DEFAULT);
    assert_eq!(
        default.format(&agency, date, 10_000).map_err(|e| e.code),
        Err("dossier_code.sequence")
    );
    assert_eq!(
        default.format(&agency, date, 0).map_err(|e| e.code),
        Err("dossier_code.sequence")
    );
    let old = NaiveDate::from_ymd_opt(1999, 12, 31).expect("date");
    assert_eq!(
        default.format(&agency, old, 1).map_err(|e| e.code),
        Err("dossier_code.date")
    );
}

#[test]
fn dossier_code_pattern_rejects_ambiguous_or_incomplete_patterns() {
    for bad in [
        "{agency}{yymmdd}{seq:4}",
        "{agency}.{yymmdd}-{seq:4}",
        "{agency}-{seq:4}",
        "{agency}-{yymmdd}",
        "{yymmdd}-{seq:4}",
        "{agency}-{yymmdd}-{seq:0}",
        "{agency}-{yymmdd}-{seq:10}",
        "{agency}-{yymmdd}-{seq:4}-{seq:4}",
        "{agency}-{yymmdd}-{yyyymmdd}-{seq:4}",
        "{agency}-{foo}-{seq:4}",
        "{agency-{yymmdd}-{seq:4}",
        "",
    ] {
        let err = DossierCodePattern::parse(bad).expect_err(bad);
        assert_eq!(err.code, "dossier_code.pattern", "{bad}");
    }
    assert!(DossierCodePattern::parse("HS-{yymmdd}-{seq:4}-{agency}").is_ok());
}

fn agency_strategy() -> impl Strategy<Value = AgencyId> {
    prop_oneof![
        "[0-9]{3}\\.[0-9]{2}\\.[0-9]{2}\\.[A-Z][0-9]{2}",
        "[A-Z][0-9]{2}(\\.[0-9A-Z]{1,5}){0,3}",
    ]
    .prop_filter_map("valid agency", |s| AgencyId::parse(&s).ok())
}

proptest! {
    #[test]
    fn dossier_code_round_trips(
        agency in agency_strategy(),
        days in 0i64..36_524,
        seq in 1u32..=9999,
    ) {
        let date = NaiveDate::from_ymd_opt(2000, 1, 1).expect("date") + chrono::Days::new(days as u64);
        let code = DossierCodePattern::default().format(&agency, date, seq).expect("format");
        let back = DossierCode::parse(code.as_str()).expect("parse");
        prop_assert_eq!(&back, &code);
        prop_assert_eq!(back.agency(), &agency);
        prop_assert_eq!(back.date(), date);
        prop_assert_eq!(back.sequence(), seq);
    }

    #[test]
    fn custom_pattern_round_trips(agency in agency_strategy(), days in 0i64..3_000_000, seq in 1u32..=999_999) {
        let pattern = DossierCodePattern::parse("HS:{yyyymmdd}#{seq:6}@{agency}").expect("pattern");
        let date = NaiveDate::from_ymd_opt(1, 1, 1).expect("date") + chrono::Days::new(days as u64);
        let code = pattern.format(&agency, date, seq).expect("format");
        prop_assert_eq!(pattern.parse_code(code.as_str()), Ok(code));
    }

    #[test]
    fn parsers_never_panic(input in "\\PC{0,40}") {
        let _ = PersonalId::parse(&input);
        let _ = TaxCode::parse(&input);
        let _ = AgencyId::parse(&input);
        let _ = DossierCode::parse(&input);
        let _ = DossierCodePattern::parse(&input);
    }

    #[test]
    fn every_generated_tax_code_with_its_check_digit_is_valid(first in "[0-9]{2}[0-9]{6}[1-9]") {
        use motcua_domain::dossier::ids::tax_check_digit;
        let digits: Vec<u8> = first.bytes().map(|b| b - b'0').collect();
        let arr: [u8; 9] = digits.try_into().expect("nine digits");
        if let Some(check) = tax_check_digit(&arr) {
            let code = format!("{first}{check}");
            prop_assert!(TaxCode::parse(&code).is_ok(), "{}", code);
            let wrong = format!("{first}{}", (check + 1) % 10);
            prop_assert!(TaxCode::parse(&wrong).is_err(), "{}", wrong);
        }
    }
}
