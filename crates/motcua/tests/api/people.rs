//! People, not ids (issue 14 item 2, UX review #6 and #10): hand-over goes
//! only to a real officer or unit of the dossier's agency or below, pages
//! name officers, and long lists are in Vietnamese order with the part that
//! differs first.

use axum::http::StatusCode;
use motcua_domain::identity::Role;
use motcua_domain::text::VietnameseCollator;
use serde_json::json;

use crate::dossier_support::{act, call, desk_filing, key, officer, place};
use crate::identity::{account, raw};
use crate::support::TestApp;

/// A received desk dossier at `center`; its code.
async fn dossier(app: &TestApp, center: &str, k: &str) -> String {
    let (created, _) = call(
        app,
        "POST",
        "/api/v1/dossiers",
        &[officer(center), key(k)],
        Some(desk_filing()),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body["code"].as_str().expect("code").to_owned()
}

async fn named(app: &TestApp, id: &str, agency: &str, name: &str, position: &str) {
    account(app, id, agency, &[Role::Specialist]).await;
    app.state
        .identity
        .set_profile(id, name, Some(position), "test-admin")
        .await
        .expect("profile");
}

async fn event_count(app: &TestApp, center: &str, code: &str) -> usize {
    let (view, _) = call(
        app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &[officer(center)],
        None,
    )
    .await;
    view.body["events"].as_array().expect("events").len()
}

fn page_headers(center: &str) -> Vec<(&'static str, String)> {
    vec![("cookie", format!("motcua_dev=nva:{center}"))]
}

#[tokio::test]
async fn hand_over_is_refused_for_made_up_names_and_officers_out_of_scope() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    named(
        &app,
        "cv.hoa",
        c,
        "Nguyễn Thị Hoa",
        "Công chức Tư pháp - Hộ tịch",
    )
    .await;
    named(
        &app,
        "cv.khac",
        &p.other_center,
        "Trần Văn Khác",
        "Chuyên viên",
    )
    .await;
    account(&app, "kiem.tra", c, &[Role::Auditor]).await;
    let code = dossier(&app, c, "p-1").await;
    let before = event_count(&app, c, &code).await;
    for (i, to) in [
        "Chị Lan phòng tư pháp",
        "cv.khac",
        "kiem.tra",
        &p.other_center,
        "",
    ]
    .into_iter()
    .enumerate()
    {
        let a = act(
            &app,
            c,
            &code,
            "hand_over",
            &format!("bad-{i}"),
            json!({"to": to, "step_working_days": 1}),
        )
        .await;
        a.assert_problem(StatusCode::BAD_REQUEST);
        assert!(
            a.body["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("Không có cán bộ hoặc đơn vị"),
            "{to}: {}",
            a.body
        );
    }
    assert_eq!(event_count(&app, c, &code).await, before, "nothing written");
    // Typed without diacritics, it is the one officer whose name matches.
    let a = act(
        &app,
        c,
        &code,
        "hand_over",
        "ok",
        json!({"to": "nguyen thi hoa", "step_working_days": 1}),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let (view, _) = call(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &[officer(c)],
        None,
    )
    .await;
    assert_eq!(
        view.body["dossier"]["control_records"][0]["received_by"], "cv.hoa",
        "{}",
        view.body
    );
    // The unit itself is a target too.
    let a = act(
        &app,
        c,
        &code,
        "hand_over",
        "unit",
        json!({"to": c, "step_working_days": 1}),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

#[tokio::test]
async fn the_desk_names_officers_and_offers_only_those_in_scope() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    named(
        &app,
        "cv.hoa",
        c,
        "Nguyễn Thị Hoa",
        "Công chức Tư pháp - Hộ tịch",
    )
    .await;
    named(
        &app,
        "cv.khac",
        &p.other_center,
        "Trần Văn Khác",
        "Chuyên viên",
    )
    .await;
    let code = dossier(&app, c, "p-2").await;
    let page_uri = format!("/can-bo/ho-so/{code}");
    let (status, _, page) = raw(&app, "GET", &page_uri, &page_headers(c), None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    // A short list is a select of the officers and units in scope.
    assert!(
        page.contains("<option value=\"cv.hoa\">Nguyễn Thị Hoa — Công chức Tư pháp - Hộ tịch"),
        "{page}"
    );
    assert!(
        !page.contains("cv.khac"),
        "an officer of another commune is offered"
    );
    assert!(
        !page.contains("maxlength=\"64\" value=\"\">"),
        "free text is gone"
    );

    // A made-up name from the page: an inline Vietnamese error, nothing written.
    let before = event_count(&app, c, &code).await;
    let form = |to: &str, k: &str| {
        format!(
            "key={k}&to={}&step_working_days=1",
            to.replace(' ', "+")
                .replace('ị', "%E1%BB%8B")
                .replace('ò', "%C3%B2")
                .replace('á', "%C3%A1")
        )
    };
    let mut headers = page_headers(c);
    headers.push(("content-type", "application/x-www-form-urlencoded".into()));
    let post_uri = format!("/can-bo/ho-so/{code}/thao-tac/hand_over");
    let (status, _, page) = raw(
        &app,
        "POST",
        &post_uri,
        &headers,
        Some(form("Chị Lan phòng tư pháp", "w-1")),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("Không có cán bộ hoặc đơn vị"), "{page}");
    assert_eq!(event_count(&app, c, &code).await, before, "nothing written");

    let (status, _, page) = raw(
        &app,
        "POST",
        &post_uri,
        &headers,
        Some(form("cv.hoa", "w-2")),
    )
    .await;
    assert!(
        status.is_redirection() || status == StatusCode::OK,
        "{status} {page}"
    );
    let (_, _, page) = raw(&app, "GET", &page_uri, &page_headers(c), None).await;
    assert!(
        page.contains("→ Nguyễn Thị Hoa (Công chức Tư pháp - Hộ tịch)"),
        "the timeline names the receiver: {page}"
    );
    // The work list's assignee column names her, not her login id.
    let (_, _, list) = raw(&app, "GET", "/can-bo/ho-so", &page_headers(c), None).await;
    assert!(list.contains("Nguyễn Thị Hoa"), "{list}");
    assert!(!list.contains(">cv.hoa<"), "{list}");
}

#[tokio::test]
async fn the_long_hand_over_list_can_be_typed_without_diacritics() {
    // Over 12 targets the picker is an <input list> with a <datalist>;
    // Chromium filters a datalist on each option's value and label as typed,
    // so the label carries the folded name too, and the value stays the id
    // the action resolves.
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    named(
        &app,
        "cv.hoa",
        c,
        "Nguyễn Thị Hoa",
        "Công chức Tư pháp - Hộ tịch",
    )
    .await;
    for i in 0..12 {
        named(
            &app,
            &format!("cv.{i}"),
            c,
            &format!("Lê Văn Đức {i}"),
            "Chuyên viên",
        )
        .await;
    }
    let code = dossier(&app, c, "p-long").await;
    let page_uri = format!("/can-bo/ho-so/{code}");
    let (status, _, page) = raw(&app, "GET", &page_uri, &page_headers(c), None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let start = page.find("<datalist").expect("a datalist for a long list");
    let list = &page[start..start + page[start..].find("</datalist>").expect("end")];
    let hoa = list
        .split("<option")
        .find(|o| o.contains("value=\"cv.hoa\""))
        .unwrap_or_else(|| panic!("no option for cv.hoa: {list}"));
    assert!(
        hoa.contains("Nguyễn Thị Hoa — Công chức Tư pháp - Hộ tịch"),
        "the label shows the name as written: {hoa}"
    );
    assert!(
        hoa.contains("nguyen thi hoa cong chuc tu phap ho tich"),
        "the label carries the folded name: {hoa}"
    );
    let duc = list
        .split("<option")
        .find(|o| o.contains("value=\"cv.3\""))
        .unwrap_or_else(|| panic!("no option for cv.3: {list}"));
    assert!(duc.contains("le van duc 3 chuyen vien"), "{duc}");
    // What the option submits is still resolved to that officer.
    let a = act(
        &app,
        c,
        &code,
        "hand_over",
        "long-1",
        json!({"to": "cv.hoa", "step_working_days": 1}),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

fn options_of(page: &str, select_name: &str) -> Vec<String> {
    let start = page
        .find(&format!("name=\"{select_name}\""))
        .unwrap_or_else(|| panic!("no {select_name}: {page}"));
    let rest = &page[start..];
    let end = rest.find("</select>").expect("select end");
    rest[..end]
        .split("<option")
        .skip(1)
        .filter_map(|o| o.split_once('>').map(|(_, t)| t))
        .map(|t| t.split('<').next().unwrap_or_default().trim().to_owned())
        .filter(|t| !t.is_empty() && !t.starts_with('—'))
        .collect()
}

fn assert_vietnamese_order(names: &[String]) {
    let collator = VietnameseCollator::shared();
    for pair in names.windows(2) {
        assert_ne!(
            collator.compare(&pair[0], &pair[1]),
            std::cmp::Ordering::Greater,
            "{} before {}",
            pair[0],
            pair[1]
        );
    }
}

#[tokio::test]
async fn long_lists_put_the_commune_first_in_vietnamese_order() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    // Citizen: "Nộp tại xã, phường".
    let (status, _, page) = raw(&app, "GET", "/thu-tuc/1.001193/nop-truc-tuyen", &[], None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let centres = options_of(&page, "receiving");
    assert!(centres.len() > 10, "{centres:?}");
    assert!(
        centres.iter().all(|c| !c.starts_with("Trung tâm")),
        "{centres:?}"
    );
    assert!(
        centres
            .iter()
            .all(|c| c.ends_with("— Trung tâm Phục vụ hành chính công")),
        "{centres:?}"
    );
    assert_vietnamese_order(&centres);

    // Desk: "Cơ quan giải quyết" and "Chuyển cơ quan khác".
    let (_, _, desk) = raw(
        &app,
        "GET",
        "/can-bo/tiep-nhan",
        &page_headers(&p.center),
        None,
    )
    .await;
    let deciding = options_of(&desk, "deciding_agency");
    assert!(deciding.len() > 10, "{deciding:?}");
    assert!(
        deciding.iter().all(|d| !d.starts_with("Ủy ban")),
        "{deciding:?}"
    );
    assert_vietnamese_order(&deciding);
    let code = dossier(&app, &p.center, "p-3").await;
    let (_, _, page) = raw(
        &app,
        "GET",
        &format!("/can-bo/ho-so/{code}"),
        &page_headers(&p.center),
        None,
    )
    .await;
    let agencies = options_of(&page, "to_agency");
    assert!(agencies.len() > 10, "{agencies:?}");
    assert_vietnamese_order(&agencies);
}

#[tokio::test]
async fn the_receipt_is_signed_with_the_officers_name() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    // The development login acts as `nva`; give that account a name.
    named(&app, "nva", c, "Nguyễn Văn An", "Công chức một cửa").await;
    let code = dossier(&app, c, "sig-1").await;
    let (status, _, body) = raw(
        &app,
        "GET",
        &format!("/ho-so/{code}/bien-nhan"),
        &page_headers(c),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Nguyễn Văn An"), "{body}");
}

/// The session cookie of `id` after logging in on the page.
async fn session(app: &TestApp, id: &str) -> (&'static str, String) {
    let (status, headers, body) =
        crate::identity::login(app, id, "mat-khau-rat-dai", "/can-bo").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let cookie = headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a session cookie");
    (
        "cookie",
        cookie.split(';').next().expect("cookie").to_owned(),
    )
}

#[tokio::test]
async fn the_specialist_submits_to_the_leader_who_alone_approves_the_result() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    account(&app, "cv.lan", c, &[Role::Specialist]).await;
    account(&app, "ld.minh", c, &[Role::Leader]).await;
    let code = dossier(&app, c, "l-1").await;
    let uri = format!("/can-bo/ho-so/{code}");

    let specialist = session(&app, "cv.lan").await;
    let (status, _, page) = raw(&app, "GET", &uri, &[specialist], None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("Chuyển xử lý, trình lãnh đạo phê duyệt"),
        "the specialist submits by handing over: {page}"
    );
    assert!(page.contains("id=\"hand_over-hint\""), "{page}");
    assert!(
        !page.contains("id=\"act-result_ready\""),
        "no approval for the specialist"
    );

    let leader = session(&app, "ld.minh").await;
    let (status, _, page) = raw(&app, "GET", &uri, &[leader], None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("id=\"act-result_ready\""), "{page}");
    assert!(page.contains("Phê duyệt, ký kết quả"), "{page}");
    assert!(!page.contains("trình lãnh đạo phê duyệt"), "{page}");
}
