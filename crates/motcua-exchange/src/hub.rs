//! The national hub sink: signed HTTP POSTs of event batches to
//! `<hub>/api/v1/national/events` (a `motcua serve --role national`).

use std::time::Duration;

use async_trait::async_trait;
use motcua_app::exchange::cloudevent::BATCH_CONTENT_TYPE;
use motcua_app::exchange::signature::{
    HEADER_ID, HEADER_SENDER, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use motcua_app::exchange::{CloudEvent, SigningKey};
use motcua_app::ports::Clock;

use crate::sink::{Sink, SinkError};

/// The path the hub listens on.
pub const INTAKE_PATH: &str = "/api/v1/national/events";

/// Sends events to the national hub.
pub struct HubSink {
    client: reqwest::Client,
    url: String,
    province: String,
    key: SigningKey,
    clock: Clock,
}

impl HubSink {
    /// For the hub at `base_url` (e.g. `http://127.0.0.1:8090`), signing as
    /// `province` with `key`, timestamps read from `clock`.
    pub fn new(
        base_url: &str,
        province: &str,
        key: SigningKey,
        clock: Clock,
    ) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .connect_timeout(Duration::from_secs(3))
            .build()?;
        Ok(Self {
            client,
            url: format!("{}{INTAKE_PATH}", base_url.trim_end_matches('/')),
            province: province.to_owned(),
            key,
            clock,
        })
    }

    /// Posts one signed body; `Ok` on 2xx.
    async fn post(&self, events: &[CloudEvent]) -> Result<(), SinkError> {
        let national: Vec<CloudEvent> = events.iter().map(CloudEvent::without_change).collect();
        let body = serde_json::to_vec(&national)
            .map_err(|e| SinkError::permanent(format!("serialising: {e}")))?;
        let id = format!("msg_{}", uuid::Uuid::new_v4().simple());
        let ts = self.clock.now().timestamp();
        let signature = self.key.sign(&id, ts, &body);
        let response = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, BATCH_CONTENT_TYPE)
            .header(HEADER_ID, &id)
            .header(HEADER_TIMESTAMP, ts.to_string())
            .header(HEADER_SIGNATURE, signature)
            .header(HEADER_SENDER, &self.province)
            .body(body)
            .send()
            .await
            .map_err(|e| SinkError::transient(format!("hub unreachable: {e}")))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let detail = response.text().await.unwrap_or_default();
        let detail: String = detail.chars().take(300).collect();
        let message = format!("hub answered {status}: {detail}");
        if matches!(status.as_u16(), 400 | 403 | 413 | 422) {
            Err(SinkError::permanent(message))
        } else {
            Err(SinkError::transient(message))
        }
    }
}

#[async_trait]
impl Sink for HubSink {
    fn name(&self) -> &str {
        "hub"
    }

    async fn deliver(&self, events: &[CloudEvent]) -> Vec<Result<(), SinkError>> {
        if events.is_empty() {
            return Vec::new();
        }
        match self.post(events).await {
            Ok(()) => vec![Ok(()); events.len()],
            // One refused event must not sink the batch: send them singly
            // so only the bad one is parked.
            Err(e) if e.permanent && events.len() > 1 => {
                let mut out = Vec::with_capacity(events.len());
                for event in events {
                    out.push(self.post(std::slice::from_ref(event)).await);
                }
                out
            }
            Err(e) => vec![Err(e); events.len()],
        }
    }
}
