//! Training over HTTP and on the desk page (issue 17 item 3): the plan of a
//! commune with civil-status work and nobody tagged for it proposes the
//! officer who did that work first, says "chưa có khoá học" until a course
//! exists and gives the signal's numbers; courses, sessions, enrolments
//! and completions refuse bad values with 422 (malformed JSON 400), a
//! person of another unit, and another unit's ids (404); the follow-up
//! says "chưa đủ dữ liệu" while the weeks after a session are not over;
//! the page's forms hold a session and record a completion.

use axum::http::StatusCode;
use chrono::Duration;
use serde_json::{Value, json};

use crate::dossier_support::{call, desk_filing, key, officer, place};
use crate::sector_support::send;
use crate::support::TestApp;

const HEADER: &str = "id,unit,full_name,account,position_group,position,department,employment,expertise,qualifications";

/// Staff of `center` (T1 one-stop, the desk officer `nva`; T2 untagged; T3
/// land) and of `other` (T9), and two civil-status dossiers at `center`.
async fn commune(app: &TestApp, center: &str, other: &str) {
    let csv = format!(
        "{HEADER}\nT1,{center},Nguyễn Văn An,nva,specialised,Một cửa,trung_tam_phvhcc,cong_chuc,mot_cua_tthc,Cử nhân\n\
         T2,{center},Trần Thị Bình,,shared,Văn thư,van_phong,cong_chuc,,Cử nhân\n\
         T3,{center},Lê Văn Cường,,specialised,Địa chính,kinh_te,cong_chuc,dat_dai,Kỹ sư\n\
         T9,{other},Phạm Văn Dũng,,specialised,Tư pháp,van_phong,cong_chuc,,Cử nhân\n"
    );
    app.state.staff.import_unchecked(&csv).await.unwrap();
    for k in ["tr1", "tr2"] {
        let (d, _) = call(
            app,
            "POST",
            "/api/v1/dossiers",
            &[officer(center), key(k)],
            Some(desk_filing()),
        )
        .await;
        assert_eq!(d.status, StatusCode::CREATED, "{}", d.body);
    }
}

fn civil_status_line(plan: &Value) -> &Value {
    plan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["expertise"] == "tu_phap_ho_tich")
        .unwrap_or_else(|| panic!("{plan}"))
}

async fn get(app: &TestApp, uri: &str, agency: &str) -> Value {
    let (a, _) = call(app, "GET", uri, &[officer(agency)], None).await;
    assert_eq!(a.status, StatusCode::OK, "{uri}: {}", a.body);
    a.body
}

async fn post(app: &TestApp, uri: &str, agency: &str, body: Value) -> (StatusCode, Value) {
    let (a, _) = call(app, "POST", uri, &[officer(agency)], Some(body)).await;
    (a.status, a.body)
}

#[tokio::test]
async fn the_plan_follows_the_shortage_and_sessions_are_checked_at_the_edge() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let center = p.center.clone();
    commune(&app, &center, &p.other_center).await;

    // The plan: civil status is short (2 dossiers, nobody tagged).
    let plan = get(
        &app,
        &format!("/api/v1/training/plan?unit={center}"),
        &center,
    )
    .await;
    let line = civil_status_line(&plan);
    assert_eq!(line["topic"], "chưa có khoá học");
    assert!(line["course"].is_null());
    let why = line["why"].as_str().unwrap();
    assert!(why.contains("2 hồ sơ lĩnh vực Tư pháp, hộ tịch"), "{why}");
    assert!(why.contains("thiếu 1"), "{why}");
    let people: Vec<&str> = line["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["staff_id"].as_str().unwrap())
        .collect();
    // The officer who did the work, then the untagged, then the others;
    // nobody of the other commune.
    assert_eq!(people, ["T1", "T2", "T3"], "{line}");
    assert_eq!(line["candidates"][0]["dossiers_in_field"], 2);
    assert_eq!(line["candidates"][0]["proposed"], true);
    assert_eq!(line["candidates"][1]["proposed"], false);

    // Courses: bad values are 422, malformed JSON 400.
    let courses = "/api/v1/training/courses";
    let (s, b) = post(
        &app,
        courses,
        &center,
        json!({"topic": "Hộ tịch", "expertise": ["bay_lac"], "hours": 8}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["detail"].as_str().unwrap().contains("bay_lac"), "{b}");
    let (s, b) = post(
        &app,
        courses,
        &center,
        json!({"topic": "Hộ tịch", "expertise": ["tu_phap_ho_tich"], "hours": 0}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = post(
        &app,
        courses,
        &center,
        json!({"topic": "Hộ tịch", "hours": "tám"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    let (s, course) = post(
        &app,
        courses,
        &center,
        json!({"title": "Nghiệp vụ hộ tịch", "topic": "Đăng ký khai sinh, kết hôn",
               "expertise": ["tu_phap_ho_tich"], "hours": 16, "provider": "Sở Tư pháp"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{course}");
    let course_id = course["id"].as_str().unwrap().to_owned();
    let list = get(&app, courses, &center).await;
    assert_eq!(list["items"][0]["hours"], 16);
    let plan = get(
        &app,
        &format!("/api/v1/training/plan?unit={center}"),
        &center,
    )
    .await;
    assert_eq!(civil_status_line(&plan)["topic"], "Nghiệp vụ hộ tịch");

    // Sessions: the last day before the first, a person of another unit.
    let today = app.state.clock.today();
    let yesterday = (today - Duration::days(1)).to_string();
    let sessions = "/api/v1/training/sessions";
    let (s, b) = post(
        &app,
        sessions,
        &center,
        json!({"course_id": course_id, "unit": center,
        "starts_on": "2026-03-10", "ends_on": "2026-03-09"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = post(
        &app,
        sessions,
        &center,
        json!({"course_id": course_id, "unit": center,
        "starts_on": yesterday, "ends_on": yesterday, "staff": ["T1", "T9"]}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["detail"].as_str().unwrap().contains("T9"), "{b}");
    let (s, b) = post(
        &app,
        sessions,
        &center,
        json!({"course_id": "KH-khong-co", "unit": center,
        "starts_on": yesterday, "ends_on": yesterday}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    // Another commune's officer may not hold a session here.
    let (s, b) = post(
        &app,
        sessions,
        &p.other_center,
        json!({"course_id": course_id, "unit": center,
        "starts_on": yesterday, "ends_on": yesterday}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    let (s, session) = post(
        &app,
        sessions,
        &center,
        json!({"course_id": course_id, "unit": center,
        "starts_on": yesterday, "ends_on": yesterday, "place": "UBND xã", "staff": ["T1"]}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{session}");
    assert!(
        session["reason"].as_str().unwrap().contains("2 hồ sơ"),
        "the plan's reason: {session}"
    );
    assert_eq!(session["names"]["T1"], "Nguyễn Văn An");
    let session_id = session["id"].as_str().unwrap().to_owned();

    // Enrolled people leave the plan.
    let plan = get(
        &app,
        &format!("/api/v1/training/plan?unit={center}"),
        &center,
    )
    .await;
    let line = civil_status_line(&plan);
    assert_eq!(line["already_enrolled"], 1);
    assert_eq!(line["candidates"][0]["staff_id"], "T2");

    // Enrolments: more people; an unknown or another unit's session is 404.
    let uri = format!("/api/v1/training/sessions/{session_id}/enrolments");
    let (s, b) = post(&app, &uri, &center, json!({"staff": ["T2", "T1"]})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["enrolments"].as_array().unwrap().len(), 2);
    let (s, b) = post(&app, &uri, &p.other_center, json!({"staff": ["T9"]})).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    let (s, _) = post(
        &app,
        "/api/v1/training/sessions/LH-khong-co/enrolments",
        &center,
        json!({"staff": ["T2"]}),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Completion: not before the first day; another unit's is 404.
    let enrolment = b_enrolment(&b_session(&app, &center).await, "T1");
    let uri = format!("/api/v1/training/enrolments/{enrolment}/completion");
    let (s, b) = post(&app, &uri, &center, json!({"completed_on": "2020-01-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = post(
        &app,
        &uri,
        &p.other_center,
        json!({"completed_on": yesterday}),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    let (s, b) = post(
        &app,
        &uri,
        &center,
        json!({"completed_on": yesterday, "result": "Đạt"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["completed_on"], yesterday.as_str());
    assert_eq!(b["result"], "Đạt");

    // Follow-up: the week after the session is not over.
    let f = get(
        &app,
        &format!("/api/v1/training/follow-up?unit={center}&weeks=1"),
        &center,
    )
    .await;
    let item = &f["items"][0];
    assert_eq!(item["outcome"], "not_enough_data", "{f}");
    assert!(
        item["verdict"]
            .as_str()
            .unwrap()
            .starts_with("Chưa đủ dữ liệu"),
        "{f}"
    );
    assert_eq!(item["completed"], 1);
    assert_eq!(
        item["after"]["dossiers"], 2,
        "today's dossiers are after the session"
    );
    assert_eq!(item["before"]["dossiers"], 0);
    let (a, _) = call(
        &app,
        "GET",
        &format!("/api/v1/training/follow-up?unit={center}&weeks=0"),
        &[officer(&center)],
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
}

async fn b_session(app: &TestApp, center: &str) -> Value {
    let list = get(
        app,
        &format!("/api/v1/training/sessions?unit={center}"),
        center,
    )
    .await;
    list["items"][0].clone()
}

fn b_enrolment(session: &Value, staff: &str) -> String {
    session["enrolments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["staff_id"] == staff)
        .unwrap_or_else(|| panic!("{staff} in {session}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn form(
    app: &TestApp,
    uri: &str,
    agency: &str,
    pairs: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let body = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencoding(v)))
        .collect::<Vec<_>>()
        .join("&");
    let (a, headers) = send(
        app,
        uri,
        &[officer(agency)],
        "application/x-www-form-urlencoded",
        body.into_bytes(),
    )
    .await;
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        a.status,
        location,
        a.body.as_str().unwrap_or_default().to_owned(),
    )
}

fn urlencoding(raw: &str) -> String {
    raw.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn page(app: &TestApp, uri: &str, agency: &str) -> String {
    let (a, _) = call(app, "GET", uri, &[officer(agency)], None).await;
    assert_eq!(a.status, StatusCode::OK, "{uri}");
    a.body.as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_desk_page_plans_a_session_and_records_a_completion() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let center = p.center.clone();
    commune(&app, &center, &p.other_center).await;
    let uri = format!("/can-bo/dao-tao?unit={center}");
    let html = page(&app, &uri, &center).await;
    for text in [
        "Đào tạo, bồi dưỡng",
        "Kế hoạch đào tạo",
        "Các lớp đã lập",
        "Theo dõi sau đào tạo",
        "chưa có khoá học",
        "action=\"/can-bo/dao-tao/lop\"",
        "name=\"topic\"",
        "name=\"staff\" value=\"T1\" checked",
        "id=\"staff-tu_phap_ho_tich-T1\"",
        "name=\"starts_on\" type=\"date\"",
        "Lập lớp đào tạo",
        "href=\"/can-bo/dao-tao\"",
    ] {
        assert!(html.contains(text), "{text} in the page");
    }
    // A bad date comes back inline (422), nothing held.
    let (s, _, body) = form(
        &app,
        "/can-bo/dao-tao/lop",
        &center,
        &[
            ("topic", "Nghiệp vụ hộ tịch"),
            ("expertise", "tu_phap_ho_tich"),
            ("unit", &center),
            ("staff", "T1"),
            ("starts_on", "2026-03-10"),
            ("ends_on", "2026-03-09"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Ngày kết thúc không được trước ngày bắt đầu"),
        "{body}"
    );
    // Held: a course of the topic (8 hours), the session, two people.
    let (s, location, _) = form(
        &app,
        "/can-bo/dao-tao/lop",
        &center,
        &[
            ("topic", "Nghiệp vụ hộ tịch"),
            ("expertise", "tu_phap_ho_tich"),
            ("unit", &center),
            ("staff", "T1"),
            ("staff", "T2"),
            ("starts_on", "2026-03-09"),
            ("ends_on", "2026-03-10"),
            ("place", "Hội trường UBND xã"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/can-bo/dao-tao?unit="), "{location}");
    let html = page(&app, &location, &center).await;
    assert!(html.contains("Đã lập lớp đào tạo"));
    assert!(html.contains("Nghiệp vụ hộ tịch"));
    assert!(html.contains("Trần Thị Bình"));
    assert!(html.contains("action=\"/can-bo/dao-tao/hoan-thanh\""));
    assert!(html.contains("Ghi nhận hoàn thành"));
    let courses = get(&app, "/api/v1/training/courses", &center).await;
    assert_eq!(courses["items"][0]["hours"], 8);
    assert_eq!(courses["items"][0]["expertise"], json!(["tu_phap_ho_tich"]));
    let session = b_session(&app, &center).await;
    let enrolment = b_enrolment(&session, "T2");
    // Another commune's officer cannot complete it (the unknown id's 404).
    let (s, _, _) = form(
        &app,
        "/can-bo/dao-tao/hoan-thanh",
        &p.other_center,
        &[("enrolment_id", &enrolment), ("completed_on", "2026-03-10")],
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, location, _) = form(
        &app,
        "/can-bo/dao-tao/hoan-thanh",
        &center,
        &[
            ("enrolment_id", &enrolment),
            ("unit", &center),
            ("completed_on", "2026-03-10"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let html = page(&app, &location, &center).await;
    assert!(html.contains("Đã ghi nhận hoàn thành"));
    assert!(html.contains("10/03/2026"), "the completion date shown");
    // The session ended in March: it is followed up.
    assert!(html.contains("data-outcome="), "a follow-up line");
}
