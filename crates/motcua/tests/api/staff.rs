//! Staff, workload, shortages and classification over HTTP (issue 17):
//! the worked example of NĐ 307 (2,060,000 people, 8,400 km² → 10.50 +
//! 11.00), a missing rule answered as such, the latest sheet read back,
//! statistics filling missing inputs; a staff import with bad rows writes
//! nothing and lists every problem; the shortage signal of a commune with
//! work in a field and nobody tagged for it.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::dossier_support::{call, desk_filing, key, officer, place};
use crate::support::TestApp;

async fn unit_of(app: &TestApp, agency: &str) -> String {
    let a = app.get(&format!("/api/v1/agencies/{agency}")).await;
    a.body["unit_code"].as_str().unwrap().to_owned()
}

fn line<'a>(sheet: &'a Value, criterion: &str) -> &'a Value {
    sheet["sheet"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["criterion"] == criterion)
        .unwrap_or_else(|| panic!("{criterion} in {sheet}"))
}

#[tokio::test]
async fn a_province_is_scored_by_the_rule_file_and_its_missing_rules_are_named() {
    let app = TestApp::new().await;
    let province = unit_of(&app, "H55").await;
    let uri = format!("/api/v1/units/{province}/classification");
    let (none, _) = call(&app, "GET", &uri, &[officer("H55")], None).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND, "{}", none.body);
    let (a, _) = call(
        &app,
        "POST",
        &uri,
        &[officer("H55")],
        Some(
            json!({"population": 2_060_000, "natural_area_km2": 8_400, "mountainous": false,
                    "as_of": "2026-01-15"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(line(&a.body, "population")["points"], 10.5);
    assert_eq!(line(&a.body, "natural_area")["points"], 11.0);
    assert_eq!(line(&a.body, "population")["rule_set"], "nd-307-2025");
    assert_eq!(line(&a.body, "population")["article"], "Điều 5 khoản 1");
    let outcome = &a.body["sheet"]["outcome"];
    assert_eq!(outcome["result"], "cannot_classify");
    assert!(
        outcome["reason"]
            .as_str()
            .unwrap()
            .contains("cannot classify: missing rule"),
        "{outcome}"
    );
    assert!(
        outcome["missing_rules"]
            .as_array()
            .unwrap()
            .contains(&json!("socio_economic_other"))
    );
    // The latest sheet reads back.
    let (b, _) = call(&app, "GET", &uri, &[officer("H55")], None).await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.body);
    assert_eq!(line(&b.body, "population")["points"], 10.5);
    // A bad input is a Problem, not a guess.
    let (bad, _) = call(
        &app,
        "POST",
        &uri,
        &[officer("H55")],
        Some(json!({"population": "many"})),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    // Under NQ 1211 (before 27/11/2025) a province has no table at all.
    let (old, _) = call(
        &app,
        "POST",
        &uri,
        &[officer("H55")],
        Some(json!({"population": 2_060_000, "as_of": "2025-01-01"})),
    )
    .await;
    assert_eq!(old.body["sheet"]["rule_set"], "nq-1211-2016");
    assert_eq!(old.body["sheet"]["outcome"]["result"], "cannot_classify");
}

const HEADER: &str = "id,unit,full_name,account,position_group,position,department,employment,expertise,qualifications,secondment,secondment_agency,secondment_from,secondment_to";

#[tokio::test]
async fn staff_import_reports_every_bad_row_and_shortages_follow_the_work() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let center = p.center.clone();
    let bad = format!(
        "{HEADER}\nA1,{center},Nguyễn Văn An,,specialised,Hộ tịch,van_phong,cong_chuc,tu_phap_ho_tich,Cử nhân luật,,,,\n\
         A2,H55.NOPE,Trần Bình,,boss,Văn thư,van_phong,cong_chuc,bay_lac,,,,,\n"
    );
    let (a, _) = call(
        &app,
        "POST",
        "/api/v1/staff",
        &[officer(&center)],
        Some(json!({"csv": bad})),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    let detail = a.body["detail"].as_str().unwrap();
    for column in ["unit", "position_group", "expertise"] {
        assert!(detail.contains(&format!("line 3: {column}")), "{detail}");
    }
    let (list, _) = call(
        &app,
        "GET",
        &format!("/api/v1/staff?unit={center}"),
        &[officer(&center)],
        None,
    )
    .await;
    assert_eq!(
        list.body["items"].as_array().unwrap().len(),
        0,
        "nothing written"
    );

    let good = format!(
        "{HEADER}\nA1,{center},Nguyễn Văn An,,specialised,Hộ tịch,van_phong,cong_chuc,tu_phap_ho_tich,Cử nhân luật,,,,\n"
    );
    let (ok, _) = call(
        &app,
        "POST",
        "/api/v1/staff",
        &[officer(&center)],
        Some(json!({"csv": good})),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.body["saved"], 1);
    let (csv, _) = call(
        &app,
        "GET",
        &format!("/api/v1/staff?unit={center}&format=csv"),
        &[officer(&center)],
        None,
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);

    // Two dossiers of a civil-status procedure at the centre.
    for k in ["w1", "w2"] {
        let (d, _) = call(
            &app,
            "POST",
            "/api/v1/dossiers",
            &[officer(&center), key(k)],
            Some(desk_filing()),
        )
        .await;
        assert_eq!(d.status, StatusCode::CREATED, "{}", d.body);
    }
    let (w, _) = call(
        &app,
        "GET",
        &format!("/api/v1/workload?unit={center}"),
        &[officer(&center)],
        None,
    )
    .await;
    assert_eq!(w.status, StatusCode::OK, "{}", w.body);
    assert!(
        w.body["totals"]["actions"].as_u64().unwrap() >= 2,
        "{}",
        w.body
    );
    let (s, _) = call(
        &app,
        "GET",
        "/api/v1/shortages?unit=H55",
        &[officer("H55")],
        None,
    )
    .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    assert_eq!(s.body["province"], "H55");
    // Procedure 1.004873 is "Hộ tịch": two dossiers for the one person tagged
    // tu_phap_ho_tich at the commune (the only unit with that work, so the
    // norm is its own 2 per person: short by 0).
    let commune = unit_of(&app, &center).await;
    let row = s.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit"] == commune.as_str() && r["tag"] == "tu_phap_ho_tich")
        .unwrap_or_else(|| panic!("{}", s.body));
    assert_eq!(
        (row["dossiers"].as_u64(), row["people"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(row["short_by"], 0.0);
    let (bad_tag, _) = call(
        &app,
        "GET",
        "/api/v1/shortages?unit=H55&expertise=nope",
        &[officer("H55")],
        None,
    )
    .await;
    assert_eq!(bad_tag.status, StatusCode::BAD_REQUEST);
    let (bad_period, _) = call(
        &app,
        "GET",
        "/api/v1/workload?unit=H55&period=2026-13",
        &[officer("H55")],
        None,
    )
    .await;
    assert_eq!(bad_period.status, StatusCode::BAD_REQUEST);
}
