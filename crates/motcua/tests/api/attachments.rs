//! Attachments over HTTP: upload by the holder of the verifier or an
//! officer, download, and Problem Details for too large, bad type and
//! unknown component. Files land under the data directory by their hash.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

use crate::dossier_support::{call, key, officer, place};
use crate::support::TestApp;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

/// A multipart body: text fields, then one file.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "motcua-test-boundary-7f3a";
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

async fn send(
    app: &TestApp,
    uri: &str,
    auth: Option<String>,
    ct: String,
    body: Vec<u8>,
) -> (StatusCode, String, Vec<u8>) {
    let mut req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("content-type", ct);
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = axum::body::to_bytes(res.into_body(), 64 << 20)
        .await
        .unwrap()
        .to_vec();
    (status, ct, bytes)
}

async fn get_bytes(
    app: &TestApp,
    uri: &str,
    auth: Option<String>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut req = Request::builder().method("GET").uri(uri);
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 64 << 20)
        .await
        .unwrap()
        .to_vec();
    (status, headers, bytes)
}

fn problem(status: StatusCode, ct: &str, body: &[u8]) -> Value {
    assert_eq!(
        ct,
        "application/problem+json",
        "{status}: {}",
        String::from_utf8_lossy(body)
    );
    let v: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(v["status"], status.as_u16());
    v
}

/// Files a birth registration online; returns (code, secret).
async fn filed(app: &TestApp, center: &str) -> (String, String) {
    let (res, _) = call(
        app,
        "POST",
        "/api/v1/dossiers",
        &[key("att-file")],
        Some(json!({
            "procedure": "1.001193",
            "applicant": {"kind": "citizen", "id": "019087123456", "name": "Nguyễn Thị Lan", "phone": "0912345678"},
            "channel": "online",
            "receiving_unit": center,
        })),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    (
        res.body["code"].as_str().unwrap().to_owned(),
        res.body["tracking_secret"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn the_holder_and_an_officer_upload_and_download_by_hash() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let (code, secret) = filed(&app, &p.center).await;
    let uri = format!("/api/v1/dossiers/{code}/attachments");

    // The holder, with the QR secret as a form field.
    let (ct, body) = multipart(
        &[("component", "TP1"), ("verifier", &secret)],
        Some(("../../etc/Tờ khai.pdf", "application/pdf", PDF)),
    );
    let (status, _, bytes) = send(&app, &uri, None, ct, body).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let up: Value = serde_json::from_slice(&bytes).unwrap();
    let sha: String = Sha256::digest(PDF)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(up["sha256"], sha.as_str());
    assert_eq!(up["size_bytes"], PDF.len());
    assert_eq!(up["content_type"], "application/pdf");
    assert_eq!(up["display_name"], "Tờ khai.pdf");
    assert_eq!(up["component"], "TP1");
    // Stored under its hash, never under the client's name.
    let stored = app
        .data_dir()
        .join("attachments/sha256")
        .join(&sha[..2])
        .join(&sha);
    assert_eq!(std::fs::read(&stored).unwrap(), PDF);
    assert!(!app.data_dir().join("etc").exists());

    // An officer of the receiving centre, with the verifier in the query for none.
    let (ct, body) = multipart(
        &[("component", "TP2")],
        Some(("scan.png", "image/png", PNG)),
    );
    let (status, _, bytes) = send(&app, &uri, Some(officer(&p.center).1), ct, body).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&bytes)
    );

    let (status, _, list) = get_bytes(&app, &format!("{uri}?verifier={secret}"), None).await;
    assert_eq!(status, StatusCode::OK);
    let list: Value = serde_json::from_slice(&list).unwrap();
    let comps: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["component"].as_str().unwrap())
        .collect();
    assert_eq!(comps, ["TP1", "TP2"]);

    let id = up["id"].as_str().unwrap();
    let (status, headers, bytes) =
        get_bytes(&app, &format!("{uri}/{id}"), Some(officer(&p.center).1)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PDF);
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''T%E1%BB%9D%20khai.pdf")
    );
    let (status, _, _) = get_bytes(&app, &format!("{uri}/{id}?verifier=5678"), None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the phone's last digits show the status only, never files (review F3)"
    );
}

#[tokio::test]
async fn strangers_are_refused_with_problems() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let (code, _) = filed(&app, &p.center).await;
    let uri = format!("/api/v1/dossiers/{code}/attachments");
    let cases = [
        (None, StatusCode::UNAUTHORIZED, vec![("component", "TP1")]),
        (
            None,
            StatusCode::NOT_FOUND,
            vec![("component", "TP1"), ("verifier", "0000")],
        ),
        // Another commune's officer: the 404 of an unknown code (F22).
        (
            Some(officer(&p.other_center).1),
            StatusCode::NOT_FOUND,
            vec![("component", "TP1")],
        ),
    ];
    for (auth, expected, fields) in cases {
        let (ct, body) = multipart(&fields, Some(("a.pdf", "application/pdf", PDF)));
        let (status, ct, bytes) = send(&app, &uri, auth, ct, body).await;
        assert_eq!(status, expected);
        problem(status, &ct, &bytes);
    }
    let (status, headers, bytes) =
        get_bytes(&app, &format!("{uri}/nope?verifier=0000"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    problem(status, headers["content-type"].to_str().unwrap(), &bytes);
    let (status, _, _) = get_bytes(
        &app,
        "/api/v1/dossiers/not-a-code/attachments",
        Some(officer(&p.center).1),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn too_large_bad_type_and_unknown_component_are_problems() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let (code, _) = filed(&app, &p.center).await;
    let uri = format!("/api/v1/dossiers/{code}/attachments");
    let auth = || Some(officer(&p.center).1);

    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let (ct, body) = multipart(
        &[("component", "TP1")],
        Some(("big.pdf", "application/pdf", &big)),
    );
    let (status, ct, bytes) = send(&app, &uri, auth(), ct, body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(problem(status, &ct, &bytes)["code"], "attachment_too_large");

    for (name, declared, bytes) in [
        ("note.pdf", "application/pdf", &b"just some text"[..]),
        ("scan.pdf", "application/pdf", PNG),
        ("scan.pdf", "application/octet-stream", PNG),
        ("anim.gif", "image/gif", b"GIF89a\x01\0\x01\0\0\0\0;"),
    ] {
        let (ct, body) = multipart(&[("component", "TP1")], Some((name, declared, bytes)));
        let (status, ct, out) = send(&app, &uri, auth(), ct, body).await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{name} as {declared}"
        );
        assert_eq!(problem(status, &ct, &out)["code"], "attachment_type");
    }

    let (ct, body) = multipart(
        &[("component", "TP99")],
        Some(("a.pdf", "application/pdf", PDF)),
    );
    let (status, ct, out) = send(&app, &uri, auth(), ct, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(status, &ct, &out)["code"], "unknown_component");

    let (status, ct, out) = send(
        &app,
        &uri,
        auth(),
        "application/json".into(),
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    problem(status, &ct, &out);

    // Nothing refused was recorded.
    let (_, _, list) = get_bytes(&app, &uri, auth()).await;
    assert_eq!(serde_json::from_slice::<Value>(&list).unwrap(), json!([]));
}
