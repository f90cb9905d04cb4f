//! Form 01 (Giấy tiếp nhận hồ sơ và hẹn trả kết quả): the printable page and
//! the PDF, for an officer of the dossier's agencies or a verifier holder.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;
use tower::ServiceExt;

use crate::dossier_support::{act, call, key, officer, online_filing, place};
use crate::support::TestApp;

const NAME: &str = "Trần Thị Hồng Nhung";

/// A raw GET: status, content type and body bytes.
async fn raw(
    app: &TestApp,
    uri: &str,
    headers: &[(&str, String)],
) -> (StatusCode, String, Vec<u8>) {
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
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024)
        .await
        .expect("body");
    (status, ct, bytes.to_vec())
}

/// A birth registration received at the desk: the form submitted and
/// digitised, the identity paper shown, the proof of residence waived
/// (population database), with a
/// levy requested afterwards. Returns (code, tracking secret).
async fn received_birth_registration(app: &TestApp, center: &str) -> (String, String) {
    let (filed, _) = call(
        app,
        "POST",
        "/api/v1/dossiers",
        &[officer(center), key("r-1")],
        Some(json!({
            "procedure": "1.001193",
            "applicant": {"kind": "citizen", "id": "019087123456", "name": NAME, "phone": "0912 345 678"},
            "channel": "in_person",
            "components": [
                {"code": "TP1", "state": {"kind": "submitted", "digitised": true}},
                {"code": "TP2", "state": {"kind": "submitted", "digitised": false}},
                {"code": "TP6", "state": {"kind": "presented"}},
                {"code": "TP7", "state": {"kind": "waived", "source": {"kind": "population_database"}}}
            ]
        })),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    assert_eq!(filed.body["status"], "received", "{}", filed.body);
    let code = filed.body["code"].as_str().expect("code").to_owned();
    let secret = filed.body["tracking_secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let paid = act(
        app,
        center,
        &code,
        "request_payment",
        "r-2",
        json!({"fees": [{"code": "LP1", "name": "Lệ phí đăng ký", "amount_vnd": 8000, "kind": "levy"}]}),
    )
    .await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.body);
    (code, secret)
}

#[tokio::test]
async fn the_receipt_page_shows_form_01_to_the_officer_and_the_verifier_holder() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let (code, secret) = received_birth_registration(&app, &p.center).await;

    let (status, ct, body) = raw(
        &app,
        &format!("/ho-so/{code}/bien-nhan"),
        &[officer(&p.center)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/html"), "{ct}");
    let html = String::from_utf8(body).expect("utf-8");
    for expected in [
        NAME,
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        code.as_str(),
        "Đăng ký khai sinh",
        "Tờ khai đăng ký khai sinh",
        "Đã nộp, đã số hóa",
        "Xuất trình (không giữ lại)",
        "Không phải nộp: đã khai thác dữ liệu từ Cơ sở dữ liệu quốc gia về dân cư",
        "8.000 đồng",
        "Hẹn trả kết quả",
        "0********456",
        "<svg",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
    assert!(!html.contains("019087123456"), "the personal id is masked");
    let qr_target = format!("http://127.0.0.1:8080/tra-cuu/{code}?verifier={secret}");
    assert!(
        html.contains(&qr_target),
        "the QR opens tracking with the secret"
    );

    // English, and the verifier routes (secret, last four phone digits).
    let (status, _, body) = raw(
        &app,
        &format!("/ho-so/{code}/bien-nhan?verifier={secret}&lang=en"),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).expect("utf-8");
    assert!(html.contains("Dossier receipt and result appointment"));
    assert!(html.contains("8,000 VND"));
    // The phone's last digits never turn into the QR secret (F4): no
    // secret in the page or the PDF, only the status-only tracking link.
    for uri in [
        format!("/ho-so/{code}/bien-nhan?verifier=5678"),
        format!("/ho-so/{code}/bien-nhan.pdf?verifier=5678"),
    ] {
        let (status, _, body) = raw(&app, &uri, &[]).await;
        if status == StatusCode::OK {
            let text = String::from_utf8_lossy(&body);
            assert!(!text.contains(&secret), "{uri} leaks the QR secret");
            if !uri.contains(".pdf") {
                assert!(text.contains(&format!("/tra-cuu/{code}")), "{uri}");
            }
        } else {
            assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        }
    }

    // Wrong verifier, unknown code, no credentials: the same 404 problem.
    let unknown = format!("{}-9999", code.rsplit_once('-').expect("code").0);
    for uri in [
        format!("/ho-so/{code}/bien-nhan?verifier=0000"),
        format!("/ho-so/{code}/bien-nhan?verifier=not-the-secret"),
        format!("/ho-so/{unknown}/bien-nhan?verifier=5678"),
        format!("/ho-so/{code}/bien-nhan"),
        format!("/ho-so/{code}/bien-nhan.pdf?verifier=0000"),
    ] {
        let (status, ct, body) = raw(&app, &uri, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(ct, "application/problem+json", "{uri}");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("problem");
        assert_eq!(body["code"], "not_found", "{uri}");
    }
    // An officer of another commune does not see it: the same 404 page
    // as an unknown code (F22).
    for uri in [
        format!("/ho-so/{code}/bien-nhan"),
        format!("/ho-so/{unknown}/bien-nhan"),
    ] {
        let (status, ct, body) = raw(&app, &uri, &[officer(&p.other_center)]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(ct, "application/problem+json", "{uri}");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("problem");
        assert_eq!(body["code"], "not_found", "{uri}");
    }
}

#[tokio::test]
async fn the_receipt_pdf_embeds_a_font_and_its_text_reads_back_in_vietnamese() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let (code, secret) = received_birth_registration(&app, &p.center).await;
    for headers in [vec![officer(&p.center)], vec![]] {
        let uri = if headers.is_empty() {
            format!("/ho-so/{code}/bien-nhan.pdf?verifier={secret}")
        } else {
            format!("/ho-so/{code}/bien-nhan.pdf")
        };
        let (status, ct, pdf) = raw(&app, &uri, &headers).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(ct, "application/pdf");
        assert!(pdf.starts_with(b"%PDF-"), "a PDF");
        println!("receipt PDF: {} bytes", pdf.len());
        if let Ok(out) = std::env::var("MOTCUA_RECEIPT_OUT") {
            std::fs::write(out, &pdf).expect("writing the PDF for a look");
        }
        assert!(pdf.len() < 100 * 1024, "small: {} bytes", pdf.len());
        let doc = lopdf::Document::load_mem(&pdf).expect("the PDF parses");
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        assert_eq!(pages, vec![1], "one page");
        let text = doc.extract_text(&pages).expect("text");
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            NAME,
            code.as_str(),
            "Tờ khai đăng ký khai sinh",
            "8.000 đồng",
        ] {
            assert!(flat.contains(expected), "missing {expected:?} in {flat}");
        }
        let fonts = String::from_utf8_lossy(&pdf).matches("/FontFile2").count();
        assert!(fonts >= 1, "the font is embedded");
    }
}

#[tokio::test]
async fn a_dossier_not_yet_received_has_no_receipt() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let (filed, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[key("o-1")],
        Some(online_filing(&p.center)),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = filed.body["code"].as_str().expect("code");
    let (status, ct, _) = raw(
        &app,
        &format!("/ho-so/{code}/bien-nhan"),
        &[officer(&p.center)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(ct, "application/problem+json");
}
