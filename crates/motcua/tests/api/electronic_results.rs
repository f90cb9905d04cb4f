//! Electronic results (issue 15 item 6): the officer attaches the result
//! document, the holder of the verifier downloads it from the tracking
//! page, the download is audited, the officer's history shows it, and the
//! 766 index reads it (indicator 4.1) through `ElectronicResultFacts`.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use motcua_app::ports::service_index::FactScope;
use motcua_domain::identity::Role;
use serde_json::json;
use tower::ServiceExt;

use crate::dossier_support::{act, call, key, officer, online_filing, place};
use crate::sector_support::{PDF, multipart, send};
use crate::support::TestApp;

async fn get(app: &TestApp, uri: &str, headers: &[(&str, String)]) -> (StatusCode, String) {
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
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn result_downloads(app: &TestApp) -> Vec<(String, Option<String>, Option<String>)> {
    app.state
        .store
        .audit_page(0, 1000)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| {
            e.columns
                .purpose
                .as_deref()
                .is_some_and(|p| p.starts_with("tải kết quả điện tử"))
        })
        .map(|e| {
            (
                e.columns.officer_id,
                e.columns.dossier_code,
                e.columns.purpose,
            )
        })
        .collect()
}

#[tokio::test]
async fn an_electronic_result_is_offered_downloaded_with_an_audit_entry_and_counted() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    let (filed, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[key("er-1")],
        Some(online_filing(c)),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = filed.body["code"].as_str().expect("code").to_owned();
    let secret = filed.body["tracking_secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    crate::identity::account(&app, "cv-er", c, &[Role::Specialist]).await;
    for (action, body) in [
        ("receive", json!({})),
        ("hand_over", json!({"to": "cv-er", "step_working_days": 1})),
    ] {
        let a = act(&app, c, &code, action, action, body).await;
        assert_eq!(a.status, StatusCode::OK, "{action}: {}", a.body);
    }
    let me = [officer(c)];
    let (ct, body) = multipart(
        &[("name", "Giấy khai sinh điện tử")],
        Some(("kq.pdf", "application/pdf", PDF)),
    );
    let (done, _) = send(
        &app,
        &format!("/can-bo/ho-so/{code}/ket-qua"),
        &me,
        &ct,
        body,
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

    // The officer's history shows the electronic result as a step, and the
    // notices section (none sent here: no relay in this test).
    let (status, page) = get(&app, &format!("/can-bo/ho-so/{code}?lang=vi"), &me).await;
    assert_eq!(status, StatusCode::OK);
    let timeline = &page[page.find("id=\"h-timeline\"").expect("timeline")..];
    let timeline = &timeline[..timeline.find("</section>").expect("end")];
    assert!(timeline.contains("Đính kèm kết quả điện tử"), "{timeline}");
    assert!(
        timeline.contains("Giấy khai sinh điện tử.pdf"),
        "{timeline}"
    );
    assert!(page.contains("Thông báo đã gửi cho người nộp"), "{page}");
    assert!(page.contains("Chưa có thông báo nào."), "{page}");

    // The holder's download is audited; before it, nothing.
    assert!(result_downloads(&app).await.is_empty());
    let files = app.state.attachments.list(&code).await.expect("files");
    let kq = files
        .iter()
        .find(|f| f.component == "KQ")
        .expect("the result");
    let (status, _) = get(
        &app,
        &format!(
            "/api/v1/dossiers/{code}/attachments/{}?verifier={secret}",
            kq.id
        ),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let audited = result_downloads(&app).await;
    assert_eq!(audited.len(), 1, "{audited:?}");
    assert_eq!(audited[0].0, "citizen:holder");
    assert_eq!(audited[0].1.as_deref(), Some(code.as_str()));
    assert!(
        audited[0]
            .2
            .as_deref()
            .unwrap_or("")
            .contains("Giấy khai sinh điện tử.pdf"),
        "{audited:?}"
    );
    // An officer's download is audited under the officer's id.
    let (status, _) = get(
        &app,
        &format!("/api/v1/dossiers/{code}/attachments/{}", kq.id),
        &me,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let audited = result_downloads(&app).await;
    assert_eq!(audited.len(), 2, "{audited:?}");
    assert!(audited[1].0.starts_with("officer:"), "{audited:?}");

    // The 766 index's fact source (4.1) sees it for the centre's unit.
    let unit = app
        .state
        .store
        .get_agency(c)
        .await
        .expect("agency")
        .expect("exists")
        .unit_code;
    let now = app.state.clock.now();
    let facts = app
        .state
        .store
        .electronic_result_facts(&FactScope {
            units: vec![unit],
            procedure: None,
            from: now - chrono::Duration::days(31),
            to: now + chrono::Duration::days(1),
        })
        .await
        .expect("facts")
        .expect("recorded");
    assert_eq!(facts.len(), 1);
    assert_eq!(facts[0].dossier_code, code);
    assert_eq!(facts[0].attached_at, kq.uploaded_at);
}
