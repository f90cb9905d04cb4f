//! Contract tests of the HTTP registry adapter against a stub gateway (an
//! axum server on port 0): success, not found, mismatch, timeout, a 5xx
//! retried into success, and the circuit breaker opening and recovering.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::NaiveDate;
use motcua_app::ports::registry::RegistryError;
use motcua_app::ports::{CitizenRegistry, TestClock};
use motcua_domain::dossier::{PersonalId, Sex};
use motcua_domain::resident::{MismatchField, RegistryAnswer, RegistryQuery, Resident};
use motcua_registry_http::{GatewayConfig, HttpRegistry, LOOKUP_PATH, WireQuery};
use serde_json::json;

const ID: &str = "019085123456";

/// What the stub does on its n-th call (1-based).
type Behaviour = fn(u32, &WireQuery) -> Response;

#[derive(Clone)]
struct Stub {
    calls: Arc<AtomicU32>,
    behaviour: Behaviour,
    delay: Duration,
}

async fn handle(
    State(stub): State<Stub>,
    headers: HeaderMap,
    Json(q): Json<WireQuery>,
) -> Response {
    let n = stub.calls.fetch_add(1, Ordering::SeqCst) + 1;
    tokio::time::sleep(stub.delay).await;
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer t0ken") {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    (stub.behaviour)(n, &q)
}

async fn start(behaviour: Behaviour) -> (String, Arc<AtomicU32>) {
    start_slow(behaviour, Duration::ZERO).await
}

async fn start_slow(behaviour: Behaviour, delay: Duration) -> (String, Arc<AtomicU32>) {
    let calls = Arc::new(AtomicU32::new(0));
    let app = Router::new()
        .route(LOOKUP_PATH, post(handle))
        .with_state(Stub {
            calls: Arc::clone(&calls),
            behaviour,
            delay,
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), calls)
}

fn config(base: &str) -> GatewayConfig {
    GatewayConfig {
        token: Some("t0ken".into()),
        attempt_timeout: Duration::from_millis(300),
        budget: Duration::from_secs(2),
        max_attempts: 3,
        backoff: Duration::from_millis(20),
        breaker_threshold: 2,
        breaker_cooldown: Duration::from_millis(400),
        ..GatewayConfig::new(base)
    }
}

fn query() -> RegistryQuery {
    RegistryQuery {
        personal_id: PersonalId::parse(ID).unwrap(),
        full_name: "Nguyễn Văn An".into(),
        birth_date: NaiveDate::from_ymd_opt(1985, 3, 4).unwrap(),
    }
}

fn found_body() -> serde_json::Value {
    json!({
        "result": "found",
        "resident": {
            "personal_id": ID,
            "full_name": "Nguyễn Văn An",
            "birth_date": "1985-03-04",
            "sex": "male",
            "permanent_unit": "01840",
            "temporary_unit": null,
            "household_code": "HK01840-0000001",
            "household_relation": "chủ hộ"
        }
    })
}

fn found(_: u32, q: &WireQuery) -> Response {
    assert_eq!(q.personal_id, ID);
    assert_eq!(q.birth_date.to_string(), "1985-03-04");
    Json(found_body()).into_response()
}

fn expected_resident() -> Resident {
    Resident {
        personal_id: PersonalId::parse(ID).unwrap(),
        full_name: "Nguyễn Văn An".into(),
        birth_date: NaiveDate::from_ymd_opt(1985, 3, 4).unwrap(),
        sex: Sex::Male,
        permanent_unit: "01840".into(),
        temporary_unit: None,
        household_code: "HK01840-0000001".into(),
        household_relation: "chủ hộ".into(),
    }
}

#[tokio::test]
async fn success_returns_the_resident() {
    let (base, calls) = start(found).await;
    let registry = HttpRegistry::new(config(&base)).unwrap();
    assert_eq!(
        registry.lookup(&query()).await.unwrap(),
        RegistryAnswer::Found {
            resident: expected_resident()
        }
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(registry.name(), "http");
}

#[tokio::test]
async fn not_found_is_an_answer_not_an_error() {
    let (base, calls) =
        start(|_, _| (StatusCode::NOT_FOUND, Json(json!({"result": "not_found"}))).into_response())
            .await;
    let registry = HttpRegistry::new(config(&base)).unwrap();
    assert_eq!(
        registry.lookup(&query()).await.unwrap(),
        RegistryAnswer::NotFound
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1, "not retried");
}

#[tokio::test]
async fn mismatch_names_the_fields() {
    let (base, _) =
        start(|_, _| Json(json!({"result": "mismatch", "fields": ["birth_date"]})).into_response())
            .await;
    let registry = HttpRegistry::new(config(&base)).unwrap();
    assert_eq!(
        registry.lookup(&query()).await.unwrap(),
        RegistryAnswer::Mismatch {
            fields: vec![MismatchField::BirthDate]
        }
    );
}

#[tokio::test]
async fn a_slow_gateway_times_out_after_the_allowed_attempts() {
    let (base, calls) = start_slow(found, Duration::from_millis(450)).await;
    let registry = HttpRegistry::new(config(&base)).unwrap();
    let started = std::time::Instant::now();
    assert_eq!(registry.lookup(&query()).await, Err(RegistryError::Timeout));
    assert_eq!(calls.load(Ordering::SeqCst), 3, "three attempts");
    assert!(started.elapsed() < Duration::from_secs(2) + Duration::from_millis(500));
}

#[tokio::test]
async fn a_5xx_is_retried_then_succeeds() {
    let (base, calls) = start(|n, q| {
        if n == 1 {
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        } else {
            found(n, q)
        }
    })
    .await;
    let registry = HttpRegistry::new(config(&base)).unwrap();
    assert!(matches!(
        registry.lookup(&query()).await,
        Ok(RegistryAnswer::Found { .. })
    ));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn the_breaker_opens_after_failed_calls_and_closes_after_a_good_trial() {
    let (base, calls) = start(|n, q| {
        if n <= 6 {
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        } else {
            found(n, q)
        }
    })
    .await;
    let clock = TestClock::starting_now();
    let registry = HttpRegistry::new(GatewayConfig {
        clock: clock.clock(),
        ..config(&base)
    })
    .unwrap();
    for _ in 0..2 {
        assert!(matches!(
            registry.lookup(&query()).await,
            Err(RegistryError::Unavailable(_))
        ));
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        6,
        "two calls of three attempts"
    );
    assert_eq!(
        registry.lookup(&query()).await,
        Err(RegistryError::CircuitOpen)
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        6,
        "an open breaker sends nothing"
    );
    // Still open just before the 400 ms cool-down ends, half-open after.
    clock.advance(chrono::TimeDelta::milliseconds(399));
    assert_eq!(
        registry.lookup(&query()).await,
        Err(RegistryError::CircuitOpen)
    );
    clock.advance(chrono::TimeDelta::milliseconds(1));
    assert!(matches!(
        registry.lookup(&query()).await,
        Ok(RegistryAnswer::Found { .. })
    ));
    assert_eq!(calls.load(Ordering::SeqCst), 7);
    assert!(registry.lookup(&query()).await.is_ok(), "closed again");
}

#[tokio::test]
async fn contract_errors_are_not_retried() {
    let (base, calls) = start(|_, _| Json(json!({"result": "maybe"})).into_response()).await;
    let registry = HttpRegistry::new(config(&base)).unwrap();
    assert!(matches!(
        registry.lookup(&query()).await,
        Err(RegistryError::Protocol(_))
    ));
    let (base, _) = start(|_, _| {
        let mut body = found_body();
        body["resident"]["personal_id"] = json!("001099000000");
        Json(body).into_response()
    })
    .await;
    let registry = HttpRegistry::new(config(&base)).unwrap();
    assert!(matches!(
        registry.lookup(&query()).await,
        Err(RegistryError::Protocol(_))
    ));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let wrong_token = GatewayConfig {
        token: None,
        ..config(&base)
    };
    let registry = HttpRegistry::new(wrong_token).unwrap();
    assert_eq!(
        registry.lookup(&query()).await,
        Err(RegistryError::Unavailable("HTTP 401 Unauthorized".into()))
    );
}

#[test]
fn the_token_never_shows_in_debug() {
    let shown = format!("{:?}", config("http://gw"));
    assert!(!shown.contains("t0ken"), "{shown}");
}
