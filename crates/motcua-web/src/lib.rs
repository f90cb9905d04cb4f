//! The HTTP face of motcua: the JSON API under `/api/v1` (documented by the
//! OpenAPI document at `/api/openapi.json`), health and metrics endpoints.
//!
//! Handlers parse input at the edge into domain types and call the use cases
//! of `motcua-app`; they never touch a store directly. Every error leaves as
//! an RFC 9457 Problem Details document.

#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod csrf;
pub mod csv_export;
pub mod extract;
pub mod http_cache;
pub mod i18n;
pub mod metrics;
pub mod oidc;
pub mod openapi;
pub mod pages;
pub mod policy;
pub mod problem;
pub mod qr;
pub mod rate_limit;
pub mod redact;
pub mod session;
pub mod upload;
pub mod xlsx_export;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use motcua_app::agencies::AgencyService;
use motcua_app::attachments::AttachmentService;
use motcua_app::audit::AuditService;
use motcua_app::authz::ScopeResolver;
use motcua_app::catalog::CatalogService;
use motcua_app::dossiers::{DossierService, DossierSettings, SeedProcedures};
use motcua_app::due_dates::DueDateService;
use motcua_app::grants::GrantService;
use motcua_app::identity::IdentityService;
use motcua_app::lookup::LookupService;
use motcua_app::ports::{Clock, Store};
use motcua_app::registry::EmbeddedRegistry;
use motcua_app::units::UnitService;
use motcua_domain::audit::SubjectKey;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Everything a handler may use.
#[derive(Clone)]
pub struct AppState {
    /// The unit registry.
    pub units: UnitService,
    /// Old addresses to current units (the index is shared and built once).
    pub addresses: motcua_app::addresses::AddressService,
    /// Agencies and service points.
    pub agencies: AgencyService,
    /// The procedure catalog.
    pub catalog: CatalogService,
    /// The working calendar and the legal clock.
    pub due_dates: DueDateService,
    /// Dossiers (hồ sơ).
    pub dossiers: DossierService,
    /// Attachments of dossiers (tệp đính kèm); in memory unless wired to
    /// the data directory (`motcua serve` does).
    pub attachments: AttachmentService,
    /// Accept the development login `Bearer dev:<officer>:<agency>`
    /// (demonstration only: `motcua serve --demo`, on loopback; the test
    /// suites build their state with it on). Pages then show a banner.
    pub dev_login: bool,
    /// The one limiter of every verifier check (tracking, rating,
    /// supplement, receipts and attachments of holders, "my data"): per
    /// client and per dossier.
    pub tracking_limiter: Arc<rate_limit::VerifierLimiter>,
    /// Anonymous online filing, per client and per applicant.
    pub filing_limiter: Arc<rate_limit::FilingLimiter>,
    /// Reverse proxies whose `X-Forwarded-For` names the client
    /// (`[server] trusted_proxies`; none by default).
    pub trusted_proxies: Arc<rate_limit::TrustedProxies>,
    /// The store, only for readiness checks.
    pub store: Arc<dyn Store>,
    /// Base URL of the public pages (`[server] public_url`), for QR codes.
    pub public_url: String,
    /// The outbox administration (dead letters).
    pub exchange: motcua_app::exchange::ExchangeAdmin,
    /// The national hub's intake and index, when serving `--role national`.
    pub national: Option<motcua_app::exchange::NationalService>,
    /// Accounts, log-in, sessions and API keys.
    pub identity: IdentityService,
    /// Scope checks of roles.
    pub scopes: ScopeResolver,
    /// Grants of access to population data.
    pub grants: GrantService,
    /// Desk look-ups in the population registry.
    pub lookups: LookupService,
    /// The audit log (and the citizen's view of it).
    pub audit: AuditService,
    /// Single sign-on (OpenID Connect), when `[auth.oidc]` is configured.
    pub oidc: Option<Arc<oidc::OidcClient>>,
    /// Webhook subscriptions of sector systems.
    pub webhooks: motcua_app::webhooks::WebhookService,
    /// The reference-data version and the public answers rendered once
    /// per version ([`http_cache`], ADR 0025).
    pub public_cache: Arc<http_cache::PublicCache>,
    /// The one clock every service and handler reads "now" from (ADR 0028).
    pub clock: Clock,
}

fn lookup_service(store: Arc<dyn Store>, subjects: SubjectKey, clock: Clock) -> LookupService {
    LookupService::new(
        store.clone(),
        Arc::new(EmbeddedRegistry::new(store)),
        subjects,
        Arc::new(motcua_app::rate_limit::RateLimiter::desk_default()),
        clock,
    )
    .requiring_open_dossier()
}

/// The public base URL when none is configured.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

impl AppState {
    /// Builds the services over one store, with the seed catalog, the
    /// default dossier settings, the development login on and 30 tracking
    /// look-ups a minute per client (burst 10); every service reads
    /// `clock`.
    pub fn new(store: Arc<dyn Store>, clock: Clock) -> Self {
        Self {
            units: UnitService::new(store.clone()),
            addresses: motcua_app::addresses::AddressService::embedded(),
            agencies: AgencyService::new(store.clone()),
            catalog: CatalogService::new(store.clone()),
            due_dates: DueDateService::new(CatalogService::new(store.clone())),
            dossiers: DossierService::new(
                store.clone(),
                Arc::new(SeedProcedures::new()),
                DossierSettings::default(),
                clock.clone(),
            )
            .with_reuse_records(Arc::new(lookup_service(
                store.clone(),
                SubjectKey::new(Vec::new()),
                clock.clone(),
            ))),
            attachments: AttachmentService::in_memory(store.clone(), clock.clone()),
            dev_login: true,
            tracking_limiter: Arc::new(rate_limit::VerifierLimiter::default()),
            filing_limiter: Arc::new(rate_limit::FilingLimiter::default()),
            trusted_proxies: Arc::default(),
            exchange: motcua_app::exchange::ExchangeAdmin::new(store.clone(), clock.clone()),
            national: None,
            identity: IdentityService::new(store.clone(), clock.clone()),
            scopes: ScopeResolver::new(store.clone()),
            grants: GrantService::new(store.clone(), clock.clone()),
            lookups: lookup_service(store.clone(), SubjectKey::new(Vec::new()), clock.clone()),
            audit: AuditService::new(store.clone(), SubjectKey::new(Vec::new())),
            oidc: None,
            webhooks: motcua_app::webhooks::WebhookService::new(
                store.clone(),
                Default::default(),
                clock.clone(),
            ),
            public_cache: Arc::new(http_cache::PublicCache::new(store.clone(), clock.clone())),
            clock,
            store,
            public_url: DEFAULT_PUBLIC_URL.to_owned(),
        }
    }

    /// Sets the key that hides personal IDs in the audit log
    /// (`MOTCUA_AUDIT_PEPPER`); look-ups and the citizen view use it.
    pub fn with_subject_key(mut self, subjects: SubjectKey) -> Self {
        self.lookups = lookup_service(self.store.clone(), subjects.clone(), self.clock.clone());
        self.audit = AuditService::new(self.store.clone(), subjects);
        self.dossiers = self
            .dossiers
            .clone()
            .with_reuse_records(Arc::new(self.lookups.clone()));
        self
    }

    /// Sets the webhook settings (province, `allow_http`, rotation overlap).
    pub fn with_webhook_settings(
        mut self,
        settings: motcua_app::webhooks::WebhookSettings,
    ) -> Self {
        self.webhooks = motcua_app::webhooks::WebhookService::new(
            self.store.clone(),
            settings,
            self.clock.clone(),
        );
        self
    }

    /// Whether cookies must be `Secure` (the public URL is https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Sets the base URL of the public pages (what procedure QR codes open).
    pub fn with_public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = url.into();
        self
    }
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    metrics::install();
    Router::new()
        .route("/healthz", get(api::health::healthz))
        .route("/readyz", get(api::health::readyz))
        .route("/metrics", get(metrics::render))
        .route("/api/openapi.json", get(openapi::document))
        .nest("/api/v1", api::routes())
        .merge(pages::routes())
        .fallback(problem::not_found_fallback)
        // Pages show the demo banner when the development login is on.
        .layer(axum::Extension(i18n::DemoMode(state.dev_login)))
        // These two take only what they need, not a clone of the whole
        // state per request (issue 21, item 4).
        .layer(axum::middleware::from_fn_with_state(
            Arc::<str>::from(state.public_url.as_str()),
            csrf::same_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.trusted_proxies.clone(),
            rate_limit::client_address,
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::custom(problem::panic_to_problem))
        // Inside compression and outside everything that can fail: every
        // error leaves as a problem (or an HTML page for a browser).
        .layer(axum::middleware::from_fn(problem::uniform_errors))
        // Public reference answers: ETag/304, rendered once and compressed,
        // Cache-Control per kind, the lang cookie only on a change.
        .layer(axum::middleware::from_fn_with_state(
            state.public_cache.clone(),
            http_cache::layer,
        ))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(redact::request_span))
        .with_state(state)
}
