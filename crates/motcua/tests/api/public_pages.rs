//! Public pages never show the catalog's research markers (the officers'
//! views and the catalog itself keep them), and the citizen is never sent
//! to a receipt that does not exist yet (UX review #3, #8).

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use serde_json::json;
use tower::ServiceExt;

use crate::dossier_support::{act, place};
use crate::support::TestApp;

/// What a citizen must never read on a procedure page.
const MARKERS: [&str; 7] = [
    "NOT FOUND",
    "NOT_FOUND",
    "[R]",
    "[S]",
    "[L]",
    "chưa kiểm chứng",
    "(hoặc chưa có thông tin)",
];

/// Every seed procedure code, from the catalog API.
async fn seed_codes(app: &TestApp) -> Vec<String> {
    let list = app.get("/api/v1/procedures?limit=100").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let codes: Vec<String> = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["code"].as_str().expect("code").to_owned())
        .collect();
    assert!(codes.len() >= 19, "the seed has 19 procedures: {codes:?}");
    codes
}

#[tokio::test]
async fn no_procedure_page_shows_research_markers_in_either_language() {
    let app = TestApp::new().await;
    let codes = seed_codes(&app).await;
    for lang in ["vi", "en"] {
        for code in &codes {
            let page = app.get(&format!("/thu-tuc/{code}?lang={lang}")).await;
            assert_eq!(page.status, StatusCode::OK, "{code}");
            let html = page.body.as_str().expect("an HTML page");
            for m in MARKERS {
                assert!(!html.contains(m), "{code} ({lang}) shows {m:?}");
            }
            for tag in html.split("<span class=\"tag\">").skip(1) {
                let tag = tag.split('<').next().unwrap_or_default();
                assert!(!tag.ends_with('.'), "{code} ({lang}): {tag:?}");
                for lead in ["Chỉ khi ", "Only when "] {
                    if let Some(rest) = tag.strip_prefix(lead) {
                        assert!(
                            rest.chars().next().is_some_and(char::is_lowercase),
                            "{code} ({lang}): {tag:?}"
                        );
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn unknown_facts_ask_the_desk_and_free_means_the_catalog_says_free() {
    let app = TestApp::new().await;
    // 1.001193: free when on time, the late fee not found, the exemption [R].
    let birth = app.get("/thu-tuc/1.001193?lang=vi").await;
    let html = birth.body.as_str().expect("html");
    assert!(html.contains("Không thu phí, lệ phí."), "{html}");
    assert!(
        html.contains("mức lệ phí đăng ký quá hạn: chưa có thông tin, hỏi tại bộ phận một cửa."),
        "{html}"
    );
    assert!(
        html.contains(
            "Miễn lệ phí khi đăng ký khai sinh đúng hạn (Luật Hộ tịch 2014, Điều 11 khoản 1)<"
        ),
        "{html}"
    );
    assert!(html.contains("Chỉ khi trẻ bị bỏ rơi<"), "{html}");
    // 1.013314: field, time limit, fees and results all not found.
    let page = app.get("/thu-tuc/1.013314?lang=vi").await;
    let html = page.body.as_str().expect("html");
    assert!(
        !html.contains("Không thu phí"),
        "not known to be free: {html}"
    );
    assert!(
        html.matches("Chưa có thông tin, hỏi tại bộ phận một cửa.")
            .count()
            >= 2,
        "the fees and the results are unknown: {html}"
    );
    assert!(
        html.contains(
            "Lĩnh vực: <span lang=\"vi\">Chưa có thông tin, hỏi tại bộ phận một cửa.</span>"
        ),
        "{html}"
    );
    let en = app.get("/thu-tuc/1.013314?lang=en").await;
    let html = en.body.as_str().expect("html");
    assert!(
        html.contains("Not yet known: ask at the one-stop desk."),
        "{html}"
    );
    // The catalog itself keeps its markers for officers and exports.
    let api = app.get("/api/v1/procedures/1.013314").await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    assert!(api.body.to_string().contains("NOT FOUND"), "{}", api.body);
}

/// A form post from a citizen's browser; the status and the page.
async fn post_form(app: &TestApp, uri: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let b = "public-pages-boundary-7f3a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    let mut req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("content-type", format!("multipart/form-data; boundary={b}"))
        .body(Body::from(body))
        .expect("request");
    let addr: SocketAddr = "198.51.100.91:40000".parse().expect("addr");
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

/// The text of the element with `id` (its first text node).
fn by_id(page: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{id}: {page}"));
    let text = &page[start..];
    let text = &text[text.find('>').expect(">") + 1..];
    text[..text.find('<').expect("<")].to_owned()
}

#[tokio::test]
async fn after_filing_the_receipt_is_promised_not_linked_until_an_officer_receives_it() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let uri = "/thu-tuc/1.004873/nop-truc-tuyen?lang=vi";
    let mut fields = vec![
        ("step", "review".to_owned()),
        ("name", "Trần Thị Bình".to_owned()),
        ("personal_id", "019041666439".to_owned()),
        ("phone", "0987654321".to_owned()),
        ("receiving", p.center.clone()),
    ];
    let as_refs = |f: &[(&'static str, String)]| -> Vec<(&'static str, String)> { f.to_vec() };
    let send = |f: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post_form(app, uri, &refs).await
        }
    };
    let (status, review) = send(as_refs(&fields)).await;
    assert_eq!(status, StatusCode::OK, "{review}");
    fields[0].1 = "submit".to_owned();
    for name in ["token", "sig", "key"] {
        fields.push((name, hidden(&review, name)));
    }
    let (status, done) = send(as_refs(&fields)).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let code = by_id(&done, "dossier-code");
    let secret = by_id(&done, "tracking-secret");
    assert!(!done.contains("bien-nhan"), "no receipt link yet: {done}");
    assert!(!done.contains("Xem giấy tiếp nhận"), "{done}");
    assert!(
        done.contains(
            "Giấy tiếp nhận và hẹn trả kết quả sẽ có khi cán bộ tiếp nhận hồ sơ; bạn sẽ xem được tại trang theo dõi hồ sơ."
        ),
        "{done}"
    );
    let track = format!("/tra-cuu/{code}?verifier={secret}");
    assert!(done.contains(&format!("href=\"{track}\"")), "{done}");

    // Tracking before reception: the same promise, no link.
    let before = app.get(&format!("{track}&lang=vi")).await;
    let html = before.body.as_str().expect("html");
    assert!(html.contains("id=\"receipt-later\""), "{html}");
    assert!(!html.contains("bien-nhan"), "{html}");

    // Received: the tracking page links the receipt, and the link works.
    let received = act(&app, &p.center, &code, "receive", "pp-r1", json!({})).await;
    assert_eq!(received.status, StatusCode::OK, "{}", received.body);
    let after = app.get(&format!("{track}&lang=vi")).await;
    let html = after.body.as_str().expect("html");
    let link = format!("/ho-so/{code}/bien-nhan?verifier={secret}");
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
    assert!(html.contains(&format!("/ho-so/{code}/bien-nhan.pdf?verifier={secret}")));
    assert!(!html.contains("id=\"receipt-later\""), "{html}");
    let receipt = app.get(&link).await;
    assert_eq!(receipt.status, StatusCode::OK, "{}", receipt.body);
    assert!(receipt.content_type.starts_with("text/html"));
}
