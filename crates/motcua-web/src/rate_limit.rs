//! Rate limits kept in process memory, and the client address they key on.
//!
//! - [`VerifierLimiter`]: the ONE limiter of every route that checks a
//!   dossier's verifier (the QR secret or the phone's last four digits):
//!   public tracking (API and page), rating, supplement upload, receipts
//!   and attachments opened by a holder, "who looked at my data". It counts
//!   per client (a token bucket) and per dossier code (wrong guesses in a
//!   sliding window, whoever sends them).
//! - [`FilingLimiter`]: anonymous online filing, per client and per
//!   applicant.
//! - [`client_address`]: the middleware that decides the client address:
//!   the TCP peer, or behind a trusted proxy (`[server] trusted_proxies`)
//!   the right-most `X-Forwarded-For` address that is not a trusted proxy.
//!
//! One process only: behind a load balancer each node limits on its own.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Extensions, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use motcua_app::dossiers::{DossierError, VerifierProof};

use crate::AppState;
use crate::problem::Problem;

/// Allows `burst` requests at once per key, refilled at a steady rate.
#[derive(Debug)]
pub struct RateLimiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

/// Most keys kept before idle full buckets are dropped.
const MAX_KEYS: usize = 100_000;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned lock only means another thread panicked mid-update; the
    // counts are still usable.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl RateLimiter {
    /// A limiter of `burst` requests, refilled at `per_minute` a minute.
    pub fn new(burst: u32, per_minute: u32) -> Self {
        Self::with_rate(burst, f64::from(per_minute.max(1)) / 60.0)
    }

    /// A limiter of `burst` requests, refilled at `per_hour` an hour.
    pub fn per_hour(burst: u32, per_hour: u32) -> Self {
        Self::with_rate(burst, f64::from(per_hour.max(1)) / 3600.0)
    }

    fn with_rate(burst: u32, per_second: f64) -> Self {
        Self {
            burst: f64::from(burst.max(1)),
            per_second,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key`; `Err(wait)` when none is left.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        self.check_at(key, Instant::now())
    }

    /// Takes `cost` tokens for `key` (at most the whole burst, so a large
    /// request still passes on a full bucket); `Err(wait)` when fewer are left.
    pub fn check_cost(&self, key: &str, cost: f64) -> Result<(), Duration> {
        self.check_cost_at(key, cost, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), Duration> {
        self.check_cost_at(key, 1.0, now)
    }

    fn check_cost_at(&self, key: &str, cost: f64, now: Instant) -> Result<(), Duration> {
        let cost = cost.clamp(0.0, self.burst);
        let mut buckets = lock(&self.buckets);
        if buckets.len() >= MAX_KEYS {
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = buckets.entry(key.to_owned()).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= cost {
            *tokens -= cost;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((cost - *tokens) / self.per_second))
        }
    }
}

/// Whether a verifier has the shape of the phone's last four digits (the
/// QR secret is 32 hex characters).
pub fn is_phone_digits(verifier: &str) -> bool {
    let v = verifier.trim();
    v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit())
}

/// The limiter of every verifier check (see the module documentation).
///
/// Per client: a token bucket (`burst`, refilled per minute) spent by every
/// verifier check. Per dossier code: at most `max_failures` wrong guesses
/// in `window`, whoever sends them; past that, the phone's four digits are
/// refused for that code until the window slides (10⁴ possible values, so
/// this is what protects them), while the QR secret (128 random bits,
/// beyond guessing) still opens it: an attacker cannot lock a citizen with
/// a receipt out.
#[derive(Debug)]
pub struct VerifierLimiter {
    clients: RateLimiter,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
    max_failures: usize,
    window: Duration,
}

impl Default for VerifierLimiter {
    /// 10 checks at once per client, 30 a minute; 10 wrong guesses per
    /// dossier an hour.
    fn default() -> Self {
        Self::new(10, 30, 10, Duration::from_secs(3600))
    }
}

fn code_key(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

impl VerifierLimiter {
    /// A limiter of `burst` checks per client refilled at `per_minute`, and
    /// `max_failures` wrong guesses per dossier code in `window`.
    pub fn new(burst: u32, per_minute: u32, max_failures: usize, window: Duration) -> Self {
        Self {
            clients: RateLimiter::new(burst, per_minute),
            failures: Mutex::new(HashMap::new()),
            max_failures: max_failures.max(1),
            window,
        }
    }

    /// Spends one check of `client` (before a body is read, say);
    /// `Err(wait)` when over the limit.
    pub fn check(&self, client: &str) -> Result<(), Duration> {
        self.clients.check(client)
    }

    /// Whether `verifier` may still be tried on dossier `code` (phone
    /// digits are refused once the code's failure budget is spent).
    pub fn check_dossier(&self, code: &str, verifier: &str) -> Result<(), Duration> {
        self.check_dossier_at(code, verifier, Instant::now())
    }

    fn check_dossier_at(&self, code: &str, verifier: &str, now: Instant) -> Result<(), Duration> {
        if !is_phone_digits(verifier) {
            return Ok(());
        }
        let mut failures = lock(&self.failures);
        let Some(times) = failures.get_mut(&code_key(code)) else {
            return Ok(());
        };
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
        if times.len() < self.max_failures {
            return Ok(());
        }
        let oldest = times.front().copied().unwrap_or(now);
        Err(self
            .window
            .saturating_sub(now.duration_since(oldest))
            .max(Duration::from_secs(1)))
    }

    /// Both budgets: the dossier's, then one check of the client's.
    pub fn admit(&self, client: &str, code: &str, verifier: &str) -> Result<(), Duration> {
        self.check_dossier(code, verifier)?;
        self.check(client)
    }

    /// Counts a wrong verifier for dossier `code`.
    pub fn failed(&self, code: &str) {
        self.failed_at(code, Instant::now());
    }

    fn failed_at(&self, code: &str, now: Instant) {
        let mut failures = lock(&self.failures);
        if failures.len() >= MAX_KEYS {
            let window = self.window;
            failures.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
        }
        let times = failures.entry(code_key(code)).or_default();
        times.push_back(now);
        // Only the newest ones matter.
        while times.len() > self.max_failures {
            times.pop_front();
        }
    }
}

/// Limits of anonymous online filing: per client address and per applicant
/// (personal ID), whichever runs out first.
#[derive(Debug)]
pub struct FilingLimiter {
    clients: RateLimiter,
    applicants: RateLimiter,
}

impl Default for FilingLimiter {
    /// Per client 30 requests at once, then 60 an hour (review steps
    /// included); per applicant 10 filings at once, then 10 an hour.
    fn default() -> Self {
        Self::new(RateLimiter::per_hour(30, 60), RateLimiter::per_hour(10, 10))
    }
}

impl FilingLimiter {
    /// A filing limiter from its two buckets.
    pub fn new(clients: RateLimiter, applicants: RateLimiter) -> Self {
        Self {
            clients,
            applicants,
        }
    }

    /// Spends one request of `client`.
    pub fn check_client(&self, client: &str) -> Result<(), Duration> {
        self.clients.check(client)
    }

    /// Spends one filing of the applicant `personal_id` (trimmed; an empty
    /// one counts under one shared key).
    pub fn check_applicant(&self, personal_id: &str) -> Result<(), Duration> {
        self.applicants.check(&format!("id:{}", personal_id.trim()))
    }
}

/// The 429 problem of a limit, with `Retry-After`.
pub fn too_many(wait: Duration) -> Response {
    let mut res = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate-limited",
        "Quá nhiều yêu cầu, vui lòng thử lại sau / too many requests, retry later",
    )
    .with_code("rate_limited")
    .into_response();
    retry_after(&mut res, wait);
    res
}

/// Sets `Retry-After` (whole seconds, at least 1).
pub fn retry_after(res: &mut Response, wait: Duration) {
    if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
}

/// The one check of a holder's verifier for routes that then load the
/// dossier themselves (receipts, attachments): spends the client's and the
/// dossier's budgets, checks the verifier, counts a wrong one against the
/// dossier. `Err(wait)` when limited; `Ok(None)` for a wrong verifier or
/// an unknown code (the route then answers its usual 404); otherwise which
/// verifier it was.
pub async fn guard_verifier(
    state: &AppState,
    extensions: &Extensions,
    code: &str,
    verifier: &str,
) -> Result<Option<VerifierProof>, Duration> {
    state
        .tracking_limiter
        .admit(&client_key(extensions), code, verifier)?;
    match state.dossiers.check_verifier(code, verifier).await {
        Ok(proof) => Ok(Some(proof)),
        Err(DossierError::NotFound(_)) => {
            state.tracking_limiter.failed(code);
            Ok(None)
        }
        Err(_) => Ok(None),
    }
}

/// Anonymous online filing (`POST /api/v1/dossiers` with channel online,
/// and the online filing page's submission): the client's and the
/// applicant's budgets; `Err(wait)` when either is spent (answer
/// [`too_many`]).
pub fn guard_filing(
    state: &AppState,
    extensions: &Extensions,
    personal_id: &str,
) -> Result<(), Duration> {
    state
        .filing_limiter
        .check_client(&client_key(extensions))
        .and_then(|()| state.filing_limiter.check_applicant(personal_id))
}

/// Addresses of reverse proxies whose `X-Forwarded-For` is believed
/// (`[server] trusted_proxies`: addresses or CIDR blocks).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses `10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`...
    pub fn parse(list: &[String]) -> Result<Self, String> {
        let mut out = Vec::with_capacity(list.len());
        for item in list {
            let item = item.trim();
            let (addr, len) = item.split_once('/').unwrap_or((item, ""));
            let ip: IpAddr = addr
                .parse()
                .map_err(|_| format!("server.trusted_proxies: {item:?} is not an address"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let len = if len.is_empty() {
                max
            } else {
                len.parse::<u8>()
                    .ok()
                    .filter(|l| *l <= max)
                    .ok_or_else(|| format!("server.trusted_proxies: {item:?}: bad prefix length"))?
            };
            out.push((ip, len));
        }
        Ok(Self(out))
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|(net, len)| match (canonical(*net), ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), *len),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), *len),
            _ => false,
        })
    }

    /// The client of a request from `peer` with these `X-Forwarded-For`
    /// values: the peer unless it is trusted; then the right-most address
    /// that is not a trusted proxy (the left part can be forged).
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        if !self.contains(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                // Garbage from the untrusted side: stop where trust ends.
                return peer;
            };
            if !self.contains(ip) {
                return ip;
            }
        }
        peer
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

fn prefix_eq(a: &[u8], b: &[u8], len: u8) -> bool {
    let full = usize::from(len / 8);
    let rest = len % 8;
    if a[..full] != b[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[full] & mask) == (b[full] & mask)
}

/// An `X-Forwarded-For` element: `1.2.3.4`, `1.2.3.4:5678`, `::1`,
/// `[::1]:5678`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(canonical)
}

/// The client address as this server believes it (see
/// [`TrustedProxies::client`]); set by [`client_address`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Middleware: decides the client address once per request and puts it
/// in the request as [`ClientIp`] and as `ConnectInfo<SocketAddr>` (port
/// 0), so every limiter keyed on the connection sees the real client.
pub async fn client_address(
    State(trusted_proxies): State<Arc<TrustedProxies>>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(peer) = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    {
        let forwarded: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let client = trusted_proxies.client(peer, &forwarded);
        req.extensions_mut().insert(ClientIp(client));
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(client, 0)));
    }
    next.run(req).await
}

/// The client key of a request: its [`ClientIp`], else the peer, else
/// `unknown`.
pub fn client_key(extensions: &Extensions) -> String {
    extensions
        .get::<ClientIp>()
        .map(|c| c.0)
        .or_else(|| {
            extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
        })
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_refills() {
        let limiter = RateLimiter::new(3, 60);
        let t = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check_at("a", t).is_ok());
        }
        let wait = limiter.check_at("a", t).unwrap_err();
        assert!(wait <= Duration::from_secs(1), "{wait:?}");
        assert!(limiter.check_at("b", t).is_ok(), "keys are separate");
        assert!(limiter.check_at("a", t + Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn a_dossier_refuses_phone_digits_after_its_failures_whoever_sends_them() {
        let limiter = VerifierLimiter::new(100, 60, 3, Duration::from_secs(3600));
        let t = Instant::now();
        let code = "H55.X1-250715-0001";
        for _ in 0..3 {
            assert!(limiter.check_dossier_at(code, "1234", t).is_ok());
            limiter.failed_at(code, t);
        }
        let wait = limiter.check_dossier_at(code, "1234", t).unwrap_err();
        assert!(wait > Duration::from_secs(3500), "{wait:?}");
        // The same code in lower case is the same dossier.
        assert!(
            limiter
                .check_dossier_at(&code.to_lowercase(), "5678", t)
                .is_err()
        );
        // The QR secret still opens it; other dossiers are untouched.
        assert!(
            limiter
                .check_dossier_at(code, "0123456789abcdef0123456789abcdef", t)
                .is_ok()
        );
        assert!(
            limiter
                .check_dossier_at("H55.X1-250715-0002", "1234", t)
                .is_ok()
        );
        // The window slides.
        assert!(
            limiter
                .check_dossier_at(code, "1234", t + Duration::from_secs(3600))
                .is_ok()
        );
        assert!(is_phone_digits(" 0123 "));
        assert!(!is_phone_digits("01a3"));
        assert!(!is_phone_digits("0123456789abcdef0123456789abcdef"));
    }

    #[test]
    fn the_client_is_the_peer_unless_a_trusted_proxy_forwards() {
        let proxies =
            TrustedProxies::parse(&["10.0.0.0/8".into(), "::1".into(), "192.168.1.7".into()])
                .unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // Direct: X-Forwarded-For is ignored.
        assert_eq!(
            proxies.client(ip("203.0.113.9"), &["198.51.100.1"]),
            ip("203.0.113.9")
        );
        // Through the proxy: the right-most untrusted hop, not a forged left one.
        assert_eq!(
            proxies.client(ip("10.1.2.3"), &["1.1.1.1, 198.51.100.7, 10.9.9.9"]),
            ip("198.51.100.7")
        );
        assert_eq!(
            proxies.client(ip("::1"), &["1.1.1.1", "198.51.100.8:4711"]),
            ip("198.51.100.8")
        );
        assert_eq!(
            proxies.client(ip("::ffff:10.0.0.1"), &["[2001:db8::1]:80"]),
            ip("2001:db8::1")
        );
        // Nothing forwarded, or garbage: the proxy itself.
        assert_eq!(proxies.client(ip("10.1.2.3"), &[]), ip("10.1.2.3"));
        assert_eq!(
            proxies.client(ip("10.1.2.3"), &["1.1.1.1, nonsense"]),
            ip("10.1.2.3")
        );
        assert!(proxies.contains(ip("192.168.1.7")));
        assert!(!proxies.contains(ip("192.168.1.8")));
        assert!(!TrustedProxies::default().contains(ip("127.0.0.1")));
        assert!(TrustedProxies::parse(&["10.0.0.0/33".into()]).is_err());
        assert!(TrustedProxies::parse(&["proxy.local".into()]).is_err());
    }
}
