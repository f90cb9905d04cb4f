//! Contract tests of the HTTP payment adapter against the stub platform
//! over real HTTP: registering an order (idempotent by id, refused with
//! another amount or a wrong token), the signed callback (checked here
//! with motcua's own verifier), the day's transaction list, and an
//! unreachable platform.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::{TimeZone, Utc};
use motcua_app::ports::Clock;
use motcua_app::ports::payments::{GatewayError, OrderRequest, PaymentGateway};
use motcua_domain::dossier::{FeeKind, FeeLine};
use motcua_domain::payment::PlatformReport;
use motcua_domain::payment::signature::{SIGNATURE_HEADER, TIMESTAMP_HEADER, verify};
use motcua_payment_http::stub::StubPlatform;
use motcua_payment_http::{HttpPaymentGateway, PlatformConfig};

const SECRET: &[u8] = b"bi-mat-chung";

type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// A receiver of callbacks standing in for motcua.
async fn receiver() -> (String, Received) {
    let got: Received = Arc::default();
    async fn take(State(got): State<Received>, headers: HeaderMap, body: Bytes) -> StatusCode {
        got.lock().unwrap().push((headers, body));
        StatusCode::OK
    }
    let app = Router::new()
        .route("/api/v1/payments/callback", post(take))
        .with_state(Arc::clone(&got));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/api/v1/payments/callback"), got)
}

async fn platform(clock: Clock) -> (StubPlatform, HttpPaymentGateway) {
    let stub = StubPlatform::new(SECRET, Some("t0ken".into()), clock);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = stub.spawn(listener).await.unwrap();
    let gateway = HttpPaymentGateway::new(PlatformConfig {
        token: Some("t0ken".into()),
        attempt_timeout: Duration::from_millis(500),
        budget: Duration::from_secs(2),
        ..PlatformConfig::new(base)
    })
    .unwrap();
    (stub, gateway)
}

fn request(callback_url: &str, amount: u64) -> OrderRequest {
    OrderRequest {
        order_id: "TT0123456789ABCDEF0123".into(),
        dossier_code: "H55.X05743-260302-0001".into(),
        amount_vnd: amount,
        lines: vec![FeeLine {
            code: "LP1".into(),
            name: "Lệ phí đăng ký cư trú".into(),
            amount_vnd: amount,
            kind: FeeKind::Levy,
        }],
        return_url: "http://motcua.test/tra-cuu/X/thanh-toan/TT0123456789ABCDEF0123".into(),
        callback_url: callback_url.into(),
    }
}

#[tokio::test]
async fn an_order_is_registered_once_by_its_id() {
    let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 3, 2, 3, 0, 0).unwrap());
    let (stub, gateway) = platform(clock).await;
    let first = gateway
        .create_order(&request("http://x/cb", 50_000))
        .await
        .unwrap();
    assert!(
        first.pay_url.ends_with("/pay/TT0123456789ABCDEF0123"),
        "{first:?}"
    );
    let again = gateway
        .create_order(&request("http://x/cb", 50_000))
        .await
        .unwrap();
    assert_eq!(again, first);
    assert_eq!(stub.orders().len(), 1);
    assert_eq!(stub.orders()[0].lines[0].code, "LP1");
    let other_amount = gateway.create_order(&request("http://x/cb", 40_000)).await;
    assert!(
        matches!(other_amount, Err(GatewayError::Refused(ref m)) if m.contains("409")),
        "{other_amount:?}"
    );
}

#[tokio::test]
async fn a_wrong_token_is_refused() {
    let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 3, 2, 3, 0, 0).unwrap());
    let (stub, _) = platform(clock).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = stub.spawn(listener).await.unwrap();
    let wrong = HttpPaymentGateway::new(PlatformConfig {
        token: Some("sai".into()),
        ..PlatformConfig::new(base)
    })
    .unwrap();
    let got = wrong.create_order(&request("http://x/cb", 50_000)).await;
    assert!(
        matches!(got, Err(GatewayError::Refused(ref m)) if m.contains("401")),
        "{got:?}"
    );
}

#[tokio::test]
async fn the_callback_is_signed_and_the_day_lists_the_transaction() {
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 18, 30, 0).unwrap(); // 01:30 on 3 March in Vietnam
    let clock = Clock::fixed(at);
    let (stub, gateway) = platform(clock).await;
    let (callback_url, got) = receiver().await;
    gateway
        .create_order(&request(&callback_url, 50_000))
        .await
        .unwrap();
    let (_, cb, status) = stub.pay("TT0123456789ABCDEF0123", true).await.unwrap();
    assert_eq!(status, Some(200));
    let received = got.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    let (headers, body) = &received[0];
    assert_eq!(body.as_ref(), cb.body.as_bytes());
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(
        verify(
            SECRET,
            header(TIMESTAMP_HEADER),
            header(SIGNATURE_HEADER),
            body,
            at
        ),
        Ok(())
    );
    assert!(
        verify(
            b"other",
            header(TIMESTAMP_HEADER),
            header(SIGNATURE_HEADER),
            body,
            at
        )
        .is_err()
    );
    let report: PlatformReport = serde_json::from_slice(body).unwrap();
    assert_eq!(report.order_id, "TT0123456789ABCDEF0123");
    assert_eq!(report.amount_vnd, 50_000);
    assert!(report.paid);

    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 3).unwrap();
    let listed = gateway.transactions(day).await.unwrap();
    assert_eq!(listed, vec![report]);
    let before = gateway.transactions(day.pred_opt().unwrap()).await.unwrap();
    assert!(
        before.is_empty(),
        "transactions are listed by their day in Vietnam time"
    );
}

#[tokio::test]
async fn an_unreachable_platform_is_unavailable_within_the_budget() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let gateway = HttpPaymentGateway::new(PlatformConfig {
        attempt_timeout: Duration::from_millis(200),
        budget: Duration::from_millis(800),
        backoff: Duration::from_millis(20),
        ..PlatformConfig::new(base)
    })
    .unwrap();
    let started = std::time::Instant::now();
    let got = gateway.create_order(&request("http://x/cb", 50_000)).await;
    assert!(
        matches!(
            got,
            Err(GatewayError::Unavailable(_) | GatewayError::Timeout)
        ),
        "{got:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}
