//! The HTTP adapter of the [`CitizenRegistry`] port: a client for a
//! population-registry gateway speaking the JSON contract of
//! `docs/registry-gateway.md`.
//!
//! Each call has a time budget. Within it, attempts that time out or get a
//! retryable status (429, 500, 502, 503, 504) are retried with exponential
//! back-off, each attempt limited to the smaller of its own timeout and the
//! budget left. Calls that still fail count towards a circuit breaker: after
//! `breaker_threshold` failed calls in a row no request is sent for
//! `breaker_cooldown`, then one trial call decides whether to close it again.
//! Plain HTTP is enough for the tests; TLS is a reqwest feature to enable
//! when a real gateway is deployed.

#![forbid(unsafe_code)]

mod breaker;
mod wire;

use std::time::Duration;

use async_trait::async_trait;
use motcua_app::ports::registry::RegistryError;
use motcua_app::ports::{CitizenRegistry, Clock};
use motcua_domain::resident::{RegistryAnswer, RegistryQuery};
use reqwest::StatusCode;
use tokio::time::Instant;

use breaker::Breaker;
pub use wire::{LOOKUP_PATH, WireAnswer, WireQuery, WireResident};

/// How to reach the gateway and how patient to be.
#[derive(Clone)]
pub struct GatewayConfig {
    /// Base URL, e.g. `http://registry-gateway.internal:8080`.
    pub base_url: String,
    /// Bearer token sent as `Authorization`, if the gateway needs one.
    pub token: Option<String>,
    /// Longest single attempt.
    pub attempt_timeout: Duration,
    /// Longest whole call, retries and back-off included.
    pub budget: Duration,
    /// Most attempts per call.
    pub max_attempts: u32,
    /// First back-off; doubled after each failed attempt.
    pub backoff: Duration,
    /// Failed calls in a row that open the breaker.
    pub breaker_threshold: u32,
    /// How long an open breaker refuses calls.
    pub breaker_cooldown: Duration,
    /// The clock the breaker's cool-down is counted on.
    pub clock: Clock,
}

impl std::fmt::Debug for GatewayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewayConfig")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("attempt_timeout", &self.attempt_timeout)
            .field("budget", &self.budget)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

impl GatewayConfig {
    /// Defaults for a desk look-up: 2 s per attempt, 5 s in all, 3 attempts,
    /// 200 ms first back-off, breaker open for 30 s after 5 failed calls,
    /// the system clock.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            token: None,
            attempt_timeout: Duration::from_secs(2),
            budget: Duration::from_secs(5),
            max_attempts: 3,
            backoff: Duration::from_millis(200),
            breaker_threshold: 5,
            breaker_cooldown: Duration::from_secs(30),
            clock: Clock::system(),
        }
    }
}

/// The gateway client.
#[derive(Debug)]
pub struct HttpRegistry {
    client: reqwest::Client,
    config: GatewayConfig,
    breaker: Breaker,
}

/// What one attempt gave.
enum Attempt {
    Done(Result<RegistryAnswer, RegistryError>),
    Retry(RegistryError),
}

impl HttpRegistry {
    /// A client for `config`.
    pub fn new(config: GatewayConfig) -> Result<Self, RegistryError> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.attempt_timeout)
            .build()
            .map_err(|e| RegistryError::Unavailable(e.to_string()))?;
        Ok(Self {
            client,
            breaker: Breaker::new(
                config.breaker_threshold,
                config.breaker_cooldown,
                config.clock.clone(),
            ),
            config,
        })
    }

    async fn attempt(&self, body: &WireQuery, timeout: Duration) -> Attempt {
        let url = format!(
            "{}{LOOKUP_PATH}",
            self.config.base_url.trim_end_matches('/')
        );
        let mut req = self.client.post(url).json(body).timeout(timeout);
        if let Some(token) = &self.config.token {
            req = req.bearer_auth(token);
        }
        let resp = match req.send().await {
            Ok(resp) => resp,
            Err(e) if e.is_timeout() => return Attempt::Retry(RegistryError::Timeout),
            Err(e) => return Attempt::Retry(RegistryError::Unavailable(without_url(&e))),
        };
        let status = resp.status();
        if matches!(
            status,
            StatusCode::TOO_MANY_REQUESTS
                | StatusCode::INTERNAL_SERVER_ERROR
                | StatusCode::BAD_GATEWAY
                | StatusCode::SERVICE_UNAVAILABLE
                | StatusCode::GATEWAY_TIMEOUT
        ) {
            return Attempt::Retry(RegistryError::Unavailable(format!("HTTP {status}")));
        }
        if status != StatusCode::OK && status != StatusCode::NOT_FOUND {
            return Attempt::Done(Err(RegistryError::Unavailable(format!("HTTP {status}"))));
        }
        let answer = match resp.json::<WireAnswer>().await {
            Ok(a) => a,
            Err(e) if e.is_timeout() => return Attempt::Retry(RegistryError::Timeout),
            Err(e) => return Attempt::Done(Err(RegistryError::Protocol(without_url(&e)))),
        };
        Attempt::Done(answer.into_domain(&body.personal_id))
    }

    async fn call(&self, query: &RegistryQuery) -> Result<RegistryAnswer, RegistryError> {
        let body = WireQuery::from(query);
        let deadline = Instant::now() + self.config.budget;
        let mut backoff = self.config.backoff;
        let mut last = RegistryError::Timeout;
        for attempt in 1..=self.config.max_attempts.max(1) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match self
                .attempt(&body, self.config.attempt_timeout.min(left))
                .await
            {
                Attempt::Done(result) => return result,
                Attempt::Retry(err) => last = err,
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if attempt == self.config.max_attempts || left <= backoff {
                break;
            }
            tokio::time::sleep(backoff).await;
            backoff = backoff.saturating_mul(2);
        }
        Err(last)
    }
}

/// reqwest errors print the URL; keep messages short and free of query data.
fn without_url(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    if let Some(url) = e.url() {
        msg = msg.replace(url.as_str(), "<gateway>");
    }
    msg
}

#[async_trait]
impl CitizenRegistry for HttpRegistry {
    async fn lookup(&self, query: &RegistryQuery) -> Result<RegistryAnswer, RegistryError> {
        let permit = self.breaker.permit()?;
        let result = self.call(query).await;
        // Answers and contract errors mean the gateway is up; only a
        // timeout or unavailability counts against it.
        let healthy = !matches!(
            result,
            Err(RegistryError::Timeout | RegistryError::Unavailable(_))
        );
        self.breaker.record(permit, healthy);
        result
    }

    fn name(&self) -> &'static str {
        "http"
    }
}
