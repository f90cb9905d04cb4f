//! Helpers of the dossier API tests: requests with headers, an officer of a
//! real commune centre of the default province.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::{Answer, TestApp};

/// Sends a request with headers; returns the answer and its headers.
pub async fn call(
    app: &TestApp,
    method: &str,
    uri: &str,
    headers: &[(&str, String)],
    body: Option<Value>,
) -> (Answer, axum::http::HeaderMap) {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let body = match body {
        Some(json) => {
            req = req.header("content-type", "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let res = app
        .router
        .clone()
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("response");
    let status = res.status();
    let headers = res.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024)
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

/// Two commune service centres of the default province and their committees.
pub struct Place {
    pub center: String,
    pub committee: String,
    pub other_center: String,
    pub other_committee: String,
}

pub async fn place(app: &TestApp) -> Place {
    let list = app
        .get("/api/v1/agencies?kind=commune_service_center&limit=2")
        .await;
    assert_eq!(list.status, StatusCode::OK);
    let ids: Vec<String> = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| a["id"].as_str().expect("id").to_owned())
        .collect();
    let committee = |c: &str| c.trim_end_matches(".TT").to_owned();
    Place {
        committee: committee(&ids[0]),
        center: ids[0].clone(),
        other_committee: committee(&ids[1]),
        other_center: ids[1].clone(),
    }
}

pub fn officer(agency: &str) -> (&'static str, String) {
    ("authorization", format!("Bearer dev:nva:{agency}"))
}

pub fn key(k: &str) -> (&'static str, String) {
    ("idempotency-key", k.to_owned())
}

/// An online filing of procedure 1.004873 (no components, 3 working days).
pub fn online_filing(center: &str) -> Value {
    json!({
        "procedure": "1.004873",
        "applicant": {"kind": "citizen", "id": "019087123456", "name": "Nguyễn Thị Lan", "phone": "0912345678"},
        "channel": "online",
        "receiving_unit": center,
    })
}

/// A desk reception of procedure 1.004873.
pub fn desk_filing() -> Value {
    json!({
        "procedure": "1.004873",
        "applicant": {"kind": "organisation", "id": "0100109106", "name": "Công ty A", "phone": "0243 123 4567"},
        "channel": "in_person",
    })
}

/// Acts on a dossier as the officer of `agency`.
pub async fn act(
    app: &TestApp,
    agency: &str,
    code: &str,
    action: &str,
    k: &str,
    body: Value,
) -> Answer {
    call(
        app,
        "POST",
        &format!("/api/v1/dossiers/{code}/actions/{action}"),
        &[officer(agency), key(k)],
        Some(body),
    )
    .await
    .0
}
