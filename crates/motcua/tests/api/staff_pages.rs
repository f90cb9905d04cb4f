//! The staff, workload and shortage pages (issue 17 items 1–2): an upload
//! with bad rows lists every one of them and imports nobody, a good file
//! comes back "Đã nhập N người", the list and the CSV download show it; a
//! file over the caps is refused inline (and 422 on the API); the workload
//! page draws its chart with a title, a description and a table; the
//! shortage page explains a commune with civil-status work and nobody
//! tagged for it and links to its training page. Also the obstacle text
//! caps (title, description, proposal, evidence, a step's note).

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::dossier_support::{call, desk_filing, key, officer, place};
use crate::sector_support::{multipart, send};
use crate::support::TestApp;

const HEADER: &str = "id,unit,full_name,account,position_group,position,department,employment,expertise,qualifications,secondment,secondment_agency,secondment_from,secondment_to";

fn html(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

async fn upload(app: &TestApp, agency: &str, csv: &[u8]) -> (StatusCode, String, Option<String>) {
    let (ct, body) = multipart(&[("unit", agency)], Some(("can-bo.csv", "text/csv", csv)));
    let (a, headers) = send(app, "/can-bo/nhan-su/nhap", &[officer(agency)], &ct, body).await;
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (a.status, html(&a.body).to_owned(), location)
}

async fn page(app: &TestApp, agency: &str, uri: &str) -> (StatusCode, String) {
    let (a, _) = call(app, "GET", uri, &[officer(agency)], None).await;
    (a.status, html(&a.body).to_owned())
}

#[tokio::test]
async fn an_upload_with_bad_rows_lists_every_one_and_imports_nobody_then_a_good_one_imports() {
    let app = TestApp::new().await;
    let center = place(&app).await.center;
    let bad = format!(
        "{HEADER}\nA1,{center},Nguyễn Văn An,,specialised,Hộ tịch,van_phong,cong_chuc,tu_phap_ho_tich,Cử nhân luật,,,,\n\
         A2,H55.NOPE,Trần Bình,,boss,Văn thư,van_phong,cong_chuc,bay_lac,,,,,\n\
         A3,{center},Lê Chi,,shared,Kế toán,kinh_te,cong_chuc,tai_chinh_ke_toan,,in,Sở Tài chính,31/02/2026,\n"
    );
    let (status, body, _) = upload(&app, &center, bad.as_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("id=\"staff-problems\""), "{body}");
    for column in ["unit", "position_group", "expertise"] {
        assert!(
            body.contains(&format!("Dòng 3</th><td><code>{column}</code>")),
            "line 3 {column}: {body}"
        );
    }
    assert!(body.contains("Dòng 4</th>"), "line 4: {body}");
    assert!(
        body.contains("id=\"staff-empty\""),
        "nothing imported: {body}"
    );

    let good = format!(
        "{HEADER}\nA1,{center},Nguyễn Văn An,,specialised,Hộ tịch,van_phong,cong_chuc,tu_phap_ho_tich,Cử nhân luật,in,Sở Tư pháp,2026-01-05,2026-12-31\n"
    );
    let (status, body, location) = upload(&app, &center, good.as_bytes()).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let location = location.expect("location");
    assert!(location.contains("da-nhap=1"), "{location}");
    let (status, body) = page(&app, &center, &location).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Đã nhập 1 người"), "{body}");
    assert!(body.contains("Nguyễn Văn An"), "{body}");
    assert!(
        body.contains("Tư pháp, hộ tịch"),
        "the tag in words: {body}"
    );
    assert!(
        body.contains("Biệt phái đến từ Sở Tư pháp, 05/01/2026 – 31/12/2026"),
        "{body}"
    );
    assert!(body.contains("action=\"/can-bo/nhan-su/nhap\""), "{body}");
    // The same page in English: the tag and the kind in English.
    let (status, body) = page(
        &app,
        &center,
        &format!("/can-bo/nhan-su?unit={center}&lang=en"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<h1>Staff of the unit</h1>"), "{body}");
    assert!(body.contains("Justice and civil status"), "{body}");
    assert!(body.contains("Civil servant"), "{body}");

    let (a, headers) = call(
        &app,
        "GET",
        &format!("/can-bo/nhan-su.csv?unit={center}"),
        &[officer(&center)],
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.content_type.starts_with("text/csv"), "{}", a.content_type);
    assert!(
        headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("attachment")),
    );
    let text = html(&a.body);
    assert!(text.starts_with("id,unit,full_name"), "{text}");
    assert!(
        text.contains("A1,") && text.contains("tu_phap_ho_tich"),
        "{text}"
    );
}

#[tokio::test]
async fn a_file_over_the_caps_is_refused_inline_and_on_the_api_with_nothing_imported() {
    let app = TestApp::new().await;
    let center = place(&app).await.center;
    // 5,001 rows.
    let mut many = format!("{HEADER}\n");
    for i in 0..5_001 {
        many.push_str(&format!(
            "M{i},{center},Nguyễn Văn An,,specialised,Hộ tịch,van_phong,cong_chuc,tu_phap_ho_tich,,,,,\n"
        ));
    }
    assert!(many.len() < 1024 * 1024);
    let (status, body, _) = upload(&app, &center, many.as_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("tối đa 5000 người"), "{body}");
    assert!(body.contains("id=\"staff-empty\""), "{body}");
    // Over 1 MB: stopped while it streams, answered inline (never a 5xx).
    let mut big = format!("{HEADER}\n");
    while big.len() <= 1024 * 1024 + 10 {
        big.push_str(&format!(
            "B{},{center},{},,specialised,Hộ tịch,van_phong,cong_chuc,tu_phap_ho_tich,,,,,\n",
            big.len(),
            "x".repeat(500)
        ));
    }
    let (status, body, _) = upload(&app, &center, big.as_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("Tệp lớn quá 1 MB"), "{body}");
    // Not a file at all, and not UTF-8.
    let (status, body, _) = upload(&app, &center, b"").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Chưa chọn tệp CSV"), "{body}");
    let (status, body, _) = upload(&app, &center, b"id,unit\n\xff\xfe,\n").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("UTF-8"), "{body}");

    // The API: 422 Problem, nothing saved.
    let (a, _) = call(
        &app,
        "POST",
        "/api/v1/staff",
        &[officer(&center)],
        Some(json!({ "csv": many })),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert_eq!(a.body["code"], "too_large");
    let (a, _) = call(
        &app,
        "POST",
        "/api/v1/staff",
        &[officer(&center)],
        Some(json!({ "csv": big })),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    let (list, _) = call(
        &app,
        "GET",
        &format!("/api/v1/staff?unit={center}"),
        &[officer(&center)],
        None,
    )
    .await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn the_workload_page_draws_its_chart_with_a_text_alternative_and_refuses_a_bad_period() {
    let app = TestApp::new().await;
    let center = place(&app).await.center;
    for k in ["wl1", "wl2"] {
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
    let (status, body) = page(&app, &center, &format!("/can-bo/khoi-luong?unit={center}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("<svg id=\"after-hours-chart\""), "{body}");
    assert!(
        body.contains("<title id=\"workload-chart-title\">"),
        "{body}"
    );
    assert!(
        body.contains("<desc id=\"workload-chart-desc\">Biểu đồ cột"),
        "{body}"
    );
    assert!(
        body.contains("id=\"workload-weeks\""),
        "the table beside it: {body}"
    );
    assert!(body.contains("Hộ tịch"), "the field in words: {body}");
    assert!(body.contains("id=\"workload-officers\""), "{body}");
    let (status, body) = page(
        &app,
        &center,
        &format!("/can-bo/khoi-luong?unit={center}&period=2026-13"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("id=\"workload-error\""), "{body}");
}

#[tokio::test]
async fn the_shortage_page_explains_work_without_people_and_links_to_training() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let center = p.center.clone();
    for k in ["sh1", "sh2", "sh3"] {
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
    let (status, body) = page(
        &app,
        &p.committee,
        &format!("/can-bo/thieu-hut?unit={}", p.committee),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("id=\"shortage-list\""), "{body}");
    assert!(body.contains("Tư pháp, hộ tịch"), "{body}");
    assert!(
        body.contains("3 hồ sơ lĩnh vực Tư pháp, hộ tịch nhưng không có ai"),
        "{body}"
    );
    assert!(
        body.contains(&format!("href=\"/can-bo/dao-tao?unit={}\"", p.committee)),
        "{body}"
    );
    // A chosen expertise ranks the units; an unknown one is refused inline.
    let (status, body) = page(
        &app,
        "H55",
        "/can-bo/thieu-hut?unit=H55&expertise=tu_phap_ho_tich",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("thiếu người về Tư pháp, hộ tịch nhiều nhất"),
        "{body}"
    );
    assert!(
        body.contains("expertise=dat_dai\">Đất đai</a>"),
        "quick rankings: {body}"
    );
    let (status, body) = page(&app, "H55", "/can-bo/thieu-hut?unit=H55&expertise=bay_lac").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn obstacle_text_fields_have_their_caps() {
    let app = TestApp::new().await;
    let center = place(&app).await.center;
    let base = json!({"unit": center, "title": "Thiếu máy quét", "description": "Thiếu máy quét",
        "category": "CO_SO_VAT_CHAT", "proposal": "Cấp máy quét", "submit": false});
    for (field, max) in [
        ("title", 200),
        ("description", 4000),
        ("proposal", 4000),
        ("evidence", 4000),
    ] {
        let mut over = base.clone();
        over[field] = json!("a".repeat(max + 1));
        let (a, _) = call(
            &app,
            "POST",
            "/api/v1/obstacles",
            &[officer(&center)],
            Some(over),
        )
        .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{field}: {}", a.body);
        assert!(
            a.body["detail"]
                .as_str()
                .unwrap()
                .contains(&format!("longer than {max} characters")),
            "{field}: {}",
            a.body
        );
        let mut at = base.clone();
        at[field] = json!("a".repeat(max));
        let (a, _) = call(
            &app,
            "POST",
            "/api/v1/obstacles",
            &[officer(&center)],
            Some(at),
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::CREATED,
            "{field} at the cap: {}",
            a.body
        );
    }
    // A step's text (the resolution note).
    let (a, _) = call(
        &app,
        "POST",
        "/api/v1/obstacles",
        &[officer(&center)],
        Some(base),
    )
    .await;
    let id = a.body["id"].as_str().unwrap().to_owned();
    let (a, _) = call(
        &app,
        "POST",
        &format!("/api/v1/obstacles/{id}/actions/resolve"),
        &[officer(&center)],
        Some(json!({"text": "a".repeat(4001)})),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert!(
        a.body["detail"]
            .as_str()
            .unwrap()
            .contains("longer than 4000")
    );
}
