//! Webhook subscriptions of sector systems (ADR 0019): create, change,
//! rotate the signing secret, delete; who may manage which.
//!
//! A subscription is managed by administrators (unit, province, system)
//! whose roles cover every scope of its filter; a subscription without
//! scopes (every event of the province) needs a role covering the province.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, TimeDelta, Utc};
use motcua_domain::identity::{Role, RoleAssignment, Scope};
use motcua_domain::webhook::{WebhookSpec, WebhookSubscription};

use crate::AppError;
use crate::authz::ScopeResolver;
use crate::ports::{Clock, WebhookPorts};

/// The roles that manage webhooks.
pub const ADMIN_ROLES: [Role; 3] = [Role::UnitAdmin, Role::ProvinceAdmin, Role::System];

/// Longest overlap of a rotation: 30 days.
pub const MAX_OVERLAP: Duration = Duration::from_secs(30 * 24 * 3600);

/// Settings of the webhook administration.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// This instance's province code (who may subscribe to everything).
    pub province: String,
    /// Accept `http://` targets (development only).
    pub allow_http: bool,
    /// How long the old secret still signs after a rotation (default 24 h).
    pub rotation_overlap: Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            province: String::new(),
            allow_http: false,
            rotation_overlap: Duration::from_secs(24 * 3600),
        }
    }
}

/// The fields of a subscription as an administrator sends them, not yet
/// validated; `None` keeps the stored value (PATCH) or takes the default.
#[derive(Debug, Clone, Default)]
pub struct WebhookDraft {
    /// The sector system.
    pub name: Option<String>,
    /// Target URL.
    pub url: Option<String>,
    /// Event types.
    pub event_types: Option<Vec<String>>,
    /// Procedure codes.
    pub procedures: Option<Vec<String>>,
    /// `unit:CODE` / `agency:ID`.
    pub scopes: Option<Vec<String>>,
    /// Whether events are sent.
    pub active: Option<bool>,
}

/// A subscription with a secret shown once.
#[derive(Debug, Clone)]
pub struct WithSecret {
    /// The subscription.
    pub subscription: WebhookSubscription,
    /// `whsec_…`: shown now, never again.
    pub secret: String,
    /// When the previous secret stops signing (rotation only).
    pub previous_expires_at: Option<DateTime<Utc>>,
}

/// A new Standard Webhooks secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Unexpected(anyhow::anyhow!("{e}")))?;
    Ok(format!("whsec_{}", STANDARD.encode(bytes)))
}

/// The webhook administration.
#[derive(Clone)]
pub struct WebhookService {
    store: Arc<dyn WebhookPorts>,
    scopes: ScopeResolver,
    settings: WebhookSettings,
    clock: Clock,
}

impl WebhookService {
    /// Over a store, reading time from `clock`.
    pub fn new(store: Arc<dyn WebhookPorts>, settings: WebhookSettings, clock: Clock) -> Self {
        Self {
            scopes: ScopeResolver::new(store.clone()),
            store,
            settings,
            clock,
        }
    }

    /// The settings.
    pub fn settings(&self) -> &WebhookSettings {
        &self.settings
    }

    fn spec(&self, d: &WebhookDraft, base: Option<&WebhookSpec>) -> Result<WebhookSpec, AppError> {
        let list = |given: &Option<Vec<String>>, stored: Option<Vec<String>>| {
            given.clone().or(stored).unwrap_or_default()
        };
        let name = d
            .name
            .clone()
            .or_else(|| base.map(|b| b.name.clone()))
            .ok_or_else(|| AppError::Invalid("name: bắt buộc / required".into()))?;
        let url = d
            .url
            .clone()
            .or_else(|| base.map(|b| b.url.clone()))
            .ok_or_else(|| AppError::Invalid("url: bắt buộc / required".into()))?;
        let scopes = base.map(|b| b.filter.scopes.iter().map(Scope::to_string).collect());
        WebhookSpec::new(
            &name,
            &url,
            &list(&d.event_types, base.map(|b| b.filter.event_types.clone())),
            &list(&d.procedures, base.map(|b| b.filter.procedures.clone())),
            &list(&d.scopes, scopes),
            d.active.or(base.map(|b| b.active)).unwrap_or(true),
            self.settings.allow_http,
        )
        .map_err(|e| AppError::Invalid(e.to_string()))
    }

    /// Whether `roles` may manage a subscription with this filter.
    pub async fn manages(
        &self,
        roles: &[RoleAssignment],
        spec: &WebhookSpec,
    ) -> Result<bool, AppError> {
        if spec.filter.scopes.is_empty() {
            return self
                .scopes
                .any_covers_unit(roles, &ADMIN_ROLES, &self.settings.province)
                .await;
        }
        for scope in &spec.filter.scopes {
            let covered = match scope {
                Scope::Unit(code) => {
                    self.scopes
                        .any_covers_unit(roles, &ADMIN_ROLES, code)
                        .await?
                }
                Scope::Agency(id) => {
                    self.scopes
                        .any_covers_agency(roles, &ADMIN_ROLES, id)
                        .await?
                }
            };
            if !covered {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Creates a subscription; [`AppError::Invalid`] for bad input,
    /// `Ok(None)` when `roles` do not cover its scopes.
    pub async fn create(
        &self,
        roles: &[RoleAssignment],
        draft: &WebhookDraft,
    ) -> Result<Option<WithSecret>, AppError> {
        let spec = self.spec(draft, None)?;
        if !self.manages(roles, &spec).await? {
            return Ok(None);
        }
        let secret = new_secret()?;
        let subscription = self
            .store
            .create_webhook(&spec, &secret, self.clock.now())
            .await?;
        Ok(Some(WithSecret {
            subscription,
            secret,
            previous_expires_at: None,
        }))
    }

    /// Every subscription `roles` may manage.
    pub async fn list(
        &self,
        roles: &[RoleAssignment],
    ) -> Result<Vec<WebhookSubscription>, AppError> {
        let mut out = Vec::new();
        for s in self.store.list_webhooks().await? {
            if self.manages(roles, &s.spec).await? {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// One subscription; the same [`AppError::NotFound`] when absent or
    /// out of the caller's scope.
    pub async fn get(
        &self,
        roles: &[RoleAssignment],
        id: i64,
    ) -> Result<WebhookSubscription, AppError> {
        match self.store.get_webhook(id).await? {
            Some(s) if self.manages(roles, &s.spec).await? => Ok(s),
            _ => Err(not_found(id)),
        }
    }

    /// Changes the given fields; the result must stay in the caller's scope.
    pub async fn update(
        &self,
        roles: &[RoleAssignment],
        id: i64,
        draft: &WebhookDraft,
    ) -> Result<Option<WebhookSubscription>, AppError> {
        let current = self.get(roles, id).await?;
        let spec = self.spec(draft, Some(&current.spec))?;
        if !self.manages(roles, &spec).await? {
            return Ok(None);
        }
        let s = self
            .store
            .update_webhook(id, &spec, self.clock.now())
            .await?;
        Ok(Some(s))
    }

    /// Deletes a subscription and its secrets.
    pub async fn delete(&self, roles: &[RoleAssignment], id: i64) -> Result<(), AppError> {
        self.get(roles, id).await?;
        if self.store.delete_webhook(id).await? {
            Ok(())
        } else {
            Err(not_found(id))
        }
    }

    /// A new secret; the old ones still sign for `overlap` (default from
    /// the settings, at most [`MAX_OVERLAP`]).
    pub async fn rotate(
        &self,
        roles: &[RoleAssignment],
        id: i64,
        overlap: Option<Duration>,
    ) -> Result<WithSecret, AppError> {
        self.get(roles, id).await?;
        let overlap = overlap.unwrap_or(self.settings.rotation_overlap);
        if overlap > MAX_OVERLAP {
            return Err(AppError::Invalid(
                "overlap_seconds: tối đa 30 ngày / at most 30 days".into(),
            ));
        }
        let now = self.clock.now();
        let until = now + TimeDelta::from_std(overlap).unwrap_or(TimeDelta::zero());
        let secret = new_secret()?;
        let subscription = self
            .store
            .rotate_webhook_secret(id, &secret, until, now)
            .await?;
        Ok(WithSecret {
            subscription,
            secret,
            previous_expires_at: Some(until),
        })
    }
}

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!(
        "không có đăng ký webhook số {id} / no webhook subscription {id}"
    ))
}
