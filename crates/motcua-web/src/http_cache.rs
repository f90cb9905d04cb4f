//! HTTP caching of the public reference answers (issue 21, ADR 0025).
//!
//! The home page, the procedure pages and search, the unit look-up and the
//! JSON of units, agencies, procedures and the calendar depend only on the
//! reference data (units, lineage, agencies, the catalog), the day (what is
//! in force today), the language and the build. The reference data carries
//! one version number, bumped by the store in the transaction of every
//! change in any process ([`motcua_app::ports::ReferenceVersionStore`]); this layer
//!
//! - gives those answers a strong `ETag` (`"r<version>.<day>.<lang>.<build>"`,
//!   with `.gz` / `.br` for a compressed body) and answers `If-None-Match`
//!   with `304 Not Modified` without running the handler;
//! - keeps each answer rendered once per (version, day), with its gzip and
//!   brotli bodies, in an immutable generation swapped atomically when the
//!   version or the day changes, and serves the body the client accepts;
//! - marks them `Cache-Control: public, max-age=60` and
//!   `Vary: Accept-Encoding` (`, Cookie, HX-Request` for pages, whose
//!   language comes from the `lang` cookie and whose htmx requests get a
//!   fragment); everything else (tracking, receipts, forms, officer pages,
//!   dossiers) `private, no-store` unless the handler said otherwise;
//! - sends the `lang` cookie only when the visitor changed the language
//!   (`?lang=` other than the cookie's).
//!
//! The version is read again when it is older than half a second (in the
//! background) and before answering when it is older than a second, so a
//! change committed by any process is visible within a second; a write to
//! the reference data through this server's API reads it before answering.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use chrono::NaiveDate;
use motcua_app::ports::Clock;
use motcua_app::ports::Store;

/// `Cache-Control` of reference data that changes with the data version.
pub const PUBLIC_DATA: &str = "public, max-age=60";
/// `Cache-Control` of answers fixed by the build (the calendar, the API
/// document).
pub const PUBLIC_BUILD: &str = "public, max-age=86400";
/// `Cache-Control` of everything that may carry personal data.
pub const PRIVATE: &str = "private, no-store";

/// The version is read again in the background when older than this.
const REFRESH_AFTER: Duration = Duration::from_millis(500);
/// ... and before answering when older than this.
const MAX_STALENESS: Duration = Duration::from_secs(1);
/// Answers kept per generation (search texts make many keys).
const MAX_ENTRIES: usize = 8_192;
/// The largest body kept.
const MAX_BODY: usize = 2 * 1024 * 1024;
const SHARDS: usize = 16;

/// What kind of answer a request gets, from its method and path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A page that depends only on the reference data, the day and the
    /// language.
    ReferencePage,
    /// JSON (or a QR image) that depends only on the reference data and the
    /// day.
    ReferenceData,
    /// JSON fixed by the build (calendar, OpenAPI document).
    BuildData,
    /// Anything else: may carry personal data.
    Private,
}

/// The kind of a `GET`/`HEAD` of `path`; other methods are [`Kind::Private`].
pub fn kind_of(method: &Method, path: &str) -> Kind {
    if method != Method::GET && method != Method::HEAD {
        return Kind::Private;
    }
    match path {
        "/" | "/thu-tuc" | "/don-vi" => return Kind::ReferencePage,
        "/api/openapi.json" => return Kind::BuildData,
        _ => {}
    }
    if let Some(code) = path.strip_prefix("/thu-tuc/") {
        return if code.is_empty() || code.contains('/') {
            Kind::Private
        } else {
            Kind::ReferencePage
        };
    }
    if path.starts_with("/api/v1/calendar/") {
        return Kind::BuildData;
    }
    // A unit's classification is an officer's answer, not reference data.
    if path.starts_with("/api/v1/units/") && path.ends_with("/classification") {
        return Kind::Private;
    }
    for prefix in ["/api/v1/units", "/api/v1/agencies", "/api/v1/procedures"] {
        if let Some(rest) = path.strip_prefix(prefix)
            && (rest.is_empty() || rest.starts_with('/'))
        {
            return Kind::ReferenceData;
        }
    }
    Kind::Private
}

/// Whether a write to `path` changes the reference data (agency edits
/// through the API), so the version is read before answering.
fn writes_reference(method: &Method, path: &str) -> bool {
    method != Method::GET
        && method != Method::HEAD
        && ["/api/v1/units", "/api/v1/agencies", "/api/v1/procedures"]
            .iter()
            .any(|p| path.starts_with(p))
}

/// One answer kept: the body as rendered and compressed.
struct Entry {
    content_type: Option<HeaderValue>,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
}

/// The answers of one (version, day).
struct Generation {
    version: i64,
    day: NaiveDate,
    shards: Vec<RwLock<HashMap<String, Arc<Entry>>>>,
    count: AtomicUsize,
}

impl Generation {
    fn new(version: i64, day: NaiveDate) -> Self {
        Self {
            version,
            day,
            shards: (0..SHARDS).map(|_| RwLock::default()).collect(),
            count: AtomicUsize::new(0),
        }
    }

    fn shard(&self, key: &str) -> &RwLock<HashMap<String, Arc<Entry>>> {
        // FNV-1a: cheap and good enough to spread keys over the shards.
        let mut h: u32 = 0x811c_9dc5;
        for b in key.bytes() {
            h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
        }
        &self.shards[h as usize % SHARDS]
    }

    fn get(&self, key: &str) -> Option<Arc<Entry>> {
        self.shard(key).read().ok()?.get(key).cloned()
    }

    fn insert(&self, key: String, entry: Arc<Entry>) {
        if self.count.load(Ordering::Relaxed) >= MAX_ENTRIES {
            return;
        }
        if let Ok(mut shard) = self.shard(&key).write()
            && shard.insert(key, entry).is_none()
        {
            self.count.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The version watcher and the answers kept; one per server process,
/// shared by the clones of [`crate::AppState`].
pub struct PublicCache {
    store: Arc<dyn Store>,
    clock: Clock,
    epoch: Instant,
    version: AtomicI64,
    /// Milliseconds since `epoch` of the last read of the version (0: never).
    checked_ms: AtomicU64,
    refreshing: AtomicBool,
    generation: ArcSwap<Generation>,
    /// Writes (non-`GET` requests) this process has answered: a tracking
    /// page kept from before one is read again (ADR 0025 point 8).
    writes: AtomicU64,
}

impl PublicCache {
    /// A cache over `store`'s reference version, days by `clock`.
    pub fn new(store: Arc<dyn Store>, clock: Clock) -> Self {
        let day = clock.today();
        Self {
            store,
            clock,
            epoch: Instant::now(),
            version: AtomicI64::new(0),
            checked_ms: AtomicU64::new(0),
            refreshing: AtomicBool::new(false),
            generation: ArcSwap::from_pointee(Generation::new(-1, day)),
            writes: AtomicU64::new(0),
        }
    }

    /// How many writes (non-`GET` requests) this process has answered.
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::Acquire)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// Reads the version from the store now.
    pub async fn refresh(&self) {
        let started = self.now_ms();
        match self.store.reference_version().await {
            Ok(v) => {
                self.version.store(v, Ordering::Release);
                self.checked_ms.fetch_max(started, Ordering::AcqRel);
            }
            Err(err) => tracing::warn!(error = %err, "reading the reference version failed"),
        }
    }

    /// The current version, read again when older than half a second (in
    /// the background) or a second (now). `None` when it cannot be read.
    async fn current(self: &Arc<Self>) -> Option<i64> {
        let checked = self.checked_ms.load(Ordering::Acquire);
        let age = Duration::from_millis(self.now_ms().saturating_sub(checked));
        if checked == 0 || age >= MAX_STALENESS {
            self.refresh().await;
            if self.checked_ms.load(Ordering::Acquire) == checked {
                return None;
            }
        } else if age >= REFRESH_AFTER && !self.refreshing.swap(true, Ordering::AcqRel) {
            let this = Arc::clone(self);
            tokio::spawn(async move {
                this.refresh().await;
                this.refreshing.store(false, Ordering::Release);
            });
        }
        Some(self.version.load(Ordering::Acquire))
    }

    /// The generation of this version and day, a fresh one when either moved.
    fn generation(&self, version: i64, day: NaiveDate) -> Arc<Generation> {
        let current = self.generation.load_full();
        if current.version == version && current.day == day {
            return current;
        }
        let fresh = Arc::new(Generation::new(version, day));
        self.generation.rcu(|g| {
            if g.version == version && g.day == day {
                Arc::clone(g)
            } else {
                Arc::clone(&fresh)
            }
        });
        self.generation.load_full()
    }
}

/// The encodings a client accepts, best first: brotli, gzip, none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

pub(crate) fn negotiate(headers: &HeaderMap) -> Encoding {
    let mut gzip = false;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            if refused {
                continue;
            }
            if name.eq_ignore_ascii_case("br") {
                return Encoding::Brotli;
            }
            gzip |= name.eq_ignore_ascii_case("gzip");
        }
    }
    if gzip {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// The `lang` of `?lang=` and of the cookie.
fn langs(req: &Request) -> (Option<&str>, Option<&str>) {
    let query = req.uri().query().and_then(|q| {
        q.split('&')
            .find_map(|pair| pair.strip_prefix("lang="))
            .map(str::trim)
            .filter(|l| matches!(*l, "vi" | "en" | "VI" | "EN" | "Vi" | "En"))
    });
    let cookie = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.split(';')
                .find_map(|kv| kv.trim().strip_prefix("lang="))
                .map(str::trim)
        });
    (query, cookie)
}

/// Whether the visitor changes the language with this request.
fn changes_language(query: Option<&str>, cookie: Option<&str>) -> bool {
    query.is_some_and(|q| !cookie.is_some_and(|c| c.eq_ignore_ascii_case(q)))
}

fn is_lang_cookie(value: &HeaderValue) -> bool {
    value.as_bytes().starts_with(b"lang=")
}

/// Removes the `lang` cookie from a response (it is sent only when the
/// language changed).
fn drop_lang_cookie(headers: &mut HeaderMap) {
    let kept: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter(|v| !is_lang_cookie(v))
        .cloned()
        .collect();
    headers.remove(header::SET_COOKIE);
    for v in kept {
        headers.append(header::SET_COOKIE, v);
    }
}

fn static_header(value: &'static str) -> HeaderValue {
    HeaderValue::from_static(value)
}

/// Whether `If-None-Match` names `etag` (any of its encodings) or `*`.
pub(crate) fn not_modified(headers: &HeaderMap, base: &str) -> bool {
    let stem = base.trim_end_matches('"');
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| {
            t == "*"
                || t.strip_prefix(stem)
                    .is_some_and(|rest| matches!(rest, "\"" | ".gz\"" | ".br\""))
        })
}

pub(crate) fn etag(base: &str, encoding: Encoding) -> HeaderValue {
    let stem = base.trim_end_matches('"');
    let tag = match encoding {
        Encoding::Brotli => format!("{stem}.br\""),
        Encoding::Gzip => format!("{stem}.gz\""),
        Encoding::Identity => base.to_owned(),
    };
    HeaderValue::from_str(&tag).unwrap_or_else(|_| static_header("\"0\""))
}

/// The headers every reference answer carries.
fn reference_headers(headers: &mut HeaderMap, kind: Kind, changed_language: bool) {
    let control = if changed_language {
        // The language switch sets a cookie: no shared cache may keep it.
        "private, max-age=0"
    } else if kind == Kind::BuildData {
        PUBLIC_BUILD
    } else {
        PUBLIC_DATA
    };
    headers.insert(header::CACHE_CONTROL, static_header(control));
    headers.insert(
        header::VARY,
        static_header(if kind == Kind::ReferencePage {
            "Accept-Encoding, Cookie, HX-Request"
        } else {
            "Accept-Encoding"
        }),
    );
}

pub(crate) fn compress(body: &[u8]) -> (Bytes, Bytes) {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    let gzip = gz
        .write_all(body)
        .and_then(|()| gz.finish())
        .unwrap_or_default();
    let mut br = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut br, 16 * 1024, 5, 22);
        let _ = w.write_all(body);
    }
    (Bytes::from(gzip), Bytes::from(br))
}

fn answer(entry: &Entry, encoding: Encoding, base: &str, kind: Kind, head: bool) -> Response {
    let body = match encoding {
        Encoding::Brotli => entry.brotli.clone(),
        Encoding::Gzip => entry.gzip.clone(),
        Encoding::Identity => entry.identity.clone(),
    };
    let length = body.len();
    let mut res = Response::new(if head {
        Body::empty()
    } else {
        Body::from(body)
    });
    let headers = res.headers_mut();
    if let Some(ct) = &entry.content_type {
        headers.insert(header::CONTENT_TYPE, ct.clone());
    }
    match encoding {
        Encoding::Brotli => {
            headers.insert(header::CONTENT_ENCODING, static_header("br"));
        }
        Encoding::Gzip => {
            headers.insert(header::CONTENT_ENCODING, static_header("gzip"));
        }
        Encoding::Identity => {}
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(header::ETAG, etag(base, encoding));
    reference_headers(headers, kind, false);
    res
}

/// The middleware: see the module documentation.
pub async fn layer(State(cache): State<Arc<PublicCache>>, req: Request, next: Next) -> Response {
    let kind = kind_of(req.method(), req.uri().path());
    let safe = req.method() == Method::GET || req.method() == Method::HEAD;
    let (query_lang, cookie_lang) = langs(&req);
    let changed_language = safe && changes_language(query_lang, cookie_lang);
    if kind == Kind::Private {
        let refresh = writes_reference(req.method(), req.uri().path());
        let mut res = next.run(req).await;
        if refresh {
            cache.refresh().await;
        }
        if !safe {
            cache.writes.fetch_add(1, Ordering::AcqRel);
        }
        let headers = res.headers_mut();
        if safe && !changed_language {
            drop_lang_cookie(headers);
        }
        if safe && !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(header::CACHE_CONTROL, static_header(PRIVATE));
        }
        return res;
    }

    let Some(version) = cache.current().await else {
        // The version cannot be read: answer as the handler does, uncached.
        let mut res = next.run(req).await;
        res.headers_mut()
            .insert(header::CACHE_CONTROL, static_header("no-cache"));
        return res;
    };
    let day = cache.clock.today();
    let page = kind == Kind::ReferencePage;
    let lang = if page {
        // The same rule as `Messages`: the query, then the cookie, else vi.
        match query_lang
            .or(cookie_lang)
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("en") => "en",
            _ => "vi",
        }
    } else {
        "-"
    };
    let hx = page && req.headers().contains_key("hx-request");
    let base = format!(
        "\"r{version}.{}.{lang}{}.{}\"",
        day.format("%Y%m%d"),
        if hx { ".hx" } else { "" },
        env!("CARGO_PKG_VERSION"),
    );
    let encoding = negotiate(req.headers());
    let head = req.method() == Method::HEAD;

    if !changed_language && not_modified(req.headers(), &base) {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::NOT_MODIFIED;
        res.headers_mut()
            .insert(header::ETAG, etag(&base, encoding));
        reference_headers(res.headers_mut(), kind, false);
        return res;
    }

    let generation = cache.generation(version, day);
    let key = format!(
        "{lang}{}|{}",
        if hx { "+hx" } else { "" },
        req.uri()
            .path_and_query()
            .map_or(req.uri().path(), |pq| pq.as_str())
    );
    if !changed_language && let Some(entry) = generation.get(&key) {
        return answer(&entry, encoding, &base, kind, head);
    }

    let mut res = next.run(req).await;
    // Only a body of known size up to `MAX_BODY` is kept (a long unit or
    // procedure list is answered as the handler made it).
    let cacheable = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::CONTENT_ENCODING)
        && axum::body::HttpBody::size_hint(res.body())
            .upper()
            .is_some_and(|n| n <= MAX_BODY as u64)
        && res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .all(is_lang_cookie);
    if !changed_language {
        drop_lang_cookie(res.headers_mut());
    }
    if !cacheable {
        // No tag: the compression layer may still encode this body, and a
        // strong tag names one encoding.
        reference_headers(res.headers_mut(), kind, changed_language);
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        // Too large to keep (or a broken body): answer without a body
        // rather than half of one.
        parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        return Response::from_parts(parts, Body::empty());
    };
    let (gzip, brotli) = compress(&bytes);
    let entry = Arc::new(Entry {
        content_type: parts.headers.get(header::CONTENT_TYPE).cloned(),
        identity: bytes,
        gzip,
        brotli,
    });
    generation.insert(key, Arc::clone(&entry));
    let mut res = answer(&entry, encoding, &base, kind, head);
    if changed_language {
        for v in parts.headers.get_all(header::SET_COOKIE) {
            res.headers_mut().append(header::SET_COOKIE, v.clone());
        }
        reference_headers(res.headers_mut(), kind, true);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_path() {
        let get = Method::GET;
        assert_eq!(kind_of(&get, "/"), Kind::ReferencePage);
        assert_eq!(kind_of(&get, "/thu-tuc/1.001193"), Kind::ReferencePage);
        assert_eq!(
            kind_of(&get, "/thu-tuc/1.001193/nop-truc-tuyen"),
            Kind::Private
        );
        assert_eq!(kind_of(&get, "/don-vi"), Kind::ReferencePage);
        assert_eq!(kind_of(&get, "/api/v1/units/00004"), Kind::ReferenceData);
        assert_eq!(kind_of(&get, "/api/v1/unitsx"), Kind::Private);
        assert_eq!(
            kind_of(&get, "/api/v1/units/00004/classification"),
            Kind::Private
        );
        assert_eq!(kind_of(&get, "/api/v1/calendar/2026"), Kind::BuildData);
        assert_eq!(kind_of(&get, "/tra-cuu/X"), Kind::Private);
        assert_eq!(kind_of(&get, "/api/v1/dossiers"), Kind::Private);
        assert_eq!(kind_of(&Method::POST, "/api/v1/agencies"), Kind::Private);
        assert!(writes_reference(&Method::PUT, "/api/v1/agencies/X"));
        assert!(!writes_reference(&Method::POST, "/api/v1/dossiers"));
    }

    #[test]
    fn encodings_and_etags() {
        let mut h = HeaderMap::new();
        assert_eq!(negotiate(&h), Encoding::Identity);
        h.insert(header::ACCEPT_ENCODING, static_header("gzip, deflate"));
        assert_eq!(negotiate(&h), Encoding::Gzip);
        h.insert(header::ACCEPT_ENCODING, static_header("gzip, br;q=0"));
        assert_eq!(negotiate(&h), Encoding::Gzip);
        h.insert(header::ACCEPT_ENCODING, static_header("gzip, br"));
        assert_eq!(negotiate(&h), Encoding::Brotli);
        let base = "\"r7.20260101.vi.0\"";
        h.insert(
            header::IF_NONE_MATCH,
            static_header("\"r7.20260101.vi.0.br\""),
        );
        assert!(not_modified(&h, base));
        h.insert(header::IF_NONE_MATCH, static_header("\"r8.20260101.vi.0\""));
        assert!(!not_modified(&h, base));
        h.insert(
            header::IF_NONE_MATCH,
            static_header("\"r7.20260101.vi.0.brx\""),
        );
        assert!(!not_modified(&h, base));
        assert!(changes_language(Some("en"), None));
        assert!(changes_language(Some("en"), Some("vi")));
        assert!(!changes_language(Some("en"), Some("en")));
        assert!(!changes_language(None, Some("en")));
    }
}
