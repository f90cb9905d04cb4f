//! Procedures imported with `motcua catalog import` can be filed as
//! dossiers (the catalog store backs the procedure lookup; the seed
//! catalog answers for codes the store lacks).

use axum::http::StatusCode;
use serde_json::json;

use crate::dossier_support::{call, key, officer, place};
use crate::support::TestApp;

const CUSTOM: &str = r#"
[[procedure]]
code = "2.002999"
version = 1
valid_from = 2025-07-01
name = "Cấp giấy xác nhận thử nghiệm của tỉnh"
levels = ["commune"]
agencies = ["ubnd_xa"]
online = "unknown"
results = ["Giấy xác nhận"]
legal_basis = []
source = "S"
source_note = "Thủ tục thử nghiệm cho kiểm thử."

[procedure.field]
name = "Thử nghiệm"

[procedure.timing]
amount = 5
unit = "working_days"
source = "S"
saturday_morning_reception = false

[procedure.fees]
source = "NOT_FOUND"
exemptions = []

[procedure.forms]
preset = "one_stop"

[[procedure.components]]
name = "Đơn đề nghị xác nhận"
form = "original"
count = 1
requirement = "required"
"#;

#[tokio::test]
async fn a_procedure_imported_into_the_catalog_can_be_filed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("custom.toml");
    std::fs::write(&file, CUSTOM).expect("catalog file");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["catalog", "import"])
        .arg(&file)
        .arg("--data-dir")
        .arg(dir.path())
        .env("MOTCUA_LOG", "warn")
        .output()
        .expect("motcua runs");
    assert!(out.status.success(), "{out:?}");
    let app = TestApp::in_dir(dir).await;
    let p = place(&app).await;
    let filing = |components: serde_json::Value| {
        json!({
            "procedure": "2.002999",
            "applicant": {"kind": "citizen", "id": "019087123456", "name": "Phạm Văn Đức"},
            "channel": "in_person",
            "components": components,
        })
    };
    // The imported component list is the checklist.
    let (refused, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(&p.center), key("c-0")],
        Some(filing(json!([]))),
    )
    .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert_eq!(refused.body["code"], "checklist_incomplete");
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("Đơn đề nghị xác nhận")
    );
    let (filed, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(&p.center), key("c-1")],
        Some(filing(
            json!([{"code": "TP1", "state": {"kind": "submitted", "digitised": false}}]),
        )),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    assert_eq!(filed.body["status"], "received");
    assert!(
        filed.body["due_at"].is_string(),
        "five working days give a due date"
    );
    // Seed procedures still work beside it.
    let (seed, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(&p.center), key("c-2")],
        Some(json!({"procedure": "1.004873", "channel": "in_person",
            "applicant": {"kind": "citizen", "id": "019087123456", "name": "Phạm Văn Đức"}})),
    )
    .await;
    assert_eq!(seed.status, StatusCode::CREATED, "{}", seed.body);
}
