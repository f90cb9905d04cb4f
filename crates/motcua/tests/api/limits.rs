//! Citizen limits (security review F3, F6, F7, F16, F17, F18): one verifier
//! limiter per client and per dossier on every verifier route, the client
//! address behind a trusted proxy, anonymous filing limits, files held in
//! the staging area until a filing is valid (and kept when it fails), the
//! sweeper, authorization before an upload body is read, and kept answers
//! without the QR secret.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use motcua::config::Settings;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::dossier_support::place;
use crate::support::TestApp;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

/// One request from `peer` (the TCP address), with headers and a body.
async fn from(
    app: &TestApp,
    peer: &str,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Reply {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req.body(Body::from(body)).unwrap();
    let addr: SocketAddr = format!("{peer}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 64 << 20)
        .await
        .unwrap();
    Reply {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn file_online(app: &TestApp, peer: &str, center: &str, id: &str, key: &str) -> Reply {
    let body = json!({
        "procedure": "1.001193",
        "applicant": {"kind": "citizen", "id": id, "name": "Trần Thị Bình", "phone": "0987654321"},
        "channel": "online",
        "receiving_unit": center,
    });
    from(
        app,
        peer,
        "POST",
        "/api/v1/dossiers",
        &[
            ("content-type", "application/json"),
            ("idempotency-key", key),
        ],
        body.to_string().into_bytes(),
    )
    .await
}

/// An app whose `[server] trusted_proxies` is `proxies`.
async fn app_with_proxies(proxies: &[&str]) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::default();
    settings.storage.data_dir = dir.path().to_path_buf();
    settings.server.trusted_proxies = proxies.iter().map(|p| p.to_string()).collect();
    let state = motcua::serve::prepare(&settings).await.unwrap();
    TestApp::from_parts(state, dir)
}

#[tokio::test]
async fn rating_is_an_oracle_no_more_it_is_limited_like_tracking() {
    let app = TestApp::new().await;
    let uri = "/tra-cuu/H55.X1-250715-0001/danh-gia";
    let mut statuses = Vec::new();
    for i in 0..12 {
        let r = from(
            &app,
            "198.51.100.20",
            "POST",
            uri,
            &[("content-type", "application/x-www-form-urlencoded")],
            format!("verifier={:04}&rating=satisfied&key=k{i}", 1000 + i).into_bytes(),
        )
        .await;
        statuses.push(r.status);
    }
    assert_eq!(statuses[0], StatusCode::SEE_OTHER);
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // The same budget covers tracking: the client is spent everywhere.
    let r = from(
        &app,
        "198.51.100.20",
        "GET",
        "/api/v1/tracking/H55.X1-250715-0002?verifier=1234",
        &[],
        Vec::new(),
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn ten_wrong_guesses_from_anyone_lock_a_dossiers_phone_digits_not_its_qr_secret() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let filed = file_online(&app, "203.0.113.1", &p.center, "019041666439", "f1").await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
    let code = filed.json()["code"].as_str().unwrap().to_owned();
    let secret = filed.json()["tracking_secret"].as_str().unwrap().to_owned();
    // Ten wrong guesses, each from a fresh address (address rotation).
    for i in 0..10 {
        let r = from(
            &app,
            &format!("192.0.2.{}", i + 1),
            "GET",
            &format!("/api/v1/tracking/{code}?verifier={:04}", 1000 + i),
            &[],
            Vec::new(),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "guess {i}");
    }
    // Now even the right digits are refused for this dossier, from anywhere,
    // on every verifier route...
    let r = from(
        &app,
        "192.0.2.200",
        "GET",
        &format!("/api/v1/tracking/{code}?verifier=4321"),
        &[],
        Vec::new(),
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    let r = from(
        &app,
        "192.0.2.201",
        "GET",
        &format!("/ho-so/{code}/bien-nhan?verifier=4321"),
        &[],
        Vec::new(),
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    // ...while the QR secret still opens it (no lock-out of the citizen).
    let r = from(
        &app,
        "192.0.2.202",
        "GET",
        &format!("/api/v1/tracking/{code}?verifier={secret}"),
        &[],
        Vec::new(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn phone_digits_show_the_status_only() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let filed = file_online(&app, "203.0.113.2", &p.center, "019041666439", "f2").await;
    let code = filed.json()["code"].as_str().unwrap().to_owned();
    let secret = filed.json()["tracking_secret"].as_str().unwrap().to_owned();
    let status = from(
        &app,
        "203.0.113.2",
        "GET",
        &format!("/api/v1/tracking/{code}?verifier=4321"),
        &[],
        Vec::new(),
    )
    .await;
    assert_eq!(status.status, StatusCode::OK);
    assert!(!status.text.contains("Trần Thị Bình"));
    assert!(!status.text.contains(&secret));
    // Files (personal data) need the QR secret.
    let listed = from(
        &app,
        "203.0.113.2",
        "GET",
        &format!("/api/v1/dossiers/{code}/attachments?verifier=4321"),
        &[],
        Vec::new(),
    )
    .await;
    assert_eq!(listed.status, StatusCode::NOT_FOUND, "{}", listed.text);
    let listed = from(
        &app,
        "203.0.113.2",
        "GET",
        &format!("/api/v1/dossiers/{code}/attachments?verifier={secret}"),
        &[],
        Vec::new(),
    )
    .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    let page = from(
        &app,
        "203.0.113.2",
        "GET",
        &format!("/tra-cuu/{code}?verifier=4321&lang=vi"),
        &[],
        Vec::new(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("id=\"phone-only\""), "{}", page.text);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget() {
    let app = app_with_proxies(&["10.0.0.0/8"]).await;
    let guess = |i: u32| {
        format!(
            "/api/v1/tracking/H55.X1-250715-{:04}?verifier=not-the-secret",
            i + 1
        )
    };
    for i in 0..10 {
        let r = from(
            &app,
            "10.0.0.5",
            "GET",
            &guess(i),
            &[("x-forwarded-for", "6.6.6.6, 198.51.100.50")],
            Vec::new(),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    // The attacker behind the proxy is spent, even forging the left part...
    let r = from(
        &app,
        "10.0.0.5",
        "GET",
        &guess(11),
        &[("x-forwarded-for", "1.2.3.4, 198.51.100.50")],
        Vec::new(),
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // ...but another citizen behind the same proxy is not.
    let r = from(
        &app,
        "10.0.0.5",
        "GET",
        &guess(12),
        &[("x-forwarded-for", "198.51.100.60")],
        Vec::new(),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Without a trusted proxy X-Forwarded-For is ignored: rotating it helps nothing.
    let app = TestApp::new().await;
    let mut last = StatusCode::OK;
    for i in 0..12 {
        last = from(
            &app,
            "203.0.113.9",
            "GET",
            &guess(i),
            &[("x-forwarded-for", &format!("198.51.100.{i}"))],
            Vec::new(),
        )
        .await
        .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_kept_answer_holds_no_qr_secret_and_a_replay_still_returns_it() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let first = file_online(&app, "203.0.113.3", &p.center, "019041666439", "same-key").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let secret = first.json()["tracking_secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 32);
    let kept = app
        .state
        .store
        .find_answer("citizen:anonymous", "same-key")
        .await
        .unwrap()
        .expect("kept answer");
    assert!(!kept.answer_json.contains(&secret), "{}", kept.answer_json);
    assert!(!kept.answer_json.contains("tracking_secret"));
    let again = file_online(&app, "203.0.113.3", &p.center, "019041666439", "same-key").await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(again.json()["code"], first.json()["code"]);
    assert_eq!(again.json()["tracking_secret"], secret);
    assert_eq!(again.headers["idempotent-replayed"], "true");
}

#[tokio::test]
async fn anonymous_filing_is_limited_per_applicant_and_per_client() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let mut statuses = Vec::new();
    for i in 0..11 {
        let r = file_online(
            &app,
            "203.0.113.4",
            &p.center,
            "019041666439",
            &format!("a{i}"),
        )
        .await;
        statuses.push(r.status);
    }
    assert!(
        statuses[..10].iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );
    assert_eq!(statuses[10], StatusCode::TOO_MANY_REQUESTS);
    // The same applicant from another address: still spent.
    let r = file_online(&app, "203.0.113.5", &p.center, "019041666439", "b").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.json()["status"], 429, "a problem document: {}", r.text);
    // Other applicants from one address: the client's budget (30) runs out.
    let mut last = StatusCode::CREATED;
    for i in 0..25 {
        last = file_online(
            &app,
            "203.0.113.4",
            &p.center,
            &format!("0190416{i:05}"),
            &format!("c{i}"),
        )
        .await
        .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

/// The online filing form as multipart: fields, then files `(field, name, bytes)`.
fn filing_body(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let b = "limits-boundary-91c2";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (field, name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name}: {page}"))
        + marker.len();
    page[start..][..page[start..].find('"').unwrap()].to_owned()
}

fn count_files(dir: &std::path::Path) -> usize {
    walk(dir).len()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[tokio::test]
async fn a_rejected_filing_stores_nothing_for_good_and_keeps_the_chosen_file() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let blobs = app.data_dir().join("attachments").join("sha256");
    let held = app
        .data_dir()
        .join("attachments")
        .join("staging")
        .join("held");
    let uri = "/thu-tuc/1.001193/nop-truc-tuyen?lang=vi";
    // Review with no applicant: refused, the file held, nothing stored.
    let (ct, body) = filing_body(&[("step", "review")], &[("file_TP1", "to-khai.pdf", PDF)]);
    let r = from(
        &app,
        "198.51.100.70",
        "POST",
        uri,
        &[("content-type", &ct)],
        body,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        count_files(&blobs),
        0,
        "nothing stored before the form is valid"
    );
    assert_eq!(count_files(&held), 1);
    assert!(r.text.contains("id=\"kept_TP1\""), "{}", r.text);
    let token = hidden(&r.text, "token");
    let sig = hidden(&r.text, "sig");
    // The form again with the applicant and the token, no new file: review.
    let fields = [
        ("step", "review"),
        ("name", "Trần Thị Bình"),
        ("personal_id", "019041666439"),
        ("phone", "0987654321"),
        ("receiving", p.center.as_str()),
        ("token", token.as_str()),
        ("sig", sig.as_str()),
    ];
    let (ct, body) = filing_body(&fields, &[]);
    let r = from(
        &app,
        "198.51.100.70",
        "POST",
        uri,
        &[("content-type", &ct)],
        body,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("to-khai.pdf"));
    let token = hidden(&r.text, "token");
    let sig = hidden(&r.text, "sig");
    let key = hidden(&r.text, "key");
    let mut fields = fields.to_vec();
    fields[0] = ("step", "submit");
    fields[5] = ("token", token.as_str());
    fields[6] = ("sig", sig.as_str());
    fields.push(("key", key.as_str()));
    let (ct, body) = filing_body(&fields, &[]);
    let r = from(
        &app,
        "198.51.100.70",
        "POST",
        uri,
        &[("content-type", &ct)],
        body,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(count_files(&blobs), 1, "stored once filed");
    assert_eq!(count_files(&held), 0, "released from the staging area");
}

#[tokio::test]
// Files' modification times come from the OS clock, so the test ages them and
// sweeps on that clock, as the sweeper does (clippy.toml, ADR 0028).
#[allow(clippy::disallowed_methods)]
async fn the_sweeper_deletes_old_staged_files_and_stored_files_no_row_uses() {
    let app = TestApp::new().await;
    let root = app.data_dir().join("attachments");
    let staging = root.join("staging");
    std::fs::create_dir_all(staging.join("held")).unwrap();
    let two_days_ago = SystemTime::now() - Duration::from_secs(2 * 24 * 3600);
    let old = |path: std::path::PathBuf| {
        std::fs::write(&path, b"x").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(two_days_ago)
            .unwrap();
        path
    };
    let stale_part = old(staging.join("abc.part"));
    let stale_held = old(staging.join("held").join("0b1c"));
    let fresh_held = staging.join("held").join("0b1d");
    std::fs::write(&fresh_held, b"y").unwrap();
    std::fs::create_dir_all(root.join("sha256").join("ab")).unwrap();
    let orphan = old(root
        .join("sha256")
        .join("ab")
        .join(format!("ab{}", "0".repeat(62))));
    let report = app
        .state
        .attachments
        .sweep(SystemTime::now())
        .await
        .unwrap();
    assert_eq!(report.staged_removed, 2, "{report:?}");
    assert_eq!(report.blobs_removed, 1, "{report:?}");
    assert!(!stale_part.exists() && !stale_held.exists() && !orphan.exists());
    assert!(fresh_held.exists(), "a file held today stays");
}

#[tokio::test]
async fn who_uploads_is_checked_before_the_body_is_read() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let filed = file_online(&app, "203.0.113.6", &p.center, "019041666439", "u1").await;
    let code = filed.json()["code"].as_str().unwrap().to_owned();
    // 11 MiB, over the per-file limit: read first, it would be a 413.
    let big = vec![b'%'; 11 * 1024 * 1024];
    let (ct, body) = filing_body(&[("component", "TP1")], &[("file", "a.pdf", &big)]);
    let r = from(
        &app,
        "203.0.113.6",
        "POST",
        &format!("/api/v1/dossiers/{code}/attachments?verifier=0000"),
        &[("content-type", &ct)],
        body,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    assert_eq!(
        count_files(&app.data_dir().join("attachments").join("staging")),
        0
    );
}

#[tokio::test]
async fn a_file_over_the_dossiers_quota_is_refused_before_it_is_stored() {
    use motcua_app::attachments::{AttachmentError, Upload};
    let app = TestApp::new().await;
    let p = place(&app).await;
    let filed = file_online(&app, "203.0.113.7", &p.center, "019041666439", "q1").await;
    let code = filed.json()["code"].as_str().unwrap().to_owned();
    let secret = filed.json()["tracking_secret"].as_str().unwrap().to_owned();
    let dossier = app
        .state
        .dossiers
        .authorize(&motcua_app::dossiers::Accessor::Holder(secret), &code)
        .await
        .unwrap();
    let limits = app.state.attachments.limits();
    let file = |n: u8| {
        let mut bytes = b"%PDF-1.4\n".to_vec();
        bytes.resize(usize::try_from(limits.max_file_bytes).unwrap(), n);
        Upload {
            component: "TP1".into(),
            file_name: format!("{n}.pdf"),
            declared_type: Some("application/pdf".into()),
            bytes: bytes.into(),
        }
    };
    let blobs = app.data_dir().join("attachments").join("sha256");
    let fits = limits.max_dossier_bytes / limits.max_file_bytes;
    for n in 0..fits {
        app.state
            .attachments
            .add(&dossier, &file(n as u8 + 1), "test")
            .await
            .unwrap();
    }
    assert_eq!(count_files(&blobs), fits as usize);
    let refused = app
        .state
        .attachments
        .add(&dossier, &file(200), "test")
        .await;
    assert!(
        matches!(refused, Err(AttachmentError::DossierFull { .. })),
        "{refused:?}"
    );
    assert_eq!(
        count_files(&blobs),
        fits as usize,
        "the refused file was not stored"
    );
}
