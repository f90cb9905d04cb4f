//! A dossier's journey through every action over HTTP, and public tracking.

use axum::http::StatusCode;
use serde_json::json;

use crate::dossier_support::{act, call, desk_filing, key, officer, online_filing, place};
use crate::support::TestApp;

#[tokio::test]
async fn a_dossier_goes_through_every_action() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let (filed, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[key("f-1")],
        Some(online_filing(&p.center)),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = filed.body["code"].as_str().unwrap().to_owned();
    assert!(code.starts_with(&format!("{}-", p.center)), "{code}");
    assert!(code.ends_with("-0001"), "{code}");
    assert_eq!(filed.body["status"], "submitted");
    assert_eq!(filed.body["portal_status"], 1);
    assert_eq!(filed.body["version"], 1);
    let secret = filed.body["tracking_secret"].as_str().unwrap().to_owned();

    let c = p.center.as_str();
    crate::identity::account(
        &app,
        "chuyen-vien-1",
        c,
        &[motcua_domain::identity::Role::Specialist],
    )
    .await;
    let steps = [
        ("receive", json!({}), "received", 2),
        (
            "hand_over",
            json!({"to": "chuyen-vien-1", "step_working_days": 1}),
            "processing",
            4,
        ),
        (
            "request_supplement",
            json!({"reason": "Thiếu giấy tờ", "missing": ["Bản sao CCCD"]}),
            "awaiting_supplement",
            5,
        ),
        ("supplement_received", json!({}), "processing", 4),
        (
            "request_payment",
            json!({"fees": [{"code": "LP1", "name": "Lệ phí", "amount_vnd": 8000, "kind": "levy"}]}),
            "awaiting_payment",
            6,
        ),
        (
            "record_payment",
            json!({"amount_vnd": 8000, "method": "at_desk", "reference": "BL-01"}),
            "processing",
            4,
        ),
        (
            "transfer",
            json!({"to_agency": p.other_committee, "working_days": 2}),
            "processing",
            4,
        ),
        (
            "apologise_and_extend",
            json!({"reason": "Cần xác minh thêm", "extra_working_days": 2}),
            "processing",
            4,
        ),
        (
            "result_ready",
            json!({"documents": [{"name": "Giấy xác nhận tình trạng hôn nhân", "number": "123", "file": null}]}),
            "result_ready",
            9,
        ),
        ("return", json!({"method": "at_desk"}), "returned", 10),
        (
            "rate",
            json!({"rating": "very_satisfied", "comment": "Nhanh"}),
            "returned",
            10,
        ),
    ];
    let mut due_before_extension = None;
    for (i, (action, body, status, portal)) in steps.into_iter().enumerate() {
        let answer = act(&app, c, &code, action, &format!("a-{i}"), body).await;
        assert_eq!(answer.status, StatusCode::OK, "{action}: {}", answer.body);
        assert_eq!(answer.body["status"], status, "{action}");
        assert_eq!(answer.body["portal_status"], portal, "{action}");
        assert_eq!(answer.body["version"], i as u64 + 2, "{action}");
        if action == "receive" {
            assert!(
                answer.body["due_at"].is_string(),
                "reception fixes the due date"
            );
        }
        if action == "transfer" {
            assert_eq!(answer.body["sub_status"], "transferred");
            due_before_extension = Some(answer.body["due_at"].clone());
        }
        if action == "apologise_and_extend" {
            assert_ne!(Some(answer.body["due_at"].clone()), due_before_extension);
        }
    }
    let (view, headers) = call(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &[officer(c)],
        None,
    )
    .await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.body);
    assert_eq!(headers["etag"], "\"12\"");
    assert_eq!(view.body["events"].as_array().unwrap().len(), 12);
    assert_eq!(
        view.body["dossier"]["counts_late"], false,
        "an extension alone is not lateness: the result came before the due date (review D9)"
    );
    assert_eq!(view.body["dossier"]["deciding_agency"], p.committee);
    assert_eq!(view.body["dossier"]["current_agency"], p.other_committee);

    // Public tracking: the QR secret or the phone's last four digits.
    for verifier in [secret.as_str(), "5678"] {
        let t = app
            .get(&format!("/api/v1/tracking/{code}?verifier={verifier}"))
            .await;
        assert_eq!(t.status, StatusCode::OK, "{}", t.body);
        assert_eq!(t.body["status"], "returned");
        assert_eq!(t.body["portal_status"], 10);
        assert_eq!(t.body["timeline"].as_array().unwrap().len(), 12);
        let text = t.body.to_string();
        assert!(
            !text.contains("Nguyễn Thị Lan") && !text.contains("019087123456"),
            "{text}"
        );
    }
    let wrong = app
        .get(&format!("/api/v1/tracking/{code}?verifier=0000"))
        .await;
    let unknown = app
        .get(&format!(
            "/api/v1/tracking/{}-9999?verifier=5678",
            &code[..code.len() - 5]
        ))
        .await;
    wrong.assert_problem(StatusCode::NOT_FOUND);
    unknown.assert_problem(StatusCode::NOT_FOUND);
    assert_eq!(wrong.body, unknown.body, "the same answer for both");
    app.get("/api/v1/tracking/not-a-code?verifier=5678")
        .await
        .assert_problem(StatusCode::BAD_REQUEST);
    app.get(&format!("/api/v1/tracking/{code}"))
        .await
        .assert_problem(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn refusal_stop_and_withdrawal_end_a_dossier() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    let new = |k: &'static str| {
        let app = &app;
        async move {
            let (a, _) = call(
                app,
                "POST",
                "/api/v1/dossiers",
                &[officer(c), key(k)],
                Some(desk_filing()),
            )
            .await;
            assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
            assert_eq!(a.body["status"], "received");
            a.body["code"].as_str().unwrap().to_owned()
        }
    };
    // The online filing, received at the same centre, takes number 0001.
    let (online, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[key("o")],
        Some(online_filing(c)),
    )
    .await;
    let online = online.body["code"].as_str().unwrap().to_owned();
    let refused = act(
        &app,
        c,
        &online,
        "refuse",
        "r",
        json!({"reason": "Không thuộc thẩm quyền"}),
    )
    .await;
    assert_eq!(
        (
            refused.body["status"].as_str(),
            refused.body["portal_status"].as_u64()
        ),
        (Some("refused_at_reception"), Some(3))
    );
    let stopped = new("s").await;
    let a = act(
        &app,
        c,
        &stopped,
        "stop",
        "s1",
        json!({"reason": "Người nộp không bổ sung"}),
    )
    .await;
    assert_eq!(
        (a.body["status"].as_str(), a.body["portal_status"].as_u64()),
        (Some("stopped"), Some(8))
    );
    let withdrawn = new("w").await;
    let a = act(
        &app,
        c,
        &withdrawn,
        "withdraw",
        "w1",
        json!({"reason": "Xin rút"}),
    )
    .await;
    assert_eq!(
        (a.body["status"].as_str(), a.body["portal_status"].as_u64()),
        (Some("withdrawn"), Some(7))
    );
    assert!(
        withdrawn.ends_with("-0003") && stopped.ends_with("-0002"),
        "{stopped} {withdrawn}"
    );
    // A phi địa giới filing: received here, decided by another commune.
    let mut body = desk_filing();
    body["deciding_agency"] = json!(p.other_committee);
    let (other, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[officer(c), key("pdg")],
        Some(body),
    )
    .await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.body);
    let code = other.body["code"].as_str().unwrap();
    let (view, _) = call(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &[officer(c)],
        None,
    )
    .await;
    assert_eq!(view.body["dossier"]["receiving_unit"], p.center);
    assert_eq!(view.body["dossier"]["deciding_agency"], p.other_committee);
    let _ = &p.other_center;
}
