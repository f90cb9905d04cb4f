use axum::http::StatusCode;
use serde_json::json;

use crate::dossier_support::{call, officer};
use crate::support::{Answer, TestApp};

/// As a provincial administrator of the whole province (development login on H55).
async fn admin(app: &TestApp, method: &str, uri: &str, body: Option<serde_json::Value>) -> Answer {
    call(app, method, uri, &[officer("H55")], body).await.0
}

#[tokio::test]
async fn the_demo_province_gets_a_center_per_commune() {
    let app = TestApp::new().await;
    let centers = app
        .get("/api/v1/agencies?kind=commune_service_center&limit=1")
        .await;
    assert_eq!(centers.status, StatusCode::OK);
    let communes = app.get("/api/v1/units?parent=19&limit=1").await;
    assert_eq!(centers.body["total"], communes.body["total"]);
    let root = app.get("/api/v1/agencies/H55").await;
    assert_eq!(root.body["kind"], "provincial_committee");
}

#[tokio::test]
async fn an_administrator_creates_and_edits_a_service_point() {
    let app = TestApp::new().await;
    let commune = app.get("/api/v1/units?parent=19&limit=1").await.body["items"][0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let point = json!({"id": "H55.TT.DIEM1", "name": "Điểm tiếp nhận chợ", "kind": "service_point",
        "unit_code": commune, "parent_id": "H55.TT"});
    let created = admin(&app, "POST", "/api/v1/agencies", Some(point.clone())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    admin(&app, "POST", "/api/v1/agencies", Some(point.clone()))
        .await
        .assert_problem(StatusCode::CONFLICT);
    let mut edited = point.clone();
    edited["name"] = json!("Điểm tiếp nhận chợ trung tâm");
    let updated = admin(&app, "PUT", "/api/v1/agencies/H55.TT.DIEM1", Some(edited)).await;
    // Without a login, or without the role, nothing changes.
    app.request("POST", "/api/v1/agencies", Some(point.clone()))
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
    assert_eq!(updated.status, StatusCode::OK);
    assert_eq!(
        app.get("/api/v1/agencies/H55.TT.DIEM1").await.body["name"],
        "Điểm tiếp nhận chợ trung tâm"
    );
    let found = app.get("/api/v1/agencies?q=diem%20tiep%20nhan%20cho").await;
    assert_eq!(found.body["total"], 1);
}

#[tokio::test]
async fn bad_agencies_are_refused_with_reasons() {
    let app = TestApp::new().await;
    let bad = [
        json!({"id": "h55.lower", "name": "x", "kind": "service_point", "unit_code": "19"}),
        json!({"id": "H55.X", "name": "x", "kind": "castle", "unit_code": "19"}),
        json!({"id": "H55.X", "name": " ", "kind": "service_point", "unit_code": "19"}),
        json!({"id": "H55.X", "name": "x", "kind": "service_point", "unit_code": "99999"}),
        json!({"id": "H55.X", "name": "x", "kind": "service_point", "unit_code": "19", "parent_id": "NOPE"}),
        json!({"id": "H55.X", "name": "x", "kind": "service_point", "unit_code": "19", "extra": 1}),
    ];
    for body in bad {
        admin(&app, "POST", "/api/v1/agencies", Some(body.clone()))
            .await
            .assert_problem(StatusCode::BAD_REQUEST);
    }
    let answer = admin(&app, "POST", "/api/v1/agencies", None).await;
    assert!(answer.status.is_client_error());
}
