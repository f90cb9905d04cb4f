//! `motcua backup` and `motcua restore` on SQLite (issue 19 item 6): a
//! backup taken while the data is there, restored into a new data
//! directory, passes `audit verify` and holds the same dossiers; a restore
//! over an existing database is refused without `--force`.

use std::path::Path;
use std::process::{Command, Output};

use sqlx::{Connection, SqliteConnection};

fn motcua(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("MOTCUA_LOG", "warn")
        .env("MOTCUA_AUDIT_PEPPER", "test-pepper")
        .output()
        .expect("motcua runs");
    eprintln!(
        "$ motcua {}\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

async fn count(dir: &Path, sql: &str) -> i64 {
    let url = format!("sqlite://{}", dir.join("motcua.db").display());
    let mut conn = SqliteConnection::connect(&url).await.expect("open");
    sqlx::query_scalar(sql)
        .fetch_one(&mut conn)
        .await
        .expect(sql)
}

#[tokio::test]
async fn a_backup_restores_into_a_new_directory_and_passes_audit_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let (live, copy, restored) = (
        tmp.path().join("live"),
        tmp.path().join("backup"),
        tmp.path().join("restored"),
    );
    assert!(
        motcua(&live, &["demo", "seed", "--dossiers", "120"])
            .status
            .success()
    );
    assert!(
        motcua(&live, &["registry", "generate", "--people", "50"])
            .status
            .success()
    );
    // What `serve` keeps beside the database: the tracking key and an
    // attachment.
    std::fs::write(live.join("tracking-secret.key"), b"0123456789abcdef").unwrap();
    std::fs::create_dir_all(live.join("attachments").join("ab")).unwrap();
    std::fs::write(
        live.join("attachments").join("ab").join("f.pdf"),
        b"%PDF-1.7",
    )
    .unwrap();
    let to = copy.to_string_lossy().into_owned();
    assert!(motcua(&live, &["backup", "--to", &to]).status.success());
    assert!(copy.join("manifest.json").exists());
    assert!(copy.join("files").join("tracking-secret.key").exists());
    // A second backup into the same folder is refused.
    assert!(!motcua(&live, &["backup", "--to", &to]).status.success());

    assert!(
        motcua(&restored, &["restore", "--from", &to])
            .status
            .success()
    );
    let verify = motcua(&restored, &["audit", "verify"]);
    assert!(verify.status.success(), "audit verify on the restored copy");
    for sql in [
        "SELECT COUNT(*) FROM dossiers",
        "SELECT COUNT(*) FROM outbox",
        "SELECT COUNT(*) FROM residents",
    ] {
        assert_eq!(
            count(&live, sql).await,
            count(&restored, sql).await,
            "{sql}"
        );
    }
    assert!(count(&restored, "SELECT COUNT(*) FROM dossiers").await >= 120);
    assert_eq!(
        std::fs::read(live.join("tracking-secret.key")).unwrap(),
        std::fs::read(restored.join("tracking-secret.key")).unwrap(),
        "the tracking key comes back, so printed QR codes still open"
    );
    assert_eq!(
        std::fs::read(restored.join("attachments").join("ab").join("f.pdf")).unwrap(),
        b"%PDF-1.7"
    );

    // Over an existing database: refused, then allowed with --force.
    let again = motcua(&restored, &["restore", "--from", &to]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert!(
        motcua(&restored, &["restore", "--from", &to, "--force"])
            .status
            .success()
    );
    assert!(motcua(&restored, &["audit", "verify"]).status.success());
}
