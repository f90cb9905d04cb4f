//! The real binary's catalog commands: import of the seed, check of a file
//! with five mistakes, and export → import round trip.

use std::path::Path;
use std::process::{Command, Output};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../reference/catalog/commune-procedures.toml"
);
const FIVE_MISTAKES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../motcua-domain/tests/data/catalog-five-mistakes.toml"
);

fn motcua(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env("MOTCUA_LOG", "warn")
        .output()
        .expect("motcua runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn import_the_seed_then_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let first = motcua(dir.path(), &["catalog", "import", SEED]);
    assert!(first.status.success(), "{first:?}");
    assert!(
        stdout(&first).contains("inserted 19; thay thế / replaced 0; không đổi / unchanged 0"),
        "{}",
        stdout(&first)
    );
    let again = motcua(dir.path(), &["catalog", "import", SEED]);
    assert!(again.status.success(), "{again:?}");
    assert!(stdout(&again).contains("inserted 0; thay thế / replaced 0; không đổi / unchanged 19"));
}

#[test]
fn check_reports_all_five_mistakes_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let check = motcua(dir.path(), &["catalog", "check", FIVE_MISTAKES]);
    assert_eq!(check.status.code(), Some(1), "{check:?}");
    let text = stdout(&check);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with(FIVE_MISTAKES))
        .collect();
    assert_eq!(lines.len(), 5, "{text}");
    for (line_no, field) in [
        (4, "procedure[0].code"),
        (21, "procedure[0].timing.cut_off"),
        (32, "procedure[0].components[0].waivers[0].source"),
        (59, "procedure[1].fees.lines[0].in_person_vnd"),
        (62, "procedure[1].steps"),
    ] {
        let at = format!("{FIVE_MISTAKES}:{line_no}: {field}: ");
        assert!(
            lines.iter().any(|l| l.starts_with(&at)),
            "{at} missing from {text}"
        );
    }
    for l in &lines {
        let rest = &l[FIVE_MISTAKES.len() + 1..];
        let (line_no, _) = rest.split_once(':').expect("file:line:");
        assert!(line_no.parse::<usize>().is_ok_and(|n| n > 0), "{l}");
        assert!(l.contains(" / "), "Vietnamese / English: {l}");
    }
    assert!(text.contains("5 problems, nothing imported"), "{text}");

    let import = motcua(dir.path(), &["catalog", "import", SEED, FIVE_MISTAKES]);
    assert_eq!(import.status.code(), Some(1));
    let export = motcua(dir.path(), &["catalog", "export"]);
    assert!(export.status.success(), "{export:?}");
    assert_eq!(
        stdout(&export),
        "",
        "nothing was imported, not even the good file"
    );
}

#[test]
fn export_then_import_elsewhere_round_trips() {
    let first = tempfile::tempdir().unwrap();
    assert!(
        motcua(first.path(), &["catalog", "import", SEED])
            .status
            .success()
    );
    let file = first.path().join("exported.toml");
    let file_arg = file.to_str().unwrap();
    let export = motcua(first.path(), &["catalog", "export", "--out", file_arg]);
    assert!(export.status.success(), "{export:?}");
    let check = motcua(first.path(), &["catalog", "check", file_arg]);
    assert!(check.status.success(), "{}", stdout(&check));
    assert!(stdout(&check).contains("19 phiên bản"));

    let second = tempfile::tempdir().unwrap();
    let import = motcua(second.path(), &["catalog", "import", file_arg]);
    assert!(import.status.success(), "{import:?}");
    assert!(stdout(&import).contains("inserted 19"));
    let again = motcua(second.path(), &["catalog", "export"]);
    assert_eq!(
        stdout(&again),
        std::fs::read_to_string(&file).unwrap(),
        "export → import → export gives the same text"
    );
    let into_first = motcua(first.path(), &["catalog", "import", file_arg]);
    assert!(
        stdout(&into_first).contains("unchanged 19"),
        "{}",
        stdout(&into_first)
    );
}
