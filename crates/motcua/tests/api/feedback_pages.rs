//! Phản ánh, kiến nghị (PAKN, issue 15 item 4) on the pages: the officer's
//! inbox and case page (`/can-bo/phan-anh...`) and the sender's supplement
//! page (`/phan-anh/{id}/bo-sung`), through the real router.

use axum::http::{HeaderMap, StatusCode, header};
use motcua_domain::audit::mask_identifier;
use motcua_domain::identity::Role;
use serde_json::{Value, json};

use crate::dossier_support::{call, officer, place};
use crate::identity::raw;
use crate::sector_support::send;
use crate::support::TestApp;

const FORM: &str = "application/x-www-form-urlencoded";
const NAME: &str = "Phạm Thị Hồng";
const CONTACT: &str = "0987654321";
const TEXT: &str = "Bộ phận một cửa xã không niêm yết lệ phí chứng thực";

fn encode(raw: &str) -> String {
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

fn html(body: &Value) -> String {
    body.as_str()
        .map_or_else(|| body.to_string(), str::to_owned)
}

/// Posts a page form; answers status, the page (or body) and headers.
async fn post_form(
    app: &TestApp,
    uri: &str,
    headers: &[(&str, String)],
    pairs: &[(&str, &str)],
) -> (StatusCode, String, HeaderMap) {
    let body = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let (a, h) = send(app, uri, headers, FORM, body.into_bytes()).await;
    (a.status, html(&a.body), h)
}

async fn page(app: &TestApp, uri: &str, headers: &[(&str, String)]) -> (StatusCode, String) {
    let (status, h, body) = raw(app, "GET", uri, headers, None).await;
    if status != StatusCode::SEE_OTHER {
        let ct = h
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(ct.starts_with("text/html"), "{uri}: {status} {ct} {body}");
    }
    (status, body)
}

/// A general feedback to `unit` with a name and contact: id and token.
async fn feedback(app: &TestApp, unit: &str, text: &str) -> (String, String) {
    let (a, _) = call(
        app,
        "POST",
        "/api/v1/feedback",
        &[],
        Some(json!({"about": "general", "unit": unit, "name": NAME,
            "contact": CONTACT, "text": text})),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    (
        a.body["id"].as_str().unwrap().to_owned(),
        a.body["token"].as_str().unwrap().to_owned(),
    )
}

async fn unit_of(app: &TestApp, agency: &str) -> String {
    app.state.agencies.get(agency).await.unwrap().unit_code
}

/// The audit entries of reads of the feedback `id`.
async fn feedback_reads(app: &TestApp, id: &str) -> Vec<motcua_domain::audit::AuditColumns> {
    app.state
        .store
        .audit_page(0, 10_000)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.columns)
        .filter(|c| c.purpose.as_deref() == Some(&format!("feedback:{id}")))
        .collect()
}

fn location(h: &HeaderMap) -> String {
    h.get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("a location")
        .to_owned()
}

#[tokio::test]
async fn the_inbox_lists_the_units_feedback_and_not_another_units() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let (unit_a, unit_b) = (
        unit_of(&app, &p.center).await,
        unit_of(&app, &p.other_center).await,
    );
    let (mine, _) = feedback(&app, &unit_a, TEXT).await;
    let (theirs, _) = feedback(&app, &unit_b, "Góp ý về giờ làm việc").await;
    // Received 30 days ago: the answer (15 working days) is overdue.
    let back_then = app.state.clock.now() - chrono::Duration::days(30);
    let late = motcua_app::feedback::FeedbackService::new(
        app.state.store.clone(),
        motcua_app::ports::Clock::fixed(back_then),
    )
    .submit(motcua_app::feedback::NewFeedback {
        about: motcua_app::feedback::About::General {
            unit_code: unit_a.clone(),
        },
        sender: motcua_domain::feedback::Sender::default(),
        text: "Phản ánh cũ chưa được trả lời".into(),
    })
    .await
    .expect("an old feedback")
    .id;

    let (status, inbox) = page(&app, "/can-bo/phan-anh?lang=vi", &[officer(&p.center)]).await;
    assert_eq!(status, StatusCode::OK, "{inbox}");
    assert!(
        inbox.contains(&format!("/can-bo/phan-anh/{mine}")),
        "{inbox}"
    );
    assert!(
        inbox.contains(&format!("/can-bo/phan-anh/{late}")),
        "{inbox}"
    );
    assert!(!inbox.contains(&theirs), "another unit's feedback: {inbox}");
    // The list shows no personal data (reading it is audited on the case page).
    assert!(!inbox.contains(NAME) && !inbox.contains(CONTACT), "{inbox}");
    assert!(inbox.contains("Chưa phân loại"), "{inbox}");
    assert!(
        inbox.contains("aria-current=\"page\">Phản ánh, kiến nghị</a>"),
        "{inbox}"
    );
    // Overdue in words (not colour only), on the late row only; dates dd/mm/yyyy.
    let row = |id: &str| {
        let at = inbox.find(&format!("data-id=\"{id}\"")).expect("row");
        inbox[at..at + inbox[at..].find("</tr>").unwrap()].to_owned()
    };
    assert!(row(&late).contains("quá hạn"), "{}", row(&late));
    assert!(!row(&mine).contains("quá hạn"), "{}", row(&mine));
    // The next deadline as the API lists it, in Vietnam time.
    let (list, _) = call(
        &app,
        "GET",
        "/api/v1/feedback?status=received",
        &[officer(&p.center)],
        None,
    )
    .await;
    let next_due = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == mine.as_str())
        .and_then(|i| i["next_due"].as_str())
        .expect("next_due")
        .parse::<chrono::DateTime<chrono::Utc>>()
        .unwrap();
    let local_due = motcua_domain::format::local_date(next_due);
    assert!(regex_like_date(&local_due), "{local_due}");
    assert!(
        row(&mine).contains(&local_due),
        "{local_due}: {}",
        row(&mine)
    );
    assert!(
        inbox.contains("1 phản ánh, kiến nghị đã quá hạn xử lý"),
        "{inbox}"
    );

    // The other unit's officer sees theirs only.
    let (_, other) = page(&app, "/can-bo/phan-anh", &[officer(&p.other_center)]).await;
    assert!(other.contains(&theirs) && !other.contains(&mine), "{other}");

    // The status filter.
    let (_, answered) = page(
        &app,
        "/can-bo/phan-anh?status=answered",
        &[officer(&p.center)],
    )
    .await;
    assert!(!answered.contains(&mine), "{answered}");
    assert!(
        answered.contains("Không có phản ánh, kiến nghị nào"),
        "{answered}"
    );
    let (_, received) = page(
        &app,
        "/can-bo/phan-anh?status=received",
        &[officer(&p.center)],
    )
    .await;
    assert!(received.contains(&mine), "{received}");
    // A bad filter: inline, 400; another unit named: the 403 page.
    let (bad, body) = page(&app, "/can-bo/phan-anh?status=xyz", &[officer(&p.center)]).await;
    assert_eq!(bad, StatusCode::BAD_REQUEST);
    assert!(body.contains("Trạng thái lọc không hợp lệ"), "{body}");
    let (out, body) = page(
        &app,
        &format!("/can-bo/phan-anh?unit={unit_b}"),
        &[officer(&p.center)],
    )
    .await;
    assert_eq!(out, StatusCode::FORBIDDEN, "{body}");
}

/// Whether a `dd/mm/yyyy` date appears.
fn regex_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(10).any(|w| {
        w[2] == b'/'
            && w[5] == b'/'
            && [0, 1, 3, 4, 6, 7, 8, 9]
                .iter()
                .all(|i| w[*i].is_ascii_digit())
    })
}

#[tokio::test]
async fn an_officer_classifies_answers_and_publishes_from_the_pages_without_sender_data_in_public()
{
    let app = TestApp::new().await;
    let p = place(&app).await;
    let unit = unit_of(&app, &p.center).await;
    let (id, token) = feedback(&app, &unit, TEXT).await;
    let me = [officer(&p.center)];
    let base = format!("/can-bo/phan-anh/{id}/thao-tac");

    let (s, _, h) = post_form(
        &app,
        &format!("{base}/classify"),
        &me,
        &[("classification", "staff_behaviour")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(location(&h), format!("/can-bo/phan-anh/{id}?xong=classify"));
    let (_, shown) = page(&app, &location(&h), &me).await;
    assert!(shown.contains("Đã thực hiện: Phân loại"), "{shown}");
    assert!(
        shown.contains("Về hành vi của cán bộ, công chức"),
        "{shown}"
    );
    // Received: answer, ask for more, refuse are offered; not publish.
    assert!(shown.contains("id=\"form-answer\"") && !shown.contains("id=\"form-publish\""));

    let answer = "Xã đã niêm yết lệ phí chứng thực tại bộ phận một cửa từ ngày 01/12/2026.";
    let (s, _, _) = post_form(&app, &format!("{base}/answer"), &me, &[("text", answer)]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let summary = "Đề nghị niêm yết lệ phí chứng thực tại bộ phận một cửa xã.";
    let (s, _, _) = post_form(&app, &format!("{base}/publish"), &me, &[("text", summary)]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);

    let (_, shown) = page(&app, &format!("/can-bo/phan-anh/{id}"), &me).await;
    assert!(shown.contains("data-status=\"published\""), "{shown}");
    assert!(shown.contains(answer) && shown.contains(summary), "{shown}");
    assert!(shown.contains("Công khai trả lời"), "history: {shown}");

    // The public page: the summary and the answer, none of the sender's data.
    let (_, public) = page(&app, &format!("/phan-anh/cong-khai?unit={unit}"), &[]).await;
    assert!(
        public.contains(summary) && public.contains(answer),
        "{public}"
    );
    for private in [NAME, CONTACT, TEXT, &token] {
        assert!(!public.contains(private), "{private} on the public page");
    }
    // The sender sees the answer with the token.
    let (_, mine) = page(&app, &format!("/phan-anh/{id}?token={token}"), &[]).await;
    assert!(mine.contains(answer), "{mine}");
}

#[tokio::test]
async fn opening_a_case_writes_the_audit_entry_with_the_contact_masked() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let unit = unit_of(&app, &p.center).await;
    let (id, _) = feedback(&app, &unit, TEXT).await;
    assert!(feedback_reads(&app, &id).await.is_empty());
    // The inbox shows no personal data: no audit entry.
    page(&app, "/can-bo/phan-anh", &[officer(&p.center)]).await;
    assert!(feedback_reads(&app, &id).await.is_empty());

    let (status, shown) = page(
        &app,
        &format!("/can-bo/phan-anh/{id}"),
        &[officer(&p.center)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert!(shown.contains(NAME) && shown.contains(CONTACT), "{shown}");
    assert!(shown.contains("đã được ghi nhật ký"), "{shown}");
    let reads = feedback_reads(&app, &id).await;
    assert_eq!(reads.len(), 1, "{reads:?}");
    let r = &reads[0];
    assert_eq!(r.action, "personal_data_lookup");
    assert_eq!(r.outcome, "allowed");
    assert_eq!(r.officer_id, "nva");
    assert_eq!(r.unit_code.as_deref(), Some(unit.as_str()));
    assert_eq!(
        r.subject_masked.as_deref(),
        Some(mask_identifier(CONTACT).as_str())
    );
    assert_ne!(r.subject_masked.as_deref(), Some(CONTACT));
    assert!(r.fields.contains("sender_contact"), "{}", r.fields);

    // Another unit's officer: the 404 page, and no read is recorded.
    let (status, body) = page(
        &app,
        &format!("/can-bo/phan-anh/{id}"),
        &[officer(&p.other_center)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains(NAME) && !body.contains(CONTACT));
    assert_eq!(feedback_reads(&app, &id).await.len(), 1);
}

#[tokio::test]
async fn a_citizen_sends_the_supplement_asked_for_from_the_page() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let unit = unit_of(&app, &p.center).await;
    let (id, token) = feedback(&app, &unit, TEXT).await;
    let me = [officer(&p.center)];
    let what = "Cho biết ngày và giờ bạn đến bộ phận một cửa";
    let (s, _, _) = post_form(
        &app,
        &format!("/can-bo/phan-anh/{id}/thao-tac/request_supplement"),
        &me,
        &[("text", what)],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);

    // The sender's page links to the supplement page.
    let (_, view) = page(&app, &format!("/phan-anh/{id}?token={token}"), &[]).await;
    let link = format!("/phan-anh/{id}/bo-sung?token={token}");
    assert!(view.contains(&link), "{view}");
    let (s, form) = page(&app, &link, &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        form.contains(what) && form.contains("id=\"feedback-supplement\""),
        "{form}"
    );

    let uri = format!("/phan-anh/{id}/bo-sung");
    // Empty: inline, nothing recorded.
    let (s, body, _) = post_form(&app, &uri, &[], &[("token", &token), ("text", "  ")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Hãy nhập thông tin bổ sung"), "{body}");
    // A wrong token: the 404 page with its message.
    let (s, body, _) = post_form(
        &app,
        &uri,
        &[],
        &[("token", "0000"), ("text", "Sáng 03/12/2026")],
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(body.contains("mã bí mật không đúng"), "{body}");
    let (s, body) = page(&app, &format!("{uri}?token=0000"), &[]).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");

    let added = "Tôi đến lúc 9 giờ sáng 03/12/2026";
    let (s, _, h) = post_form(&app, &uri, &[], &[("token", &token), ("text", added)]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, view) = page(&app, &location(&h), &[]).await;
    assert!(view.contains("Đã gửi thông tin bổ sung"), "{view}");
    assert!(view.contains("Đã tiếp nhận, đang xử lý"), "{view}");
    // Nothing asked any more: a second send is refused inline (409).
    let (s, body, _) = post_form(&app, &uri, &[], &[("token", &token), ("text", added)]).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(body.contains("Hiện không có đề nghị bổ sung"), "{body}");

    // The officer sees it and the feedback is to be answered again.
    let (_, case) = page(&app, &format!("/can-bo/phan-anh/{id}"), &me).await;
    assert!(case.contains(added), "{case}");
    assert!(case.contains("data-status=\"received\""), "{case}");
}

#[tokio::test]
async fn bad_input_on_the_desk_pages_is_inline_or_a_4xx_page_never_a_5xx() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let unit = unit_of(&app, &p.center).await;
    let (id, _) = feedback(&app, &unit, TEXT).await;
    let me = [officer(&p.center)];
    let base = format!("/can-bo/phan-anh/{id}/thao-tac");

    let (s, body, _) = post_form(&app, &format!("{base}/answer"), &me, &[("text", "   ")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"error-answer\""), "{body}");
    assert!(body.contains("Hãy nhập nội dung"), "{body}");
    let (s, body, _) = post_form(&app, &format!("{base}/classify"), &me, &[]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Hãy chọn một loại"), "{body}");
    let (s, body, _) = post_form(
        &app,
        &format!("{base}/classify"),
        &me,
        &[("classification", "weather")],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Publishing before answering: refused beside the form (409).
    let (s, body, _) = post_form(
        &app,
        &format!("{base}/publish"),
        &me,
        &[("text", "Tóm tắt")],
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(
        body.contains("Không thực hiện được khi phản ánh ở trạng thái"),
        "{body}"
    );
    // An unknown action and an unknown id: HTML 404 pages.
    let (s, body, _) = post_form(&app, &format!("{base}/delete"), &me, &[("text", "x")]).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(body.contains("Không có thao tác này"), "{body}");
    let (s, body) = page(&app, "/can-bo/phan-anh/PAKN-000000-DEADBEEF", &me).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(body.contains("Không tìm thấy phản ánh"), "{body}");
    let (s, _, _) = post_form(
        &app,
        "/can-bo/phan-anh/PAKN-000000-DEADBEEF/thao-tac/answer",
        &me,
        &[("text", "Trả lời")],
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Another unit's officer cannot act: 404, nothing changed.
    let (s, _, _) = post_form(
        &app,
        &format!("{base}/answer"),
        &[officer(&p.other_center)],
        &[("text", "Trả lời")],
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, shown) = page(&app, &format!("/can-bo/phan-anh/{id}"), &me).await;
    assert!(shown.contains("data-status=\"received\""), "{shown}");

    // A role without HandleFeedback: the 403 page; anonymous: the log-in.
    crate::identity::account(&app, "kt-pakn", &p.center, &[Role::Auditor]).await;
    let key = app
        .state
        .identity
        .create_api_key("kt-pakn", Vec::new(), "test-admin")
        .await
        .unwrap()
        .secret;
    let (s, _) = page(
        &app,
        "/can-bo/phan-anh",
        &[("authorization", format!("Bearer {key}"))],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = page(&app, "/can-bo/phan-anh", &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);

    // A logged-in officer's form posted from another site: refused (CSRF).
    crate::identity::account(&app, "tn-pakn", &p.center, &[Role::Reception]).await;
    let (s, h, _) =
        crate::identity::login(&app, "tn-pakn", "mat-khau-rat-dai", "/can-bo/phan-anh").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let cookie = h
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let (s, _, _) = post_form(
        &app,
        &format!("{base}/answer"),
        &[
            ("cookie", cookie.clone()),
            ("origin", "https://evil.example".into()),
        ],
        &[("text", "Trả lời giả")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // From this server's own page it goes through.
    let (s, body, _) = post_form(
        &app,
        &format!("{base}/answer"),
        &[
            ("cookie", cookie),
            ("origin", "http://127.0.0.1:8080".into()),
        ],
        &[("text", "Trả lời thật")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
}

/// An answer given on the case page writes its notice's outbox row in the
/// same request (ADR 0032 point 9); once the notice sink has sent it (here
/// the SMS sink's steps, without a gateway), the case page's history shows
/// it: the channel, the kind, the outcome and the masked phone.
#[tokio::test]
async fn an_answer_on_the_page_writes_its_notice_and_the_history_shows_it() {
    use motcua_app::notices::{NoticeSettings, Notices, Prepared, feedback_cloud_event};
    use motcua_app::ports::notices::NoticeOutcome;
    use motcua_domain::notice::NoticeChannel;
    let app = TestApp::new().await;
    let p = place(&app).await;
    let unit = unit_of(&app, &p.center).await;
    let (id, _) = feedback(&app, &unit, TEXT).await;
    let me = [officer(&p.center)];
    let answer = "Xã đã niêm yết lệ phí chứng thực.";
    let (s, _, _) = post_form(
        &app,
        &format!("/can-bo/phan-anh/{id}/thao-tac/answer"),
        &me,
        &[("text", answer)],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let rows = app.state.store.dossier_outbox(&id).await.unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].row.message_type, "feedback.answered");

    let event = feedback_cloud_event(
        "19",
        &rows[0].row.message_type,
        &rows[0].dossier_code,
        rows[0].row.event_version,
        &rows[0].row.payload_json,
    )
    .unwrap();
    let notices = Notices::new(
        app.state.store.clone(),
        app.state.store.clone(),
        NoticeSettings::default(),
        app.state.clock.clone(),
    );
    let Prepared::Send(sms) = notices.prepare(&event, NoticeChannel::Sms).await.unwrap() else {
        panic!("the sender's phone gets an SMS");
    };
    assert_eq!(sms.to, CONTACT);
    assert!(
        sms.body.contains(&format!("/phan-anh/{id}")),
        "{}",
        sms.body
    );
    notices.record(&sms, NoticeOutcome::Sent).await.unwrap();
    let Prepared::Skip(row) = notices.prepare(&event, NoticeChannel::Email).await.unwrap() else {
        panic!("no e-mail address: nothing to send");
    };
    notices.record_skipped(&row).await.unwrap();

    let (_, shown) = page(&app, &format!("/can-bo/phan-anh/{id}"), &me).await;
    assert!(
        shown.contains("Tin nhắn SMS: Đã trả lời phản ánh, kiến nghị — Đã gửi"),
        "{shown}"
    );
    assert!(shown.contains(&mask_identifier(CONTACT)), "{shown}");
    assert!(
        shown.contains("Thư điện tử: Đã trả lời phản ánh, kiến nghị — Không gửi"),
        "{shown}"
    );
    assert!(shown.contains("class=\"notice\""), "{shown}");
}
