//! The tracking page rendered once per dossier version (issue 21 item 2,
//! ADR 0025 point 8): a strong ETag from the dossier version, `304` on
//! `If-None-Match` only after the verifier is checked, `private, no-cache`,
//! and a new page (and tag) when the dossier, its files or the language
//! change (within a second: a kept page answers for a second after the
//! store confirmed it).

use axum::http::{HeaderMap, StatusCode};
use motcua_app::attachments::Upload;
use motcua_app::dossiers::Accessor;
use motcua_app::ports::TestClock;
use serde_json::json;

use crate::dossier_support::{act, call, key, online_filing, place};
use crate::support::TestApp;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

fn etag(h: &HeaderMap) -> String {
    h.get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("an ETag")
        .to_owned()
}

async fn get(
    app: &TestApp,
    uri: &str,
    headers: &[(&str, String)],
) -> (StatusCode, HeaderMap, String) {
    let (a, h) = call(app, "GET", uri, headers, None).await;
    (
        a.status,
        h,
        a.body.as_str().map(str::to_owned).unwrap_or_default(),
    )
}

/// The application on a clock the test moves, with the verifier budget
/// lifted (every call here comes from one client; the limit has its own
/// tests), so nothing waits on the wall clock (ADR 0028).
async fn app_on(clock: &TestClock) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = motcua::config::Settings::default();
    settings.storage.data_dir = dir.path().to_path_buf();
    settings.auth.dev_login = true;
    let mut state = motcua::serve::prepare_with_clock(&settings, clock.clock())
        .await
        .expect("prepared app");
    state.tracking_limiter = std::sync::Arc::new(motcua_web::rate_limit::VerifierLimiter::new(
        10_000,
        10_000,
        10_000,
        std::time::Duration::from_secs(3600),
    ));
    TestApp::from_parts(state, dir)
}

#[tokio::test]
async fn the_tracking_page_is_kept_per_dossier_version_and_revalidated_after_the_verifier() {
    let clock = TestClock::starting_now();
    let app = app_on(&clock).await;
    let p = place(&app).await;
    let (filed, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[key("tc-1")],
        Some(online_filing(&p.center)),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = filed.body["code"].as_str().unwrap().to_owned();
    let secret = filed.body["tracking_secret"].as_str().unwrap().to_owned();
    let phone = format!("/tra-cuu/{code}?verifier=5678&lang=vi");
    let qr = format!("/tra-cuu/{code}?verifier={secret}&lang=vi");

    // A strong tag of version 1, private and revalidated.
    let (status, h, body) = get(&app, &phone, &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let tag = etag(&h);
    assert!(tag.starts_with("\"t1.") && tag.contains(".vi.p."), "{tag}");
    assert_eq!(h["cache-control"], "private, no-cache");
    assert!(body.contains("id=\"dossier-status\""), "{body}");
    assert_eq!(app.state.tracking_pages.len(), 1);

    // The same again: from the kept page, byte for byte.
    let (status, h2, again) = get(&app, &phone, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(etag(&h2), tag);
    assert_eq!(again, body);

    // If-None-Match with the right verifier: 304, no body.
    let (status, h3, empty) = get(&app, &phone, &[("if-none-match", tag.clone())]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(etag(&h3), tag);
    assert_eq!(h3["cache-control"], "private, no-cache");
    assert!(empty.is_empty());

    // ... never with a wrong verifier or an unknown code (no existence leak).
    let wrong = format!("/tra-cuu/{code}?verifier=0000&lang=vi");
    let (status, _, _) = get(&app, &wrong, &[("if-none-match", tag.clone())]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let unknown = format!(
        "/tra-cuu/{}9?verifier=5678&lang=vi",
        code.trim_end_matches(char::is_numeric)
    );
    let (status, _, _) = get(&app, &unknown, &[("if-none-match", "*".to_owned())]).await;
    assert_ne!(status, StatusCode::NOT_MODIFIED);

    // The QR secret's page is another page, with its own tag.
    let (status, hq, qr_body) = get(&app, &qr, &[]).await;
    assert_eq!(status, StatusCode::OK, "{qr_body}");
    let qr_tag = etag(&hq);
    assert!(qr_tag.contains(".vi.s."), "{qr_tag}");
    assert!(qr_body.contains("id=\"feedback-link\""), "{qr_body}");
    // Each language its own tag.
    let en = format!("/tra-cuu/{code}?verifier=5678&lang=en");
    let (_, he, en_body) = get(&app, &en, &[("if-none-match", tag.clone())]).await;
    assert!(etag(&he).contains(".en.p."), "{}", etag(&he));
    assert!(en_body.contains("lang=\"en\""));

    // A file attached (no new version): the QR page changes, tag and all.
    let dossier = app
        .state
        .dossiers
        .authorize(&Accessor::Holder(secret.clone()), &code)
        .await
        .unwrap();
    app.state
        .attachments
        .add_result(
            &dossier,
            &Upload {
                component: String::new(),
                file_name: "ket-qua.pdf".to_owned(),
                declared_type: Some("application/pdf".to_owned()),
                bytes: PDF.to_vec().into(),
            },
            "officer:test",
        )
        .await
        .unwrap();
    // Within a second the kept page still answers (the promise: a change
    // shows within one second); then the store is read again.
    let (status, _, _) = get(&app, &qr, &[("if-none-match", qr_tag.clone())]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    clock.advance(chrono::Duration::milliseconds(1_100));
    let (status, hq2, qr_after) = get(&app, &qr, &[("if-none-match", qr_tag.clone())]).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(etag(&hq2), qr_tag);
    assert!(qr_after.contains("ket-qua.pdf"), "{qr_after}");

    // Received: version 2, the old tag no longer matches, the page shows it.
    let received = act(&app, &p.center, &code, "receive", "tc-r1", json!({})).await;
    assert_eq!(received.status, StatusCode::OK, "{}", received.body);
    // A write through this process: the kept page is read again at once.
    let (status, h4, after) = get(&app, &phone, &[("if-none-match", tag.clone())]).await;
    assert_eq!(status, StatusCode::OK);
    let tag2 = etag(&h4);
    assert!(tag2.starts_with("\"t2."), "{tag2}");
    assert_ne!(after, body);
    let (status, _, _) = get(&app, &phone, &[("if-none-match", tag2)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);

    // A notice after a post is rendered, not kept nor tagged.
    let (status, h5, page) = get(&app, &format!("{qr}&sent=1"), &[]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(h5.get("etag").is_none());
}

#[tokio::test]
async fn the_public_766_page_has_a_tag_of_its_bytes_and_answers_304() {
    let app = TestApp::new().await;
    let province = app.get("/api/v1/agencies/H55").await.body["unit_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let uri = format!("/chi-so-766/{province}?ky=2026-11");
    let (status, h, body) = get(&app, &uri, &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let tag = etag(&h);
    assert!(tag.starts_with("W/\"i"), "{tag}");
    assert_eq!(h["cache-control"], "public, max-age=300");
    let (status, h2, empty) = get(&app, &uri, &[("if-none-match", tag.clone())]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(etag(&h2), tag);
    assert!(empty.is_empty());
    // Another period is another page: another tag, a full answer.
    let (status, h3, _) = get(
        &app,
        &format!("/chi-so-766/{province}?ky=2026-10"),
        &[("if-none-match", tag.clone())],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(etag(&h3), tag);
}
