//! API conformance (issue 13, reviews api-conformance F1, F3, F4, F6, F9 and
//! security F8, F32): out-of-range input is a 4xx problem, never a 5xx;
//! every error is a problem (405 with its `Allow`, 413, 414, the exchange
//! rejections); a browser asking for a page gets an HTML error page.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;
use tower::ServiceExt;

use crate::dossier_support::{act, call, desk_filing, key, officer, place};
use crate::support::TestApp;

#[tokio::test]
async fn out_of_range_periods_are_client_errors_not_retry() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = &p.center;
    for hours in ["324368", "2147483648", "4294967295", "29201"] {
        let (a, _) = call(
            &app,
            "GET",
            &format!("/api/v1/dossiers?due_within_hours={hours}"),
            &[officer(c)],
            None,
        )
        .await;
        assert!(
            a.status.is_client_error(),
            "due_within_hours={hours} gave {}: {}",
            a.status,
            a.body
        );
        assert_eq!(a.content_type, "application/problem+json");
    }
    let (ok, _) = call(
        &app,
        "GET",
        "/api/v1/dossiers?due_within_hours=29200",
        &[officer(c)],
        None,
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);

    let (created, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), key("f1-new")],
        Some(desk_filing()),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let code = created.body["code"].as_str().expect("code").to_owned();
    // A real officer to hand over to: only the step length is wrong below.
    crate::identity::account(&app, "cv", c, &[motcua_domain::identity::Role::Specialist]).await;
    let cases = [
        (
            "hand_over",
            json!({"to": "cv", "step_working_days": 100000}),
        ),
        ("hand_over", json!({"to": "cv", "step_working_days": 40000})),
        (
            "transfer",
            json!({"to_agency": p.other_center, "working_days": 100000}),
        ),
        (
            "apologise_and_extend",
            json!({"reason": "x", "extra_working_days": 100000}),
        ),
    ];
    for (i, (action, body)) in cases.into_iter().enumerate() {
        let a = act(&app, c, &code, action, &format!("f1-{i}"), body.clone()).await;
        assert!(
            a.status.is_client_error(),
            "{action} {body} gave {}: {}",
            a.status,
            a.body
        );
        assert_eq!(a.content_type, "application/problem+json", "{action}");
    }
    let a = act(
        &app,
        c,
        &code,
        "hand_over",
        "f1-ok",
        json!({"to": "cv", "step_working_days": 10}),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

#[tokio::test]
async fn wrong_methods_are_problems_with_allow() {
    let app = TestApp::new().await;
    for method in ["DELETE", "OPTIONS", "PUT", "FOO1"] {
        let (a, headers) = call(&app, method, "/api/v1/units", &[], None).await;
        a.assert_problem(StatusCode::METHOD_NOT_ALLOWED);
        let allow = headers["allow"].to_str().unwrap();
        assert!(allow.contains("GET"), "{method}: allow {allow}");
    }
}

#[tokio::test]
async fn long_targets_and_large_bodies_are_problems() {
    let app = TestApp::new().await;
    let long = format!("/api/v1/units?q={}", "a".repeat(20_000));
    app.get(&long)
        .await
        .assert_problem(StatusCode::URI_TOO_LONG);
    let pad = "x".repeat(3 << 20);
    let a = app
        .request(
            "POST",
            "/api/v1/due-dates",
            Some(json!({"received_at": "2025-10-03T16:10:00+07:00", "pad": pad})),
        )
        .await;
    a.assert_problem(StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn exchange_rejections_are_problems() {
    let app = TestApp::new().await;
    let admin = ("authorization", "Bearer dev:qt:H55".to_owned());
    let (a, _) = call(
        &app,
        "GET",
        "/api/v1/exchange/dead-letters?limit=-1",
        std::slice::from_ref(&admin),
        None,
    )
    .await;
    a.assert_problem(StatusCode::BAD_REQUEST);
    let (a, _) = call(
        &app,
        "POST",
        "/api/v1/exchange/dead-letters/abc/replay",
        &[admin],
        None,
    )
    .await;
    a.assert_problem(StatusCode::BAD_REQUEST);
}

async fn page(app: &TestApp, method: &str, uri: &str) -> (StatusCode, String, String) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
        .body(Body::empty())
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, ct, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn browsers_get_vietnamese_error_pages() {
    let app = TestApp::new().await;
    let (status, ct, html) = page(&app, "GET", "/khong-co-trang-nay").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(ct.starts_with("text/html"), "{ct}");
    assert!(html.contains("Không tìm thấy trang"), "{html}");
    assert!(html.contains("<html lang=\"vi\""), "site layout");
    let (status, ct, html) = page(&app, "DELETE", "/tra-cuu").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(ct.starts_with("text/html"), "{ct}");
    assert!(html.contains("Trang này không nhận thao tác này"), "{html}");
    let (_, _, html) = page(&app, "GET", "/khong-co-trang-nay?lang=en").await;
    assert!(html.contains("Page not found"), "{html}");
    // The API keeps answering problems, whatever the Accept header says.
    let (status, ct, _) = page(&app, "GET", "/api/v1/khong-co").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(ct, "application/problem+json");
}

#[tokio::test]
async fn made_up_methods_do_not_create_metric_series() {
    let app = TestApp::new().await;
    for m in ["FOO1", "BAR-BAZ", "X1733400000"] {
        let _ = call(&app, m, "/healthz", &[], None).await;
    }
    let metrics = app.get("/metrics").await;
    let text = metrics.body.as_str().unwrap_or_default().to_owned();
    assert!(!text.contains("method=\"FOO1\""), "{text}");
    assert!(!text.contains("method=\"X1733400000\""));
    assert!(text.contains("method=\"other\""));
    assert!(text.contains("# HELP http_requests_total"), "{text}");
    assert!(text.contains("# HELP http_request_duration_seconds"));
}
