use axum::http::StatusCode;

use crate::support::TestApp;

#[tokio::test]
async fn provinces_are_34_six_cities_and_28_provinces() {
    let app = TestApp::new().await;
    let all = app.get("/api/v1/units?level=province").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(all.body["total"], 34);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 34);
    let cities = app
        .get("/api/v1/units?level=province&type=th%C3%A0nh%20ph%E1%BB%91")
        .await;
    assert_eq!(cities.body["total"], 6);
    let provinces = app
        .get("/api/v1/units?level=province&type=t%E1%BB%89nh")
        .await;
    assert_eq!(provinces.body["total"], 28);
}

#[tokio::test]
async fn communes_are_3321_by_type() {
    let app = TestApp::new().await;
    let all = app.get("/api/v1/units?level=commune&limit=5000").await;
    assert_eq!(all.body["total"], 3321);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 3321);
    for (t, n) in [
        ("x%C3%A3", 2621),
        ("ph%C6%B0%E1%BB%9Dng", 687),
        ("%C4%91%E1%BA%B7c%20khu", 13),
    ] {
        let page = app
            .get(&format!("/api/v1/units?level=commune&type={t}&limit=1"))
            .await;
        assert_eq!(page.body["total"], n, "type {t}");
    }
}

#[tokio::test]
async fn ha_noi_is_found_however_it_is_typed() {
    let app = TestApp::new().await;
    for q in [
        "ha%20noi",
        "H%C3%A0%20N%E1%BB%99i",
        "HA%20NOI",
        "Ha%CC%80%20No%CC%A3%CC%82i",
    ] {
        let page = app.get(&format!("/api/v1/units?q={q}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(
            page.body["items"][0]["name"], "Thành phố Hà Nội",
            "q={q}: {}",
            page.body
        );
        assert_eq!(page.body["items"][0]["code"], "01");
    }
}

#[tokio::test]
async fn a_unit_shows_parent_children_and_lineage() {
    let app = TestApp::new().await;
    let hanoi = app.get("/api/v1/units/01").await;
    assert_eq!(hanoi.status, StatusCode::OK);
    assert_eq!(hanoi.body["children_count"], 126);
    let ward = app.get("/api/v1/units/00004").await;
    assert_eq!(ward.body["name"], "Phường Ba Đình");
    assert_eq!(ward.body["parent"]["code"], "01");
    let olds: Vec<_> = ward.body["predecessors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["old_code"].as_str().unwrap().to_owned())
        .collect();
    assert!(olds.contains(&"00004".to_owned()), "{olds:?}");
}

#[tokio::test]
async fn a_split_old_commune_returns_every_successor() {
    let app = TestApp::new().await;
    // 00007 Phường Cống Vị was divided between two new wards.
    let split = app.get("/api/v1/units/legacy/00007").await;
    assert_eq!(split.status, StatusCode::OK);
    assert_eq!(split.body["split"], true);
    assert_eq!(split.body["successors"].as_array().unwrap().len(), 2);
    assert_eq!(split.body["unit"]["name"], "Phường Cống Vị");
    // The island district of Bạch Long Vĩ became a special zone.
    let island = app.get("/api/v1/units/legacy/318").await;
    assert_eq!(island.body["successors"][0]["new_code"], "11948");
}

#[tokio::test]
async fn openapi_health_and_metrics_answer() {
    let app = TestApp::new().await;
    let doc = app.get("/api/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body["paths"]["/api/v1/units"].is_object());
    assert!(doc.body["paths"]["/api/v1/units/legacy/{old_code}"].is_object());
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.body["engine"], "sqlite");
    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics
            .body
            .as_str()
            .unwrap_or_default()
            .contains("http_requests_total"),
        "{}",
        metrics.body
    );
}

#[tokio::test]
async fn provinces_sort_in_vietnamese_alphabetical_order() {
    let app = TestApp::new().await;
    let page = app.get("/api/v1/units?level=province&sort=name").await;
    assert_eq!(page.status, StatusCode::OK);
    let names: Vec<String> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["short_name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), 34);
    assert_eq!(names[0], "An Giang");
    let pos = |n: &str| {
        names
            .iter()
            .position(|x| x == n)
            .unwrap_or_else(|| panic!("{n} missing"))
    };
    // C… then the Đ block in order (Đà < Đắk < Điện < Đồng), then G.
    let d_block = ["Đà Nẵng", "Đắk Lắk", "Điện Biên", "Đồng Nai", "Đồng Tháp"];
    let first_d = pos(d_block[0]);
    for (i, name) in d_block.iter().enumerate() {
        assert_eq!(pos(name), first_d + i, "{names:?}");
    }
    assert!(pos("Cần Thơ") < first_d && pos("Cà Mau") < pos("Cần Thơ"));
    assert_eq!(pos("Gia Lai"), first_d + d_block.len());
    let page2 = app
        .get("/api/v1/units?level=province&sort=name&limit=10&offset=10")
        .await;
    assert_eq!(page2.body["items"][0]["short_name"], names[10].as_str());
    app.get("/api/v1/units?sort=colour")
        .await
        .assert_problem(StatusCode::BAD_REQUEST);
}
