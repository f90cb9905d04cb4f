//! Every problem of a file is reported at once, each at its line and field.

use motcua_domain::catalog::{Diagnostic, DiagnosticKind as K, check, parse_catalog};

const FIVE: &str = include_str!("data/catalog-five-mistakes.toml");

fn show(ds: &[Diagnostic]) -> String {
    ds.iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A valid procedure; `extra` lines are appended inside its top table.
fn procedure(code: &str, version: u32, from: &str, to: Option<&str>, extra: &str) -> String {
    let to = to.map(|d| format!("valid_to = {d}\n")).unwrap_or_default();
    format!(
        "[[procedure]]\ncode = \"{code}\"\nversion = {version}\nvalid_from = {from}\n{to}\
         name = \"Đăng ký khai sinh\"\nlevels = [\"commune\"]\nagencies = [\"ubnd_xa\"]\n\
         online = \"full\"\nsource = \"S\"\nsource_note = \"test\"\n{extra}\n\
         [procedure.field]\nname = \"Hộ tịch\"\n\n\
         [procedure.timing]\namount = 0\nunit = \"working_days\"\nsource = \"S\"\n\n\
         [procedure.fees]\nsource = \"S\"\n\n"
    )
}

#[test]
fn five_mistakes_are_all_reported_at_their_lines() {
    let ds = check("catalog-five-mistakes.toml", FIVE);
    let got: Vec<(usize, &str, K)> = ds
        .iter()
        .map(|d| (d.line, d.path.as_str(), d.kind))
        .collect();
    assert_eq!(
        got,
        vec![
            (4, "procedure[0].code", K::InvalidCode),
            (21, "procedure[0].timing.cut_off", K::CutOffOutOfRange),
            (
                32,
                "procedure[0].components[0].waivers[0].source",
                K::UnknownWaiverSource
            ),
            (
                59,
                "procedure[1].fees.lines[0].in_person_vnd",
                K::OutOfRange
            ),
            (62, "procedure[1].steps", K::SharesNotHundred),
        ],
        "{}",
        show(&ds)
    );
    assert!(
        ds.iter()
            .all(|d| d.file == "catalog-five-mistakes.toml" && d.column >= 1)
    );
    assert!(
        ds.iter()
            .all(|d| !d.message_vi.is_empty() && !d.message_en.is_empty())
    );
    assert_eq!(
        parse_catalog("catalog-five-mistakes.toml", FIVE).unwrap_err(),
        ds
    );
}

#[test]
fn display_names_file_line_column_path_and_both_languages() {
    let ds = check("f.toml", FIVE);
    let first = ds[0].to_string();
    assert!(
        first.starts_with("f.toml:4:1: procedure[0].code: mã thủ tục"),
        "{first}"
    );
    assert!(
        first.contains(" / procedure code \"1.00119\" is invalid"),
        "{first}"
    );
}

#[test]
fn versions_duplicate_overlap_and_inversion_are_reported() {
    let text = [
        procedure("1.001193", 1, "2025-07-01", Some("2025-12-31"), ""),
        procedure("1.001193", 2, "2025-12-01", None, ""),
        procedure("1.001193", 2, "2026-06-01", None, ""),
        procedure("2.000815", 1, "2026-01-01", Some("2025-01-01"), ""),
    ]
    .concat();
    let ds = check("v.toml", &text);
    let kinds: Vec<(&str, K)> = ds.iter().map(|d| (d.path.as_str(), d.kind)).collect();
    assert!(
        kinds.contains(&("procedure[1].valid_from", K::OverlappingVersions)),
        "{}",
        show(&ds)
    );
    assert!(
        kinds.contains(&("procedure[2].version", K::DuplicateVersion)),
        "{}",
        show(&ds)
    );
    assert!(
        kinds.contains(&("procedure[3].valid_to", K::InvertedValidity)),
        "{}",
        show(&ds)
    );
    let overlap = ds
        .iter()
        .find(|d| d.kind == K::OverlappingVersions)
        .unwrap();
    let second_header = text.match_indices("[[procedure]]").nth(1).unwrap().0;
    let header_line = text[..second_header].lines().count() + 1;
    assert_eq!(
        overlap.line,
        header_line + 3,
        "valid_from is the 4th line of the table"
    );
}

#[test]
fn consecutive_versions_are_fine() {
    let text = [
        procedure("1.001193", 1, "2025-07-01", Some("2025-12-31"), ""),
        procedure("1.001193", 2, "2026-01-01", None, ""),
    ]
    .concat();
    let versions = parse_catalog("ok.toml", &text).unwrap_or_else(|ds| panic!("{}", show(&ds)));
    assert_eq!(versions.len(), 2);
}

#[test]
fn field_level_mistakes_are_each_reported() {
    let text = procedure(
        "1.001193",
        1,
        "2025-07-01",
        None,
        "nmae = \"typo\"\nportal_id = \"not-a-uuid\"",
    )
    .replace("name = \"Đăng ký khai sinh\"", "name = \"  \"")
    .replace("unit = \"working_days\"", "unit = \"fortnights\"")
    .replace("online = \"full\"", "online = 3")
    .replace(
        "[procedure.fees]\nsource = \"S\"",
        "[procedure.fees]\nsource = \"X\"",
    )
    .replace("levels = [\"commune\"]\n", "");
    let ds = check("m.toml", &text);
    let kinds: Vec<(&str, K)> = ds.iter().map(|d| (d.path.as_str(), d.kind)).collect();
    for expected in [
        ("procedure[0].name", K::EmptyValue),
        ("procedure[0].timing.unit", K::UnknownTimeUnit),
        ("procedure[0].online", K::WrongType),
        ("procedure[0].fees.source", K::UnknownKeyword),
        ("procedure[0].levels", K::MissingField),
        ("procedure[0].nmae", K::UnknownField),
        ("procedure[0].portal_id", K::InvalidValue),
    ] {
        assert!(
            kinds.contains(&expected),
            "{expected:?} not in\n{}",
            show(&ds)
        );
    }
    assert_eq!(ds.len(), 7, "{}", show(&ds));
    let missing = ds.iter().find(|d| d.kind == K::MissingField).unwrap();
    assert_eq!(
        missing.line, 1,
        "a missing field points at its table's header"
    );
}

#[test]
fn component_and_fee_rules() {
    let extra = "\n[[procedure.components]]\nname = \"Giấy tờ\"\nform = \"copy\"\nrequirement = \"conditional\"\n\
                 \n[[procedure.components]]\nname = \"Giấy khác\"\nform = \"photocopy\"\nrequirement = \"required\"\ncount = 0\n";
    let text = procedure("1.001193", 1, "2025-07-01", None, "")
        .replace("source = \"S\"\n\n", "source = \"NOT_FOUND\"\n\n")
        + "[[procedure.fees.lines]]\nname = \"Lệ phí\"\nin_person_vnd = 900000000\nbasis = \"per_case\"\n"
        + extra;
    let ds = check("c.toml", &text);
    let kinds: Vec<(&str, K)> = ds.iter().map(|d| (d.path.as_str(), d.kind)).collect();
    for expected in [
        ("procedure[0].timing.source", K::SourceMismatch),
        ("procedure[0].fees.lines[0].in_person_vnd", K::OutOfRange),
        ("procedure[0].components[0].condition", K::MissingField),
        ("procedure[0].components[1].form", K::UnknownKeyword),
    ] {
        assert!(
            kinds.contains(&expected),
            "{expected:?} not in\n{}",
            show(&ds)
        );
    }
}

#[test]
fn syntax_errors_have_a_line() {
    let ds = check("s.toml", "[[procedure]]\ncode = \"1.001193\"\nname = \n");
    assert_eq!(ds.len(), 1, "{}", show(&ds));
    assert_eq!((ds[0].kind, ds[0].line), (K::Syntax, 3));
}

#[test]
fn an_empty_file_lacks_procedures_and_arbitrary_text_never_panics() {
    let ds = check("e.toml", "");
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].kind, K::MissingField);
    for text in [
        "procedure = 1",
        "procedure = [1, \"x\"]",
        "[procedure]\ncode = 1",
        "\u{0}",
        "[[procedure]]\nfees = []",
    ] {
        assert!(!check("x.toml", text).is_empty(), "{text:?}");
    }
}
