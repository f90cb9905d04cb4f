//! `POST /api/v1/addresses/convert` and the address box of `/don-vi`
//! (issue 18).

use axum::http::StatusCode;
use serde_json::json;

use crate::support::TestApp;

const URI: &str = "/api/v1/addresses/convert";

#[tokio::test]
async fn an_old_address_is_converted_with_its_old_units() {
    let app = TestApp::new().await;
    let a = app
        .request(
            "POST",
            URI,
            Some(
                json!({"address": "12 Lê Lợi, P. Thạch Thang, Q. Hải Châu, TP. Đà Nẵng",
                "as_of": "2025-07-01"}),
            ),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["status"], "converted");
    assert_eq!(a.body["street"], "12 Lê Lợi");
    assert_eq!(a.body["commune"]["code"], "20242");
    assert_eq!(a.body["commune"]["name"], "Phường Hải Châu");
    assert_eq!(a.body["province"]["code"], "48");
    assert_eq!(a.body["old"]["commune"]["code"], "20233");
    assert_eq!(a.body["old"]["district"]["name"], "Quận Hải Châu");
    assert_eq!(a.body["old"]["province"]["code"], "48");
    assert_eq!(
        a.body["formatted"],
        "12 Lê Lợi, Phường Hải Châu, Thành phố Đà Nẵng"
    );
    assert_eq!(a.body["candidates"], json!([]));
}

#[tokio::test]
async fn a_split_is_ambiguous_with_every_candidate_and_why() {
    let app = TestApp::new().await;
    let a = app
        .request(
            "POST",
            URI,
            Some(json!({"address": "Phuong Cong Vi, Quan Ba Dinh, Ha Noi"})),
        )
        .await;
    assert_eq!(a.body["status"], "ambiguous", "{}", a.body);
    let codes: Vec<&str> = a.body["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["00008", "00025"]);
    assert!(
        a.body["candidates"][0]["why"]
            .as_str()
            .unwrap()
            .contains("Một phần")
    );
    assert!(a.body["formatted"].is_null() && a.body["commune"].is_null());
    assert!(
        a.body["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("không ghi đường phố")),
        "{}",
        a.body
    );
}

async fn bo_ha(app: &TestApp, as_of: &str) -> serde_json::Value {
    app.request(
        "POST",
        URI,
        Some(json!({"address": "Xã Bố Hạ, Tỉnh Bắc Ninh", "as_of": as_of})),
    )
    .await
    .body
}

#[tokio::test]
async fn the_changes_recorded_in_the_store_apply_from_their_date() {
    let app = TestApp::new().await;
    // Nothing recorded yet (`units apply-changes` not run): no 2026 change,
    // whatever the day.
    let late = bo_ha(&app, "2026-08-04").await;
    assert_eq!(late["status"], "unchanged", "{late}");
    assert_eq!(late["commune"]["name"], "Xã Bố Hạ");
    // `motcua units apply-changes reference/units/units-2026-changes.csv`.
    let changes = motcua_app::refdata::parse_changes(
        "units-2026-changes.csv",
        motcua_app::refdata::UNITS_2026_CHANGES,
    )
    .unwrap();
    app.state.units.apply_changes(&changes).await.unwrap();
    // The reference version moved: the converter builds its index again
    // (in the background within a second when serving; now here).
    let took = app.state.addresses.refresh().await.unwrap();
    assert!(took > std::time::Duration::ZERO, "no rebuild");
    let before = bo_ha(&app, "2026-08-03").await;
    assert_eq!(before["status"], "unchanged", "{before}");
    assert_eq!(before["commune"]["name"], "Xã Bố Hạ");
    let after = bo_ha(&app, "2026-08-04").await;
    assert_eq!(after["status"], "converted", "{after}");
    assert_eq!(after["commune"]["name"], "Phường Bố Hạ");
    // Nothing moved since: no second build.
    assert_eq!(
        app.state.addresses.refresh().await.unwrap(),
        std::time::Duration::ZERO
    );
}

#[tokio::test]
async fn the_converter_follows_changes_recorded_while_it_serves() {
    let app = TestApp::new().await;
    assert_eq!(bo_ha(&app, "2026-08-04").await["status"], "unchanged");
    let changes = motcua_app::refdata::parse_changes(
        "units-2026-changes.csv",
        motcua_app::refdata::UNITS_2026_CHANGES,
    )
    .unwrap();
    app.state.units.apply_changes(&changes).await.unwrap();
    // No explicit refresh: requests start one in the background once the
    // last check is a second old.
    let mut status = String::new();
    for _ in 0..100 {
        status = bo_ha(&app, "2026-08-04").await["status"]
            .as_str()
            .unwrap()
            .to_owned();
        if status == "converted" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, "converted");
}

#[tokio::test]
async fn a_batch_answers_in_order_and_refuses_more_than_ten_thousand() {
    let app = TestApp::new().await;
    let a = app
        .request(
            "POST",
            URI,
            Some(
                json!({"addresses": ["p15 q10 hcm", "", "Phường Sài Gòn, TP HCM"],
                "as_of": "2025-07-01"}),
            ),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let items = a.body["items"].as_array().unwrap();
    let statuses: Vec<&str> = items
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["converted", "not_found", "unchanged"]);
    assert_eq!(items[0]["commune"]["code"], "27163");
    let too_many = vec!["x"; 10_001];
    app.request("POST", URI, Some(json!({ "addresses": too_many })))
        .await
        .assert_problem(StatusCode::PAYLOAD_TOO_LARGE);
    let full = vec!["Phường 1, Quận 3, TP HCM"; 10_000];
    let ok = app
        .request(
            "POST",
            URI,
            Some(json!({ "addresses": full, "as_of": "2025-07-01" })),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.body["items"].as_array().unwrap().len(), 10_000);
}

#[tokio::test]
async fn bad_input_is_a_problem_never_a_server_error() {
    let app = TestApp::new().await;
    for body in [
        json!({}),
        json!({"address": "a", "addresses": ["b"]}),
        json!({"address": 5}),
        json!({"address": "a", "as_of": "01/07/2025"}),
        json!({"address": "a", "extra": true}),
        json!(["a"]),
    ] {
        let a = app.request("POST", URI, Some(body.clone())).await;
        assert!(a.status.is_client_error(), "{body}: {}", a.status);
        assert_eq!(a.content_type, "application/problem+json", "{body}");
    }
    let long = "Phường Thạch Thang ".repeat(2_000);
    let a = app
        .request("POST", URI, Some(json!({ "address": long })))
        .await;
    assert_eq!(a.status, StatusCode::OK);
}

#[tokio::test]
async fn the_units_page_converts_an_address_with_and_without_htmx() {
    let app = TestApp::new().await;
    let page = app
        .get("/don-vi?dia_chi=P.%20Th%E1%BA%A1ch%20Thang%2C%20Q.%20H%E1%BA%A3i%20Ch%C3%A2u%2C%20%C4%90%C3%A0%20N%E1%BA%B5ng")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().unwrap();
    assert!(html.contains("Phường Hải Châu"), "{html}");
    assert!(html.contains("name=\"dia_chi\""));
    assert!(html.contains("data-hx-get=\"/don-vi\""));
    let ambiguous = app
        .get("/don-vi?dia_chi=Phuong%20Cong%20Vi%2C%20Quan%20Ba%20Dinh%2C%20Ha%20Noi")
        .await;
    let html = ambiguous.body.as_str().unwrap();
    assert!(html.contains("Phường Ngọc Hà") && html.contains("Phường Giảng Võ"));
    for marker in ["NOT_FOUND", "[L]", "[S]", "[R]", "vau_default", "converted"] {
        assert!(!html.contains(marker), "{marker} shown");
    }
}

/// One convert request from `peer` (the TCP address) forwarded for `client`.
async fn convert_from(
    app: &TestApp,
    peer: &str,
    client: &str,
    body: &serde_json::Value,
) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use tower::ServiceExt;
    let mut req = axum::http::Request::builder()
        .method("POST")
        .uri(URI)
        .header("content-type", "application/json")
        .header("x-forwarded-for", client)
        .body(Body::from(body.to_string()))
        .unwrap();
    let addr: std::net::SocketAddr = format!("{peer}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 64 << 20)
        .await
        .unwrap();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn a_client_over_its_limit_gets_429_while_another_client_does_not() {
    // Behind a trusted proxy, as in production: the limit keys on the
    // forwarded client address the `client_address` middleware decides.
    let dir = tempfile::tempdir().unwrap();
    let mut settings = motcua::config::Settings::default();
    settings.storage.data_dir = dir.path().to_path_buf();
    settings.server.trusted_proxies = vec!["10.0.0.0/8".to_owned()];
    let state = motcua::serve::prepare(&settings).await.unwrap();
    let mut app = TestApp::from_parts(state, dir);
    // The configured burst (60 tokens; a full batch of 10,000 spends 11, so
    // five pass at once and the sixth is refused), refilled slowly here so
    // a slow debug build does not race the refill.
    assert_eq!(motcua_web::api::addresses::cost(10_000), 11.0);
    app.state.address_limiter = std::sync::Arc::new(motcua_web::rate_limit::RateLimiter::per_hour(
        motcua_web::api::addresses::LIMIT_BURST,
        1,
    ));
    app.router = motcua_web::router(app.state.clone());
    let full = json!({ "addresses": vec![""; 10_000], "as_of": "2025-07-01" });
    for i in 0..5 {
        let (status, _, body) = convert_from(&app, "10.0.0.5", "198.51.100.50", &full).await;
        assert_eq!(status, StatusCode::OK, "batch {i}");
        assert_eq!(body["items"].as_array().unwrap().len(), 10_000);
    }
    let (status, headers, body) = convert_from(&app, "10.0.0.5", "198.51.100.50", &full).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(headers["content-type"], "application/problem+json");
    assert_eq!(body["code"], "rate_limited", "{body}");
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 60, "Retry-After {wait}: six tokens at one an hour");
    // A single address still fits in what is left (cost 1)...
    let one = json!({"address": "P. Thạch Thang, Q. Hải Châu, Đà Nẵng", "as_of": "2025-07-01"});
    let (status, _, _) = convert_from(&app, "10.0.0.5", "198.51.100.50", &one).await;
    assert_eq!(status, StatusCode::OK);
    // ...and another client behind the same proxy has its own budget.
    let (status, _, body) = convert_from(&app, "10.0.0.5", "198.51.100.60", &full).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, body) = convert_from(&app, "10.0.0.5", "198.51.100.60", &one).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["commune"]["code"], "20242");
}

#[tokio::test]
async fn a_misspelled_commune_is_not_found_with_the_old_commune_suggested() {
    let app = TestApp::new().await;
    let a = app
        .request(
            "POST",
            URI,
            Some(
                json!({"address": "Phường Thạch Thangg, Quận Hải Châu, Đà Nẵng",
                "as_of": "2025-07-01"}),
            ),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["status"], "not_found", "{}", a.body);
    assert!(a.body["commune"].is_null() && a.body["formatted"].is_null());
    let candidates = a.body["candidates"].as_array().unwrap();
    let old = candidates
        .iter()
        .find(|c| c["code"] == "20233")
        .unwrap_or_else(|| panic!("old Phường Thạch Thang not suggested: {}", a.body));
    assert_eq!(old["name"], "Phường Thạch Thang");
    // The why says it is a suggestion, of an OLD unit (ambiguous answers
    // list current units), in Vietnamese then English.
    let why = old["why"].as_str().unwrap();
    assert!(why.starts_with("Tên gần giống: đơn vị cũ"), "{why}");
    assert!(why.contains(" / Similar name: an old unit"), "{why}");
}

#[tokio::test]
async fn the_units_page_answers_only_the_address_fragment_to_htmx() {
    use axum::body::Body;
    use tower::ServiceExt;
    let app = TestApp::new().await;
    let uri = "/don-vi?dia_chi=P.%20Th%E1%BA%A1ch%20Thang%2C%20Q.%20H%E1%BA%A3i%20Ch%C3%A2u%2C%20%C4%90%C3%A0%20N%E1%BA%B5ng";
    let get = |headers: &'static [(&'static str, &'static str)]| {
        let mut req = axum::http::Request::builder().method("GET").uri(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req.body(Body::empty()).unwrap();
        let router = app.router.clone();
        async move {
            let res = router.oneshot(req).await.unwrap();
            let status = res.status();
            let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
                .await
                .unwrap();
            (status, String::from_utf8(bytes.to_vec()).unwrap())
        }
    };
    let (status, fragment) = get(&[("hx-request", "true"), ("hx-target", "address-result")]).await;
    assert_eq!(status, StatusCode::OK);
    // The converted address...
    assert!(fragment.contains("class=\"address-new\""), "{fragment}");
    assert!(
        fragment.contains("Phường Hải Châu, Thành phố Đà Nẵng"),
        "{fragment}"
    );
    assert!(fragment.contains("Phường Thạch Thang"), "{fragment}");
    // ...and nothing else: no page around it, no form, no unit search.
    for whole_page in [
        "<html",
        "<body",
        "<h1",
        "name=\"dia_chi\"",
        "id=\"address-result\"",
        "id=\"results\"",
    ] {
        assert!(
            !fragment.contains(whole_page),
            "{whole_page} in the fragment"
        );
    }
    // Without htmx the whole page holds the same answer.
    let (_, page) = get(&[]).await;
    assert!(page.contains("<html") && page.contains("id=\"address-result\""));
    assert!(page.contains("Phường Hải Châu, Thành phố Đà Nẵng"));
}
