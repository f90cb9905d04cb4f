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

#[tokio::test]
async fn the_2026_changes_apply_from_their_date() {
    let app = TestApp::new().await;
    let before = app
        .request(
            "POST",
            URI,
            Some(json!({"address": "Xã Bố Hạ, Tỉnh Bắc Ninh", "as_of": "2026-08-03"})),
        )
        .await;
    assert_eq!(before.body["status"], "unchanged", "{}", before.body);
    assert_eq!(before.body["commune"]["name"], "Xã Bố Hạ");
    let after = app
        .request(
            "POST",
            URI,
            Some(json!({"address": "Xã Bố Hạ, Tỉnh Bắc Ninh", "as_of": "2026-08-04"})),
        )
        .await;
    assert_eq!(after.body["status"], "converted", "{}", after.body);
    assert_eq!(after.body["commune"]["name"], "Phường Bố Hạ");
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
