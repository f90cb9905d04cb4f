//! Webhook subscriptions and their signing secrets ([`WebhookStore`](../motcua_app/ports/webhooks/trait.WebhookStore.html)).

/// Stamps `impl WebhookStore for crate::Engine`: subscriptions and their
/// signing secrets, with the SQL text both engines share.
#[macro_export]
macro_rules! webhook_store {
    () => {
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use motcua_app::StoreError;
        use motcua_app::ports::webhooks::{SigningWebhook, WebhookStore};
        use motcua_domain::webhook::{
            WebhookFilter, WebhookSecret, WebhookSpec, WebhookSubscription,
        };
        use sqlx::Row;

        use crate::{Engine, EngineRow, other};

        const COLUMNS: &str = "id, name, url, filter_json, active, created_at, updated_at";

        fn subscription(r: &EngineRow) -> Result<WebhookSubscription, StoreError> {
            let filter_json: String = r.try_get("filter_json").map_err(|e| other(e, "filter"))?;
            let filter: WebhookFilter = serde_json::from_str(&filter_json)
                .map_err(|e| other(e, "reading a webhook filter"))?;
            Ok(WebhookSubscription {
                id: r.try_get("id").map_err(|e| other(e, "id"))?,
                spec: WebhookSpec {
                    name: r.try_get("name").map_err(|e| other(e, "name"))?,
                    url: r.try_get("url").map_err(|e| other(e, "url"))?,
                    filter,
                    active: r.try_get("active").map_err(|e| other(e, "active"))?,
                },
                created_at: r
                    .try_get("created_at")
                    .map_err(|e| other(e, "created_at"))?,
                updated_at: r
                    .try_get("updated_at")
                    .map_err(|e| other(e, "updated_at"))?,
            })
        }

        fn filter_json(spec: &WebhookSpec) -> Result<String, StoreError> {
            serde_json::to_string(&spec.filter).map_err(|e| other(e, "writing a webhook filter"))
        }

        #[async_trait]
        impl WebhookStore for Engine {
            async fn create_webhook(
                &self,
                spec: &WebhookSpec,
                secret: &str,
                now: DateTime<Utc>,
            ) -> Result<WebhookSubscription, StoreError> {
                let mut tx = self.begin_write().await?;
                let row = sqlx::query(&format!(
                    "INSERT INTO webhook_subscriptions (name, url, filter_json, active, created_at, \
                       updated_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
                ))
                .bind(&spec.name)
                .bind(&spec.url)
                .bind(filter_json(spec)?)
                .bind(spec.active)
                .bind(now)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| other(e, "creating a webhook"))?;
                let sub = subscription(&row)?;
                sqlx::query(
                    "INSERT INTO webhook_secrets (subscription_id, secret, created_at) VALUES ($1, $2, $3)",
                )
                .bind(sub.id)
                .bind(secret)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "storing a webhook secret"))?;
                tx.commit().await.map_err(|e| other(e, "commit"))?;
                Ok(sub)
            }

            async fn list_webhooks(&self) -> Result<Vec<WebhookSubscription>, StoreError> {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM webhook_subscriptions ORDER BY id"
                ))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "listing webhooks"))?
                .iter()
                .map(subscription)
                .collect()
            }

            async fn get_webhook(
                &self,
                id: i64,
            ) -> Result<Option<WebhookSubscription>, StoreError> {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM webhook_subscriptions WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading a webhook"))?
                .as_ref()
                .map(subscription)
                .transpose()
            }

            async fn update_webhook(
                &self,
                id: i64,
                spec: &WebhookSpec,
                now: DateTime<Utc>,
            ) -> Result<WebhookSubscription, StoreError> {
                let row = sqlx::query(&format!(
                    "UPDATE webhook_subscriptions SET name = $1, url = $2, filter_json = $3, active = $4, \
                       updated_at = $5 WHERE id = $6 RETURNING {COLUMNS}"
                ))
                .bind(&spec.name)
                .bind(&spec.url)
                .bind(filter_json(spec)?)
                .bind(spec.active)
                .bind(now)
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "updating a webhook"))?;
                row.as_ref()
                    .map(subscription)
                    .transpose()?
                    .ok_or(StoreError::NotFound)
            }

            async fn delete_webhook(&self, id: i64) -> Result<bool, StoreError> {
                let done = sqlx::query("DELETE FROM webhook_subscriptions WHERE id = $1")
                    .bind(id)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| other(e, "deleting a webhook"))?;
                Ok(done.rows_affected() == 1)
            }

            async fn rotate_webhook_secret(
                &self,
                id: i64,
                secret: &str,
                old_until: DateTime<Utc>,
                now: DateTime<Utc>,
            ) -> Result<WebhookSubscription, StoreError> {
                let mut tx = self.begin_write().await?;
                let row = sqlx::query(&format!(
                    "UPDATE webhook_subscriptions SET updated_at = $1 WHERE id = $2 RETURNING {COLUMNS}"
                ))
                .bind(now)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| other(e, "rotating a webhook secret"))?;
                let sub = row
                    .as_ref()
                    .map(subscription)
                    .transpose()?
                    .ok_or(StoreError::NotFound)?;
                let old = sqlx::query(
                    "SELECT id, expires_at FROM webhook_secrets WHERE subscription_id = $1",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await
                .map_err(|e| other(e, "reading webhook secrets"))?;
                for r in &old {
                    let secret_id: i64 = r.try_get("id").map_err(|e| other(e, "id"))?;
                    let expires: Option<DateTime<Utc>> = r
                        .try_get("expires_at")
                        .map_err(|e| other(e, "expires_at"))?;
                    let sql = match expires {
                        Some(e) if e <= now => "DELETE FROM webhook_secrets WHERE id = $1",
                        Some(e) if e <= old_until => continue,
                        _ => "UPDATE webhook_secrets SET expires_at = $1 WHERE id = $2",
                    };
                    let mut q = sqlx::query(sql);
                    if sql.starts_with("UPDATE") {
                        q = q.bind(old_until);
                    }
                    q.bind(secret_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| other(e, "ending a webhook secret"))?;
                }
                sqlx::query(
                    "INSERT INTO webhook_secrets (subscription_id, secret, created_at) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(secret)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "storing a webhook secret"))?;
                tx.commit().await.map_err(|e| other(e, "commit"))?;
                Ok(sub)
            }

            async fn signing_webhooks(
                &self,
                now: DateTime<Utc>,
            ) -> Result<Vec<SigningWebhook>, StoreError> {
                let subs = sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM webhook_subscriptions WHERE active ORDER BY id"
                ))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "listing active webhooks"))?;
                let secrets = sqlx::query(
                    "SELECT s.subscription_id, s.secret, s.created_at, s.expires_at \
                     FROM webhook_secrets s JOIN webhook_subscriptions w ON w.id = s.subscription_id \
                     WHERE w.active ORDER BY s.id DESC",
                )
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading webhook secrets"))?;
                let mut out = Vec::with_capacity(subs.len());
                for r in &subs {
                    let sub = subscription(r)?;
                    let mut live = Vec::new();
                    for s in &secrets {
                        let owner: i64 = s
                            .try_get("subscription_id")
                            .map_err(|e| other(e, "owner"))?;
                        if owner != sub.id {
                            continue;
                        }
                        let secret = WebhookSecret {
                            secret: s.try_get("secret").map_err(|e| other(e, "secret"))?,
                            created_at: s
                                .try_get("created_at")
                                .map_err(|e| other(e, "created_at"))?,
                            expires_at: s
                                .try_get("expires_at")
                                .map_err(|e| other(e, "expires_at"))?,
                        };
                        if secret.live_at(now) {
                            live.push(secret);
                        }
                    }
                    out.push(SigningWebhook {
                        subscription: sub,
                        secrets: live,
                    });
                }
                Ok(out)
            }
        }
    };
}
