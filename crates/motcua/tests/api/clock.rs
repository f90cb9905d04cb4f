//! The working calendar and the legal clock over HTTP, with the worked
//! examples of issue 3.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{Answer, TestApp};

async fn due(app: &TestApp, body: Value) -> Answer {
    app.request("POST", "/api/v1/due-dates", Some(body)).await
}

fn explanation(answer: &Answer) -> String {
    answer.body["explanation"]
        .as_array()
        .expect("explanation lines")
        .iter()
        .map(|l| l.as_str().expect("a line"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn calendar_of_a_year_lists_days_off_with_reasons() {
    let app = TestApp::new().await;
    let y = app.get("/api/v1/calendar/2026").await;
    assert_eq!(y.status, StatusCode::OK, "{}", y.body);
    assert_eq!(y.body["year"], 2026);
    assert_eq!(y.body["official_schedule"], true);
    let days = y.body["days"].as_array().expect("days");
    let tet = days
        .iter()
        .find(|d| d["date"] == "2026-02-17")
        .expect("mùng 1 Tết 2026 is listed");
    assert_eq!(tet["kind"], "holiday");
    assert_eq!(tet["working"], false);
    assert_eq!(tet["source"], "official:9441/TB-BNV");
    let makeup = days
        .iter()
        .find(|d| d["date"] == "2026-01-10")
        .expect("the make-up Saturday is listed");
    assert_eq!(makeup["working"], true);
    assert!(
        y.body["calendar_version"]
            .as_str()
            .is_some_and(|v| v.starts_with("vn-"))
    );
    for year in [1900, 2199] {
        assert_eq!(
            app.get(&format!("/api/v1/calendar/{year}")).await.status,
            StatusCode::OK
        );
    }
    let far = app.get("/api/v1/calendar/2150").await;
    assert_eq!(far.body["official_schedule"], false, "statutory default");
    for (uri, status) in [
        ("/api/v1/calendar/1899", StatusCode::NOT_FOUND),
        ("/api/v1/calendar/2200", StatusCode::NOT_FOUND),
        ("/api/v1/calendar/abc", StatusCode::BAD_REQUEST),
        ("/api/v1/calendar/99999999999", StatusCode::BAD_REQUEST),
    ] {
        app.get(uri).await.assert_problem(status);
    }
}

#[tokio::test]
async fn same_day_procedure_received_friday_at_16_10() {
    let app = TestApp::new().await;
    let a = due(
        &app,
        json!({"received_at": "2025-07-11T16:10:00+07:00", "procedure": {"code": "1.001193"}}),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["due_at"], "2025-07-14T10:00:00+00:00");
    assert_eq!(a.body["due_at_local"], "2025-07-14T17:00:00+07:00");
    assert_eq!(a.body["start_day"], "2025-07-14");
    assert_eq!(a.body["cutoff"], "15:00");
    assert_eq!(
        a.body["procedure"],
        json!({"code": "1.001193", "version": 1})
    );
    assert_eq!(
        a.body["limit"],
        json!({"amount": 0, "unit": "working_days"})
    );
    let text = explanation(&a);
    assert!(text.starts_with("received 2025-07-11 16:10"), "{text}");
    assert!(text.contains("15:00 cut-off"), "{text}");
    assert!(text.contains("2025-07-12 skipped: Thứ Bảy"), "{text}");
    assert!(text.ends_with("due 2025-07-14 17:00"), "{text}");
}

#[tokio::test]
async fn three_working_days_received_the_day_before_tet() {
    let app = TestApp::new().await;
    let a = due(
        &app,
        json!({"received_at": "2026-02-13T09:00:00+07:00", "procedure": {"code": "1.004873", "version": 1}}),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["due_at_local"], "2026-02-25T17:00:00+07:00");
    let text = explanation(&a);
    for day in 16..=20 {
        assert!(
            text.contains(&format!("2026-02-{day} skipped: Tết Âm lịch")),
            "{text}"
        );
    }
    assert!(
        text.contains("2026-02-25 counted as working day 3"),
        "{text}"
    );
}

#[tokio::test]
async fn seven_working_days_paused_two_days_for_a_supplement() {
    let app = TestApp::new().await;
    let body = |pauses: Value| {
        json!({"received_at": "2025-10-06T09:00:00+07:00", "procedure": {"code": "1.004222"},
               "pauses": pauses})
    };
    let plain = due(&app, body(json!([]))).await;
    assert_eq!(plain.body["due_at_local"], "2025-10-15T17:00:00+07:00");
    assert_eq!(plain.body["saturday_morning_reception"], true);
    let paused = due(
        &app,
        body(json!([{"requested_at": "2025-10-07T10:00:00+07:00",
                     "resumed_at": "2025-10-09T10:00:00+07:00"}])),
    )
    .await;
    assert_eq!(paused.status, StatusCode::OK, "{}", paused.body);
    assert_eq!(paused.body["due_at_local"], "2025-10-17T17:00:00+07:00");
    assert!(
        explanation(&paused).contains("(2 working days,"),
        "{}",
        paused.body
    );
    let open = due(
        &app,
        body(json!([{"requested_at": "2025-10-07T10:00:00+07:00"}])),
    )
    .await;
    assert_eq!(
        open.body["due_at"],
        Value::Null,
        "an open pause stops the clock"
    );
    assert_eq!(open.body["paused_since"], "2025-10-07T03:00:00+00:00");
}

#[tokio::test]
async fn an_explicit_limit_with_cutoff_and_an_extension() {
    let app = TestApp::new().await;
    let a = due(
        &app,
        json!({"received_at": "2025-03-03T02:00:00Z",
               "limit": {"amount": 7, "unit": "working_days"},
               "cutoff": "15:00", "saturday_morning_reception": false,
               "extensions": [{"granted_at": "2025-03-10T09:00:00+07:00",
                               "new_due": "2025-03-20T17:00:00+07:00", "reason": "xác minh"}]}),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["due_at_local"], "2025-03-20T17:00:00+07:00");
    assert_eq!(a.body["procedure"], Value::Null);
    assert!(explanation(&a).contains("extension granted"), "{}", a.body);
}

#[tokio::test]
async fn bad_due_date_requests_are_problems() {
    let app = TestApp::new().await;
    let at = "2025-10-06T09:00:00+07:00";
    let cases = [
        (json!({"received_at": at}), StatusCode::BAD_REQUEST),
        (
            json!({"received_at": "yesterday", "limit": {"amount": 1, "unit": "working_days"}}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"received_at": at, "limit": {"amount": 1, "unit": "weeks"}}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"received_at": at, "limit": {"amount": -1, "unit": "working_days"}}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"received_at": at, "limit": {"amount": 1, "unit": "working_days"}, "cutoff": "25:00"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"received_at": at, "limit": {"amount": 1, "unit": "working_days"}, "procedure": {"code": "1.001193"}}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"received_at": at, "procedure": {"code": "1.001193"}, "cutoff": "15:00"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"received_at": at, "procedure": {"code": "nope"}}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"received_at": at, "procedure": {"code": "9.999999"}}),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({"received_at": at, "procedure": {"code": "1.001193", "version": 9}}),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({"received_at": "2025-06-30T09:00:00+07:00", "procedure": {"code": "1.001193"}}),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({"received_at": at, "procedure": {"code": "1.004884"}}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"received_at": at, "limit": {"amount": 3, "unit": "working_days"},
                "pauses": [{"requested_at": "2025-10-01T09:00:00+07:00"}]}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"received_at": "2199-12-31T09:00:00+07:00", "limit": {"amount": 30, "unit": "working_days"}}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"received_at": at, "limit": {"amount": 1, "unit": "working_days"}, "colour": "red"}),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (body, status) in cases {
        let a = due(&app, body.clone()).await;
        assert!(
            a.status.is_client_error(),
            "{body} gave {}: {}",
            a.status,
            a.body
        );
        a.assert_problem(status);
    }
    let not_json = app
        .request("POST", "/api/v1/due-dates", Some(json!("x")))
        .await;
    not_json.assert_problem(StatusCode::BAD_REQUEST);
}
