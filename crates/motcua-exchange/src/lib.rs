//! The exchange (trao đổi dữ liệu) of motcua: the outbox relay and its
//! sinks.
//!
//! Every dossier event writes outbox rows in the same transaction as the
//! event. The [`relay::Relay`] claims rows under a lease (several relays may
//! run at once), turns each into a CloudEvents 1.0 JSON event
//! ([`motcua_app::exchange::CloudEvent`]), hands the batch to every
//! [`sink::Sink`], and records the outcome: delivered, retried later with
//! exponential backoff and jitter, or parked as a dead letter after too many
//! attempts. Each dossier's events leave in order. Delivery is at least
//! once: sinks de-duplicate by the event's stable id.

#![forbid(unsafe_code)]

pub mod backoff;
pub mod email;
pub mod envelope;
pub mod hub;
pub mod nats;
pub mod notices;
pub mod portal;
pub mod reconcile;
pub mod relay;
pub mod sink;
pub mod sms;
pub mod webhooks;

pub use relay::{Relay, RelayConfig, RoundReport};
pub use sink::{Sink, SinkError};
