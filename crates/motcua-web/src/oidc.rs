//! Single sign-on with OpenID Connect (đăng nhập một lần), ADR 0015.
//!
//! `GET /dang-nhap/sso` sends the browser to the provider with a random
//! `state`, `nonce` and a PKCE (S256) challenge; the state is also put in a
//! short-lived cookie so that the callback only completes in the browser
//! that started it. `GET /dang-nhap/sso/callback` checks the state against
//! the cookie and the pending flow, exchanges the code (with the PKCE
//! verifier), verifies the ID token (signature from the provider's JWKS,
//! issuer, audience, expiry, nonce), then maps `issuer|sub` to a local
//! account and opens a session. An e-mail claim is passed on only when the
//! provider marked it verified (`email_verified`), and it links an account
//! only when an administrator approved that (ADR 0021, review F5).
//!
//! Pending flows are capped ([`MAX_PENDING`], the oldest evicted first) and
//! expire in insertion order, so a flood of `GET /dang-nhap/sso` costs O(1)
//! per request and bounded memory (review F29).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::Deserialize;

use crate::AppState;
use crate::auth::cookie_value;
use crate::i18n::Messages;
use crate::session::{safe_next, session_cookie};

/// `[auth.oidc]`: the provider and this client.
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// The issuer URL (discovery at `<issuer>/.well-known/openid-configuration`).
    pub issuer: String,
    /// Client id registered at the provider.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
}

/// A flow between the redirect and the callback.
struct Pending {
    nonce: String,
    verifier: String,
    next: String,
    started: Instant,
}

/// Pending flows by state, and the states in the order they started (all
/// flows live [`FLOW_TTL`], so the oldest is always at the front).
#[derive(Default)]
struct Flows {
    by_state: HashMap<String, Pending>,
    order: VecDeque<(Instant, String)>,
}

impl Flows {
    /// Drops expired flows and, when full, the oldest: O(1) amortized.
    fn make_room(&mut self, now: Instant) {
        while let Some((started, state)) = self.order.front() {
            let expired = now.duration_since(*started) >= FLOW_TTL;
            if !expired && self.by_state.len() < MAX_PENDING {
                break;
            }
            if self
                .by_state
                .get(state)
                .is_some_and(|p| p.started == *started)
            {
                self.by_state.remove(state);
            }
            self.order.pop_front();
        }
    }

    fn insert(&mut self, state: String, pending: Pending) {
        self.make_room(pending.started);
        self.order.push_back((pending.started, state.clone()));
        self.by_state.insert(state, pending);
    }
}

/// The single sign-on client: configuration, discovered metadata, and
/// pending flows (in process: with several nodes, the callback must reach
/// the node that started the flow, or the flow is simply restarted).
pub struct OidcClient {
    config: OidcConfig,
    http: reqwest::Client,
    metadata: Mutex<Option<CoreProviderMetadata>>,
    pending: Mutex<Flows>,
}

/// The cookie binding a flow to the browser that started it.
const FLOW_COOKIE: &str = "motcua_sso";
/// How long a flow may take.
const FLOW_TTL: Duration = Duration::from_secs(600);
/// The most flows pending at once; beyond, the oldest is dropped.
pub const MAX_PENDING: usize = 10_000;

/// What a completed flow says about the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// `issuer|sub`.
    pub subject: String,
    /// The e-mail, only when the provider marked it verified.
    pub verified_email: Option<String>,
    /// Whether the token carried an e-mail that was not verified.
    pub unverified_email: bool,
    /// Where to go next (a local path).
    pub next: String,
}

impl std::fmt::Debug for OidcClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcClient")
            .field("issuer", &self.config.issuer)
            .field("client_id", &self.config.client_id)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl OidcClient {
    /// A client for `config`; the provider is discovered on first use.
    pub fn new(config: OidcConfig) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        IssuerUrl::new(config.issuer.clone()).map_err(|e| e.to_string())?;
        Ok(Self {
            config,
            http,
            metadata: Mutex::new(None),
            pending: Mutex::new(Flows::default()),
        })
    }

    async fn metadata(&self) -> Result<CoreProviderMetadata, String> {
        if let Some(m) = lock(&self.metadata).clone() {
            return Ok(m);
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone()).map_err(|e| e.to_string())?;
        let m = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| format!("discovery: {e}"))?;
        *lock(&self.metadata) = Some(m.clone());
        Ok(m)
    }

    async fn client(
        &self,
        public_url: &str,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        String,
    > {
        let redirect = format!(
            "{}/dang-nhap/sso/callback",
            public_url.trim_end_matches('/')
        );
        Ok(CoreClient::from_provider_metadata(
            self.metadata().await?,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(self.config.client_secret.clone())),
        )
        .set_redirect_uri(RedirectUrl::new(redirect).map_err(|e| e.to_string())?))
    }

    /// The provider URL to send the browser to, and the flow's state.
    async fn start(&self, public_url: &str, next: String) -> Result<(String, String), String> {
        let client = self.client(public_url).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge)
            .url();
        lock(&self.pending).insert(
            state.secret().clone(),
            Pending {
                nonce: nonce.secret().clone(),
                verifier: verifier.secret().clone(),
                next,
                started: Instant::now(),
            },
        );
        Ok((url.to_string(), state.secret().clone()))
    }

    /// How many flows are pending.
    pub fn pending_flows(&self) -> usize {
        lock(&self.pending).by_state.len()
    }

    /// Completes a flow.
    async fn finish(&self, public_url: &str, state: &str, code: &str) -> Result<SignedIn, String> {
        let pending = lock(&self.pending)
            .by_state
            .remove(state)
            .filter(|p| p.started.elapsed() < FLOW_TTL)
            .ok_or("unknown or expired state")?;
        let client = self.client(public_url).await?;
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| e.to_string())?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| format!("token: {e}"))?;
        let id_token = token.id_token().ok_or("no ID token")?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(pending.nonce))
            .map_err(|e| format!("ID token: {e}"))?;
        let subject =
            motcua_app::identity::sso_subject(claims.issuer().as_str(), claims.subject().as_str());
        let email = claims.email().map(|e| e.as_str().to_owned());
        let verified = claims.email_verified() == Some(true);
        Ok(SignedIn {
            subject,
            unverified_email: email.is_some() && !verified,
            verified_email: email.filter(|_| verified),
            next: pending.next,
        })
    }
}

/// `?next=`.
#[derive(Debug, Deserialize)]
pub struct StartParams {
    /// Where to go after logging in.
    pub next: Option<String>,
}

fn page_error(t: Messages, key: &str, status: StatusCode) -> Response {
    let mut res = crate::pages::render(
        t,
        &crate::pages::identity::LoginPage {
            t,
            next: "/".into(),
            account: String::new(),
            error: Some(t.get(key)),
            sso: true,
            dev: false,
        },
    );
    *res.status_mut() = status;
    res
}

/// `GET /dang-nhap/sso`.
pub async fn start(
    State(state): State<AppState>,
    t: Messages,
    Query(q): Query<StartParams>,
) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return page_error(t, "sso-error-off", StatusCode::NOT_FOUND);
    };
    match oidc
        .start(&state.public_url, safe_next(q.next.as_deref()))
        .await
    {
        Ok((url, flow)) => {
            let mut res = Redirect::to(&url).into_response();
            let secure = if state.secure_cookies() {
                "; Secure"
            } else {
                ""
            };
            if let Ok(v) = HeaderValue::from_str(&format!(
                "{FLOW_COOKIE}={flow}; Path=/dang-nhap/sso; HttpOnly; SameSite=Lax; Max-Age=600{secure}"
            )) {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            res
        }
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on could not start");
            page_error(t, "sso-error-provider", StatusCode::BAD_GATEWAY)
        }
    }
}

/// The provider's answer.
#[derive(Debug, Deserialize)]
pub struct CallbackParams {
    /// The authorization code.
    pub code: Option<String>,
    /// The state sent.
    pub state: Option<String>,
    /// An error from the provider.
    pub error: Option<String>,
}

/// `GET /dang-nhap/sso/callback`.
pub async fn callback(
    State(state): State<AppState>,
    t: Messages,
    headers: HeaderMap,
    Query(q): Query<CallbackParams>,
) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return page_error(t, "sso-error-off", StatusCode::NOT_FOUND);
    };
    let (Some(code), Some(flow), None) = (q.code, q.state, q.error) else {
        return page_error(t, "sso-error-provider", StatusCode::UNAUTHORIZED);
    };
    if cookie_value(&headers, FLOW_COOKIE).map(str::trim) != Some(flow.as_str()) {
        return page_error(t, "sso-error-provider", StatusCode::UNAUTHORIZED);
    }
    let signed = match oidc.finish(&state.public_url, &flow, &code).await {
        Ok(done) => done,
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on refused");
            return page_error(t, "sso-error-provider", StatusCode::UNAUTHORIZED);
        }
    };
    if signed.unverified_email {
        tracing::info!("single sign-on: the e-mail claim is not verified; it is ignored");
    }
    match state
        .identity
        .login_sso(&signed.subject, signed.verified_email.as_deref())
        .await
    {
        Ok(Some(done)) => {
            let mut res = Redirect::to(&signed.next).into_response();
            res.headers_mut().insert(
                header::SET_COOKIE,
                session_cookie(&state, &done.token, done.expires_at),
            );
            res
        }
        Ok(None) => page_error(t, "sso-error-no-account", StatusCode::FORBIDDEN),
        Err(e) => {
            tracing::error!(error = %e, "single sign-on failed");
            page_error(
                t,
                "login-error-unavailable",
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(started: Instant) -> Pending {
        Pending {
            nonce: String::new(),
            verifier: String::new(),
            next: "/".into(),
            started,
        }
    }

    #[test]
    fn pending_flows_are_capped_and_expire_oldest_first() {
        let mut flows = Flows::default();
        let t0 = Instant::now();
        for i in 0..MAX_PENDING + 5 {
            flows.insert(format!("s{i}"), pending(t0));
        }
        assert_eq!(flows.by_state.len(), MAX_PENDING);
        assert!(!flows.by_state.contains_key("s0"), "the oldest went first");
        assert!(
            flows
                .by_state
                .contains_key(&format!("s{}", MAX_PENDING + 4))
        );
        // A completed flow leaves a stale entry in the order; it is skipped.
        flows.by_state.remove("s10");
        flows.insert("late".into(), pending(t0 + FLOW_TTL));
        assert_eq!(flows.by_state.len(), 1, "everything older expired");
        assert!(flows.by_state.contains_key("late"));
        assert_eq!(flows.order.len(), 1);
    }
}
