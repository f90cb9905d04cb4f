//! The online filing form reports every error at once in a GOV.UK-style
//! summary (heading, links to the fields, fields marked invalid, "Lỗi: " in
//! the title), and "Sửa lại" on the review brings back the filled form with
//! the files still held (issue 14 item 4, UX review #5).

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use crate::dossier_support::place;
use crate::support::TestApp;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
const URI: &str = "/thu-tuc/1.001193/nop-truc-tuyen?lang=vi";

/// A multipart form post from a citizen's browser; the status and the page.
async fn post(
    app: &TestApp,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> (StatusCode, String) {
    let b = "filing-form-boundary-5d1e";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (field, file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    let mut req = Request::builder()
        .method("POST")
        .uri(URI)
        .header("content-type", format!("multipart/form-data; boundary={b}"))
        .body(Body::from(body))
        .expect("request");
    let addr: SocketAddr = "198.51.100.93:40000".parse().expect("addr");
    req.extensions_mut().insert(ConnectInfo(addr));
    let res = app.router.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// The value of the hidden input `name`.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name}: {page}"))
        + marker.len();
    page[start..][..page[start..].find('"').expect("quote")].to_owned()
}

/// The opening tag of the element with `id`.
fn tag(page: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{id}: {page}"));
    let start = page[..at].rfind('<').expect("<");
    page[start..][..page[start..].find('>').expect(">") + 1].to_owned()
}

#[tokio::test]
async fn four_bad_fields_and_a_bad_file_are_all_reported_at_once_with_links_to_each() {
    let app = TestApp::new().await;
    let _ = place(&app).await;
    let fields = [
        ("step", "review"),
        ("name", ""),
        ("personal_id", "12345"),
        ("phone", "12345"),
        ("receiving", ""),
    ];
    let fake = b"this is only text, named .pdf".as_slice();
    let (status, page) = post(&app, &fields, &[("file_TP1", "gia-mao.pdf", fake)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("<title>Lỗi: "), "{page}");
    let summary = tag(&page, "error-summary");
    assert!(summary.contains("role=\"alert\""), "{summary}");
    assert!(summary.contains("tabindex=\"-1\""), "{summary}");
    assert!(page.contains("Có lỗi cần sửa"), "{page}");
    assert!(
        page.contains("document.getElementById('error-summary').focus()"),
        "focus moves to the summary"
    );
    let messages = [
        ("name", "Họ và tên không được để trống."),
        (
            "personal_id",
            "Số định danh cá nhân phải gồm đúng 12 chữ số.",
        ),
        (
            "phone",
            "Số điện thoại “12345” không hợp lệ: cần 8 đến 15 chữ số, ví dụ 0912 345 678.",
        ),
        ("receiving", "Vui lòng chọn nơi nộp hồ sơ."),
    ];
    for (field, message) in messages {
        // In the summary, linking to the field...
        assert!(
            page.contains(&format!("<a href=\"#{field}\">{message}</a>")),
            "summary link for {field}: {page}"
        );
        // ...inline, next to it...
        assert!(
            page.contains(&format!(
                "<p class=\"error\" id=\"{field}-error\">{message}</p>"
            )),
            "inline message for {field}: {page}"
        );
        // ...and the field is marked invalid and described by it.
        let input = tag(&page, field);
        assert!(input.contains("aria-invalid=\"true\""), "{input}");
        assert!(input.contains(&format!("{field}-error")), "{input}");
    }
    // The bad file too, in the same answer.
    assert!(page.contains("<a href=\"#file_TP1\">"), "{page}");
    assert!(tag(&page, "file_TP1").contains("aria-invalid=\"true\""));
    // In the order of the form.
    let order: Vec<usize> = [
        "#name\"",
        "#personal_id\"",
        "#phone\"",
        "#receiving\"",
        "#file_TP1\"",
    ]
    .iter()
    .map(|h| page.find(&format!("href=\"{h}")).expect("link"))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    // The phone field tells the browser its shape as well.
    let phone = tag(&page, "phone");
    assert!(phone.contains("pattern=\""), "{phone}");
    assert!(phone.contains("inputmode=\"tel\""), "{phone}");
    // No field error on a form that is fine.
    let (_, blank) = app_get(&app, URI).await;
    assert!(!blank.contains("error-summary"), "{blank}");
    assert!(!blank.contains("aria-invalid=\"true\""), "{blank}");
    assert!(!blank.contains("<title>Lỗi"), "{blank}");
}

async fn app_get(app: &TestApp, uri: &str) -> (StatusCode, String) {
    let answer = app.get(uri).await;
    (
        answer.status,
        answer.body.as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn sua_lai_on_the_review_brings_back_the_filled_form_with_its_files() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let fields = [
        ("step", "review"),
        ("name", "Trần Thị Bình"),
        ("personal_id", "019041666439"),
        ("phone", "0987 654 321"),
        ("address", "Thôn Nà Rì"),
        ("receiving", p.center.as_str()),
    ];
    let (status, review) = post(&app, &fields, &[("file_TP1", "to-khai.pdf", PDF)]).await;
    assert_eq!(status, StatusCode::OK, "{review}");
    assert!(review.contains("name=\"step\" value=\"edit\""), "{review}");
    assert!(review.contains("Sửa lại"), "{review}");
    assert!(
        !review.contains("<a href=\"/thu-tuc/1.001193/nop-truc-tuyen\">"),
        "no link to an empty form: {review}"
    );
    let token = hidden(&review, "token");
    let sig = hidden(&review, "sig");
    // What the review form sends when "Sửa lại" is pressed.
    let edit = [
        ("name", "Trần Thị Bình"),
        ("personal_id", "019041666439"),
        ("phone", "0987 654 321"),
        ("address", "Thôn Nà Rì"),
        ("receiving", p.center.as_str()),
        ("token", token.as_str()),
        ("sig", sig.as_str()),
        ("key", "k"),
        ("step", "edit"),
    ];
    let (status, form) = post(&app, &edit, &[]).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(
        tag(&form, "name").contains("value=\"Trần Thị Bình\""),
        "{form}"
    );
    assert!(tag(&form, "personal_id").contains("value=\"019041666439\""));
    assert!(tag(&form, "phone").contains("value=\"0987 654 321\""));
    assert!(tag(&form, "address").contains("value=\"Thôn Nà Rì\""));
    assert!(
        form.contains(&format!("<option value=\"{}\" selected>", p.center)),
        "the centre stays chosen: {form}"
    );
    assert!(
        form.contains("id=\"kept_TP1\""),
        "the file is still held: {form}"
    );
    assert!(form.contains("to-khai.pdf"), "{form}");
    assert!(!form.contains("error-summary"), "{form}");
    assert!(!form.contains("<title>Lỗi"), "{form}");
    // And from there, review again without choosing the file again.
    let (token, sig) = (hidden(&form, "token"), hidden(&form, "sig"));
    let again = [
        ("step", "review"),
        ("name", "Trần Thị Bình"),
        ("personal_id", "019041666439"),
        ("phone", "0987 654 321"),
        ("receiving", p.center.as_str()),
        ("token", token.as_str()),
        ("sig", sig.as_str()),
    ];
    let (status, review) = post(&app, &again, &[]).await;
    assert_eq!(status, StatusCode::OK, "{review}");
    assert!(review.contains("to-khai.pdf"), "{review}");
}

#[tokio::test]
async fn the_email_and_address_are_checked_kept_on_error_and_filed_with_the_dossier() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let mut fields = vec![
        ("step", "review"),
        ("name", "Trần Thị Bình"),
        ("personal_id", "019041666439"),
        ("phone", "0987 654 321"),
        ("email", "binh.tran@example"),
        ("address", "Thôn Nà Rì, xã Côn Minh"),
        ("receiving", p.center.as_str()),
    ];
    let (status, page) = post(&app, &fields, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    let message = "Thư điện tử “binh.tran@example” không hợp lệ: cần dạng ten@mien.vn, \
                   ví dụ an.nguyen@gmail.com.";
    assert!(
        page.contains(&format!("<a href=\"#email\">{message}</a>")),
        "summary link: {page}"
    );
    assert!(
        page.contains(&format!(
            "<p class=\"error\" id=\"email-error\">{message}</p>"
        )),
        "inline: {page}"
    );
    let email = tag(&page, "email");
    assert!(email.contains("aria-invalid=\"true\""), "{email}");
    assert!(
        email.contains("value=\"binh.tran@example\""),
        "kept: {email}"
    );
    assert!(tag(&page, "address").contains("value=\"Thôn Nà Rì, xã Côn Minh\""));
    assert!(page.contains("(không bắt buộc)"), "optional fields say so");

    // Corrected: the review carries both, and the dossier keeps them.
    fields[4] = ("email", "binh.tran@example.vn");
    let (status, review) = post(&app, &fields, &[("file_TP1", "to-khai.pdf", PDF)]).await;
    assert_eq!(status, StatusCode::OK, "{review}");
    assert_eq!(hidden(&review, "email"), "binh.tran@example.vn");
    let (token, sig, key) = (
        hidden(&review, "token"),
        hidden(&review, "sig"),
        hidden(&review, "key"),
    );
    let mut submit: Vec<(&str, &str)> = fields[1..].to_vec();
    submit.extend([
        ("step", "submit"),
        ("token", token.as_str()),
        ("sig", sig.as_str()),
        ("key", key.as_str()),
    ]);
    let (status, done) = post(&app, &submit, &[]).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let marker = "id=\"dossier-code\" class=\"code\">";
    let start = done.find(marker).expect("code shown") + marker.len();
    let code = &done[start..][..done[start..].find('<').expect("<")];
    let (got, _) = crate::dossier_support::call(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &[crate::dossier_support::officer(&p.center)],
        None,
    )
    .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    let applicant = &got.body["dossier"]["applicant"];
    assert_eq!(applicant["email"], "binh.tran@example.vn");
    assert_eq!(applicant["address"], "Thôn Nà Rì, xã Côn Minh");
}

/// The new address the converter gives for `address` today (the API, no
/// `as_of`: the same day the pages use).
async fn converted(app: &TestApp, address: &str) -> serde_json::Value {
    let a = app
        .request(
            "POST",
            "/api/v1/addresses/convert",
            Some(serde_json::json!({ "address": address })),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.body
}

#[tokio::test]
async fn an_old_address_shows_its_new_one_on_the_review_without_javascript() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let old = "12 Lê Lợi, P. Thạch Thang, Q. Hải Châu, TP. Đà Nẵng";
    let want = converted(&app, old).await;
    assert_eq!(want["status"], "converted", "{want}");
    let new = want["formatted"].as_str().expect("formatted").to_owned();
    assert!(new.starts_with("12 Lê Lợi, Phường "), "{new}");
    let fields = [
        ("step", "review"),
        ("name", "Trần Thị Bình"),
        ("personal_id", "019041666439"),
        ("phone", "0987 654 321"),
        ("address", old),
        ("receiving", p.center.as_str()),
    ];
    let (status, review) = post(&app, &fields, &[("file_TP1", "to-khai.pdf", PDF)]).await;
    assert_eq!(status, StatusCode::OK, "{review}");
    // The address of record stays as typed; the new one is shown beside it.
    assert_eq!(hidden(&review, "address"), old);
    assert!(
        review.contains(&format!(
            "<p class=\"address-new\">Địa chỉ mới: <strong>{new}</strong></p>"
        )),
        "{review}"
    );
    assert!(
        !review.contains("name=\"address_new\""),
        "nothing else sent"
    );

    // A split: every possible new address, none chosen silently; an address
    // the converter does not know: a plain sentence, and filing goes on.
    let split = "Phuong Cong Vi, Quan Ba Dinh, Ha Noi";
    let mut fields = fields;
    fields[4] = ("address", split);
    let (status, review) = post(&app, &fields, &[("file_TP1", "to-khai.pdf", PDF)]).await;
    assert_eq!(status, StatusCode::OK, "{review}");
    assert!(review.contains("data-status=\"ambiguous\""), "{review}");
    assert!(
        review.contains("Phường Ngọc Hà") && review.contains("Phường Giảng Võ"),
        "{review}"
    );
    assert!(!review.contains("class=\"address-new\""), "{review}");
    fields[4] = ("address", "Thôn Nà Rì");
    let (status, review) = post(&app, &fields, &[("file_TP1", "to-khai.pdf", PDF)]).await;
    assert_eq!(status, StatusCode::OK, "{review}");
    assert!(
        review.contains("Chưa nhận ra xã, phường trong địa chỉ này; vẫn nộp được như đã ghi"),
        "{review}"
    );
}

#[tokio::test]
async fn the_address_field_converts_as_one_types_through_a_fragment() {
    let app = TestApp::new().await;
    let (status, form) = app_get(&app, URI).await;
    assert_eq!(status, StatusCode::OK);
    let input = tag(&form, "address");
    assert!(input.contains("data-hx-get=\"/dia-chi/moi\""), "{input}");
    assert!(
        input.contains("data-hx-target=\"#address-hint\""),
        "{input}"
    );
    assert!(form.contains("id=\"address-hint\""), "{form}");
    let old = "P. Thạch Thang, Q. Hải Châu, Đà Nẵng";
    let want = converted(&app, old).await;
    let new = want["formatted"].as_str().expect("formatted");
    let hint = app
        .get("/dia-chi/moi?address=P.%20Th%E1%BA%A1ch%20Thang%2C%20Q.%20H%E1%BA%A3i%20Ch%C3%A2u%2C%20%C4%90%C3%A0%20N%E1%BA%B5ng")
        .await;
    assert_eq!(hint.status, StatusCode::OK);
    let html = hint.body.as_str().expect("html");
    assert!(
        html.contains(&format!("Địa chỉ mới: <strong>{new}</strong>")),
        "{html}"
    );
    assert!(!html.contains("<html"), "a fragment, not a page: {html}");
    // Nothing typed: nothing shown.
    let empty = app.get("/dia-chi/moi?address=").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        !empty
            .body
            .as_str()
            .unwrap_or_default()
            .contains("address-hint"),
        "{}",
        empty.body
    );
}
