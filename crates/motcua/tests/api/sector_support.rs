//! Helpers of the sector (liên thông) API tests: sector agencies, system
//! accounts with API keys, multipart requests, and a dossier received at a
//! desk and transferred to a sector agency.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use motcua_domain::agency::{Agency, AgencyKind};
use motcua_domain::identity::{Role, RoleAssignment, Scope};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::dossier_support::{act, call, desk_filing, key, officer};
use crate::support::{Answer, TestApp};

/// A minimal but real PDF.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// A PNG header.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

/// Saves a vertical-sector agency in the commune of `near` (an agency id).
pub async fn sector_agency(app: &TestApp, id: &str, name: &str, near: &str) {
    let unit = app
        .state
        .agencies
        .get(near)
        .await
        .expect("agency")
        .unit_code;
    app.state
        .agencies
        .save(&Agency {
            id: id.into(),
            name: name.into(),
            kind: AgencyKind::SectorAgency,
            unit_code: unit,
            parent_id: None,
            active: true,
        })
        .await
        .expect("sector agency");
}

/// An account of `agency` holding `role` in `scope`, and an API key of it.
pub async fn key_for(
    app: &TestApp,
    account: &str,
    agency: &str,
    role: Role,
    scope: Scope,
) -> String {
    crate::identity::account(app, account, agency, &[]).await;
    app.state
        .identity
        .grant_role(account, RoleAssignment { role, scope }, "test-admin")
        .await
        .expect("role");
    app.state
        .identity
        .create_api_key(account, Vec::new(), "test-admin")
        .await
        .expect("key")
        .secret
}

/// A system account of a sector agency, scoped to it; its API key.
pub async fn system_key(app: &TestApp, account: &str, agency: &str) -> String {
    key_for(
        app,
        account,
        agency,
        Role::System,
        Scope::Agency(agency.into()),
    )
    .await
}

/// `Authorization: Bearer <secret>`.
pub fn bearer(secret: &str) -> (&'static str, String) {
    ("authorization", format!("Bearer {secret}"))
}

/// A multipart body: text fields, then one file (name, type, bytes).
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "motcua-sector-boundary-51c2";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, content_type, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Sends a raw body; answers like [`call`].
pub async fn send(
    app: &TestApp,
    uri: &str,
    headers: &[(&str, String)],
    content_type: &str,
    body: Vec<u8>,
) -> (Answer, HeaderMap) {
    let mut req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("content-type", content_type);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(Body::from(body)).expect("request"))
        .await
        .expect("response");
    let status = res.status();
    let headers = res.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = axum::body::to_bytes(res.into_body(), 64 << 20)
        .await
        .expect("body");
    let body = serde_json::from_slice(&bytes)
        .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()));
    (
        Answer {
            status,
            content_type,
            body,
        },
        headers,
    )
}

/// Posts the result document of a dossier as the holder of `secret`.
pub async fn post_result(
    app: &TestApp,
    secret: &str,
    code: &str,
    k: &str,
    name: &str,
    file: (&str, &str, &[u8]),
) -> (Answer, HeaderMap) {
    let (ct, body) = multipart(&[("name", name), ("number", "CS-0123")], Some(file));
    send(
        app,
        &format!("/api/v1/sector/dossiers/{code}/result"),
        &[bearer(secret), key(k)],
        &ct,
        body,
    )
    .await
}

/// Posts a JSON sector action (`accept`, `progress`, `decline`).
pub async fn sector(
    app: &TestApp,
    secret: &str,
    code: &str,
    action: &str,
    k: &str,
    body: Value,
) -> (Answer, HeaderMap) {
    call(
        app,
        "POST",
        &format!("/api/v1/sector/dossiers/{code}/{action}"),
        &[bearer(secret), key(k)],
        Some(body),
    )
    .await
}

/// A dossier received at the desk of `center` (its code and tracking
/// secret), then transferred by that desk to `to` with 2 working days.
pub async fn transferred(app: &TestApp, center: &str, to: &str, tag: &str) -> (String, String) {
    let mut filing = desk_filing();
    filing["receiving_unit"] = json!(center);
    let (created, _) = call(
        app,
        "POST",
        "/api/v1/dossiers",
        &[officer(center), key(&format!("{tag}-new"))],
        Some(filing),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let code = created.body["code"].as_str().expect("code").to_owned();
    let secret = created.body["tracking_secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let moved = act(
        app,
        center,
        &code,
        "transfer",
        &format!("{tag}-transfer"),
        json!({"to_agency": to, "working_days": 2}),
    )
    .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.body["sub_status"], "transferred");
    (code, secret)
}

/// How many events, outbox rows and attachments a dossier has.
pub async fn counts(app: &TestApp, code: &str) -> (usize, usize, usize) {
    let store = &app.state.store;
    (
        store.dossier_events(code).await.expect("events").len(),
        store.dossier_outbox(code).await.expect("outbox").len(),
        store
            .list_attachments(code)
            .await
            .expect("attachments")
            .len(),
    )
}
