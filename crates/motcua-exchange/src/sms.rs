//! SMS notices through an HTTP gateway.
//!
//! No national SMS-gateway specification was found (facts sheet §2.10;
//! ADR "notices"): this adapter speaks one small JSON contract, which a
//! province's gateway (or a thin proxy in front of a carrier's brandname
//! API) implements:
//!
//! ```text
//! POST <sms_url>
//! Authorization: Bearer <sms_token>
//! Idempotency-Key: <event id>.sms
//! Content-Type: application/json
//!
//! {"id": "<event id>.sms", "to": "0912345678", "sender": "MOTCUA", "text": "..."}
//! ```
//!
//! Any 2xx is accepted. A 4xx other than 408 and 429 is a refusal (the
//! number or the text): recorded, not retried. Anything else (5xx, 408,
//! 429, network, timeout) is retried with backoff; the gateway must
//! de-duplicate by `id` (a crash between its answer and our record sends
//! the same `id` again).

use std::time::Duration;

use async_trait::async_trait;
use motcua_app::notices::Outgoing;
use serde::Serialize;

use crate::notices::{NoticeTransport, TransportError};

/// The JSON body of one SMS.
#[derive(Debug, Serialize)]
pub struct SmsRequest<'a> {
    /// Stable id (`<event id>.sms`).
    pub id: &'a str,
    /// The phone number, as given.
    pub to: &'a str,
    /// The sender name (brandname).
    pub sender: &'a str,
    /// The text.
    pub text: &'a str,
}

/// SMS gateway settings.
#[derive(Clone)]
pub struct SmsSettings {
    /// The gateway's send URL.
    pub url: String,
    /// Bearer token (never shown).
    pub token: String,
    /// Sender name.
    pub sender: String,
    /// Timeout of one request.
    pub timeout: Duration,
}

impl std::fmt::Debug for SmsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsSettings")
            .field("url", &motcua_domain::redact::redact_url(&self.url))
            .field("token", &"***")
            .field("sender", &self.sender)
            .finish()
    }
}

/// Sends notices through the HTTP SMS gateway.
pub struct SmsGateway {
    client: reqwest::Client,
    settings: SmsSettings,
}

impl SmsGateway {
    /// A gateway client for `settings`.
    pub fn new(settings: SmsSettings) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("motcua-notices/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client, settings })
    }
}

#[async_trait]
impl NoticeTransport for SmsGateway {
    async fn send(&self, n: &Outgoing) -> Result<(), TransportError> {
        let id = n.message_id();
        let body = SmsRequest {
            id: &id,
            to: &n.to,
            sender: &self.settings.sender,
            text: &n.body,
        };
        let mut request = self
            .client
            .post(&self.settings.url)
            .header("Idempotency-Key", &id)
            .json(&body);
        if !self.settings.token.is_empty() {
            request = request.bearer_auth(&self.settings.token);
        }
        let response = request.send().await.map_err(|e| {
            TransportError::Transient(format!(
                "SMS gateway unreachable: {}",
                motcua_domain::redact::redact_url(&e.to_string())
            ))
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let message = format!("SMS gateway answered {status}");
        if crate::webhooks::is_permanent(status.as_u16()) {
            Err(TransportError::Refused(message))
        } else {
            Err(TransportError::Transient(message))
        }
    }
}
