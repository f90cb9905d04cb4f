//! The webhook sink: signed HTTP POSTs of each event to the sector systems
//! (hệ thống chuyên ngành) that subscribed to it (ADR 0019).
//!
//! For each event, the active subscriptions whose filter matches (event
//! type, procedure, scope subtree) get one POST: body the CloudEvent JSON
//! without `data.change` (no personal data), headers `webhook-id` (the
//! event id, stable across retries), `webhook-timestamp` and
//! `webhook-signature` (Standard Webhooks: one `v1,<base64>` per live
//! secret, so both the new and the old secret sign during a rotation).
//!
//! An event is delivered when every matching subscription answered 2xx.
//! A 4xx other than 408/429 is a refusal (permanent: the row is parked);
//! anything else (5xx, 408, 429, 3xx, network, timeout) is retried. On a
//! retry, subscriptions that already took the event in this process are
//! skipped; after a restart they may get it again with the same
//! `webhook-id`, which receivers must de-duplicate (as the Standard
//! Webhooks specification requires).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use motcua_app::authz::ScopeResolver;
use motcua_app::exchange::cloudevent::CONTENT_TYPE;
use motcua_app::exchange::signature::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use motcua_app::exchange::{CloudEvent, SigningKey};
use motcua_app::ports::webhooks::SigningWebhook;
use motcua_app::ports::{Clock, Store};
use motcua_domain::identity::Scope;
use motcua_domain::webhook::{is_internal_host, is_internal_ip, url_host};
use tokio::sync::Semaphore;

use crate::sink::{Sink, SinkError};

/// Settings of the webhook sink.
#[derive(Debug, Clone)]
pub struct WebhookSinkConfig {
    /// Whole-request timeout of one POST.
    pub timeout: Duration,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// POSTs in flight at once, over all events and subscriptions.
    pub concurrency: usize,
    /// How long the subscriptions (and scope answers) are cached.
    pub cache_ttl: Duration,
    /// Send to `http://` targets (development only); otherwise such a
    /// subscription's deliveries are refused.
    pub allow_http: bool,
    /// Where "now" comes from (live secrets, signature timestamps).
    pub clock: Clock,
}

impl Default for WebhookSinkConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(3),
            concurrency: 16,
            cache_ttl: Duration::from_secs(5),
            allow_http: false,
            clock: Clock::system(),
        }
    }
}

/// How many (event, subscription) successes are remembered, so a retry
/// skips the subscriptions already served.
const SERVED_MEMORY: usize = 100_000;

#[derive(Default)]
struct Cache {
    loaded_at: Option<Instant>,
    subscriptions: Arc<Vec<SigningWebhook>>,
    /// (scope, agency) → covered.
    coverage: HashMap<(Scope, String), bool>,
}

#[derive(Default)]
struct Served {
    set: HashSet<(String, i64)>,
    order: VecDeque<(String, i64)>,
}

impl Served {
    fn contains(&self, key: &(String, i64)) -> bool {
        self.set.contains(key)
    }

    fn insert(&mut self, key: (String, i64)) {
        if self.set.insert(key.clone()) {
            self.order.push_back(key);
            while self.order.len() > SERVED_MEMORY {
                if let Some(old) = self.order.pop_front() {
                    self.set.remove(&old);
                }
            }
        }
    }
}

/// Sends events to the subscribed sector systems.
pub struct WebhookSink {
    store: Arc<dyn Store>,
    scopes: ScopeResolver,
    client: reqwest::Client,
    config: WebhookSinkConfig,
    cache: tokio::sync::Mutex<Cache>,
    served: Mutex<Served>,
}

/// The outcome of one POST.
type PostResult = Result<(), SinkError>;

impl WebhookSink {
    /// A sink reading subscriptions from `store`.
    pub fn new(store: Arc<dyn Store>, config: WebhookSinkConfig) -> anyhow::Result<Self> {
        let mut builder = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("motcua-webhooks/", env!("CARGO_PKG_VERSION")));
        if !config.allow_http {
            // Names are resolved here, and only public addresses are
            // contacted (security review F25).
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        let client = builder.build()?;
        Ok(Self {
            scopes: ScopeResolver::new(store.clone()),
            store,
            client,
            config,
            cache: tokio::sync::Mutex::new(Cache::default()),
            served: Mutex::new(Served::default()),
        })
    }

    /// The subscriptions matching each event (indexes into the snapshot).
    async fn matches(
        &self,
        events: &[CloudEvent],
    ) -> Result<(Arc<Vec<SigningWebhook>>, Vec<Vec<usize>>), SinkError> {
        let mut cache = self.cache.lock().await;
        let stale = cache
            .loaded_at
            .is_none_or(|t| t.elapsed() >= self.config.cache_ttl);
        if stale {
            let subs = self
                .store
                .signing_webhooks(self.config.clock.now())
                .await
                .map_err(|e| SinkError::transient(format!("reading webhook subscriptions: {e}")))?;
            cache.subscriptions = Arc::new(subs);
            cache.coverage.clear();
            cache.loaded_at = Some(Instant::now());
        }
        let subs = cache.subscriptions.clone();
        let mut out = Vec::with_capacity(events.len());
        for event in events {
            if event.is_obstacle() {
                // Subscriptions are about dossiers; obstacles go to the hub.
                out.push(Vec::new());
                continue;
            }
            let d = &event.data.dossier;
            let mut agencies = vec![
                d.receiving_agency.clone(),
                d.deciding_agency.clone(),
                d.current_agency.clone(),
            ];
            agencies.sort();
            agencies.dedup();
            let mut hits = Vec::new();
            for (i, sub) in subs.iter().enumerate() {
                let filter = &sub.subscription.spec.filter;
                if !filter.matches_type_and_procedure(&event.kind, &d.procedure_code) {
                    continue;
                }
                let mut covered = filter.scopes.is_empty();
                'scopes: for scope in &filter.scopes {
                    for agency in &agencies {
                        let key = (scope.clone(), agency.clone());
                        let yes = match cache.coverage.get(&key) {
                            Some(v) => *v,
                            None => {
                                let v = self.scopes.covers_agency(scope, agency).await.map_err(
                                    |e| SinkError::transient(format!("checking a scope: {e}")),
                                )?;
                                cache.coverage.insert(key, v);
                                v
                            }
                        };
                        if yes {
                            covered = true;
                            break 'scopes;
                        }
                    }
                }
                if covered {
                    hits.push(i);
                }
            }
            out.push(hits);
        }
        Ok((subs, out))
    }
}

/// Whether a status is a refusal that a retry cannot change.
pub fn is_permanent(status: u16) -> bool {
    (400..500).contains(&status) && status != 408 && status != 429
}

/// A resolver that answers only public addresses: a name that resolves to
/// loopback, private, link-local or metadata addresses only is refused, so
/// a subscription cannot reach into the server's network by DNS.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let public: Vec<std::net::SocketAddr> =
                found.filter(|a| !is_internal_ip(a.ip())).collect();
            if public.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

/// The `webhook-signature` value: one `v1,<base64>` per key.
pub fn signature_header(keys: &[SigningKey], id: &str, timestamp: i64, body: &[u8]) -> String {
    keys.iter()
        .map(|k| k.sign(id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

async fn post(
    client: reqwest::Client,
    sub: SigningWebhook,
    allow_http: bool,
    clock: Clock,
    id: String,
    body: Arc<Vec<u8>>,
) -> PostResult {
    let s = &sub.subscription;
    let who = format!("webhook #{} ({})", s.id, s.spec.name);
    if s.spec.url.starts_with("http://") && !allow_http {
        return Err(SinkError::permanent(format!(
            "{who}: http:// target refused (https required)"
        )));
    }
    if !allow_http && url_host(&s.spec.url).is_none_or(|h| is_internal_host(&h)) {
        return Err(SinkError::permanent(format!(
            "{who}: internal address refused (loopback, private, link-local or metadata)"
        )));
    }
    let keys = sub
        .secrets
        .iter()
        .map(|k| SigningKey::parse(&k.secret))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| SinkError::transient(format!("{who}: unusable secret: {e}")))?;
    if keys.is_empty() {
        return Err(SinkError::transient(format!("{who}: no live secret")));
    }
    let ts = clock.now().timestamp();
    let response = client
        .post(&s.spec.url)
        .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
        .header(HEADER_ID, &id)
        .header(HEADER_TIMESTAMP, ts.to_string())
        .header(HEADER_SIGNATURE, signature_header(&keys, &id, ts, &body))
        .body(body.as_ref().clone())
        .send()
        .await
        .map_err(|e| SinkError::transient(format!("{who} unreachable: {e}")))?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let detail: String = response
        .text()
        .await
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    let message = format!("{who} answered {status}: {detail}");
    if is_permanent(status.as_u16()) {
        Err(SinkError::permanent(message))
    } else {
        Err(SinkError::transient(message))
    }
}

/// One result from the results of an event's POSTs: ok when all are;
/// transient when some failure may pass; permanent when all failures are
/// refusals.
fn combine(results: Vec<PostResult>) -> PostResult {
    let errors: Vec<SinkError> = results.into_iter().filter_map(Result::err).collect();
    if errors.is_empty() {
        return Ok(());
    }
    let message = errors
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    if errors.iter().all(|e| e.permanent) {
        Err(SinkError::permanent(message))
    } else {
        Err(SinkError::transient(message))
    }
}

#[async_trait]
impl Sink for WebhookSink {
    fn name(&self) -> &str {
        "webhooks"
    }

    async fn deliver(&self, events: &[CloudEvent]) -> Vec<Result<(), SinkError>> {
        if events.is_empty() {
            return Vec::new();
        }
        let (subs, matches) = match self.matches(events).await {
            Ok(m) => m,
            Err(e) => return vec![Err(e); events.len()],
        };
        let gate = Arc::new(Semaphore::new(self.config.concurrency.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        let mut per_event: Vec<Vec<PostResult>> = vec![Vec::new(); events.len()];
        let mut spawned = vec![0usize; events.len()];
        for (e, (event, hits)) in events.iter().zip(&matches).enumerate() {
            if hits.is_empty() {
                continue;
            }
            let body = match serde_json::to_vec(&event.without_change()) {
                Ok(b) => Arc::new(b),
                Err(err) => {
                    per_event[e].push(Err(SinkError::permanent(format!("serialising: {err}"))));
                    continue;
                }
            };
            for &i in hits {
                let sub = subs[i].clone();
                let key = (event.id.clone(), sub.subscription.id);
                if self.served.lock().is_ok_and(|s| s.contains(&key)) {
                    continue;
                }
                let (client, gate, body) = (self.client.clone(), gate.clone(), body.clone());
                let (allow_http, clock) = (self.config.allow_http, self.config.clock.clone());
                spawned[e] += 1;
                tasks.spawn(async move {
                    let _permit = gate.acquire_owned().await;
                    let result = post(client, sub, allow_http, clock, key.0.clone(), body).await;
                    (e, key, result)
                });
            }
        }
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok((e, key, result)) => {
                    if result.is_ok()
                        && let Ok(mut served) = self.served.lock()
                    {
                        served.insert(key);
                    }
                    per_event[e].push(result);
                }
                Err(err) => tracing::error!(%err, "a webhook delivery task failed"),
            }
        }
        // A task that panicked left no result: its event is retried.
        per_event
            .into_iter()
            .zip(spawned)
            .map(|(results, spawned)| {
                if results.len() < spawned {
                    return Err(SinkError::transient("a webhook delivery did not finish"));
                }
                combine(results)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified() {
        for s in [400, 401, 403, 404, 410, 413, 422] {
            assert!(is_permanent(s), "{s}");
        }
        for s in [200, 302, 408, 429, 500, 502, 503] {
            assert!(!is_permanent(s), "{s}");
        }
    }

    #[test]
    fn results_combine() {
        assert_eq!(combine(vec![Ok(()), Ok(())]), Ok(()));
        assert_eq!(combine(Vec::new()), Ok(()));
        let p = combine(vec![Ok(()), Err(SinkError::permanent("a"))]).unwrap_err();
        assert!(p.permanent);
        let t = combine(vec![
            Err(SinkError::permanent("a")),
            Err(SinkError::transient("b")),
        ])
        .unwrap_err();
        assert!(!t.permanent);
        assert_eq!(t.message, "a; b");
    }

    #[test]
    fn several_keys_give_several_signatures() {
        let a = SigningKey::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let b = SigningKey::parse("another-key-0123456789").unwrap();
        let h = signature_header(
            &[a.clone(), b],
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        let parts: Vec<&str> = h.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert!(parts[1].starts_with("v1,") && parts[1] != parts[0]);
    }
}
