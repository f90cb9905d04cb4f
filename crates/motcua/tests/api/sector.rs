//! Vertical-sector systems answering over `/api/v1/sector` (liên thông):
//! the whole journey from the desk to the land registry and back to the
//! applicant, idempotent replays (files included), scope, who may call,
//! and refused files.

use axum::http::StatusCode;
use motcua_domain::identity::{Role, Scope};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::dossier_support::{act, call, key, officer, place};
use crate::sector_support::{
    PDF, PNG, bearer, counts, key_for, multipart, post_result, sector, sector_agency, send,
    system_key, transferred,
};
use crate::support::TestApp;

const LAND: &str = "H55.VPDKDD";
const TAX: &str = "H55.CCTHUE";

struct World {
    app: TestApp,
    center: String,
    land_key: String,
    tax_key: String,
}

async fn world() -> World {
    let app = TestApp::new().await;
    let p = place(&app).await;
    sector_agency(&app, LAND, "Văn phòng Đăng ký đất đai tỉnh", &p.committee).await;
    sector_agency(&app, TAX, "Chi cục Thuế khu vực", &p.committee).await;
    let land_key = system_key(&app, "he-thong-dat-dai", LAND).await;
    let tax_key = system_key(&app, "he-thong-thue", TAX).await;
    World {
        app,
        center: p.center,
        land_key,
        tax_key,
    }
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn sector_get(w: &World, secret: &str, code: &str) -> crate::support::Answer {
    call(
        &w.app,
        "GET",
        &format!("/api/v1/sector/dossiers/{code}"),
        &[bearer(secret)],
        None,
    )
    .await
    .0
}

#[tokio::test]
async fn desk_to_land_registry_and_back_to_the_applicant() {
    let w = world().await;
    let (code, secret) = transferred(&w.app, &w.center, LAND, "j").await;

    // The land registry finds the dossier in its list and reads it.
    let (list, _) = call(
        &w.app,
        "GET",
        "/api/v1/sector/dossiers",
        &[bearer(&w.land_key)],
        None,
    )
    .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let listed: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(listed, vec![code.as_str()]);
    let view = sector_get(&w, &w.land_key, &code).await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.body);
    assert_eq!(view.body["dossier"]["current_agency"], LAND);

    // Accept: the registry's own clock runs from now.
    let (accepted, _) = sector(&w.app, &w.land_key, &code, "accept", "j-accept", json!({})).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert_eq!(accepted.body["event"], "transfer_accepted");
    assert_eq!(accepted.body["sub_status"], "transferred");
    let view = sector_get(&w, &w.land_key, &code).await;
    let clock = view.body["dossier"]["agency_clocks"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(clock["agency"], LAND);
    assert!(clock["accepted_at"].is_string(), "{clock}");
    assert!(
        clock["due_at"].as_str().unwrap() > clock["accepted_at"].as_str().unwrap(),
        "{clock}"
    );

    // Progress: a step done (with a note naming a person), a hand-over.
    let (step, _) = sector(
        &w.app,
        &w.land_key,
        &code,
        "progress",
        "j-step",
        json!({"kind": "step_done", "step": "Thẩm định hồ sơ", "note": "Ông Trần Văn Bình đã đo đạc"}),
    )
    .await;
    assert_eq!(step.status, StatusCode::OK, "{}", step.body);
    assert_eq!(step.body["event"], "progress_reported");
    let view = sector_get(&w, &w.land_key, &code).await;
    assert_eq!(
        view.body["dossier"]["progress"][0]["progress"],
        json!({"kind": "step_done", "step": "Thẩm định hồ sơ", "note": "Ông Trần Văn Bình đã đo đạc"})
    );
    let (handed, _) = sector(
        &w.app,
        &w.land_key,
        &code,
        "progress",
        "j-hand",
        json!({"kind": "handed_over", "to": "Phòng Đăng ký - bà Lê Thị Cúc"}),
    )
    .await;
    assert_eq!(handed.status, StatusCode::OK, "{}", handed.body);
    assert_eq!(handed.body["event"], "handed_over");
    assert_eq!(handed.body["sub_status"], "transferred");

    // The result with its PDF: status 9, the file stored under its hash.
    let (result, _) = post_result(
        &w.app,
        &w.land_key,
        &code,
        "j-result",
        "Giấy chứng nhận quyền sử dụng đất",
        ("giay-chung-nhan.pdf", "application/pdf", PDF),
    )
    .await;
    assert_eq!(result.status, StatusCode::OK, "{}", result.body);
    assert_eq!(result.body["status"], "result_ready");
    assert_eq!(result.body["portal_status"], 9);
    let file = &result.body["files"][0];
    assert_eq!(file["sha256"], hex(PDF));
    assert_eq!(file["content_type"], "application/pdf");
    assert_eq!(file["component"], "KQ");
    let id = file["id"].as_str().unwrap();
    let download = call(
        &w.app,
        "GET",
        &format!("/api/v1/dossiers/{code}/attachments/{id}"),
        &[officer(&w.center)],
        None,
    )
    .await
    .0;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(
        download.body,
        Value::String(String::from_utf8_lossy(PDF).into())
    );

    // The desk sees the result document and returns it.
    let (desk_view, _) = call(
        &w.app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &[officer(&w.center)],
        None,
    )
    .await;
    let results = &desk_view.body["dossier"]["results"];
    assert_eq!(results[0]["name"], "Giấy chứng nhận quyền sử dụng đất");
    assert_eq!(
        results[0]["file"],
        format!("/api/v1/dossiers/{code}/attachments/{id}")
    );
    let returned = act(
        &w.app,
        &w.center,
        &code,
        "return",
        "j-return",
        json!({"method": "at_desk"}),
    )
    .await;
    assert_eq!(returned.status, StatusCode::OK, "{}", returned.body);
    assert_eq!(returned.body["portal_status"], 10);

    // Every event has its outbox row, written in the same transaction.
    let (events, outbox, attachments) = counts(&w.app, &code).await;
    assert_eq!((events, outbox, attachments), (7, 7, 1));

    // Tracking tells the story in plain words, without the sector's notes.
    let t = w
        .app
        .get(&format!("/api/v1/tracking/{code}?verifier={secret}"))
        .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
    assert_eq!(t.body["status"], "returned");
    let kinds: Vec<&str> = t.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec![
            "received",
            "transferred",
            "transfer_accepted",
            "progress_reported",
            "handed_over",
            "result_ready",
            "result_returned",
        ]
    );
    let text = t.body.to_string();
    for private in ["Trần Văn Bình", "Lê Thị Cúc", "Thẩm định", "đo đạc", LAND] {
        assert!(!text.contains(private), "{private} leaked: {text}");
    }
    let page = w
        .app
        .get(&format!("/tra-cuu/{code}?verifier={secret}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().unwrap_or_default();
    assert!(
        html.contains("Cơ quan cùng giải quyết đã nhận hồ sơ"),
        "{html}"
    );
    assert!(html.contains("Cơ quan giải quyết cập nhật tiến độ xử lý"));
    for private in ["Trần Văn Bình", "Lê Thị Cúc", "Thẩm định", "đo đạc"] {
        assert!(!html.contains(private), "{private} leaked on the page");
    }
}

#[tokio::test]
async fn replays_change_nothing_and_reused_keys_are_refused() {
    let w = world().await;
    let (code, _) = transferred(&w.app, &w.center, LAND, "r").await;
    let (first, _) = sector(&w.app, &w.land_key, &code, "accept", "r-accept", json!({})).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let before = counts(&w.app, &code).await;
    let (again, headers) =
        sector(&w.app, &w.land_key, &code, "accept", "r-accept", json!({})).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.body, first.body);
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(counts(&w.app, &code).await, before);
    // A second acceptance under a new key is refused by the rules.
    let (twice, _) = sector(
        &w.app,
        &w.land_key,
        &code,
        "accept",
        "r-accept-2",
        json!({}),
    )
    .await;
    twice.assert_problem(StatusCode::CONFLICT);
    assert_eq!(twice.body["code"], "already_accepted");

    let note = |text: &str| json!({"kind": "note", "note": text});
    let (p1, _) = sector(
        &w.app,
        &w.land_key,
        &code,
        "progress",
        "r-note",
        note("Đang xác minh"),
    )
    .await;
    assert_eq!(p1.status, StatusCode::OK, "{}", p1.body);
    let before = counts(&w.app, &code).await;
    let (p2, h2) = sector(
        &w.app,
        &w.land_key,
        &code,
        "progress",
        "r-note",
        note("Đang xác minh"),
    )
    .await;
    assert_eq!((p2.status, &p2.body), (StatusCode::OK, &p1.body));
    assert_eq!(h2["idempotent-replayed"], "true");
    // The same key with another body, or on another endpoint: 422.
    let (other, _) = sector(
        &w.app,
        &w.land_key,
        &code,
        "progress",
        "r-note",
        note("Khác"),
    )
    .await;
    other.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(other.body["code"], "idempotency_key_reused");
    let (elsewhere, _) = sector(
        &w.app,
        &w.land_key,
        &code,
        "decline",
        "r-note",
        json!({"reason": "x"}),
    )
    .await;
    elsewhere.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(counts(&w.app, &code).await, before);

    // The result and its file: a replay writes no second attachment row.
    let file = ("kq.pdf", "application/pdf", PDF);
    let (r1, _) = post_result(
        &w.app,
        &w.land_key,
        &code,
        "r-result",
        "Giấy chứng nhận",
        file,
    )
    .await;
    assert_eq!(r1.status, StatusCode::OK, "{}", r1.body);
    let before = counts(&w.app, &code).await;
    assert_eq!(before.2, 1);
    let (r2, h) = post_result(
        &w.app,
        &w.land_key,
        &code,
        "r-result",
        "Giấy chứng nhận",
        file,
    )
    .await;
    assert_eq!(r2.status, StatusCode::OK, "{}", r2.body);
    assert_eq!(r2.body, r1.body, "the first answer, the same attachment id");
    assert_eq!(h["idempotent-replayed"], "true");
    assert_eq!(counts(&w.app, &code).await, before);
    let other_file = ("kq.png", "image/png", PNG);
    let (r3, _) = post_result(
        &w.app,
        &w.land_key,
        &code,
        "r-result",
        "Giấy chứng nhận",
        other_file,
    )
    .await;
    r3.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(counts(&w.app, &code).await, before);
    // An old key still answers its first answer after the dossier moved on.
    let (late, _) = sector(&w.app, &w.land_key, &code, "accept", "r-accept", json!({})).await;
    assert_eq!(late.body, first.body);
}

#[tokio::test]
async fn another_agency_and_unheld_dossiers_get_404() {
    let w = world().await;
    let (code, _) = transferred(&w.app, &w.center, LAND, "s").await;
    let unknown = format!("{}9", &code[..code.len() - 1]);
    let before = counts(&w.app, &code).await;
    for target in [code.as_str(), unknown.as_str()] {
        let got = sector_get(&w, &w.tax_key, target).await;
        got.assert_problem(StatusCode::NOT_FOUND);
        for (i, (action, body)) in [
            ("accept", json!({})),
            ("progress", json!({"kind": "note", "note": "x"})),
            ("decline", json!({"reason": "Không thuộc thẩm quyền"})),
        ]
        .into_iter()
        .enumerate()
        {
            let (a, _) = sector(
                &w.app,
                &w.tax_key,
                target,
                action,
                &format!("s-{target}-{i}"),
                body,
            )
            .await;
            a.assert_problem(StatusCode::NOT_FOUND);
        }
        let (r, _) = post_result(
            &w.app,
            &w.tax_key,
            target,
            &format!("s-{target}-r"),
            "KQ",
            ("a.pdf", "application/pdf", PDF),
        )
        .await;
        r.assert_problem(StatusCode::NOT_FOUND);
    }
    assert_eq!(counts(&w.app, &code).await, before);
    let (list, _) = call(
        &w.app,
        "GET",
        "/api/v1/sector/dossiers",
        &[bearer(&w.tax_key)],
        None,
    )
    .await;
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(0));

    // A dossier still at the desk is not the registry's either.
    let mut filing = crate::dossier_support::desk_filing();
    filing["receiving_unit"] = json!(w.center);
    let (desk, _) = call(
        &w.app,
        "POST",
        "/api/v1/dossiers",
        &[officer(&w.center), key("s-desk")],
        Some(filing),
    )
    .await;
    let desk_code = desk.body["code"].as_str().unwrap();
    sector_get(&w, &w.land_key, desk_code)
        .await
        .assert_problem(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_system_api_keys_may_call() {
    let w = world().await;
    let (code, _) = transferred(&w.app, &w.center, LAND, "a").await;
    let uri = format!("/api/v1/sector/dossiers/{code}/accept");
    let post = |headers: Vec<(&'static str, String)>| {
        let uri = uri.clone();
        let app = &w.app;
        async move {
            let mut headers = headers;
            headers.push(key("a-accept"));
            call(app, "POST", &uri, &headers, Some(json!({}))).await.0
        }
    };
    // Anonymous, the development login (which has every role), a session.
    post(Vec::new())
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
    post(vec![officer(LAND)])
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
    post(vec![("authorization", "Bearer mck_not-a-key".into())])
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
    crate::identity::account(
        &w.app,
        "cb-dat-dai",
        LAND,
        &[Role::System, Role::Specialist],
    )
    .await;
    let (status, headers, _) =
        crate::identity::login(&w.app, "cb-dat-dai", "mat-khau-rat-dai", "/").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    // From this site's own origin (a cookie write without it is refused
    // before any route: security review F10), a session is still no key.
    post(vec![
        ("cookie", cookie),
        ("origin", "http://127.0.0.1:8080".to_owned()),
    ])
    .await
    .assert_problem(StatusCode::UNAUTHORIZED);
    // An API key without the system role, or with it scoped to a unit.
    let officer_key = key_for(
        &w.app,
        "nv-dat-dai",
        LAND,
        Role::Specialist,
        Scope::Agency(LAND.into()),
    )
    .await;
    post(vec![bearer(&officer_key)])
        .await
        .assert_problem(StatusCode::FORBIDDEN);
    let unit = w.app.state.agencies.get(LAND).await.unwrap().unit_code;
    let unit_key = key_for(&w.app, "ht-xa", LAND, Role::System, Scope::Unit(unit)).await;
    post(vec![bearer(&unit_key)])
        .await
        .assert_problem(StatusCode::FORBIDDEN);
    assert_eq!(counts(&w.app, &code).await.0, 2, "nothing was written");
    // The registry's key works; a missing Idempotency-Key is a 400.
    let (no_key, _) = call(
        &w.app,
        "POST",
        &uri,
        &[bearer(&w.land_key)],
        Some(json!({})),
    )
    .await;
    no_key.assert_problem(StatusCode::BAD_REQUEST);
    let ok = post(vec![bearer(&w.land_key)]).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
}

#[tokio::test]
async fn fake_files_and_bad_input_are_refused_without_writing() {
    let w = world().await;
    let (code, _) = transferred(&w.app, &w.center, LAND, "f").await;
    let (a, _) = sector(&w.app, &w.land_key, &code, "accept", "f-accept", json!({})).await;
    assert_eq!(a.status, StatusCode::OK);
    let before = counts(&w.app, &code).await;
    let fakes: [(&str, &str, &[u8]); 3] = [
        ("kq.pdf", "application/pdf", b"this is not a PDF at all"),
        ("kq.pdf", "application/pdf", PNG),
        ("kq.exe", "application/octet-stream", b"MZ\x90\0\x03\0\0\0"),
    ];
    for (i, fake) in fakes.into_iter().enumerate() {
        let (r, _) = post_result(
            &w.app,
            &w.land_key,
            &code,
            &format!("f-{i}"),
            "Giấy chứng nhận",
            fake,
        )
        .await;
        r.assert_problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(r.body["code"], "attachment_type");
    }
    let uri = format!("/api/v1/sector/dossiers/{code}/result");
    let (ct, body) = multipart(&[("name", "Giấy chứng nhận")], None);
    send(
        &w.app,
        &uri,
        &[bearer(&w.land_key), key("f-nofile")],
        &ct,
        body,
    )
    .await
    .0
    .assert_problem(StatusCode::BAD_REQUEST);
    let (ct, body) = multipart(&[("name", " ")], Some(("kq.pdf", "application/pdf", PDF)));
    send(
        &w.app,
        &uri,
        &[bearer(&w.land_key), key("f-noname")],
        &ct,
        body,
    )
    .await
    .0
    .assert_problem(StatusCode::BAD_REQUEST);
    send(
        &w.app,
        &uri,
        &[bearer(&w.land_key), key("f-json")],
        "application/json",
        b"{}".to_vec(),
    )
    .await
    .0
    .assert_problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    for (i, body) in [
        json!({"kind": "teleported"}),
        json!({"kind": "note", "note": "x", "extra": true}),
        json!({"kind": "note", "note": "x".repeat(2001)}),
        json!(["not", "an", "object"]),
    ]
    .into_iter()
    .enumerate()
    {
        let (p, _) = sector(
            &w.app,
            &w.land_key,
            &code,
            "progress",
            &format!("f-p{i}"),
            body,
        )
        .await;
        p.assert_problem(StatusCode::BAD_REQUEST);
    }
    let (empty, _) = sector(
        &w.app,
        &w.land_key,
        &code,
        "progress",
        "f-empty",
        json!({"kind": "step_done"}),
    )
    .await;
    empty.assert_problem(StatusCode::CONFLICT);
    assert_eq!(empty.body["code"], "nothing_listed");
    let (stale, _) = call(
        &w.app,
        "POST",
        &format!("/api/v1/sector/dossiers/{code}/progress"),
        &[
            bearer(&w.land_key),
            key("f-stale"),
            ("if-match", "\"1\"".into()),
        ],
        Some(json!({"kind": "note", "note": "x"})),
    )
    .await;
    stale.assert_problem(StatusCode::CONFLICT);
    assert_eq!(counts(&w.app, &code).await, before, "nothing was written");
}

#[tokio::test]
async fn a_declined_dossier_goes_back_to_the_desk_with_its_reason() {
    let w = world().await;
    let (code, secret) = transferred(&w.app, &w.center, LAND, "d").await;
    // Progress before accepting is refused.
    let (early, _) = sector(
        &w.app,
        &w.land_key,
        &code,
        "progress",
        "d-early",
        json!({"kind": "note", "note": "x"}),
    )
    .await;
    early.assert_problem(StatusCode::CONFLICT);
    assert_eq!(early.body["code"], "not_accepted");
    let (early_result, _) = post_result(
        &w.app,
        &w.land_key,
        &code,
        "d-r",
        "Giấy chứng nhận",
        ("kq.pdf", "application/pdf", PDF),
    )
    .await;
    early_result.assert_problem(StatusCode::CONFLICT);
    assert_eq!(early_result.body["code"], "not_accepted");
    assert_eq!(counts(&w.app, &code).await, (2, 2, 0));
    let (no_reason, _) = sector(
        &w.app,
        &w.land_key,
        &code,
        "decline",
        "d-0",
        json!({"reason": "  "}),
    )
    .await;
    no_reason.assert_problem(StatusCode::CONFLICT);
    assert_eq!(no_reason.body["code"], "reason_required");
    let (declined, _) = sector(
        &w.app,
        &w.land_key,
        &code,
        "decline",
        "d-1",
        json!({"reason": "Thửa đất đang có tranh chấp, không đủ điều kiện cấp giấy"}),
    )
    .await;
    assert_eq!(declined.status, StatusCode::OK, "{}", declined.body);
    assert_eq!(declined.body["event"], "transfer_declined");
    assert_eq!(declined.body["sub_status"], "at_step");
    // The desk sees the reason in the history and stops the dossier.
    let (view, _) = call(
        &w.app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &[officer(&w.center)],
        None,
    )
    .await;
    assert_ne!(view.body["dossier"]["current_agency"], LAND);
    assert_eq!(
        view.body["dossier"]["declines"][0]["reason"],
        "Thửa đất đang có tranh chấp, không đủ điều kiện cấp giấy"
    );
    let (page, _) = call(
        &w.app,
        "GET",
        &format!("/can-bo/ho-so/{code}"),
        &[("cookie", format!("motcua_dev=nva:{}", w.center))],
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().unwrap_or_default();
    assert!(html.contains("Cơ quan liên thông trả lại hồ sơ"), "{html}");
    assert!(
        html.contains("đang có tranh chấp"),
        "the desk sees the reason"
    );
    let stopped = act(
        &w.app,
        &w.center,
        &code,
        "stop",
        "d-stop",
        json!({"reason": "Thửa đất đang có tranh chấp"}),
    )
    .await;
    assert_eq!(stopped.status, StatusCode::OK, "{}", stopped.body);
    assert_eq!(stopped.body["portal_status"], 8);
    // The registry no longer holds it.
    sector_get(&w, &w.land_key, &code)
        .await
        .assert_problem(StatusCode::NOT_FOUND);
    let t = w
        .app
        .get(&format!("/api/v1/tracking/{code}?verifier={secret}"))
        .await;
    let kinds: Vec<&str> = t.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec![
            "received",
            "transferred",
            "transfer_declined",
            "processing_stopped"
        ]
    );
}
