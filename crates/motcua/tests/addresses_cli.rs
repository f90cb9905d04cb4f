//! `motcua addresses convert`: a CSV export in, the same rows with the
//! current units out, and a summary of statuses (issue 18).

use std::process::Command;

#[test]
fn a_csv_export_is_converted_row_by_row_keeping_its_columns() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("old.csv");
    let out = dir.path().join("new.csv");
    std::fs::write(
        &input,
        "id,address,note\n\
         1,\"12 Lê Lợi, P. Thạch Thang, Q. Hải Châu, TP. Đà Nẵng\",a\n\
         2,\"Phuong Cong Vi, Quan Ba Dinh, Ha Noi\",\"b, with comma\"\n\
         3,\"Phường Sài Gòn, TP HCM\",c\n\
         4,,d\n",
    )
    .unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args([
            "addresses",
            "convert",
            "--column",
            "address",
            "--as-of",
            "2025-07-01",
        ])
        .arg("--in")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("4 địa chỉ"), "{stdout}");
    for line in ["converted", "ambiguous", "unchanged", "not_found"] {
        let row = stdout
            .lines()
            .find(|l| l.trim_start().starts_with(line))
            .unwrap();
        assert!(row.contains(" 1 "), "{row}");
    }
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "id");
    assert_eq!(&headers[3], "status");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[0][col("commune_code")], "20242");
    assert_eq!(&rows[0][col("street")], "12 Lê Lợi");
    assert_eq!(&rows[1][2], "b, with comma");
    assert_eq!(&rows[1][col("status")], "ambiguous");
    assert!(rows[1][col("candidates")].contains("00008 Phường Ngọc Hà"));
    assert_eq!(&rows[2][col("status")], "unchanged");
    assert_eq!(&rows[3][col("status")], "not_found");
}

#[test]
fn a_missing_column_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("old.csv");
    std::fs::write(&input, "id,dia_chi\n1,x\n").unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["addresses", "convert", "--column", "address", "--quiet"])
        .arg("--in")
        .arg(&input)
        .arg("--out")
        .arg(dir.path().join("new.csv"))
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("dia_chi"));
}
