//! The procedure catalog over HTTP: search ranking, versions, QR codes.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use crate::support::TestApp;

fn first_codes(body: &serde_json::Value, n: usize) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .take(n)
        .map(|i| i["code"].as_str().expect("code").to_owned())
        .collect()
}

#[tokio::test]
async fn search_finds_what_a_person_expects_first() {
    let app = TestApp::new().await;
    let cases: [(&str, &[&str]); 6] = [
        ("khai%20sinh", &["1.001193", "1.004884"]),
        ("Kh%C3%A1i%20Sinh", &["1.001193", "1.004884"]),
        ("dang%20ky%20ket%20hon", &["1.000894"]),
        (
            "%C4%91%C4%83ng%20k%C3%BD%20k%E1%BA%BFt%20h%C3%B4n",
            &["1.000894"],
        ),
        ("1.0011", &["1.001193", "1.001193.02"]),
        ("1.001193.02", &["1.001193.02"]),
    ];
    for (q, want) in cases {
        let page = app.get(&format!("/api/v1/procedures?q={q}")).await;
        assert_eq!(page.status, StatusCode::OK, "{q}: {}", page.body);
        assert_eq!(
            first_codes(&page.body, want.len()),
            want,
            "{q}: {}",
            page.body
        );
    }
    let ho_tich = app.get("/api/v1/procedures?q=ho%20tich&limit=8").await;
    assert_eq!(ho_tich.body["total"], 8);
    let codes = first_codes(&ho_tich.body, 8);
    for c in ["1.001193", "1.000894", "1.000656", "2.000635"] {
        assert!(codes.contains(&c.to_owned()), "{c} in {codes:?}");
    }
    assert!(
        !codes.contains(&"1.004222".to_owned()),
        "thường trú is not hộ tịch"
    );
    let scores: Vec<u64> = ho_tich.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["score"].as_u64().expect("a search has scores"))
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let nothing = app.get("/api/v1/procedures?q=zzz%20khong%20co").await;
    assert_eq!(nothing.body["total"], 0);
}

#[tokio::test]
async fn list_pages_by_code_and_filters_by_field() {
    let app = TestApp::new().await;
    let all = app
        .get("/api/v1/procedures?on=2025-07-01&limit=2&offset=1")
        .await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(all.body["total"], 19);
    assert_eq!(first_codes(&all.body, 2), ["1.000881", "1.000894"]);
    assert_eq!(all.body["items"][0]["score"], serde_json::Value::Null);
    let before = app.get("/api/v1/procedures?on=2025-06-30").await;
    assert_eq!(before.body["total"], 0, "the seed starts on 2025-07-01");
    let police = app.get("/api/v1/procedures?field=C%C6%B0%20tr%C3%BA").await;
    assert_eq!(police.body["total"], 7);
    let searched = app
        .get("/api/v1/procedures?field=cu%20tru&q=dang%20ky%20tam")
        .await;
    assert_eq!(first_codes(&searched.body, 1), ["1.004194"]);
    assert_eq!(
        searched.body["items"][0]["time_limit"],
        serde_json::json!({"amount": 3, "unit": "working_days"})
    );
}

#[tokio::test]
async fn a_procedure_its_versions_and_its_public_page() {
    let app = TestApp::new().await;
    let one = app.get("/api/v1/procedures/1.001193").await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert_eq!(one.body["code"], "1.001193");
    assert_eq!(one.body["version"], 1);
    assert_eq!(one.body["valid_from"], "2025-07-01");
    assert_eq!(
        one.body["public_url"],
        "http://127.0.0.1:8080/thu-tuc/1.001193"
    );
    assert_eq!(one.body["procedure"]["name"], "Đăng ký khai sinh");
    assert_eq!(one.body["procedure"]["timing"]["cut_off"], "15:00");
    assert_eq!(
        one.body["versions"],
        serde_json::json!([{"version": 1, "valid_from": "2025-07-01", "valid_to": null}])
    );
    let v1 = app.get("/api/v1/procedures/1.001193.02/versions/1").await;
    assert_eq!(v1.status, StatusCode::OK);
    assert_eq!(v1.body["code"], "1.001193.02");
    app.get("/api/v1/procedures/1.001193/versions/2")
        .await
        .assert_problem(StatusCode::NOT_FOUND);
    app.get("/api/v1/procedures/9.999999")
        .await
        .assert_problem(StatusCode::NOT_FOUND);
}

async fn raw(app: &TestApp, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let res = app
        .router
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .expect("body");
    (status, ct, bytes.to_vec())
}

#[tokio::test]
async fn qr_codes_in_svg_and_png() {
    let app = TestApp::new().await;
    let (status, ct, svg) = raw(&app, "/api/v1/procedures/1.004222/qr.svg").await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, "image/svg+xml"));
    let svg = String::from_utf8(svg).expect("utf-8 SVG");
    assert!(svg.contains("<svg") && svg.contains("<path"), "{svg}");
    let (status, ct, png) = raw(&app, "/api/v1/procedures/1.004222/qr.png").await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, "image/png"));
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let (status, ct, _) = raw(&app, "/api/v1/procedures/9.999999/qr.png").await;
    assert_eq!(
        (status, ct.as_str()),
        (StatusCode::NOT_FOUND, "application/problem+json")
    );
}

#[tokio::test]
async fn bad_catalog_input_is_a_problem() {
    let app = TestApp::new().await;
    let cases = [
        ("/api/v1/procedures/abc", StatusCode::BAD_REQUEST),
        ("/api/v1/procedures/1.00119", StatusCode::BAD_REQUEST),
        (
            "/api/v1/procedures/1.001193/versions/x",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/procedures/1.001193/versions/-1",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/v1/procedures/x/qr.svg", StatusCode::BAD_REQUEST),
        ("/api/v1/procedures?limit=0", StatusCode::BAD_REQUEST),
        ("/api/v1/procedures?limit=100000", StatusCode::BAD_REQUEST),
        ("/api/v1/procedures?on=2025-13-01", StatusCode::BAD_REQUEST),
        ("/api/v1/procedures?colour=red", StatusCode::BAD_REQUEST),
    ];
    for (uri, status) in cases {
        app.get(uri).await.assert_problem(status);
    }
    let wild = app.get("/api/v1/procedures?q=%25").await;
    assert_eq!(wild.status, StatusCode::OK);
    assert_eq!(
        wild.body["total"], 19,
        "a lone % folds to nothing: a plain list"
    );
}

#[tokio::test]
async fn the_openapi_document_lists_the_catalog_and_clock_paths() {
    let app = TestApp::new().await;
    let doc = app.get("/api/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    for path in [
        "/api/v1/procedures",
        "/api/v1/procedures/{code}",
        "/api/v1/procedures/{code}/versions/{version}",
        "/api/v1/procedures/{code}/qr.svg",
        "/api/v1/procedures/{code}/qr.png",
        "/api/v1/calendar/{year}",
        "/api/v1/due-dates",
    ] {
        assert!(doc.body["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc.body["paths"]["/api/v1/due-dates"]["post"].is_object());
    for schema in [
        "ProcedurePageDto",
        "ProcedureDetailDto",
        "DueDateRequestDto",
        "YearCalendarDto",
    ] {
        assert!(
            doc.body["components"]["schemas"][schema].is_object(),
            "{schema} missing"
        );
    }
}
