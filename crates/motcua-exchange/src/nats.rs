//! The NATS JetStream sink: one message per event on
//! `motcua.<province>.<commune>.dossier.<event>`, with `Nats-Msg-Id` set to
//! the event id so the stream drops re-deliveries within its duplicate
//! window. The stream is created on start if absent.

use std::time::Duration;

use async_nats::jetstream::{self, context::Context};
use async_trait::async_trait;
use motcua_app::exchange::CloudEvent;

use crate::sink::{Sink, SinkError};

/// How to reach NATS.
#[derive(Debug, Clone)]
pub struct NatsConfig {
    /// Server URLs (several for a cluster), e.g. `nats://127.0.0.1:4222`.
    pub servers: Vec<String>,
    /// Stream name (default `MOTCUA_<province>`).
    pub stream: String,
    /// Replicas of the stream when it is created (3 on a 3-node cluster).
    pub replicas: usize,
    /// The province code (subject prefix).
    pub province: String,
}

/// The subject of an event; characters NATS treats as separators or
/// wildcards are replaced by `_`.
pub fn subject_of(event: &CloudEvent) -> String {
    let token = |s: &str| -> String {
        let t: String = s
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if t.is_empty() { "_".to_owned() } else { t }
    };
    // Obstacle cases (issue 16) have their own subject family.
    let family = if event.is_obstacle() {
        "obstacle"
    } else {
        "dossier"
    };
    format!(
        "motcua.{}.{}.{family}.{}",
        token(&event.data.province),
        token(event.data.commune.as_deref().unwrap_or("_")),
        token(&event.data.event)
    )
}

/// Parses server URLs (`nats://host:port`).
pub fn server_addrs(urls: &[String]) -> anyhow::Result<Vec<async_nats::ServerAddr>> {
    urls.iter()
        .map(|u| {
            u.parse::<async_nats::ServerAddr>()
                .map_err(|e| anyhow::anyhow!("NATS server URL {u:?}: {e}"))
        })
        .collect()
}

/// How many times the stream is asked for before connecting fails (every
/// 500 ms: 20 s in all).
const STREAM_ATTEMPTS: u32 = 40;

/// Deliveries per batch to NATS unless [`NatsSink::with_batch`] says
/// otherwise: publishes are cheap and the relay's cost per batch (its claim
/// and commit) is shared by more events (`docs/exchange.md`, Throughput).
pub const DEFAULT_BATCH: u32 = 1000;

/// Publishes events to JetStream.
pub struct NatsSink {
    js: Context,
    batch: u32,
}

impl NatsSink {
    /// Connects and makes sure the stream exists.
    pub async fn connect(config: &NatsConfig) -> anyhow::Result<Self> {
        let client = async_nats::ConnectOptions::new()
            .connection_timeout(Duration::from_secs(5))
            .connect(server_addrs(&config.servers)?)
            .await?;
        let js = jetstream::new(client);
        let stream = jetstream::stream::Config {
            name: config.stream.clone(),
            subjects: vec![format!("motcua.{}.>", config.province)],
            num_replicas: config.replicas.max(1),
            duplicate_window: Duration::from_secs(600),
            ..Default::default()
        };
        // A cluster that is still forming (just started, or a node
        // restarting) has a meta leader before it knows enough peers to
        // place a replicated stream ("no suitable peers for placement"):
        // try again for a while before giving up.
        let mut attempt = 1;
        loop {
            match js.get_or_create_stream(stream.clone()).await {
                Ok(_) => break,
                Err(e) if attempt < STREAM_ATTEMPTS => {
                    tracing::info!(attempt, error = %e, stream = %config.stream, "JetStream stream not ready; trying again");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    attempt += 1;
                }
                Err(e) => {
                    return Err(anyhow::anyhow!(
                        "creating JetStream stream {} ({attempt} attempts): {e}",
                        config.stream
                    ));
                }
            }
        }
        Ok(Self {
            js,
            batch: DEFAULT_BATCH,
        })
    }

    /// The same sink taking `batch` deliveries per batch (at least 1).
    #[must_use]
    pub fn with_batch(mut self, batch: u32) -> Self {
        self.batch = batch.max(1);
        self
    }
}

#[async_trait]
impl Sink for NatsSink {
    fn name(&self) -> &str {
        "nats"
    }

    fn batch(&self) -> Option<u32> {
        Some(self.batch)
    }

    async fn deliver(&self, events: &[CloudEvent]) -> Vec<Result<(), SinkError>> {
        // Publish everything first, then wait for the acknowledgements.
        let mut pending = Vec::with_capacity(events.len());
        for event in events {
            let body = match serde_json::to_vec(event) {
                Ok(b) => b,
                Err(e) => {
                    pending.push(Err(SinkError::permanent(format!("serialising: {e}"))));
                    continue;
                }
            };
            let mut headers = async_nats::HeaderMap::new();
            headers.insert("Nats-Msg-Id", event.id.as_str());
            headers.insert("Content-Type", "application/cloudevents+json");
            let sent = self
                .js
                .publish_with_headers(subject_of(event), headers, body.into())
                .await
                .map_err(|e| SinkError::transient(format!("publish: {e}")));
            pending.push(sent);
        }
        let mut out = Vec::with_capacity(pending.len());
        for p in pending {
            out.push(match p {
                Ok(ack) => ack
                    .await
                    .map(|_| ())
                    .map_err(|e| SinkError::transient(format!("no ack: {e}"))),
                Err(e) => Err(e),
            });
        }
        out
    }
}
