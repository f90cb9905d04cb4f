//! Forms 01–07 (issue 14, review D4–D8): each form's template fields in
//! the page and in the PDF read back, a form that does not apply yet (404
//! page), the register of a period (page, PDF, XLSX) and the work list as
//! XLSX.

use std::io::Read;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Duration;
use motcua_domain::identity::Role;
use serde_json::json;
use tower::ServiceExt;

use crate::dossier_support::{act, call, desk_filing, key, officer, online_filing, place};
use crate::support::TestApp;

/// A raw GET: status, content type, location and body bytes.
async fn raw(
    app: &TestApp,
    uri: &str,
    headers: &[(&str, String)],
) -> (StatusCode, String, String, Vec<u8>) {
    let mut req = Request::builder().uri(uri);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = res.status();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (ct, location) = (header("content-type"), header("location"));
    let bytes = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024)
        .await
        .expect("body");
    (status, ct, location, bytes.to_vec())
}

/// The text of a PDF, whitespace collapsed. With `MOTCUA_FORMS_OUT` set
/// to a directory, each PDF is also written there for a look.
fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    if let Ok(dir) = std::env::var("MOTCUA_FORMS_OUT") {
        let name = format!("{dir}/form-{:x}.pdf", pdf.len());
        std::fs::write(name, pdf).expect("writing the PDF for a look");
    }
    let doc = lopdf::Document::load_mem(pdf).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).expect("text");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The page (200, HTML) and the PDF (200, text read back) of one form,
/// each holding every expected string (the PDF title in capitals).
async fn both(app: &TestApp, uri: &str, headers: &[(&str, String)], title: &str, fields: &[&str]) {
    let (status, ct, _, body) = raw(app, uri, headers).await;
    assert_eq!(status, StatusCode::OK, "{uri}");
    assert!(ct.starts_with("text/html"), "{uri}: {ct}");
    let html = String::from_utf8(body).expect("utf-8");
    assert!(html.contains(title), "{uri}: missing {title:?}");
    for f in fields {
        assert!(html.contains(f), "{uri}: missing {f:?}");
    }
    let pdf_uri = match uri.split_once('?') {
        Some((path, q)) => format!("{path}.pdf?{q}"),
        None => format!("{uri}.pdf"),
    };
    let (status, ct, _, pdf) = raw(app, &pdf_uri, headers).await;
    assert_eq!(status, StatusCode::OK, "{pdf_uri}");
    assert_eq!(ct, "application/pdf", "{pdf_uri}");
    let text = pdf_text(&pdf);
    assert!(
        text.contains(&title.to_uppercase()),
        "{pdf_uri}: missing {title:?} in {text}"
    );
    for f in fields {
        assert!(text.contains(f), "{pdf_uri}: missing {f:?} in {text}");
    }
}

#[tokio::test]
async fn forms_02_to_06_show_their_template_fields_in_the_page_and_the_pdf() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    let (filed, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[key("f-1")],
        Some(online_filing(c)),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = filed.body["code"].as_str().expect("code").to_owned();
    let secret = filed.body["tracking_secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let me = [officer(c)];
    crate::identity::account(&app, "cv-1", c, &[Role::Specialist]).await;
    crate::identity::account(&app, "ld-1", c, &[Role::Leader]).await;
    let form = |n: &str| format!("/ho-so/{code}/bieu-mau/{n}");

    // Nothing has happened yet: 02–06 do not apply, with a page that says so.
    for n in ["02", "03", "04", "05", "06"] {
        let (status, ct, _, body) = raw(&app, &form(n), &me).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{n}");
        assert!(ct.starts_with("text/html"), "{n}: {ct}");
        let html = String::from_utf8(body).expect("utf-8");
        assert!(html.contains("không áp dụng cho hồ sơ này"), "{n}: {html}");
    }
    let (status, _, _, _) = raw(&app, &form("09"), &me).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    for (action, body) in [
        ("receive", json!({})),
        ("hand_over", json!({"to": "cv-1", "step_working_days": 1})),
        (
            "request_supplement",
            json!({"reason": "Thiếu giấy tờ chứng minh", "missing": ["Bản sao CCCD"]}),
        ),
        ("supplement_received", json!({})),
        (
            "apologise_and_extend",
            json!({"reason": "Cần xác minh thêm", "extra_working_days": 2}),
        ),
        ("stop", json!({"reason": "Người nộp không bổ sung"})),
    ] {
        let a = act(&app, c, &code, action, action, body).await;
        assert_eq!(a.status, StatusCode::OK, "{action}: {}", a.body);
        if action == "request_supplement" {
            // While a supplement is awaited, the tracking page links form 02.
            let (status, _, _, page) =
                raw(&app, &format!("/tra-cuu/{code}?verifier={secret}"), &[]).await;
            assert_eq!(status, StatusCode::OK);
            let page = String::from_utf8(page).expect("utf-8");
            assert!(
                page.contains(&format!("/ho-so/{code}/bieu-mau/02?verifier=")),
                "{page}"
            );
        }
    }

    both(
        &app,
        &form("02"),
        &me,
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        &[
            "Mẫu số 02",
            code.as_str(),
            "Nguyễn Thị Lan",
            "Thiếu giấy tờ chứng minh",
            "Bản sao CCCD",
            "Người hướng dẫn",
            "nva",
        ],
    )
    .await;
    both(
        &app,
        &form("04"),
        &me,
        "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
        &[
            "Mẫu số 04",
            "Cần xác minh thêm",
            "Ngày hẹn trả trước đây",
            "Ngày hẹn trả mới",
            "Thủ trưởng cơ quan",
            "Cán bộ ld-1",
        ],
    )
    .await;
    both(
        &app,
        &form("05"),
        &me,
        "Thông báo dừng giải quyết hồ sơ",
        &["Mẫu số 05", "Người nộp không bổ sung", code.as_str()],
    )
    .await;
    both(
        &app,
        &form("06"),
        &me,
        "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        &[
            "Mẫu số 06",
            "Bên giao",
            "Bên nhận",
            "Hạn của bước",
            "Cán bộ cv-1",
        ],
    )
    .await;
    // The applicant with the QR secret sees the stop notice too; without
    // credentials or with a wrong verifier, the tracking 404.
    both(
        &app,
        &format!("{}?verifier={secret}", form("05")),
        &[],
        "Thông báo dừng giải quyết hồ sơ",
        &["Người nộp không bổ sung"],
    )
    .await;
    for (uri, headers) in [
        (form("05"), vec![]),
        (format!("{}?verifier=not-the-secret", form("05")), vec![]),
        (form("05"), vec![officer(&p.other_center)]),
    ] {
        let (status, _, _, _) = raw(&app, &uri, &headers).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri} {headers:?}");
    }
    // The desk's dossier page links the forms that apply.
    let (status, _, _, body) = raw(&app, &format!("/can-bo/ho-so/{code}"), &me).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).expect("utf-8");
    for n in ["05", "06"] {
        assert!(html.contains(&format!("/ho-so/{code}/bieu-mau/{n}")), "{n}");
    }
    // The tracking page names the stop's reason and links form 05.
    let (status, _, _, body) = raw(&app, &format!("/tra-cuu/{code}?verifier={secret}"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).expect("utf-8");
    assert!(html.contains("Lý do dừng giải quyết hồ sơ"), "{html}");
    assert!(html.contains("Người nộp không bổ sung"));
    assert!(html.contains(&format!("/ho-so/{code}/bieu-mau/05?verifier=")));
    // 03 still does not apply to a dossier never refused.
    let (status, _, _, _) = raw(&app, &form("03"), &me).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Form 01 is the receipt.
    let (status, _, location, _) = raw(&app, &form("01"), &me).await;
    assert!(status.is_redirection(), "{status}");
    assert!(
        location.starts_with(&format!("/ho-so/{code}/bien-nhan?")),
        "{location}"
    );

    // A refused filing has form 03 with its reason.
    let (filed, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[key("f-2")],
        Some(online_filing(c)),
    )
    .await;
    let refused = filed.body["code"].as_str().expect("code").to_owned();
    let refused_secret = filed.body["tracking_secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let a = act(
        &app,
        c,
        &refused,
        "refuse",
        "r",
        json!({"reason": "Không thuộc thẩm quyền"}),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    both(
        &app,
        &format!("/ho-so/{refused}/bieu-mau/03"),
        &me,
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        &["Mẫu số 03", "Không thuộc thẩm quyền", refused.as_str()],
    )
    .await;
    let (status, _, _, body) = raw(
        &app,
        &format!("/tra-cuu/{refused}?verifier={refused_secret}"),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).expect("utf-8");
    assert!(html.contains("Lý do không tiếp nhận hồ sơ"), "{html}");
    assert!(html.contains("Không thuộc thẩm quyền"));
    assert!(html.contains(&format!("/ho-so/{refused}/bieu-mau/03?verifier=")));
}

#[tokio::test]
async fn form_01_carries_phone_sets_time_limit_register_entry_and_catalog_fee() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    let (filed, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), key("d-1")],
        Some(desk_filing()),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = filed.body["code"].as_str().expect("code").to_owned();
    let (status, _, _, body) = raw(&app, &format!("/ho-so/{code}/bien-nhan"), &[officer(c)]).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).expect("utf-8");
    let (_, _, _, pdf) = raw(&app, &format!("/ho-so/{code}/bien-nhan.pdf"), &[officer(c)]).await;
    let text = pdf_text(&pdf);
    let seq = code.rsplit_once('-').expect("code").1;

    for expected in [
        "Địa chỉ",
        "Số điện thoại",
        "0*******567",
        "Thư điện tử",
        "Số lượng hồ sơ",
        "1 bộ",
        "Thời gian giải quyết hồ sơ theo quy định",
        "Vào sổ theo dõi hồ sơ",
        "Quyển số",
        seq,
    ] {
        assert!(html.contains(expected), "page: missing {expected:?}");
        assert!(
            text.contains(expected),
            "PDF: missing {expected:?} in {text}"
        );
    }
    assert!(!html.contains("0243 123 4567"), "the phone is masked");

    // A police procedure (tạm trú): its own form CT04, and the catalog's
    // fee instead of "no fees" before any fee is requested.
    let (filed, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), key("d-2")],
        Some(json!({
            "procedure": "1.004194",
            "applicant": {"kind": "citizen", "id": "019087123456", "name": "Lê Văn Tạm", "phone": "0912345678"},
            "channel": "in_person",
            "components": [
                {"code": "TP1", "state": {"kind": "submitted", "digitised": true}},
                {"code": "TP2", "state": {"kind": "submitted", "digitised": true}}
            ]
        })),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let police = filed.body["code"].as_str().expect("code").to_owned();
    let (status, _, _, body) =
        raw(&app, &format!("/ho-so/{police}/bien-nhan"), &[officer(c)]).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).expect("utf-8");
    assert!(html.contains("Mẫu CT04"), "the police form code");
    assert!(!html.contains("Mẫu số 01"), "not the one-stop form");
    assert!(html.contains("15.000 đồng"), "the catalog fee");
    assert!(
        !html.contains("Không thu phí"),
        "never 'no fees' when the catalog lists one"
    );
}

#[tokio::test]
async fn form_01_prints_the_address_and_email_recorded_at_intake() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    const ADDRESS: &str = "Thôn Nà Khoang, xã Côn Minh, tỉnh Thái Nguyên";
    const EMAIL: &str = "lan.nguyen@example.vn";

    // Another portal files with them; the officer reads them back.
    let mut filing = online_filing(c);
    filing.as_object_mut().expect("object").remove("channel");
    filing["applicant"]["address"] = json!(ADDRESS);
    filing["applicant"]["email"] = json!(EMAIL);
    let (filed, _) = call(&app, "POST", "/api/v1/filings", &[key("p-1")], Some(filing)).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = filed.body["code"].as_str().expect("code").to_owned();
    let secret = filed.body["tracking_secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let (got, _) = call(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &[officer(c)],
        None,
    )
    .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    let applicant = &got.body["dossier"]["applicant"];
    assert_eq!(applicant["address"], ADDRESS, "{}", got.body);
    assert_eq!(applicant["email"], EMAIL);
    let received = act(&app, c, &code, "receive", "p-2", json!({})).await;
    assert_eq!(received.status, StatusCode::OK, "{}", received.body);

    // On the receipt, page and PDF, for the officer and the QR holder.
    for uri in [
        format!("/ho-so/{code}/bien-nhan"),
        format!("/ho-so/{code}/bien-nhan?verifier={secret}"),
    ] {
        let headers = if uri.contains("verifier") {
            vec![]
        } else {
            vec![officer(c)]
        };
        let (status, _, _, body) = raw(&app, &uri, &headers).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let html = String::from_utf8(body).expect("utf-8");
        assert!(html.contains(ADDRESS), "{uri}: the address");
        assert!(html.contains(EMAIL), "{uri}: the e-mail");
        assert!(!html.contains("chưa ghi nhận"), "{uri}: nothing left blank");
        let pdf_uri = uri.replacen("/bien-nhan", "/bien-nhan.pdf", 1);
        let (status, _, _, pdf) = raw(&app, &pdf_uri, &headers).await;
        assert_eq!(status, StatusCode::OK, "{pdf_uri}");
        let text = pdf_text(&pdf);
        assert!(
            text.contains(&format!("Địa chỉ: {ADDRESS}")),
            "{pdf_uri}: the address line in {text}"
        );
        assert!(
            text.contains(&format!("Thư điện tử: {EMAIL}")),
            "{pdf_uri}: {text}"
        );
    }
    // The phone's last digits are too weak a proof: masked there, and the
    // tracking page never shows them.
    let (status, _, _, body) =
        raw(&app, &format!("/ho-so/{code}/bien-nhan?verifier=5678"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).expect("utf-8");
    assert!(
        !html.contains(ADDRESS) && !html.contains(EMAIL),
        "masked for phone digits"
    );
    assert!(html.contains("l******yen@example.vn"), "the e-mail masked");
    for verifier in ["5678", secret.as_str()] {
        let (status, _, _, body) =
            raw(&app, &format!("/tra-cuu/{code}?verifier={verifier}"), &[]).await;
        assert_eq!(status, StatusCode::OK);
        let html = String::from_utf8(body).expect("utf-8");
        assert!(
            !html.contains(ADDRESS) && !html.contains(EMAIL),
            "tracking shows neither"
        );
    }

    // At the desk: an address but no e-mail keeps "chưa ghi nhận" for it.
    let mut desk = desk_filing();
    desk["applicant"]["address"] = json!("Số 5 đường Trần Phú");
    let (filed, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), key("d-1")],
        Some(desk),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = filed.body["code"].as_str().expect("code").to_owned();
    let (_, _, _, pdf) = raw(&app, &format!("/ho-so/{code}/bien-nhan.pdf"), &[officer(c)]).await;
    let text = pdf_text(&pdf);
    assert!(text.contains("Địa chỉ: Số 5 đường Trần Phú"), "{text}");
    assert!(
        text.contains("Thư điện tử: ……………… (chưa ghi nhận)"),
        "{text}"
    );

    // Malformed: 400 naming the field, in both languages.
    for (field, value, code) in [
        ("email", json!("lan.nguyen@example"), "applicant.email"),
        ("address", json!("x".repeat(301)), "applicant.address"),
    ] {
        let mut desk = desk_filing();
        desk["applicant"][field] = value;
        let (bad, _) = call(
            &app,
            "POST",
            "/api/v1/dossiers",
            &[officer(c), key(code)],
            Some(desk),
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
        assert_eq!(bad.body["code"], code, "{}", bad.body);
    }
}

/// A walk-in filing refused at the desk: created refused (portal status 3)
/// with form 03, in the register, announced to the portal sync.
async fn walk_in_refusal_on(app: TestApp) {
    let p = place(&app).await;
    let c = p.center.as_str();
    const REASON: &str = "Thủ tục không thuộc thẩm quyền giải quyết của UBND xã";
    let mut body = desk_filing();
    body["outcome"] = json!("refused");
    body["refusal_reason"] = json!(REASON);
    let (refused, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), key("r-1")],
        Some(body.clone()),
    )
    .await;
    assert_eq!(refused.status, StatusCode::CREATED, "{}", refused.body);
    assert_eq!(refused.body["status"], "refused_at_reception");
    assert_eq!(refused.body["portal_status"], 3);
    assert_eq!(refused.body["event"], "reception_refused");
    assert!(refused.body["due_at"].is_null(), "no due date");
    let code = refused.body["code"].as_str().expect("code").to_owned();
    let secret = refused.body["tracking_secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    // The same request again: the same dossier.
    let (again, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), key("r-1")],
        Some(body),
    )
    .await;
    assert_eq!(again.body["code"], code.as_str());

    let (got, _) = call(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &[officer(c)],
        None,
    )
    .await;
    assert_eq!(got.body["dossier"]["channel"], "in_person", "{}", got.body);
    assert!(got.body["dossier"]["received_at"].is_null());

    // Form 03, page and PDF, for the officer and for the applicant's QR.
    both(
        &app,
        &format!("/ho-so/{code}/bieu-mau/03"),
        &[officer(c)],
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        &[REASON],
    )
    .await;
    both(
        &app,
        &format!("/ho-so/{code}/bieu-mau/03?verifier={secret}"),
        &[],
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        &[REASON],
    )
    .await;
    // No receipt (form 01): it was never received.
    let (status, _, _, _) = raw(&app, &format!("/ho-so/{code}/bien-nhan"), &[officer(c)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The register of today lists it with its status.
    let (status, _, _, page) = raw(&app, "/can-bo/so-theo-doi", &[officer(c)]).await;
    assert_eq!(status, StatusCode::OK);
    let page = String::from_utf8(page).expect("utf-8");
    assert!(
        page.contains(&code),
        "the refusal is in the register: {page}"
    );
    assert!(page.contains("Không được tiếp nhận"), "its status");

    // The portal sync: one outbox row, status 3 like an online refusal.
    let outbox = app.state.store.dossier_outbox(&code).await.expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].row.message_type, "dossier.reception_refused");
    let payload: serde_json::Value =
        serde_json::from_str(&outbox[0].row.payload_json).expect("json");
    assert_eq!(payload["portal_status"], 3);

    // Without a reason, for an online filing, a reason without a refusal: 400.
    for (k, change, code) in [
        ("r-2", json!({"outcome": "refused"}), "refusal_reason"),
        (
            "r-3",
            json!({"outcome": "refused", "refusal_reason": "  "}),
            "refusal_reason",
        ),
        (
            "r-4",
            json!({"outcome": "refused", "refusal_reason": REASON, "channel": "online", "receiving_unit": c}),
            "outcome.online",
        ),
        (
            "r-5",
            json!({"refusal_reason": REASON}),
            "refusal_reason.without_refusal",
        ),
    ] {
        let mut body = desk_filing();
        for (name, value) in change.as_object().expect("object") {
            body[name] = value.clone();
        }
        let (bad, _) = call(
            &app,
            "POST",
            "/api/v1/dossiers",
            &[officer(c), key(k)],
            Some(body),
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{k}: {}", bad.body);
        assert_eq!(bad.body["code"], code, "{k}: {}", bad.body);
    }
}

#[tokio::test]
async fn a_walk_in_filing_refused_at_the_desk_gets_form_03_and_a_register_line() {
    walk_in_refusal_on(TestApp::new().await).await;
}

#[tokio::test]
async fn a_walk_in_filing_refused_at_the_desk_gets_form_03_and_a_register_line_on_postgres() {
    walk_in_refusal_on(TestApp::on_postgres().await).await;
}

/// Percent-encodes a form value.
fn enc(raw: &str) -> String {
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

#[tokio::test]
async fn the_desk_form_refuses_a_walk_in_with_its_reason_and_receives_with_address_and_email() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    let committee = c.trim_end_matches(".TT").to_owned();
    let headers = vec![
        ("cookie", format!("motcua_dev=nva:{c}")),
        (
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        ),
    ];
    let post = |pairs: Vec<(&str, &str)>| {
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let (app, headers) = (&app, &headers);
        async move { crate::identity::raw(app, "POST", "/can-bo/tiep-nhan", headers, Some(body)).await }
    };
    let base = vec![
        ("procedure", "1.004873"),
        ("personal_id", "019087123456"),
        ("full_name", "Nguyễn Thị Lan"),
        ("phone", "0912 345 678"),
        ("email", "lan.nguyen@example.vn"),
        ("address", "Thôn Nà Khoang, xã Côn Minh"),
    ];

    // No reason: the form again, an inline Vietnamese error, nothing filed.
    let mut pairs = base.clone();
    pairs.extend([
        ("key", "desk-r-1"),
        ("step", "refuse"),
        ("refusal_reason", " "),
    ]);
    let (status, _, page) = post(pairs).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(
        page.contains("id=\"refusal_reason-error\" role=\"alert\">Vui lòng ghi lý do từ chối tiếp nhận hồ sơ.</p>"),
        "{page}"
    );
    assert!(page.contains("aria-invalid=\"true\""), "{page}");
    assert!(
        page.contains("value=\"lan.nguyen@example.vn\""),
        "the answers are kept"
    );

    // With the reason: refused, and the summary links form 03 (page, PDF).
    let reason = "Hồ sơ không thuộc thẩm quyền tiếp nhận của xã";
    let mut pairs = base.clone();
    pairs.extend([
        ("key", "desk-r-2"),
        ("step", "refuse"),
        ("refusal_reason", reason),
    ]);
    let (status, headers_out, page) = post(pairs).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let location = headers_out["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(
        location.starts_with("/can-bo/tiep-nhan/da-nhan/"),
        "{location}"
    );
    let (status, _, _, done) = raw(
        &app,
        &location,
        &[("cookie", format!("motcua_dev=nva:{c}"))],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let done = String::from_utf8(done).expect("utf-8");
    let code = location
        .rsplit('/')
        .next()
        .expect("code")
        .replace("%2E", ".");
    assert!(done.contains("Đã từ chối tiếp nhận hồ sơ"), "{done}");
    assert!(done.contains("Không được tiếp nhận"), "{done}");
    assert!(!done.contains("id=\"receipt-link\""), "no receipt: {done}");
    let form_03 = format!("/ho-so/{code}/bieu-mau/03");
    assert!(done.contains(&format!("href=\"{form_03}\"")), "{done}");
    assert!(done.contains(&format!("href=\"{form_03}.pdf\"")), "{done}");
    both(
        &app,
        &form_03,
        &[officer(c)],
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        &[reason],
    )
    .await;

    // Received from the same form: the receipt prints address and e-mail.
    let mut pairs = base.clone();
    pairs.extend([
        ("key", "desk-r-3"),
        ("step", "receive"),
        ("deciding_agency", committee.as_str()),
    ]);
    let (status, headers_out, page) = post(pairs).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let location = headers_out["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let code = location
        .rsplit('/')
        .next()
        .expect("code")
        .replace("%2E", ".");
    let (status, _, _, receipt) =
        raw(&app, &format!("/ho-so/{code}/bien-nhan"), &[officer(c)]).await;
    assert_eq!(status, StatusCode::OK);
    let receipt = String::from_utf8(receipt).expect("utf-8");
    assert!(receipt.contains("Thôn Nà Khoang, xã Côn Minh"), "{receipt}");
    assert!(receipt.contains("lan.nguyen@example.vn"), "{receipt}");
}

/// The shared strings and the first sheet of an .xlsx file.
fn xlsx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the XLSX is a zip");
    let mut out = String::new();
    for name in ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"] {
        zip.by_name(name)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .read_to_string(&mut out)
            .expect("utf-8");
    }
    out
}

#[tokio::test]
async fn the_register_lists_the_dossiers_received_in_the_period_as_page_pdf_and_xlsx() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    let mut codes = Vec::new();
    for k in ["d-1", "d-2"] {
        let (filed, _) = call(
            &app,
            "POST",
            "/api/v1/dossiers",
            &[officer(c), key(k)],
            Some(desk_filing()),
        )
        .await;
        assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
        codes.push(filed.body["code"].as_str().expect("code").to_owned());
    }
    let today = app.state.clock.today();
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let period = format!("from={}&to={}", day(today - Duration::days(1)), day(today));
    let me = [officer(c)];

    let (status, ct, _, body) = raw(&app, &format!("/can-bo/so-theo-doi?{period}"), &me).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/html"), "{ct}");
    let html = String::from_utf8(body).expect("utf-8");
    for expected in ["Sổ theo dõi hồ sơ", "Mẫu số 07", "Số thứ tự", "Công ty A"] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
    for code in &codes {
        assert!(html.contains(code.as_str()), "missing {code}");
    }
    let (status, ct, _, pdf) = raw(&app, &format!("/can-bo/so-theo-doi.pdf?{period}"), &me).await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, "application/pdf"));
    let text = pdf_text(&pdf);
    assert!(text.contains("SỔ THEO DÕI HỒ SƠ"), "{text}");
    for code in &codes {
        assert!(
            text.contains(code.as_str()),
            "PDF: missing {code} in {text}"
        );
    }
    let (status, ct, _, xlsx) = raw(&app, &format!("/can-bo/so-theo-doi.xlsx?{period}"), &me).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.contains("spreadsheetml"), "{ct}");
    let sheet = xlsx_text(&xlsx);
    for expected in ["Số thứ tự", "Mã hồ sơ", "Người nộp", codes[0].as_str()] {
        assert!(sheet.contains(expected), "XLSX: missing {expected:?}");
    }

    // Another period lists nothing.
    let (status, _, _, body) = raw(
        &app,
        "/can-bo/so-theo-doi?from=2001-01-01&to=2001-01-31",
        &me,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).expect("utf-8");
    assert!(!html.contains(codes[0].as_str()));
    assert!(html.contains("Không có hồ sơ nào được tiếp nhận trong kỳ"));
    // A period backwards or too long is refused.
    let (status, _, _, _) = raw(
        &app,
        "/can-bo/so-theo-doi?from=2026-02-01&to=2026-01-01",
        &me,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The work list as a spreadsheet: the CSV's header row, masked IDs.
    let (status, ct, _, xlsx) = raw(&app, "/can-bo/ho-so.xlsx?tab=unit", &me).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.contains("spreadsheetml"), "{ct}");
    let sheet = xlsx_text(&xlsx);
    for expected in [
        "Mã hồ sơ",
        "Số định danh (đã che)",
        "Trễ hạn",
        codes[1].as_str(),
    ] {
        assert!(
            sheet.contains(expected),
            "work-list XLSX: missing {expected:?}"
        );
    }
    assert!(!sheet.contains("0100109106"), "the tax code is masked");
    // The work list links both, and the desk menu the register.
    let (status, _, _, body) = raw(&app, "/can-bo/ho-so?tab=unit", &me).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).expect("utf-8");
    assert!(html.contains("href=\"/can-bo/ho-so.xlsx?"), "the XLSX link");
    assert!(
        html.contains("href=\"/can-bo/so-theo-doi\""),
        "the register link"
    );
}

#[tokio::test]
async fn the_desk_shows_an_old_address_in_todays_units_on_the_form_and_the_summary() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    let old = "12 Lê Lợi, P. Thạch Thang, Q. Hải Châu, TP. Đà Nẵng";
    let want = app
        .request(
            "POST",
            "/api/v1/addresses/convert",
            Some(json!({ "address": old })),
        )
        .await;
    assert_eq!(want.body["status"], "converted", "{}", want.body);
    let new = want.body["formatted"]
        .as_str()
        .expect("formatted")
        .to_owned();
    let line = format!("<p class=\"address-new\">Địa chỉ mới: <strong>{new}</strong></p>");
    let headers = vec![
        ("cookie", format!("motcua_dev=nva:{c}")),
        (
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        ),
    ];
    let post = |extra: &[(&str, &str)]| {
        let mut pairs = vec![
            ("procedure", "1.004873"),
            ("personal_id", "019087123456"),
            ("full_name", "Nguyễn Thị Lan"),
            ("phone", "0912 345 678"),
            ("address", old),
        ];
        pairs.extend_from_slice(extra);
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let (app, headers) = (&app, &headers);
        async move { crate::identity::raw(app, "POST", "/can-bo/tiep-nhan", headers, Some(body)).await }
    };
    // The form shown again (here: a refusal without its reason) converts
    // the address without JavaScript, and the field asks htmx as one types.
    let (status, _, page) = post(&[
        ("key", "desk-a-1"),
        ("step", "refuse"),
        ("refusal_reason", " "),
    ])
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains(&line), "{page}");
    assert!(page.contains("data-hx-get=\"/dia-chi/moi\""), "{page}");
    // The summary after the desk is done shows both, the old one as given.
    let (status, out, page) = post(&[
        ("key", "desk-a-2"),
        ("step", "refuse"),
        ("refusal_reason", "Hồ sơ không thuộc thẩm quyền"),
    ])
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let location = out["location"].to_str().expect("location").to_owned();
    let (status, _, _, done) = raw(
        &app,
        &location,
        &[("cookie", format!("motcua_dev=nva:{c}"))],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let done = String::from_utf8(done).expect("utf-8");
    assert!(
        done.contains(&format!("<dd>{old}<div id=\"address-hint\">")),
        "{done}"
    );
    assert!(done.contains(&line), "{done}");
}

/// Issue 14: "Số bộ hồ sơ" from the desk form and the API reaches form 01
/// (page and PDF); 0 and 21 are refused with the field's error and nothing
/// is written.
#[tokio::test]
async fn form_01_prints_the_number_of_sets_received_and_refuses_0_or_21() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    let committee = c.trim_end_matches(".TT").to_owned();
    let headers = vec![
        ("cookie", format!("motcua_dev=nva:{c}")),
        (
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        ),
    ];
    let post = |pairs: Vec<(&str, &str)>| {
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let (app, headers) = (&app, &headers);
        async move { crate::identity::raw(app, "POST", "/can-bo/tiep-nhan", headers, Some(body)).await }
    };
    let count = || async {
        let (list, _) = call(&app, "GET", "/api/v1/dossiers", &[officer(c)], None).await;
        list.body["items"].as_array().expect("items").len()
    };
    let base = vec![
        ("procedure", "1.004873"),
        ("personal_id", "019087123456"),
        ("full_name", "Nguyễn Thị Lan"),
        ("phone", "0912 345 678"),
        ("step", "receive"),
        ("deciding_agency", committee.as_str()),
    ];

    // The desk form: 0 and 21 answer the form again with the inline error,
    // the value kept; nothing filed.
    for (k, bad) in [("sets-0", "0"), ("sets-21", "21"), ("sets-x", "ba")] {
        let mut pairs = base.clone();
        pairs.extend([("key", k), ("sets", bad)]);
        let (status, _, page) = post(pairs).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            page.contains(
                "id=\"sets-error\" role=\"alert\">Số bộ hồ sơ phải là số nguyên từ 1 đến 20.</p>"
            ),
            "{page}"
        );
        assert!(
            page.contains(&format!("name=\"sets\" value=\"{bad}\"")),
            "{page}"
        );
    }
    // The API: a 422 problem naming the field.
    for (k, bad) in [("api-0", 0), ("api-21", 21)] {
        let mut body = desk_filing();
        body["sets"] = json!(bad);
        let (answer, _) = call(
            &app,
            "POST",
            "/api/v1/dossiers",
            &[officer(c), key(k)],
            Some(body),
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            answer.body
        );
        assert_eq!(answer.body["code"], "sets", "{}", answer.body);
        assert!(
            answer.body["detail"]
                .as_str()
                .expect("detail")
                .contains("Số bộ hồ sơ"),
            "{}",
            answer.body
        );
    }
    assert_eq!(count().await, 0, "nothing written");

    // Three sets at the desk: "3 bộ" on form 01, page and PDF.
    let mut pairs = base.clone();
    pairs.extend([("key", "sets-3"), ("sets", "3")]);
    let (status, headers_out, page) = post(pairs).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let location = headers_out["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let code = location
        .rsplit('/')
        .next()
        .expect("code")
        .replace("%2E", ".");
    let (status, _, _, html) = raw(&app, &format!("/ho-so/{code}/bien-nhan"), &[officer(c)]).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(html).expect("utf-8");
    let (status, _, _, pdf) =
        raw(&app, &format!("/ho-so/{code}/bien-nhan.pdf"), &[officer(c)]).await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&pdf);
    for (what, body) in [("page", &html), ("PDF", &text)] {
        assert!(body.contains("Số lượng hồ sơ"), "{what}: {body}");
        assert!(body.contains("3 bộ"), "{what}: the three sets in {body}");
        assert!(
            !body.contains(" 1 bộ"),
            "{what}: not the constant in {body}"
        );
    }

    // Through the API as well, 20 at most.
    let mut body = desk_filing();
    body["sets"] = json!(20);
    let (filed, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), key("api-20")],
        Some(body),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = filed.body["code"].as_str().expect("code").to_owned();
    let (_, _, _, html) = raw(&app, &format!("/ho-so/{code}/bien-nhan"), &[officer(c)]).await;
    assert!(String::from_utf8(html).expect("utf-8").contains("20 bộ"));
    assert_eq!(count().await, 2);
}
