//! The HTTP adapter of the national portal's legacy integration (the
//! shape OpenCPS used; the official 2025+ specification was not found):
//!
//! - `POST <base>/auth {"username","password"}` → `{"session","error_code":0}`;
//! - `POST <base>/<service>?MaDinhDanhDV=<agency id>&isUpdating=<bool>` with
//!   header `session: <token>` and body `{"service","isUpdating","data":[…]}`
//!   → `{"error_code":0}` (anything else is an error; 401 logs in again).
//!
//! A real portal and the stub of the contract tests sit behind this same
//! client.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio::sync::Mutex;

use super::payload::ServiceCall;
use crate::sink::SinkError;

/// Where and who.
#[derive(Clone)]
pub struct PortalSettings {
    /// Adapter base URL.
    pub base_url: String,
    /// The province's electronic identifier (`MaDinhDanhDV`).
    pub agency_id: String,
    /// Account.
    pub username: String,
    /// Password (never logged).
    pub password: String,
}

impl std::fmt::Debug for PortalSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortalSettings")
            .field("base_url", &self.base_url)
            .field("agency_id", &self.agency_id)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// The portal client.
pub struct PortalClient {
    http: reqwest::Client,
    settings: PortalSettings,
    session: Mutex<Option<String>>,
}

impl PortalClient {
    /// A client with 15 s timeouts.
    pub fn new(settings: PortalSettings) -> anyhow::Result<Self> {
        Ok(Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(15))
                .build()?,
            settings,
            session: Mutex::new(None),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.settings.base_url.trim_end_matches('/'))
    }

    async fn login(&self) -> Result<String, SinkError> {
        let res = self
            .http
            .post(self.url("auth"))
            .json(&serde_json::json!({
                "username": self.settings.username,
                "password": self.settings.password,
            }))
            .send()
            .await
            .map_err(|e| SinkError::transient(format!("portal unreachable: {e}")))?;
        let body: Value = res
            .json()
            .await
            .map_err(|e| SinkError::transient(format!("portal auth answer: {e}")))?;
        match (body["error_code"].as_i64(), body["session"].as_str()) {
            (Some(0), Some(s)) if !s.is_empty() => Ok(s.to_owned()),
            _ => Err(SinkError::transient(format!(
                "portal refused the login: {}",
                body["message"].as_str().unwrap_or("no message")
            ))),
        }
    }

    async fn session(&self, fresh: bool) -> Result<String, SinkError> {
        let mut guard = self.session.lock().await;
        if fresh || guard.is_none() {
            *guard = Some(self.login().await?);
        }
        Ok(guard.clone().unwrap_or_default())
    }

    /// Calls a service with `data`; logs in (again) when needed.
    pub async fn call<T: Serialize>(
        &self,
        service: &str,
        is_updating: bool,
        data: Vec<T>,
    ) -> Result<(), SinkError> {
        let body = ServiceCall {
            service: service.to_owned(),
            is_updating,
            data,
        };
        for attempt in 0..2 {
            let session = self.session(attempt > 0).await?;
            let res = self
                .http
                .post(self.url(service))
                .query(&[
                    ("MaDinhDanhDV", self.settings.agency_id.as_str()),
                    ("isUpdating", if is_updating { "true" } else { "false" }),
                ])
                .header("session", session)
                .json(&body)
                .send()
                .await
                .map_err(|e| SinkError::transient(format!("portal unreachable: {e}")))?;
            let status = res.status();
            if status.as_u16() == 401 && attempt == 0 {
                continue;
            }
            let answer: Value = res.json().await.unwrap_or(Value::Null);
            if status.is_success() && answer["error_code"].as_i64() == Some(0) {
                return Ok(());
            }
            let message = format!(
                "portal {service} answered {status}: {}",
                answer["message"].as_str().unwrap_or("no message")
            );
            return Err(if status.is_client_error() && status.as_u16() != 429 {
                SinkError::permanent(message)
            } else {
                SinkError::transient(message)
            });
        }
        Err(SinkError::transient("portal session refused twice"))
    }
}
