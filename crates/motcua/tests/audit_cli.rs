//! The binary's identity commands on SQLite: generate residents, grant,
//! look up (allowed and refused), `audit verify` exit codes on an intact,
//! an edited and a truncated log, and a citizen's view of accesses.

use std::path::Path;
use std::process::{Command, Output};

use sqlx::{Connection, Row, SqliteConnection};

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

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn db(dir: &Path) -> SqliteConnection {
    let url = format!("sqlite://{}", dir.join("motcua.db").display());
    SqliteConnection::connect(&url)
        .await
        .expect("open the database")
}

#[tokio::test]
async fn audit_verify_exit_codes_and_the_citizen_view() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let out = motcua(d, &["registry", "generate", "--people", "300"]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("generated 300 residents"),
        "{}",
        stdout(&out)
    );

    let out = motcua(
        d,
        &[
            "grants",
            "create",
            "--officer",
            "cb-01",
            "--unit",
            "01840",
            "--purpose",
            "Tiếp nhận hồ sơ thủ tục hành chính",
            "--by",
            "qt-01840",
        ],
    );
    assert!(out.status.success());
    let grant = stdout(&out).trim().to_owned();
    assert_eq!(grant.len(), 36, "a UUID: {grant}");

    let mut conn = db(d).await;
    let row = sqlx::query(
        "SELECT personal_id, full_name, birth_date FROM residents ORDER BY personal_id LIMIT 1",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let id: String = row.get(0);
    let name: String = row.get(1);
    let dob: String = row.get(2);

    let lookup = |grant: Option<&str>| {
        let mut args = vec![
            "registry",
            "lookup",
            "--officer",
            "cb-01",
            "--dossier",
            "H55-250701-0001",
            "--id",
            &id,
            "--name",
            &name,
            "--dob",
            &dob,
        ];
        if let Some(g) = grant {
            args.extend(["--grant", g]);
        }
        args.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
    };
    let args = lookup(Some(&grant));
    let out = motcua(d, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("\"population_db\""),
        "{}",
        stdout(&out)
    );
    let args = lookup(None);
    let out = motcua(d, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(3), "a refused look-up exits 3");
    assert!(stdout(&out).contains("no_grant"));

    let out = motcua(d, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("intact: 3 entries"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains(&id));

    let out = motcua(d, &["audit", "for-citizen", &id]);
    assert!(out.status.success());
    let view = stdout(&out);
    assert!(view.contains(": 2"), "{view}");
    assert!(view.contains("Phường Đức Xuân (01840)"), "{view}");
    assert!(view.contains("refused (no_grant)"), "{view}");
    assert!(!view.contains(&id), "the ID is masked: {view}");

    // An intruder edits one row behind the application's back.
    sqlx::raw_sql("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete")
        .execute(&mut conn)
        .await
        .unwrap();
    let original: String = sqlx::query_scalar("SELECT dossier_code FROM audit_log WHERE seq = 2")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET dossier_code = 'H55-250701-9999' WHERE seq = 2")
        .execute(&mut conn)
        .await
        .unwrap();
    let out = motcua(d, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("entry 2: content edited"),
        "{}",
        stdout(&out)
    );

    // Put it back: intact again. Then delete one row.
    sqlx::query("UPDATE audit_log SET dossier_code = ? WHERE seq = 2")
        .bind(&original)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(motcua(d, &["audit", "verify"]).status.code(), Some(0));
    sqlx::query("DELETE FROM audit_log WHERE seq = 2")
        .execute(&mut conn)
        .await
        .unwrap();
    let out = motcua(d, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("entry 3: entries 2–2 deleted"),
        "{}",
        stdout(&out)
    );
    conn.close().await.unwrap();
}

fn grant(d: &Path, officer: &str, purpose: &str) {
    let out = motcua(
        d,
        &[
            "grants",
            "create",
            "--officer",
            officer,
            "--unit",
            "01840",
            "--purpose",
            purpose,
            "--by",
            "qt-01840",
        ],
    );
    assert!(out.status.success());
}

/// Security review F14: a chain cut short (head moved back) or rewritten
/// from scratch still verifies on its own, but no longer matches the signed
/// checkpoints kept outside the database.
#[tokio::test]
async fn checkpoints_catch_a_truncated_or_rewritten_chain() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for i in 0..3 {
        grant(d, &format!("cb-{i}"), "Tiếp nhận hồ sơ thủ tục hành chính");
    }
    let out = motcua(d, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("no checkpoints yet"),
        "{}",
        stdout(&out)
    );

    let out = motcua(d, &["audit", "checkpoint"]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("checkpoint written: 3 "),
        "{}",
        stdout(&out)
    );
    let out = motcua(d, &["audit", "checkpoint"]);
    assert!(stdout(&out).contains("nothing new"), "{}", stdout(&out));
    let file = std::fs::read_to_string(d.join("audit-checkpoints.jsonl")).unwrap();
    assert_eq!(file.lines().count(), 1);
    let line: serde_json::Value = serde_json::from_str(file.lines().next().unwrap()).unwrap();
    assert_eq!(line["seq"], 3);
    assert!(line["signature"].as_str().unwrap().len() == 64);
    grant(d, "cb-3", "Tiếp nhận hồ sơ thủ tục hành chính");
    let out = motcua(d, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(0), "a longer chain still matches");
    assert!(stdout(&out).contains("matches the checkpoints: latest 3"));
    assert!(motcua(d, &["audit", "checkpoint"]).status.success());

    // A rewritten chain: another instance's log of the same length, which
    // is intact on its own, under this instance's checkpoints.
    let other = tempfile::tempdir().unwrap();
    for i in 0..4 {
        grant(other.path(), &format!("cb-x{i}"), "Mục đích khác hẳn");
    }
    assert_eq!(
        motcua(other.path(), &["audit", "verify"]).status.code(),
        Some(0)
    );
    std::fs::copy(
        d.join("audit-checkpoints.jsonl"),
        other.path().join("audit-checkpoints.jsonl"),
    )
    .unwrap();
    let out = motcua(other.path(), &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("entry 3 was rewritten"),
        "{}",
        stdout(&out)
    );

    // Truncated: the last entry removed and the head moved back, which
    // the chain alone does not notice.
    let mut conn = db(d).await;
    sqlx::raw_sql("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::raw_sql(
        "DELETE FROM audit_log WHERE seq = 4; \
         UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_log WHERE seq = 3)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let out = motcua(d, &["audit", "verify"]);
    assert!(
        stdout(&out).contains("audit chain intact: 3 entries"),
        "{}",
        stdout(&out)
    );
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stdout(&out).contains("chain truncated: head 3 is below checkpoint 4"));

    // A forged checkpoint line (signed with another key) is refused too.
    let text = std::fs::read_to_string(d.join("audit-checkpoints.jsonl")).unwrap();
    std::fs::write(
        d.join("audit-checkpoints.jsonl"),
        text.replace("\"seq\":4", "\"seq\":3"),
    )
    .unwrap();
    let out = motcua(d, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("signature does not match"),
        "{}",
        stdout(&out)
    );
}
