//! `/api/v1/webhooks`: the secret is shown once, reads never carry it;
//! bad input is a Problem Details 400; PATCH changes only what it names;
//! a rotation answers a new secret and the old one's end; the whole
//! province needs a provincial scope.

use axum::http::StatusCode;
use motcua_app::webhooks::WebhookSettings;
use serde_json::json;

use crate::dossier_support::{call, officer};
use crate::support::{Answer, TestApp};

async fn app() -> TestApp {
    let mut app = TestApp::new().await;
    app.state.webhooks = motcua_app::webhooks::WebhookService::new(
        app.state.store.clone(),
        WebhookSettings {
            province: "19".into(),
            ..WebhookSettings::default()
        },
        app.state.clock.clone(),
    );
    app.router = motcua_web::router(app.state.clone());
    app
}

async fn as_agency(
    app: &TestApp,
    agency: &str,
    method: &str,
    uri: &str,
    body: Option<serde_json::Value>,
) -> Answer {
    call(app, method, uri, &[officer(agency)], body).await.0
}

#[tokio::test]
async fn secrets_show_once_and_bad_input_is_a_problem() {
    let app = app().await;
    let body = json!({"name": "Sở Tài nguyên và Môi trường", "url": "https://stnmt.example.vn/hooks",
        "event_types": ["received", "vn.motcua.dossier.result_returned"], "procedures": ["1.001193"]});
    let created = as_agency(&app, "H55", "POST", "/api/v1/webhooks", Some(body.clone())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let secret = created.body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() > 40);
    let id = created.body["webhook"]["id"].as_i64().unwrap();
    assert_eq!(
        created.body["webhook"]["event_types"],
        json!([
            "vn.motcua.dossier.received",
            "vn.motcua.dossier.result_returned"
        ])
    );
    assert_eq!(created.body["webhook"]["scopes"], json!([]));

    let one = as_agency(&app, "H55", "GET", &format!("/api/v1/webhooks/{id}"), None).await;
    let list = as_agency(&app, "H55", "GET", "/api/v1/webhooks", None).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(list.body["items"][0], one.body);
    for a in [&one, &list] {
        assert!(
            !a.body.to_string().contains(&secret),
            "reads never show the secret"
        );
        assert!(!a.body.to_string().contains("whsec_"));
    }

    // A commune centre may not see or create a province-wide subscription.
    let commune = as_agency(&app, "H55.X05743.TT", "GET", "/api/v1/webhooks", None).await;
    assert_eq!(commune.body["items"], json!([]));
    as_agency(
        &app,
        "H55.X05743.TT",
        "POST",
        "/api/v1/webhooks",
        Some(body.clone()),
    )
    .await
    .assert_problem(StatusCode::FORBIDDEN);
    as_agency(
        &app,
        "H55.X05743.TT",
        "GET",
        &format!("/api/v1/webhooks/{id}"),
        None,
    )
    .await
    .assert_problem(StatusCode::NOT_FOUND);

    for (field, value) in [
        ("url", json!("http://stnmt.example.vn/hooks")),
        ("url", json!("stnmt.example.vn")),
        ("event_types", json!(["recieved"])),
        ("procedures", json!(["1-001193"])),
        ("scopes", json!(["province:19"])),
        ("name", json!("  ")),
        ("colour", json!("blue")),
    ] {
        let mut bad = body.clone();
        bad[field] = value;
        let a = as_agency(&app, "H55", "POST", "/api/v1/webhooks", Some(bad)).await;
        a.assert_problem(StatusCode::BAD_REQUEST);
    }
    let a = as_agency(
        &app,
        "H55",
        "PATCH",
        &format!("/api/v1/webhooks/{id}"),
        Some(json!({"url": "ftp://x/"})),
    )
    .await;
    a.assert_problem(StatusCode::BAD_REQUEST);
    fresh_checks(&app, id, &secret).await;
}

async fn fresh_checks(app: &TestApp, id: i64, secret: &str) {
    let patched = as_agency(
        app,
        "H55",
        "PATCH",
        &format!("/api/v1/webhooks/{id}"),
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(patched.body["active"], json!(false));
    assert_eq!(
        patched.body["procedures"],
        json!(["1.001193"]),
        "untouched fields stay"
    );

    let rotated = as_agency(
        app,
        "H55",
        "POST",
        &format!("/api/v1/webhooks/{id}/rotate"),
        None,
    )
    .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let new = rotated.body["secret"].as_str().unwrap();
    assert!(new.starts_with("whsec_") && new != secret);
    let until: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(rotated.body["previous_secret_expires_at"].clone()).unwrap();
    let hours = (until - app.state.clock.now()).num_minutes() as f64 / 60.0;
    assert!(
        (23.9..=24.0).contains(&hours),
        "default overlap 24 h, got {hours}"
    );
    as_agency(
        app,
        "H55",
        "POST",
        &format!("/api/v1/webhooks/{id}/rotate"),
        Some(json!({"overlap_seconds": 99_999_999})),
    )
    .await
    .assert_problem(StatusCode::BAD_REQUEST);

    let gone = as_agency(
        app,
        "H55",
        "DELETE",
        &format!("/api/v1/webhooks/{id}"),
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    as_agency(
        app,
        "H55",
        "DELETE",
        &format!("/api/v1/webhooks/{id}"),
        None,
    )
    .await
    .assert_problem(StatusCode::NOT_FOUND);
    // The OpenAPI document describes the endpoints.
    let doc = app.get("/api/openapi.json").await;
    for path in [
        "/api/v1/webhooks",
        "/api/v1/webhooks/{id}",
        "/api/v1/webhooks/{id}/rotate",
    ] {
        assert!(doc.body["paths"][path].is_object(), "{path}");
    }
    assert!(doc.body["paths"]["/api/v1/webhooks/{id}"]["patch"].is_object());
}
