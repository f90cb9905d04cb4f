//! The HTTP adapter of the [`PaymentGateway`] port: a client of the payment
//! platform's redirect-and-callback contract (`wire`), and the stub
//! platform ([`stub`]) that speaks the same contract for tests, demos and
//! `motcua payment-stub`.
//!
//! Each call has a time budget; an attempt that times out or gets 429/5xx
//! is retried with a doubling back-off inside it. Both calls may be
//! retried: registering an order is idempotent by its identifier, and the
//! transaction list is a read. The callback comes the other way (the
//! platform posts to motcua) and is checked by
//! `motcua_domain::payment::signature`. ADR 0029 says why a crate of its
//! own and what of the national platform is not known.

#![forbid(unsafe_code)]

pub mod stub;
pub mod wire;

use std::time::Duration;

use async_trait::async_trait;
use chrono::NaiveDate;
use motcua_app::ports::payments::{Checkout, GatewayError, OrderRequest, PaymentGateway};
use motcua_domain::payment::PlatformReport;
use reqwest::StatusCode;
use tokio::time::Instant;

pub use wire::{
    ORDERS_PATH, TRANSACTIONS_PATH, WireCheckout, WireLine, WireOrder, WireTransaction,
    WireTransactions,
};

/// How to reach the platform and how patient to be.
#[derive(Clone)]
pub struct PlatformConfig {
    /// Base URL, e.g. `https://thanhtoan.example.gov.vn`.
    pub base_url: String,
    /// Bearer token sent as `Authorization`, if the platform needs one.
    pub token: Option<String>,
    /// Longest single attempt.
    pub attempt_timeout: Duration,
    /// Longest whole call, retries and back-off included.
    pub budget: Duration,
    /// Most attempts per call.
    pub max_attempts: u32,
    /// First back-off; doubled after each failed attempt.
    pub backoff: Duration,
}

impl std::fmt::Debug for PlatformConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformConfig")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("attempt_timeout", &self.attempt_timeout)
            .field("budget", &self.budget)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

impl PlatformConfig {
    /// Defaults for a citizen waiting on a button: 3 s per attempt, 8 s in
    /// all, 3 attempts, 200 ms first back-off.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            token: None,
            attempt_timeout: Duration::from_secs(3),
            budget: Duration::from_secs(8),
            max_attempts: 3,
            backoff: Duration::from_millis(200),
        }
    }
}

/// The platform client.
#[derive(Debug)]
pub struct HttpPaymentGateway {
    client: reqwest::Client,
    config: PlatformConfig,
}

/// What one attempt gave.
enum Attempt<T> {
    Done(Result<T, GatewayError>),
    Retry(GatewayError),
}

fn retryable(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::INTERNAL_SERVER_ERROR
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// reqwest errors print the URL; keep messages short.
fn without_url(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    if let Some(url) = e.url() {
        msg = msg.replace(url.as_str(), "<platform>");
    }
    msg
}

impl HttpPaymentGateway {
    /// A client for `config`.
    pub fn new(config: PlatformConfig) -> Result<Self, GatewayError> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.attempt_timeout)
            .build()
            .map_err(|e| GatewayError::Unavailable(e.to_string()))?;
        Ok(Self { client, config })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url.trim_end_matches('/'))
    }

    async fn attempt<T: serde::de::DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Attempt<T> {
        let mut req = req.timeout(timeout);
        if let Some(token) = &self.config.token {
            req = req.bearer_auth(token);
        }
        let resp = match req.send().await {
            Ok(resp) => resp,
            Err(e) if e.is_timeout() => return Attempt::Retry(GatewayError::Timeout),
            Err(e) => return Attempt::Retry(GatewayError::Unavailable(without_url(&e))),
        };
        let status = resp.status();
        if retryable(status) {
            return Attempt::Retry(GatewayError::Unavailable(format!("HTTP {status}")));
        }
        if status.is_client_error() {
            let text = resp.text().await.unwrap_or_default();
            let text: String = text.chars().take(200).collect();
            return Attempt::Done(Err(GatewayError::Refused(format!("HTTP {status}: {text}"))));
        }
        if !status.is_success() {
            return Attempt::Done(Err(GatewayError::Protocol(format!("HTTP {status}"))));
        }
        match resp.json::<T>().await {
            Ok(v) => Attempt::Done(Ok(v)),
            Err(e) if e.is_timeout() => Attempt::Retry(GatewayError::Timeout),
            Err(e) => Attempt::Done(Err(GatewayError::Protocol(without_url(&e)))),
        }
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        make: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<T, GatewayError> {
        let deadline = Instant::now() + self.config.budget;
        let mut backoff = self.config.backoff;
        let mut last = GatewayError::Timeout;
        for attempt in 1..=self.config.max_attempts.max(1) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match self
                .attempt(make(), self.config.attempt_timeout.min(left))
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

#[async_trait]
impl PaymentGateway for HttpPaymentGateway {
    async fn create_order(&self, req: &OrderRequest) -> Result<Checkout, GatewayError> {
        let body = WireOrder {
            order_id: req.order_id.clone(),
            description: format!("Phí, lệ phí hồ sơ {}", req.dossier_code),
            amount_vnd: req.amount_vnd,
            lines: req
                .lines
                .iter()
                .map(|l| WireLine {
                    code: l.code.clone(),
                    name: l.name.clone(),
                    amount_vnd: l.amount_vnd,
                })
                .collect(),
            return_url: req.return_url.clone(),
            callback_url: req.callback_url.clone(),
        };
        let url = self.url(ORDERS_PATH);
        let answer: WireCheckout = self.call(|| self.client.post(&url).json(&body)).await?;
        if answer.order_id != req.order_id {
            return Err(GatewayError::Protocol(format!(
                "order {} answered for {}",
                answer.order_id, req.order_id
            )));
        }
        Ok(Checkout {
            pay_url: answer.pay_url,
        })
    }

    async fn transactions(&self, day: NaiveDate) -> Result<Vec<PlatformReport>, GatewayError> {
        let url = self.url(TRANSACTIONS_PATH);
        let date = day.format("%Y-%m-%d").to_string();
        let answer: WireTransactions = self
            .call(|| self.client.get(&url).query(&[("date", date.as_str())]))
            .await?;
        Ok(answer.transactions.into_iter().map(Into::into).collect())
    }

    fn name(&self) -> &'static str {
        "http"
    }
}
