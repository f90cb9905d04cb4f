//! The result of a commune's classification filed as a dossier of the
//! internal procedure of QĐ 101/QĐ-BNV at the Sở Nội vụ, with the score
//! sheet as its PDF document (issue 17 item 4), on both engines.

use axum::http::StatusCode;
use serde_json::json;

use crate::dossier_support::{call, officer, place};
use crate::support::TestApp;

async fn classification_becomes_a_dossier_at_the_department(app: TestApp) {
    let p = place(&app).await;
    let a = app.get(&format!("/api/v1/agencies/{}", p.committee)).await;
    let unit = a.body["unit_code"].as_str().unwrap().to_owned();
    let uri = format!("/api/v1/units/{unit}/classification");
    let inputs = json!({"population": 20_000, "natural_area_km2": 60, "as_of": "2026-03-01"});

    // A score alone files nothing.
    let (plain, _) = call(&app, "POST", &uri, &[officer("H55")], Some(inputs.clone())).await;
    assert_eq!(plain.status, StatusCode::OK, "{}", plain.body);
    assert!(plain.body.get("dossier_code").is_none(), "{}", plain.body);
    let procedure = app.get("/api/v1/procedures/0.000101").await;
    assert_eq!(procedure.status, StatusCode::NOT_FOUND, "not in the seed");

    // A wrong tax code is refused before anything is filed.
    let mut bad = inputs.clone();
    bad["dossier"] = json!({"applicant_tax_code": "123", "due_at": "2026-12-31T09:00:00Z"});
    let (refused, _) = call(&app, "POST", &uri, &[officer("H55")], Some(bad)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);

    let mut with = inputs.clone();
    with["dossier"] = json!({"applicant_tax_code": "0100109106", "phone": "0208 385 1234",
        "due_at": "2026-12-31T09:00:00Z"});
    let (filed, _) = call(&app, "POST", &uri, &[officer("H55")], Some(with)).await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    assert_eq!(filed.body["unit_code"], unit.as_str());
    let code = filed.body["dossier_code"]
        .as_str()
        .unwrap_or_else(|| panic!("a dossier code: {}", filed.body))
        .to_owned();

    // Received at the province's Sở Nội vụ, of the internal procedure.
    let receiving = code.rsplitn(3, '-').last().unwrap().to_owned();
    let department = app.get(&format!("/api/v1/agencies/{receiving}")).await;
    assert!(
        department.body["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("Sở Nội vụ")),
        "{}",
        department.body
    );
    assert_eq!(department.body["kind"], "department", "{}", department.body);
    let (d, _) = call(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &[officer("H55")],
        None,
    )
    .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    let text = d.body.to_string();
    assert!(text.contains("0.000101"), "{text}");
    assert!(text.contains("Ủy ban nhân dân"), "{text}");
    let procedure = app.get("/api/v1/procedures/0.000101").await;
    assert_eq!(procedure.status, StatusCode::OK, "{}", procedure.body);

    // The score sheet is its document, a PDF.
    let (files, _) = call(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}/attachments"),
        &[officer("H55")],
        None,
    )
    .await;
    assert_eq!(files.status, StatusCode::OK, "{}", files.body);
    let files = files.body.to_string();
    assert!(files.contains("application/pdf"), "{files}");
    assert!(
        files.contains(&format!("bang-diem-phan-loai-{unit}.pdf")),
        "{files}"
    );
}

#[tokio::test]
async fn a_classification_with_a_dossier_request_is_filed_at_the_department() {
    classification_becomes_a_dossier_at_the_department(TestApp::new().await).await;
}

#[tokio::test]
async fn a_classification_with_a_dossier_request_is_filed_at_the_department_on_postgres() {
    classification_becomes_a_dossier_at_the_department(TestApp::on_postgres().await).await;
}
