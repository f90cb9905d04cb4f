//! Bad input gets a 4xx Problem Details answer, never a 500.

use axum::http::StatusCode;

use crate::support::TestApp;

#[tokio::test]
async fn bad_input_is_a_problem_not_a_crash() {
    let app = TestApp::new().await;
    let cases = [
        ("/api/v1/units/99999", StatusCode::NOT_FOUND),
        ("/api/v1/units/abc", StatusCode::BAD_REQUEST),
        ("/api/v1/units/0000001", StatusCode::BAD_REQUEST),
        ("/api/v1/units/legacy/99999", StatusCode::NOT_FOUND),
        ("/api/v1/units/legacy/x", StatusCode::BAD_REQUEST),
        ("/api/v1/units?limit=1000000", StatusCode::BAD_REQUEST),
        ("/api/v1/units?limit=0", StatusCode::BAD_REQUEST),
        ("/api/v1/units?limit=-5", StatusCode::BAD_REQUEST),
        ("/api/v1/units?limit=abc", StatusCode::BAD_REQUEST),
        ("/api/v1/units?colour=red", StatusCode::BAD_REQUEST),
        ("/api/v1/units?level=galaxy", StatusCode::BAD_REQUEST),
        ("/api/v1/units?type=bang", StatusCode::BAD_REQUEST),
        ("/api/v1/units?era=future", StatusCode::BAD_REQUEST),
        ("/api/v1/units?parent=1", StatusCode::BAD_REQUEST),
        ("/api/v1/agencies?kind=castle", StatusCode::BAD_REQUEST),
        ("/api/v1/agencies/NOPE", StatusCode::NOT_FOUND),
        ("/api/v1/nothing-here", StatusCode::NOT_FOUND),
    ];
    for (uri, status) in cases {
        let answer = app.get(uri).await;
        assert!(
            answer.status.is_client_error(),
            "{uri} gave {}",
            answer.status
        );
        answer.assert_problem(status);
    }
}

#[tokio::test]
async fn sql_wildcards_in_search_are_plain_text() {
    let app = TestApp::new().await;
    let page = app.get("/api/v1/units?q=%25").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.body["total"], 3355,
        "a lone % folds to nothing and filters nothing"
    );
    let page = app.get("/api/v1/units?q=ha_noi").await;
    assert_eq!(page.body["items"][0]["code"], "01", "_ folds to a space");
}
