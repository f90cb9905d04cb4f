//! Notices on the pages (issue 15 item 7): the applicant's choice at
//! filing stops notices to the e-mail and phone given, and the unsubscribe
//! link shows the masked contact and stops notices only when confirmed.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use crate::dossier_support::place;
use crate::support::TestApp;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

async fn request(
    app: &TestApp,
    method: &str,
    uri: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, String) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", content_type)
        .body(Body::from(body))
        .expect("request");
    let addr: SocketAddr = "198.51.100.71:40000".parse().expect("addr");
    req.extensions_mut().insert(ConnectInfo(addr));
    let res = app.router.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn file(app: &TestApp, fields: &[(&str, &str)], pdf: bool) -> (StatusCode, String) {
    let b = "notice-pages-boundary-7c2a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    if pdf {
        body.extend_from_slice(
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"file_TP1\"; filename=\"tk.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(PDF);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    request(
        app,
        "POST",
        "/thu-tuc/1.001193/nop-truc-tuyen?lang=vi",
        &format!("multipart/form-data; boundary={b}"),
        body,
    )
    .await
}

fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name}: {page}"))
        + marker.len();
    page[start..][..page[start..].find('"').expect("quote")].to_owned()
}

#[tokio::test]
async fn the_applicant_opts_out_at_filing_and_the_unsubscribe_link_stops_notices() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let store = app.state.store.clone();
    let fields = [
        ("name", "Trần Thị Bình"),
        ("personal_id", "019041666439"),
        ("phone", "0987 654 321"),
        ("email", "Binh.Tran@example.vn"),
        ("receiving", p.center.as_str()),
        ("no_notices", "1"),
    ];
    let mut review_fields = vec![("step", "review")];
    review_fields.extend(fields);
    let (status, review) = file(&app, &review_fields, true).await;
    assert_eq!(status, StatusCode::OK, "{review}");
    assert_eq!(
        hidden(&review, "no_notices"),
        "1",
        "the choice rides the review"
    );
    let (token, sig, key) = (
        hidden(&review, "token"),
        hidden(&review, "sig"),
        hidden(&review, "key"),
    );
    let mut submit = vec![
        ("step", "submit"),
        ("token", token.as_str()),
        ("sig", sig.as_str()),
        ("key", key.as_str()),
    ];
    submit.extend(fields);
    // Nothing is opted out before the dossier is filed.
    let before = store
        .notice_contact("binh.tran@example.vn", "00000000000000000000000000000001")
        .await
        .unwrap();
    assert!(before.opted_out_at.is_none());
    let (status, done) = file(&app, &submit, false).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(done.contains("id=\"dossier-code\""), "{done}");
    for contact in ["binh.tran@example.vn", "0987654321"] {
        let c = store
            .notice_contact(contact, "00000000000000000000000000000002")
            .await
            .unwrap();
        assert!(c.opted_out_at.is_some(), "{contact} opted out at filing");
    }

    // The unsubscribe link: GET shows the masked contact and stops nothing.
    let token = "0123456789abcdef0123456789abcdef";
    store
        .notice_contact("an.nguyen@example.vn", token)
        .await
        .unwrap();
    let uri = format!("/thong-bao/huy-dang-ky?t={token}");
    let (status, page) = request(&app, "GET", &uri, "text/plain", Vec::new()).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("a*****yen@example.vn"), "{page}");
    assert!(!page.contains("an.nguyen@"), "masked: {page}");
    assert!(page.contains("id=\"unsubscribe-form\""), "{page}");
    let still = store
        .notice_contact("an.nguyen@example.vn", "x")
        .await
        .unwrap();
    assert!(still.opted_out_at.is_none(), "a GET stops nothing");
    let (status, page) = request(
        &app,
        "POST",
        "/thong-bao/huy-dang-ky",
        "application/x-www-form-urlencoded",
        format!("t={token}").into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("id=\"unsubscribe-done\""), "{page}");
    let gone = store
        .notice_contact("an.nguyen@example.vn", "x")
        .await
        .unwrap();
    assert!(gone.opted_out_at.is_some());
    // An unknown token says nothing about anyone.
    let (status, page) = request(
        &app,
        "GET",
        "/thong-bao/huy-dang-ky?t=ffffffffffffffffffffffffffffffff",
        "text/plain",
        Vec::new(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("không hợp lệ"), "{page}");
}
