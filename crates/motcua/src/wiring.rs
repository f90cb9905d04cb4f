//! The composition root: the store engine chosen from the database URL,
//! and the one place the web layer's [`AppState`] is built, each service
//! once, with the settings it will serve with (issue 20, item 4).

use std::sync::Arc;

use anyhow::{Context, Result, bail};
use motcua_app::agencies::AgencyService;
use motcua_app::attachments::AttachmentService;
use motcua_app::audit::AuditService;
use motcua_app::authz::ScopeResolver;
use motcua_app::catalog::CatalogService;
use motcua_app::dossiers::{DossierService, DossierSettings, ProcedureLookup, TrackingKey};
use motcua_app::due_dates::DueDateService;
use motcua_app::grants::GrantService;
use motcua_app::identity::IdentityService;
use motcua_app::lookup::LookupService;
use motcua_app::ports::{Clock, Store};
use motcua_app::registry::EmbeddedRegistry;
use motcua_app::units::UnitService;
use motcua_app::webhooks::{WebhookService, WebhookSettings};
use motcua_domain::audit::SubjectKey;
use motcua_store_postgres::PgStore;
use motcua_store_sqlite::SqliteStore;
use motcua_web::AppState;
use motcua_web::oidc::OidcClient;
use motcua_web::rate_limit::{FilingLimiter, TrustedProxies, VerifierLimiter};

use motcua_domain::redact::redact_url;

/// Opens the store named by `url` and runs its migrations; the store's
/// bookkeeping stamps read `clock` (the app's one clock, ADR 0028).
pub async fn open_store(url: &str, clock: &Clock) -> Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = PgStore::connect(url)
            .await
            .with_context(|| format!("connecting to {}", redact_url(url)))?
            .with_clock(clock.clone());
        store.migrate().await?;
        Ok(Arc::new(store))
    } else if let Some(path) = url.strip_prefix("sqlite://") {
        if let Some(parent) = std::path::Path::new(path.split('?').next().unwrap_or(path)).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        let store = SqliteStore::connect(url).await?.with_clock(clock.clone());
        store.migrate().await?;
        Ok(Arc::new(store))
    } else {
        bail!(
            "database URL must start with sqlite:// or postgres:// (got {})",
            redact_url(url)
        )
    }
}

/// What [`app_state`] takes from the settings; every other service is
/// built over the store and the clock.
pub struct StateParts {
    /// Base URL of the public pages (`[server] public_url`), for QR codes.
    pub public_url: String,
    /// Hides personal IDs in the audit log (`MOTCUA_AUDIT_PEPPER`).
    pub subjects: SubjectKey,
    /// Webhook settings (province, `allow_http`, rotation overlap).
    pub webhooks: WebhookSettings,
    /// Whether the development login is accepted (`[auth] dev_login`).
    pub dev_login: bool,
    /// Single sign-on, when `[auth.oidc]` is configured.
    pub oidc: Option<Arc<OidcClient>>,
    /// Where attachments are kept (the data directory when serving).
    pub attachments: AttachmentService,
    /// Which procedures can be filed (the catalog, then the seed).
    pub procedures: Arc<dyn ProcedureLookup>,
    /// Dossier codes, office hours and the rest of `[dossiers]`.
    pub dossiers: DossierSettings,
    /// The key of tracking secrets, kept in the data directory.
    pub tracking_key: TrackingKey,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
}

/// The web layer's state over one store: every service built once, each
/// reading "now" from `clock`. The national hub's intake is added by
/// `motcua serve --role national`.
pub fn app_state(store: Arc<dyn Store>, clock: Clock, parts: StateParts) -> AppState {
    let lookups = LookupService::new(
        store.clone(),
        Arc::new(EmbeddedRegistry::new(store.clone())),
        parts.subjects.clone(),
        Arc::new(motcua_app::rate_limit::RateLimiter::desk_default()),
        clock.clone(),
    )
    .requiring_open_dossier();
    let dossiers = DossierService::new(
        store.clone(),
        parts.procedures,
        parts.dossiers,
        clock.clone(),
    )
    .with_reuse_records(Arc::new(lookups.clone()))
    .with_tracking_key(parts.tracking_key);
    AppState {
        units: UnitService::new(store.clone()),
        // The unit changes the store recorded (`units apply-changes`), not
        // the shipped file; serve builds the index (issue 18, ADR 0027).
        addresses: motcua_app::addresses::AddressService::over_store(store.clone()),
        agencies: AgencyService::new(store.clone()),
        catalog: CatalogService::new(store.clone()),
        due_dates: DueDateService::new(CatalogService::new(store.clone())),
        dossiers: dossiers.clone(),
        payments: motcua_app::payments::PaymentService::new(
            store.clone(),
            dossiers,
            parts.public_url.clone(),
            clock.clone(),
        ),
        attachments: parts.attachments,
        dev_login: parts.dev_login,
        tracking_limiter: Arc::new(VerifierLimiter::default()),
        filing_limiter: Arc::new(FilingLimiter::default()),
        trusted_proxies: Arc::new(parts.trusted_proxies),
        exchange: motcua_app::exchange::ExchangeAdmin::new(store.clone(), clock.clone()),
        address_limiter: Arc::new(motcua_web::api::addresses::default_limiter()),
        national: None,
        identity: IdentityService::new(store.clone(), clock.clone()),
        scopes: ScopeResolver::new(store.clone()),
        grants: GrantService::new(store.clone(), clock.clone()),
        lookups,
        audit: AuditService::new(store.clone(), parts.subjects),
        oidc: parts.oidc,
        webhooks: WebhookService::new(store.clone(), parts.webhooks, clock.clone()),
        feedback: motcua_app::feedback::FeedbackService::new(store.clone(), clock.clone()),
        obstacles: motcua_app::obstacles::ObstacleService::new(store.clone(), clock.clone(), None),
        staff: motcua_app::staff::StaffService::new(store.clone(), clock.clone()),
        workload: motcua_app::workload::WorkloadService::new(store.clone(), clock.clone(), None),
        training: motcua_app::training::TrainingService::new(store.clone(), clock.clone()),
        classification: motcua_app::classification::ClassificationService::new(
            store.clone(),
            clock.clone(),
        ),
        notices: motcua_app::notices::NoticeService::new(store.clone(), clock.clone()),
        public_cache: Arc::new(motcua_web::http_cache::PublicCache::new(
            store.clone(),
            clock.clone(),
        )),
        tracking_pages: Arc::default(),
        clock,
        store,
        public_url: parts.public_url,
    }
}
