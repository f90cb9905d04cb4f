//! Where events go.

use async_trait::async_trait;
use motcua_app::exchange::CloudEvent;

/// Why a sink did not take an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkError {
    /// What went wrong (kept on the outbox row for the administrator).
    pub message: String,
    /// True when retrying cannot help (the receiver refused the payload):
    /// the row is parked at once.
    pub permanent: bool,
}

impl SinkError {
    /// A failure worth retrying (network, 5xx, timeouts).
    pub fn transient(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: false,
        }
    }

    /// A refusal that retrying will not change.
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: true,
        }
    }
}

/// A destination of exchange events. Must be idempotent by event id:
/// the relay delivers at least once.
#[async_trait]
pub trait Sink: Send + Sync {
    /// A short name for logs and errors, e.g. `hub`.
    fn name(&self) -> &str;

    /// How many deliveries this sink takes per batch, when it has its own
    /// size rather than the relay's (`RelayConfig::batch`): NATS takes
    /// 1,000 (a claim and its commit are then shared by more events); the
    /// hub keeps the relay's, its request bodies being capped.
    fn batch(&self) -> Option<u32> {
        None
    }

    /// Delivers a batch (at most one event per dossier, oldest first) and
    /// answers one result per event, in the same order.
    async fn deliver(&self, events: &[CloudEvent]) -> Vec<Result<(), SinkError>>;
}
