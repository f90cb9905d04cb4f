//! `GET /api/v1/service-index`: the Decision 766 index of a province (with
//! its communes ranked) and of a commune, its exact shape, the dossiers
//! behind 2.1 with `detail=true`, and Problem Details for a bad unit or
//! period and a unit outside the caller's scope.

use axum::http::StatusCode;
use serde_json::Value;

use crate::dossier_support::{call, desk_filing, key, officer, place};
use crate::support::TestApp;

async fn unit_of(app: &TestApp, agency: &str) -> String {
    let a = app.get(&format!("/api/v1/agencies/{agency}")).await;
    a.body["unit_code"].as_str().unwrap().to_owned()
}

async fn get(app: &TestApp, agency: &str, query: &str) -> (StatusCode, Value) {
    let (a, _) = call(
        app,
        "GET",
        &format!("/api/v1/service-index?{query}"),
        &[officer(agency)],
        None,
    )
    .await;
    (a.status, a.body)
}

fn indicator<'a>(body: &'a Value, id: &str) -> &'a Value {
    body["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {body}"))
}

#[tokio::test]
async fn the_index_of_a_province_and_a_commune_with_its_dossiers() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let mut codes = Vec::new();
    for k in ["si1", "si2"] {
        let (a, _) = call(
            &app,
            "POST",
            "/api/v1/dossiers",
            &[officer(&p.center), key(k)],
            Some(desk_filing()),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        codes.push(a.body["code"].as_str().unwrap().to_owned());
    }
    codes.sort();
    let commune = unit_of(&app, &p.center).await;
    let province = unit_of(&app, "H55").await;

    // The province, as its leader (the development token holds every role).
    let (status, body) = get(&app, "H55", &format!("unit={province}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for k in ["unit", "period", "total", "max_total", "indicators"] {
        assert!(body.get(k).is_some(), "{k} in {body}");
    }
    assert_eq!(body["unit"], province.as_str());
    assert_eq!(body["level"], "province");
    let i21 = indicator(&body, "2.1");
    for k in [
        "id",
        "name",
        "numerator",
        "denominator",
        "ratio",
        "points",
        "max_points",
        "threshold",
        "computed",
        "explanation",
    ] {
        assert!(i21.get(k).is_some(), "{k} in {i21}");
    }
    // Both dossiers are open and not late: 2/2 = 100 % → 20 points.
    assert_eq!(i21["numerator"], 2);
    assert_eq!(i21["denominator"], 2);
    assert_eq!(i21["ratio"], 100.0);
    assert_eq!(i21["points"], 20.0);
    assert_eq!(i21["computed"], true);
    assert!(
        i21.get("numerator_items").is_none(),
        "items only with detail"
    );
    let i11 = indicator(&body, "1.1");
    assert_eq!(i11["computed"], false);
    assert!(i11["numerator"].is_null());
    assert!(
        i11["explanation"]
            .as_str()
            .unwrap()
            .starts_with("Không tính được")
    );
    let ranked = body["communes"].as_array().unwrap();
    assert!(
        ranked.iter().any(|c| c["unit"] == commune.as_str()),
        "{body}"
    );
    assert_eq!(ranked[0]["rank"], 1);

    // The commune, with the dossiers behind 2.1.
    let period = body["period"].as_str().unwrap().to_owned();
    let (status, body) = get(
        &app,
        &p.center,
        &format!("unit={commune}&period={period}&detail=true"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["level"], "commune");
    let i21 = indicator(&body, "2.1");
    assert_eq!(i21["denominator_items"], serde_json::json!(codes));
    assert_eq!(i21["item_kind"], "dossier");
    let i45b = indicator(&body, "4.5b");
    assert_eq!(i45b["applicable"], false);
    assert_eq!(i45b["points"], 2.0);

    // A quarter and a year answer too.
    let year = &period[..4];
    for q in [
        format!("{year}-Q1"),
        year.to_owned(),
        format!("{period}-BC"),
    ] {
        let (status, body) = get(&app, "H55", &format!("unit={province}&period={q}")).await;
        assert_eq!(status, StatusCode::OK, "{q}: {body}");
        assert_eq!(body["period"], q.as_str());
    }
}

#[tokio::test]
async fn bad_units_and_periods_are_problems_and_scope_is_kept() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let commune = unit_of(&app, &p.center).await;
    let province = unit_of(&app, "H55").await;
    for (query, want) in [
        (
            format!("unit={commune}&period=2026-13"),
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("unit={commune}&period=26-Q1"),
            StatusCode::BAD_REQUEST,
        ),
        ("unit=x1".to_owned(), StatusCode::BAD_REQUEST),
        ("unit=99999".to_owned(), StatusCode::NOT_FOUND),
        (format!("unit={commune}&bogus=1"), StatusCode::BAD_REQUEST),
        // A commune's officer does not see the province or another commune.
        (format!("unit={province}"), StatusCode::FORBIDDEN),
    ] {
        let (status, body) = get(&app, &p.other_center, &query).await;
        assert_eq!(status, want, "{query}: {body}");
        assert!(
            body["title"].is_string() || body["detail"].is_string(),
            "{body}"
        );
    }
    let (status, _) = get(&app, &p.other_center, &format!("unit={commune}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Anonymous: 401.
    let a = app
        .get(&format!("/api/v1/service-index?unit={commune}"))
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
}
