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
use motcua_app::dossiers::DossierService;
use motcua_app::due_dates::DueDateService;
use motcua_app::grants::GrantService;
use motcua_app::identity::IdentityService;
use motcua_app::lookup::LookupService;
use motcua_app::ports::{Clock, Store};
use motcua_app::units::UnitService;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Everything a handler may use. The binary builds it, each service once
/// with its settings (`motcua::wiring::app_state`); the web layer only
/// reads it.
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
    /// Attachments of dossiers (tệp đính kèm), where the binary keeps them
    /// (the data directory when serving).
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
    /// The public address converter, per client: a batch spends tokens in
    /// proportion to its size ([`api::addresses::cost`]).
    pub address_limiter: Arc<rate_limit::RateLimiter>,
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
    /// Citizens' feedback and complaints (PAKN).
    pub feedback: motcua_app::feedback::FeedbackService,
    /// Notices to applicants: a dossier's notice history, the unsubscribe
    /// link (issue 15 item 7).
    pub notices: motcua_app::notices::NoticeService,
    /// Online payment of fees: orders, the platform's callback,
    /// reconciliation (issue 15, ADR 0029).
    pub payments: motcua_app::payments::PaymentService,
    /// Difficulties and obstacles (vướng mắc) reported upward (issue 16).
    pub obstacles: motcua_app::obstacles::ObstacleService,
    /// The staff registry (issue 17).
    pub staff: motcua_app::staff::StaffService,
    /// Workload measured from dossier events and the shortage signal (issue 17).
    pub workload: motcua_app::workload::WorkloadService,
    /// Training: courses, sessions, the plan and its follow-up (issue 17).
    pub training: motcua_app::training::TrainingService,
    /// Classification of administrative units (NĐ 307/2025, issue 17).
    pub classification: motcua_app::classification::ClassificationService,
    /// Tracking pages rendered once per dossier version (issue 21 item 2,
    /// ADR 0025 point 8).
    pub tracking_pages: Arc<pages::citizen::track::TrackingPages>,
    /// The one clock every service and handler reads "now" from (ADR 0028).
    pub clock: Clock,
}

/// The public base URL when none is configured.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

impl AppState {
    /// Whether cookies must be `Secure` (the public URL is https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    metrics::install();
    let routes = Router::new()
        .route("/healthz", get(api::health::healthz))
        .route("/readyz", get(api::health::readyz))
        .route("/metrics", get(metrics::render))
        .route("/api/openapi.json", get(openapi::document))
        .nest("/api/v1", api::routes())
        .merge(pages::routes())
        .fallback(problem::not_found_fallback);
    stack(routes, &state, LAYERS.len()).with_state(state)
}

/// The middleware layers of [`router`], innermost first: [`stack`] applies
/// the first `depth` of them (`examples/bench_layers.rs` of the `motcua`
/// crate times each one on `/healthz`, docs/benchmarks.md).
pub const LAYERS: [&str; 10] = [
    "Extension(DemoMode)",
    "csrf::same_origin",
    "rate_limit::client_address",
    "TimeoutLayer",
    "CatchPanicLayer",
    "problem::uniform_errors",
    "http_cache::layer",
    "metrics::track",
    "CompressionLayer",
    "TraceLayer(redact::request_span)",
];

/// `routes` wrapped in the first `depth` layers of [`LAYERS`], in the order
/// the server uses (all of them: [`router`]). The one place that order is
/// written.
///
/// The layers are composed into one [`tower::ServiceBuilder`] and given to
/// the router once: applied one by one, axum boxes each into a route of its
/// own and clones the boxed chain below at every level of every request
/// (issue 21 item 4, docs/benchmarks.md). A layer beyond `depth` is an
/// identity (`option_layer`), so every depth has the same type.
pub fn stack(routes: Router<AppState>, state: &AppState, depth: usize) -> Router<AppState> {
    use axum::response::IntoResponse;
    use tower::ServiceBuilder;
    let on = |n: usize| depth > n;
    // Outermost first, so the reverse of `LAYERS`.
    let layers = ServiceBuilder::new()
        .option_layer(on(9).then(|| {
            ServiceBuilder::new()
                .map_response(IntoResponse::into_response)
                .layer(TraceLayer::new_for_http().make_span_with(redact::request_span))
        }))
        .option_layer(on(8).then(|| {
            ServiceBuilder::new()
                .map_response(IntoResponse::into_response)
                .layer(CompressionLayer::new())
        }))
        .option_layer(on(7).then(|| axum::middleware::from_fn(metrics::track)))
        // Public reference answers: ETag/304, rendered once and compressed,
        // Cache-Control per kind, the lang cookie only on a change.
        .option_layer(on(6).then(|| {
            axum::middleware::from_fn_with_state(state.public_cache.clone(), http_cache::layer)
        }))
        // Inside compression and outside everything that can fail: every
        // error leaves as a problem (or an HTML page for a browser).
        .option_layer(on(5).then(|| axum::middleware::from_fn(problem::uniform_errors)))
        .option_layer(on(4).then(|| {
            ServiceBuilder::new()
                .map_response(IntoResponse::into_response)
                .layer(CatchPanicLayer::custom(problem::panic_to_problem))
        }))
        .option_layer(on(3).then(|| {
            TimeoutLayer::with_status_code(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                Duration::from_secs(30),
            )
        }))
        // These two take only what they need, not a clone of the whole
        // state per request (issue 21, item 4).
        .option_layer(on(2).then(|| {
            axum::middleware::from_fn_with_state(
                state.trusted_proxies.clone(),
                rate_limit::client_address,
            )
        }))
        .option_layer(on(1).then(|| {
            axum::middleware::from_fn_with_state(
                Arc::<str>::from(state.public_url.as_str()),
                csrf::same_origin,
            )
        }))
        // Pages show the demo banner when the development login is on.
        .option_layer(on(0).then_some(axum::Extension(i18n::DemoMode(state.dev_login))));
    routes.layer(layers)
}
