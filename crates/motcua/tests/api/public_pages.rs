//! Public pages never show the catalog's research markers; the officers'
//! views and the catalog itself keep them.

use axum::http::StatusCode;

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
