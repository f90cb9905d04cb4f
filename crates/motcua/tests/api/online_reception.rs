//! An online dossier through the desk (UX review 2026-12, problems 1, 2 and
//! 4): a birth registration filed online with only the declaration (TP1)
//! and the birth certificate (TP2) is received from the checklist, its
//! identity paper (TP6) shown in original and its proof of residence (TP7)
//! taken from the population database after a look-up under a grant; the
//! officer sees the citizen's files and the supplements they send.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use motcua_app::attachments::Upload;
use motcua_app::dossiers::{ComponentChoices, ComponentInput, NewDossierInput};
use motcua_domain::dossier::{Actor, Channel, ComponentState};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::dossier_support::{act, call, officer, place};
use crate::identity::{import_applicant, lookup_body};
use crate::support::TestApp;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

/// Files procedure 1.001193 online the way the filing form does, with a PDF
/// for TP1 and a PNG for TP2; returns (code, tracking secret).
async fn filed_with_files(app: &TestApp, center: &str, k: &str) -> (String, String) {
    let mut staged = Vec::new();
    for (component, file_name, bytes) in [
        ("TP1", "to-khai.pdf", PDF),
        ("TP2", "giay-chung-sinh.png", PNG),
    ] {
        staged.push(
            app.state
                .attachments
                .stage(&Upload {
                    component: component.into(),
                    file_name: file_name.into(),
                    declared_type: None,
                    bytes: bytes.to_vec().into(),
                })
                .await
                .expect("staged"),
        );
    }
    let input = NewDossierInput {
        procedure: "1.001193".into(),
        applicant: motcua_app::dossiers::ApplicantInput {
            kind: motcua_app::dossiers::ApplicantKind::Citizen,
            id: "019087123456".into(),
            name: "Nguyễn Thị Lan".into(),
            phone: Some("0912345678".into()),
            address: None,
            email: None,
        },
        channel: Channel::Online,
        receiving_unit: Some(center.into()),
        deciding_agency: None,
        components: ComponentChoices::States(
            ["TP1", "TP2"]
                .into_iter()
                .map(|code| ComponentInput {
                    code: code.into(),
                    state: ComponentState::Submitted { digitised: true },
                })
                .collect(),
        ),
        due_at: None,
        outcome: motcua_app::dossiers::IntakeOutcome::Received,
        refusal_reason: None,
        sets: None,
    };
    let (answer, _) = app
        .state
        .dossiers
        .create_with_attachments(Actor::Citizen("anonymous".into()), None, k, input, staged)
        .await
        .expect("filed online");
    assert_eq!(answer.status, "submitted");
    (answer.code, answer.tracking_secret.expect("secret"))
}

async fn page(app: &TestApp, center: &str, uri: &str) -> String {
    let (res, _) = call(app, "GET", uri, &[officer(center)], None).await;
    assert_eq!(res.status, StatusCode::OK, "{uri}");
    res.body.as_str().expect("an HTML page").to_owned()
}

fn component<'a>(dossier: &'a Value, code: &str) -> &'a Value {
    dossier["dossier"]["components"]
        .as_array()
        .expect("components")
        .iter()
        .find(|c| c["code"] == code)
        .expect("component")
}

async fn live_grant(app: &TestApp, center: &str) -> String {
    let unit = app.state.agencies.get(center).await.unwrap().unit_code;
    let (grant, _) = call(
        app,
        "POST",
        "/api/v1/grants",
        // Given by the unit's administrator, not by the officer themself.
        &[("authorization", format!("Bearer dev:quan-tri:{center}"))],
        Some(json!({"officer_id": "nva", "unit_code": unit, "purpose": "tiếp nhận hồ sơ", "days": 30})),
    )
    .await;
    assert_eq!(grant.status, StatusCode::CREATED, "{}", grant.body);
    grant.body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_online_dossier_is_received_with_papers_shown_and_taken_from_the_population_database() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    import_applicant(&app).await;
    let (code, secret) = filed_with_files(&app, c, "online-1").await;

    // Right after filing, nothing is "to supply": no officer asked (UX #4).
    let (tracked, _) = call(
        &app,
        "GET",
        &format!("/api/v1/tracking/{code}?verifier={secret}"),
        &[],
        None,
    )
    .await;
    assert_eq!(tracked.status, StatusCode::OK, "{}", tracked.body);
    assert_eq!(tracked.body["missing"], json!([]), "{}", tracked.body);

    // The officer's page lists the citizen's files, each opening inline,
    // and the checklist of the in-person desk (UX #1, #2).
    let html = page(&app, c, &format!("/can-bo/ho-so/{code}")).await;
    assert!(!html.contains("Chưa có tệp đính kèm nào"), "{html}");
    assert!(html.contains("to-khai.pdf") && html.contains("giay-chung-sinh.png"));
    assert!(html.contains("?inline=true"), "links open in the browser");
    assert!(html.contains("id=\"receive-checklist\""), "{html}");
    assert!(html.contains("name=\"c_TP6\"") && html.contains("value=\"presented\""));
    assert!(html.contains("action=\"/can-bo/ho-so/") && html.contains("/tra-cuu\""));

    // Without decisions the required papers are missing.
    let bare = act(&app, c, &code, "receive", "r-0", json!({})).await;
    assert_eq!(bare.status, StatusCode::CONFLICT, "{}", bare.body);
    assert_eq!(bare.body["code"], "checklist_incomplete", "{}", bare.body);
    // "reused" needs a look-up first; decisions and waivers are checked.
    let decisions = json!({"components": {"TP6": "presented", "TP7": "reused"}});
    let early = act(&app, c, &code, "receive", "r-1", decisions.clone()).await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST, "{}", early.body);
    assert_eq!(early.body["code"], "component.reuse_without_lookup");
    let unknown = act(
        &app,
        c,
        &code,
        "receive",
        "r-2",
        json!({"components": {"TP6": "shown"}}),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);
    let not_waivable = act(
        &app,
        c,
        &code,
        "receive",
        "r-3",
        json!({"components": {"TP1": "waived:population_db"}}),
    )
    .await;
    assert_eq!(not_waivable.status, StatusCode::BAD_REQUEST);
    assert_eq!(not_waivable.body["code"], "component.waiver");

    // The look-up for this dossier, under a grant, is recorded ...
    let grant = live_grant(&app, c).await;
    let (found, _) = call(
        &app,
        "POST",
        "/api/v1/registry/lookups",
        &[officer(c)],
        Some(lookup_body(Some(&code), None)),
    )
    .await;
    assert_eq!(found.body["status"], "found", "{}", found.body);
    // ... so the page now offers "taken from the population database".
    let html = page(&app, c, &format!("/can-bo/ho-so/{code}")).await;
    assert!(html.contains("id=\"reuse-recorded\""), "{html}");

    let received = act(&app, c, &code, "receive", "r-4", decisions).await;
    assert_eq!(received.status, StatusCode::OK, "{}", received.body);
    assert_eq!(received.body["status"], "received");
    let (view, _) = call(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &[officer(c)],
        None,
    )
    .await;
    assert_eq!(component(&view.body, "TP1")["state"]["kind"], "submitted");
    assert_eq!(component(&view.body, "TP1")["state"]["digitised"], true);
    assert_eq!(component(&view.body, "TP6")["state"]["kind"], "presented");
    let tp7 = &component(&view.body, "TP7")["state"];
    assert_eq!(tp7["kind"], "waived", "{tp7}");
    assert_eq!(tp7["source"]["kind"], "population_database");
    assert_eq!(tp7["reuse"]["grant_id"], grant.as_str(), "{tp7}");
    assert_eq!(tp7["reuse"]["officer"], "nva");

    // A caller cannot claim a look-up it did not make: a sent record is dropped.
    let (other, _) = filed_with_files(&app, c, "online-2").await;
    let forged = act(
        &app,
        c,
        &other,
        "receive",
        "r-5",
        json!({"components": [
            {"code": "TP6", "state": {"kind": "presented"}},
            {"code": "TP7", "state": {"kind": "waived", "source": {"kind": "population_database"},
                "reuse": {"looked_up_at": "2026-01-01T00:00:00Z", "officer": "nva", "grant_id": grant}}}
        ]}),
    )
    .await;
    assert_eq!(forged.status, StatusCode::OK, "{}", forged.body);
    let (view, _) = call(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{other}"),
        &[officer(c)],
        None,
    )
    .await;
    assert!(
        component(&view.body, "TP7")["state"]["reuse"].is_null(),
        "{}",
        view.body
    );

    // The file opens in the browser.
    let (list, _) = call(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}/attachments"),
        &[officer(c)],
        None,
    )
    .await;
    let id = list.body[0]["id"].as_str().unwrap().to_owned();
    let res = app
        .router
        .clone()
        .oneshot(
            Request::builder()
                .uri(format!(
                    "/api/v1/dossiers/{code}/attachments/{id}?inline=true"
                ))
                .header("authorization", officer(c).1)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("inline;"), "{disposition}");
}

#[tokio::test]
async fn a_supplement_from_the_citizen_shows_in_the_timeline_with_its_files() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    let (code, secret) = filed_with_files(&app, c, "online-s").await;

    // Received from the page's form: both papers shown in original.
    let (received, _) = call(
        &app,
        "POST",
        &format!("/can-bo/ho-so/{code}/thao-tac/receive"),
        &[
            officer(c),
            ("content-type", "application/x-www-form-urlencoded".into()),
        ],
        None,
    )
    .await;
    // (an empty form: the required papers are missing, shown inline)
    assert_eq!(received.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = "key=desk-form-1&c_TP1=submitted&c_TP2=submitted&c_TP6=presented&c_TP7=presented";
    let res = app
        .router
        .clone()
        .oneshot(
            Request::builder()
                .method("POST")
                .uri(format!("/can-bo/ho-so/{code}/thao-tac/receive"))
                .header("authorization", officer(c).1)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "received from the page"
    );

    let asked = act(
        &app,
        c,
        &code,
        "request_supplement",
        "s-1",
        json!({"reason": "Giấy chứng sinh bị mờ", "missing": ["Giấy chứng sinh (bản rõ nét)"]}),
    )
    .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let waiting = page(&app, c, "/can-bo/ho-so?tab=supplement").await;
    assert!(waiting.contains(&code), "the supplement tab lists it");

    // The citizen sends a clearer scan with the tracking secret.
    let boundary = "motcua-online-reception-boundary";
    let mut upload = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"component\"\r\n\r\nTP2\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chung-sinh-ro.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    upload.extend_from_slice(PDF);
    upload.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = app
        .router
        .clone()
        .oneshot(
            Request::builder()
                .method("POST")
                .uri(format!(
                    "/api/v1/dossiers/{code}/attachments?verifier={secret}"
                ))
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(upload))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    let file: Value = serde_json::from_slice(&bytes).expect("json");
    let file_id = file["id"].as_str().expect("file id").to_owned();

    // A `supplement_sent` event names the stored file, the legal status
    // stays (the clock stays paused) and the outbox carries it to the
    // hub and the portal (a progress step; TrangThaiHoSo stays 5).
    let events = app.state.store.dossier_events(&code).await.unwrap();
    let last = events.last().expect("events");
    assert_eq!(last.event_type, "supplement_sent");
    assert!(last.event_json.contains(&file_id), "{}", last.event_json);
    assert_eq!(last.idempotency_key, format!("supplement-sent-{file_id}"));
    let outbox = app.state.store.dossier_outbox(&code).await.unwrap();
    let sent_rows: Vec<_> = outbox
        .iter()
        .filter(|r| r.row.message_type == "dossier.supplement_sent")
        .collect();
    assert_eq!(sent_rows.len(), 1, "one outbox row");
    let payload: Value = serde_json::from_str(&sent_rows[0].row.payload_json).unwrap();
    assert_eq!(payload["portal_status"], 5, "still awaiting a supplement");
    assert_eq!(
        payload["event"]["payload"]["files"][0]["id"],
        file_id.as_str()
    );
    let event: motcua_domain::dossier::Event =
        serde_json::from_value(payload["event"].clone()).expect("event");
    assert_eq!(
        motcua_exchange::portal::map::step_text(&event.payload),
        "Công dân gửi giấy tờ bổ sung, chờ cán bộ kiểm tra"
    );
    // The same file recorded again (a retry) appends nothing.
    let row = app
        .state
        .attachments
        .list(&code)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.id == file_id)
        .expect("stored");
    let (_, replayed) = app
        .state
        .dossiers
        .record_supplement_sent(&code, &secret, &row)
        .await
        .expect("a retry answers the first answer");
    assert!(replayed);
    let again = app.state.store.dossier_events(&code).await.unwrap();
    assert_eq!(again.len(), events.len(), "no second event");
    // The phone's last digits never send one.
    let refused = app
        .state
        .dossiers
        .record_supplement_sent(&code, "5678", &row)
        .await;
    assert!(refused.is_err(), "{refused:?}");

    let html = page(&app, c, &format!("/can-bo/ho-so/{code}")).await;
    let timeline = html
        .split("id=\"h-timeline\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("timeline");
    assert!(timeline.contains("Công dân gửi bổ sung"), "{timeline}");
    assert_eq!(
        timeline.matches("chung-sinh-ro.pdf").count(),
        1,
        "one step, from the event: {timeline}"
    );
    assert!(
        html.contains("to-khai.pdf"),
        "the first files are still listed"
    );
    assert!(
        html.contains("Công dân đã gửi bổ sung"),
        "the sub-state shows on the dossier page"
    );
    assert!(
        html.contains("id=\"dossier-status\">Chờ bổ sung giấy tờ"),
        "the legal status stays"
    );

    // The "Chờ bổ sung" tab marks the row.
    let waiting = page(&app, c, "/can-bo/ho-so?tab=supplement").await;
    assert!(
        waiting.contains(&format!("id=\"sent-{code}\"")) && waiting.contains("Đã gửi bổ sung"),
        "{waiting}"
    );

    // From the tracking page too: stored, then recorded.
    let mut form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"verifier\"\r\n\r\n{secret}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"component\"\r\n\r\nTP2\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chung-sinh-2.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    form.extend_from_slice(PDF);
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = app
        .router
        .clone()
        .oneshot(
            Request::builder()
                .method("POST")
                .uri(format!("/tra-cuu/{code}/bo-sung"))
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(form))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("sent=1"), "{location}");
    let events = app.state.store.dossier_events(&code).await.unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.event_type == "supplement_sent")
            .count(),
        2
    );
    let html = page(&app, c, &format!("/can-bo/ho-so/{code}")).await;
    assert!(html.contains("chung-sinh-2.pdf"), "the second file");

    // The officer records the supplement: the clock resumes, the mark goes.
    let resumed = act(&app, c, &code, "supplement_received", "s-2", json!({})).await;
    assert_eq!(resumed.status, StatusCode::OK, "{}", resumed.body);
    let html = page(&app, c, &format!("/can-bo/ho-so/{code}")).await;
    assert!(!html.contains("Công dân đã gửi bổ sung"));
    let timeline = html
        .split("id=\"h-timeline\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("timeline");
    assert!(
        timeline.contains("chung-sinh-ro.pdf"),
        "the history keeps the files"
    );
    let waiting = page(&app, c, "/can-bo/ho-so?tab=supplement").await;
    assert!(!waiting.contains(&code), "no longer waiting");

    // A file stored when no supplement is awaited gets no event (refused),
    // yet is not lost: the desk still shows it as the citizen's step.
    let dossier = app
        .state
        .dossiers
        .authorize(
            &motcua_app::dossiers::Accessor::Holder(secret.clone()),
            &code,
        )
        .await
        .expect("holder");
    let late = app
        .state
        .attachments
        .add(
            &dossier,
            &Upload {
                component: "TP2".into(),
                file_name: "gui-muon.pdf".into(),
                declared_type: None,
                bytes: PDF.to_vec().into(),
            },
            "citizen:holder",
        )
        .await
        .expect("stored");
    let refused = app
        .state
        .dossiers
        .record_supplement_sent(&code, &secret, &late)
        .await;
    assert!(
        matches!(refused, Err(motcua_app::dossiers::DossierError::Refused(_))),
        "{refused:?}"
    );
    let html = page(&app, c, &format!("/can-bo/ho-so/{code}")).await;
    let timeline = html
        .split("id=\"h-timeline\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("timeline");
    assert!(timeline.contains("gui-muon.pdf"), "{timeline}");
}

/// Standard base64 (padded), for the filing API's bodies.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[tokio::test]
async fn another_portal_files_online_with_base64_files_once_per_key() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    assert_eq!(base64(b"Ma"), "TWE=");
    let filing = |files: Value| {
        json!({
            "procedure": "1.001193",
            "applicant": {"kind": "citizen", "id": "019087123456", "name": "Nguyễn Thị Lan", "phone": "0912345678"},
            "receiving_unit": c,
            "components": files,
        })
    };
    let files = json!({
        "TP1": [{"file_name": "to-khai.pdf", "content_type": "application/pdf", "content_base64": base64(PDF)}],
        "TP2": [{"file_name": "giay-chung-sinh.png", "content_base64": base64(PNG)}],
    });
    let post = |body: Value, k: Option<&str>| {
        let app = &app;
        let headers: Vec<(&str, String)> = k
            .map(|k| vec![("idempotency-key", k.to_owned())])
            .unwrap_or_default();
        async move { call(app, "POST", "/api/v1/filings", &headers, Some(body)).await }
    };
    let (filed, _) = post(filing(files.clone()), Some("portal-1")).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    assert_eq!(filed.body["status"], "submitted");
    let code = filed.body["code"].as_str().unwrap().to_owned();
    let secret = filed.body["tracking_secret"].as_str().unwrap().to_owned();
    let (listed, _) = call(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}/attachments?verifier={secret}"),
        &[],
        None,
    )
    .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let mut names: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["display_name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["giay-chung-sinh.png", "to-khai.pdf"]);

    // The same key again: the first answer, nothing written twice.
    let (again, headers) = post(filing(files.clone()), Some("portal-1")).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
    assert_eq!(again.body["code"], code.as_str());
    assert_eq!(headers["idempotent-replayed"], "true");

    let (no_key, _) = post(filing(files.clone()), None).await;
    assert_eq!(no_key.status, StatusCode::BAD_REQUEST);
    let (bad, _) = post(
        filing(json!({"TP1": [{"file_name": "a.pdf", "content_base64": "@@@"}]})),
        Some("portal-2"),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert_eq!(bad.body["code"], "invalid_base64");
    let (lie, _) = post(
        filing(json!({"TP1": [{"file_name": "a.pdf", "content_base64": base64(b"plain text")}]})),
        Some("portal-3"),
    )
    .await;
    assert_eq!(
        lie.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        lie.body
    );
    let (unknown, _) = post(
        filing(json!({"TP99": [{"file_name": "a.pdf", "content_base64": base64(PDF)}]})),
        Some("portal-4"),
    )
    .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.body
    );
}

#[tokio::test]
async fn at_the_desk_reused_needs_the_officers_own_look_up() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    import_applicant(&app).await;
    let desk = json!({
        "procedure": "1.001193",
        "applicant": {"kind": "citizen", "id": "019087123456", "name": "Nguyễn Thị Lan", "phone": "0912345678"},
        "channel": "in_person",
        "components": {"TP1": "submitted", "TP2": "submitted", "TP6": "presented", "TP7": "reused"},
    });
    let (early, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), ("idempotency-key", "desk-1".into())],
        Some(desk.clone()),
    )
    .await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST, "{}", early.body);
    assert_eq!(early.body["code"], "component.reuse_without_lookup");
    let grant = live_grant(&app, c).await;
    let (found, _) = call(
        &app,
        "POST",
        "/api/v1/registry/lookups",
        &[officer(c)],
        Some(lookup_body(
            None,
            Some("Tiếp nhận hồ sơ tại bộ phận một cửa"),
        )),
    )
    .await;
    assert_eq!(found.body["status"], "found", "{}", found.body);
    let (received, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), ("idempotency-key", "desk-2".into())],
        Some(desk),
    )
    .await;
    assert_eq!(received.status, StatusCode::CREATED, "{}", received.body);
    assert_eq!(received.body["status"], "received");
    let code = received.body["code"].as_str().unwrap();
    let (view, _) = call(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &[officer(c)],
        None,
    )
    .await;
    let tp7 = &component(&view.body, "TP7")["state"];
    assert_eq!(tp7["reuse"]["grant_id"], grant.as_str(), "{tp7}");
    assert_eq!(component(&view.body, "TP1")["state"]["digitised"], false);
}
