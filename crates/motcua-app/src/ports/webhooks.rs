//! Webhook subscriptions of sector systems and their signing secrets.
//!
//! Secrets must sign, so they are stored as they are (not hashed); they
//! leave the store only through [`WebhookStore::signing_webhooks`] (for the
//! webhook sink) and are shown to an administrator once, when created.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::webhook::{WebhookSecret, WebhookSpec, WebhookSubscription};

use crate::StoreError;

/// An active subscription with the secrets that sign at a given instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningWebhook {
    /// The subscription.
    pub subscription: WebhookSubscription,
    /// Live secrets, newest first (one, or two during a rotation).
    pub secrets: Vec<WebhookSecret>,
}

/// The store of webhook subscriptions.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Creates a subscription with its first secret, in one transaction.
    async fn create_webhook(
        &self,
        spec: &WebhookSpec,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<WebhookSubscription, StoreError>;

    /// Every subscription, by id.
    async fn list_webhooks(&self) -> Result<Vec<WebhookSubscription>, StoreError>;

    /// One subscription.
    async fn get_webhook(&self, id: i64) -> Result<Option<WebhookSubscription>, StoreError>;

    /// Replaces a subscription's definition; [`StoreError::NotFound`] when absent.
    async fn update_webhook(
        &self,
        id: i64,
        spec: &WebhookSpec,
        now: DateTime<Utc>,
    ) -> Result<WebhookSubscription, StoreError>;

    /// Deletes a subscription and its secrets; false when absent.
    async fn delete_webhook(&self, id: i64) -> Result<bool, StoreError>;

    /// Adds `secret` as the current secret; every secret that was live
    /// and later than `old_until` (or without end) now ends at `old_until`;
    /// secrets already ended at `now` are deleted. One transaction;
    /// [`StoreError::NotFound`] when the subscription is absent.
    async fn rotate_webhook_secret(
        &self,
        id: i64,
        secret: &str,
        old_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<WebhookSubscription, StoreError>;

    /// The active subscriptions with their secrets live at `now`, by id.
    async fn signing_webhooks(&self, now: DateTime<Utc>)
    -> Result<Vec<SigningWebhook>, StoreError>;
}
