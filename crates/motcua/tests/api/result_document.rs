//! The result document (giấy tờ kết quả) attached on the desk dossier page
//! (`POST /can-bo/ho-so/{code}/ket-qua`) and downloaded by the citizen from
//! the tracking page with the QR secret (issue 14 item 8).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use motcua_domain::identity::Role;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::dossier_support::{act, call, key, officer, online_filing, place};
use crate::sector_support::{PDF, multipart, send};
use crate::support::TestApp;

/// A raw GET: status and body bytes.
async fn get(app: &TestApp, uri: &str, headers: &[(&str, String)]) -> (StatusCode, Vec<u8>) {
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
    let bytes = axum::body::to_bytes(res.into_body(), 16 << 20)
        .await
        .expect("body");
    (status, bytes.to_vec())
}

fn html(body: &Value) -> String {
    body.as_str()
        .map_or_else(|| body.to_string(), str::to_owned)
}

/// The `href` of the link on the list item that names `label`, HTML-unescaped.
fn link_of(page: &str, label: &str) -> Option<String> {
    let at = page.find(label)?;
    let item = &page[page[..at].rfind("<li>")?..at];
    let start = item.find("href=\"")? + 6;
    let end = item[start..].find('"')?;
    Some(
        item[start..start + end]
            .replace("&amp;", "&")
            .replace("&#x3D;", "="),
    )
}

#[tokio::test]
async fn an_officer_attaches_the_result_on_the_page_and_the_qr_holder_downloads_it() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    let (filed, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[key("kq-1")],
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
    let uri = format!("/can-bo/ho-so/{code}/ket-qua");
    let (ct, body) = multipart(
        &[("name", "Giấy khai sinh số 12")],
        Some(("scan.pdf", "application/pdf", PDF)),
    );

    // Not yet being processed: refused inline, nothing stored, no form.
    let (page, _) = get(&app, &format!("/can-bo/ho-so/{code}"), &me).await;
    assert_eq!(page, StatusCode::OK);
    let (early, _) = send(&app, &uri, &me, &ct, body.clone()).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html(&early.body).contains("Chỉ tải lên giấy tờ kết quả khi hồ sơ đang giải quyết"),
        "{}",
        html(&early.body)
    );
    let (_, shown) = get(&app, &format!("/can-bo/ho-so/{code}?lang=vi"), &me).await;
    assert!(!String::from_utf8_lossy(&shown).contains("id=\"result-upload-form\""));

    crate::identity::account(&app, "cv-kq", c, &[Role::Specialist]).await;
    for (action, body) in [
        ("receive", json!({})),
        ("hand_over", json!({"to": "cv-kq", "step_working_days": 1})),
    ] {
        let a = act(&app, c, &code, action, action, body).await;
        assert_eq!(a.status, StatusCode::OK, "{action}: {}", a.body);
    }
    let (_, shown) = get(&app, &format!("/can-bo/ho-so/{code}"), &me).await;
    let shown = String::from_utf8(shown).expect("utf-8");
    assert!(shown.contains("Tải lên giấy tờ kết quả"), "{shown}");
    assert!(shown.contains("enctype=\"multipart/form-data\""), "{shown}");

    // A citizen cannot pass a file off as the result on the API.
    let (ct2, body2) = multipart(
        &[("component", "KQ"), ("verifier", &secret)],
        Some(("kq.pdf", "application/pdf", PDF)),
    );
    let (forged, _) = send(
        &app,
        &format!("/api/v1/dossiers/{code}/attachments"),
        &[],
        &ct2,
        body2,
    )
    .await;
    assert_eq!(
        forged.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        forged.body
    );

    // Another centre's officer: the 404 page, nothing stored.
    let (other, _) = send(&app, &uri, &[officer(&p.other_center)], &ct, body.clone()).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);

    let (done, headers) = send(&app, &uri, &me, &ct, body).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", html(&done.body));
    let location = headers["location"].to_str().expect("location");
    assert_eq!(location, format!("/can-bo/ho-so/{code}?xong=ket-qua"));
    let (_, after) = get(&app, location, &me).await;
    assert!(String::from_utf8_lossy(&after).contains("Đã tải lên giấy tờ kết quả"));

    // The QR holder sees it labelled and downloads the bytes.
    let (status, page) = get(&app, &format!("/tra-cuu/{code}?verifier={secret}"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    let page = String::from_utf8(page).expect("utf-8");
    assert!(page.contains("Kết quả giải quyết"), "{page}");
    assert!(page.contains("Giấy khai sinh số 12"), "{page}");
    let href = link_of(&page, "Kết quả giải quyết").expect("a link to the result");
    assert!(
        href.starts_with(&format!("/api/v1/dossiers/{code}/attachments/")),
        "{href}"
    );
    let (status, bytes) = get(&app, &href, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PDF);
    let (status, page_en) = get(
        &app,
        &format!("/tra-cuu/{code}?verifier={secret}&lang=en"),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&page_en).contains("Result document"));

    // The phone's last digits do not list it.
    let (status, page) = get(&app, &format!("/tra-cuu/{code}?verifier=5678"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    let page = String::from_utf8(page).expect("utf-8");
    assert!(!page.contains("Kết quả giải quyết"), "{page}");
    assert!(!page.contains("/attachments/"), "{page}");
}
