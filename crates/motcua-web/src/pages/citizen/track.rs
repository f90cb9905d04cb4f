//! Tracking a dossier (tra cứu hồ sơ): by code and verifier, or from the
//! QR on the receipt (`/tra-cuu/{code}?verifier=...`). Shows the status,
//! due date, the timeline in plain words, what is missing, the apology
//! letter when late; lets the applicant supply requested documents and
//! rate the service once the result is returned. A malformed code, a
//! wrong verifier and too many look-ups each get a clear inline message.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::attachments::Upload;
use motcua_app::dossiers::{Accessor, ActionInput, DossierError, TrackingView};
use motcua_domain::dossier::Rating;
use serde::Deserialize;

use super::field_value;
use super::file_online::file_error;
use crate::AppState;
use crate::i18n::Messages;
use crate::upload;
use motcua_domain::format::local_datetime;

/// One step of the timeline.
pub struct Step {
    /// When, in Vietnam time.
    pub at: String,
    /// What happened, in plain words.
    pub words: String,
}

/// A file the applicant sent.
pub struct FileLine {
    /// Display name.
    pub name: String,
    /// Component name.
    pub component: String,
    /// When.
    pub at: String,
    /// Download link.
    pub href: String,
}

/// The apology letter (form 04).
pub struct Apology {
    /// Reason for the delay.
    pub reason: String,
    /// Former due date.
    pub old_date: String,
    /// New due date.
    pub new_date: String,
    /// When it was issued.
    pub at: String,
}

/// A rating choice.
pub struct RatingChoice {
    /// Form value.
    pub value: &'static str,
    /// Words.
    pub words: String,
}

/// Why a dossier was refused or stopped, with its form (03 or 05).
pub struct EndNotice {
    /// `03` or `05`.
    pub form: &'static str,
    /// The heading.
    pub title: String,
    /// The reason as the officer wrote it.
    pub reason: String,
    /// The words of the link to the form.
    pub link: String,
}

/// The refusal or stop notice of a dossier that ended so, from the reason
/// the tracking read found in its events; only with the QR secret (the
/// phone's digits show the status).
fn end_notice(t: Messages, status: &str, reason: Option<String>) -> Option<EndNotice> {
    let form = match status {
        "refused_at_reception" => "03",
        "stopped" => "05",
        _ => return None,
    };
    Some(EndNotice {
        form,
        title: t.get(&format!("track-end-{form}")),
        reason: reason?,
        link: t.with_args("track-end-form", &[("code", form)]),
    })
}

/// What the holder sees of the dossier.
pub struct Found {
    /// Code.
    pub code: String,
    /// Procedure code.
    pub procedure: String,
    /// Status key.
    pub status_key: String,
    /// Status in words.
    pub status: String,
    /// Received at.
    pub received_at: String,
    /// Received by an officer: the receipt (giấy tiếp nhận) exists and is
    /// linked, with the verifier as typed.
    pub has_receipt: bool,
    /// Due at.
    pub due_at: String,
    /// Counts late.
    pub late: bool,
    /// Timeline, oldest first.
    pub timeline: Vec<Step>,
    /// Missing documents.
    pub missing: Vec<String>,
    /// Reason of the supplement request.
    pub supplement_reason: String,
    /// Awaiting a supplement: the upload form is shown.
    pub can_supply: bool,
    /// Components (code, name) to pick from.
    pub components: Vec<(String, String)>,
    /// Files sent.
    pub files: Vec<FileLine>,
    /// The apology letter, if any.
    pub apology: Option<Apology>,
    /// A refusal (form 03) or a stop (form 05): its reason and form,
    /// for the holder of the QR secret.
    pub end_notice: Option<EndNotice>,
    /// Returned and not rated yet.
    pub can_rate: bool,
    /// The rating given, in words.
    pub rated: String,
    /// Rating choices.
    pub choices: Vec<RatingChoice>,
    /// Opened with the phone's last four digits: the status only (no
    /// files, no supplement, no rating; those need the QR secret).
    pub phone_only: bool,
    /// Fees and online payment (issue 15), for the holder of the QR secret.
    pub payment: Option<super::payment::PayBox>,
}

/// `templates/pages/citizen/track.html`.
#[derive(Template)]
#[template(path = "pages/citizen/track.html")]
pub struct TrackPage {
    /// Messages.
    pub t: Messages,
    /// The code as typed.
    pub code: String,
    /// The verifier as typed.
    pub verifier: String,
    /// An inline error.
    pub error: String,
    /// An inline notice (file received, rating sent).
    pub notice: String,
    /// The dossier, when found.
    pub found: Option<Found>,
}

/// The tracking query.
#[derive(Debug, Default, Deserialize)]
pub struct TrackQuery {
    /// Code (on `/tra-cuu`).
    pub ma: Option<String>,
    /// Verifier.
    pub verifier: Option<String>,
    /// A supplement was just sent.
    pub sent: Option<String>,
    /// A rating was just sent.
    pub rated: Option<String>,
    /// An error code of a post that redirected here.
    pub loi: Option<String>,
}

fn rating_key(r: Rating) -> &'static str {
    match r {
        Rating::VerySatisfied => "very_satisfied",
        Rating::Satisfied => "satisfied",
        Rating::Neutral => "neutral",
        Rating::Dissatisfied => "dissatisfied",
    }
}

fn rating_words(t: Messages, key: &str) -> String {
    match key {
        "very_satisfied" => t.get("citizen-rate-very-satisfied"),
        "satisfied" => t.get("citizen-rate-satisfied"),
        "neutral" => t.get("citizen-rate-neutral"),
        "dissatisfied" => t.get("citizen-rate-dissatisfied"),
        other => other.to_owned(),
    }
}

fn status_words(t: Messages, key: &str) -> String {
    let words = t.get(&format!("citizen-status-{key}"));
    if words.starts_with("citizen-") {
        key.to_owned()
    } else {
        words
    }
}

fn event_words(t: Messages, key: &str, fallback: &str) -> String {
    let words = t.get(&format!("citizen-event-{key}"));
    if words.starts_with("citizen-") {
        fallback.to_owned()
    } else {
        words
    }
}

/// Percent-encodes a query value.
fn enc(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn found(state: &AppState, t: Messages, v: TrackingView, verifier: &str) -> Found {
    let phone_only = crate::rate_limit::is_phone_digits(verifier);
    let end_notice = if phone_only {
        None
    } else {
        end_notice(t, &v.status, v.end_reason.clone())
    };
    let files = if phone_only {
        Vec::new()
    } else {
        state.attachments.list(&v.code).await.unwrap_or_default()
    };
    let files = files
        .into_iter()
        .map(|a| FileLine {
            component: if a.component == motcua_app::dossiers::sector::RESULT_COMPONENT {
                t.get("citizen-track-result-document")
            } else {
                v.components
                    .iter()
                    .find(|c| c.code == a.component)
                    .map_or_else(|| a.component.clone(), |c| c.name.clone())
            },
            name: a.display_name,
            at: local_datetime(a.uploaded_at),
            href: format!(
                "/api/v1/dossiers/{}/attachments/{}?verifier={}",
                enc(&v.code),
                enc(&a.id),
                enc(verifier)
            ),
        })
        .collect();
    let payment = if phone_only {
        None
    } else {
        super::payment::pay_box(state, t, &v.code, verifier).await
    };
    Found {
        payment,
        code: v.code.clone(),
        procedure: v.procedure.clone(),
        status: status_words(t, &v.status),
        can_supply: !phone_only && v.status == "awaiting_supplement",
        can_rate: !phone_only && v.status == "returned" && v.rating.is_none(),
        phone_only,
        status_key: v.status,
        has_receipt: v.received_at.is_some(),
        received_at: v.received_at.map(local_datetime).unwrap_or_default(),
        due_at: v
            .due_at
            .map_or_else(|| t.get("citizen-due-none"), local_datetime),
        late: v.counts_late,
        timeline: v
            .timeline
            .iter()
            .map(|e| Step {
                at: local_datetime(e.at),
                words: event_words(t, &e.event, &e.label_vi),
            })
            .collect(),
        missing: v.missing,
        supplement_reason: v.supplement_reason.unwrap_or_default(),
        components: v.components.into_iter().map(|c| (c.code, c.name)).collect(),
        files,
        end_notice,
        apology: v.apology.map(|a| Apology {
            reason: a.reason,
            old_date: a.previous_due_at.map(local_datetime).unwrap_or_default(),
            new_date: local_datetime(a.new_due_at),
            at: local_datetime(a.at),
        }),
        rated: v
            .rating
            .as_deref()
            .map(|r| rating_words(t, r))
            .unwrap_or_default(),
        choices: Rating::ALL
            .iter()
            .map(|r| RatingChoice {
                value: rating_key(*r),
                words: rating_words(t, rating_key(*r)),
            })
            .collect(),
    }
}

fn notice_of(t: Messages, q: &TrackQuery) -> (String, String) {
    let notice = match q.sent.as_deref() {
        Some("kept") => t.get("citizen-supplement-kept"),
        Some(_) => t.get("citizen-supplement-sent"),
        None => String::new(),
    };
    let error = match q.loi.as_deref() {
        Some("rating") => t.get("citizen-rate-choose"),
        Some("type") => t.get("citizen-error-file-type"),
        Some("size") => t.get("citizen-error-file-size"),
        Some("empty") => t.get("citizen-error-file-empty"),
        Some(_) => t.get("citizen-error-unavailable"),
        None => String::new(),
    };
    (notice, error)
}

/// `Cache-Control` of a tracking page: it carries personal data, so only
/// the visitor's own browser may keep it (`private`), and it must ask again
/// each time (`no-cache`), which a strong `ETag` makes a cheap `304`
/// (ADR 0025, point 8). `no-store` would forbid even that.
pub const TRACKING_CACHE_CONTROL: &str = "private, no-cache";

/// How long a kept page answers without reading the dossier again, while
/// this process answers no write (any non-`GET` request): a change
/// committed by another process shows within this (the promise of the
/// reference data, ADR 0025 point 2), one made through this process at
/// once, and a page read by many at once costs the store one read a second.
const FRESH_FOR_MS: i64 = 1_000;

/// Tracking pages kept per shard; a full shard is emptied (at most
/// `16 × 256` pages of a few kilobytes each, with their compressed bodies).
const KEPT_PER_SHARD: usize = 256;
const SHARDS: usize = 16;

/// A tracking page as rendered for one (dossier version, files and
/// payment orders, language, kind of verifier), with its compressed bodies.
pub struct KeptPage {
    /// When the store last confirmed it (epoch ms, the injected clock).
    checked_ms: std::sync::atomic::AtomicI64,
    /// This process's write count then ([`crate::http_cache::PublicCache::writes`]).
    checked_writes: std::sync::atomic::AtomicU64,
    version: u64,
    freshness: String,
    verifier: String,
    tag: String,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
}

/// The tracking pages rendered once per dossier version (issue 21 item 2,
/// ADR 0025 point 8): a page is answered again from here while the one
/// tracking read finds the same version and the same files and payment
/// orders; the verifier is checked on that read first, every time.
#[derive(Default)]
pub struct TrackingPages {
    shards: [RwLock<HashMap<String, Arc<KeptPage>>>; SHARDS],
}

impl TrackingPages {
    fn shard(&self, key: &str) -> &RwLock<HashMap<String, Arc<KeptPage>>> {
        let h = fnv(key.as_bytes());
        &self.shards[usize::try_from(h % SHARDS as u64).unwrap_or(0)]
    }

    fn get(&self, key: &str) -> Option<Arc<KeptPage>> {
        self.shard(key)
            .read()
            .ok()
            .and_then(|m| m.get(key).cloned())
    }

    fn keep(&self, key: String, page: Arc<KeptPage>) {
        if let Ok(mut m) = self.shard(&key).write() {
            if m.len() >= KEPT_PER_SHARD && !m.contains_key(&key) {
                m.clear();
            }
            m.insert(key, page);
        }
    }

    /// How many pages are kept (tests).
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.read().map_or(0, |m| m.len()))
            .sum()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

// Shards and the fingerprint part of a tag: a hash stable across builds.
use motcua_domain::stable_hash::fnv1a as fnv;

/// The key of a kept page: the code, the language and the kind of
/// verifier (the page shows more with the QR secret).
fn page_key(code: &str, t: Messages, verifier: &str) -> String {
    let kind = if crate::rate_limit::is_phone_digits(verifier) {
        "p"
    } else {
        "s"
    };
    format!("{code}|{}|{kind}", t.locale.tag())
}

/// The strong tag of a page: the dossier version, a hash of the files and
/// orders, the language, the kind of verifier and the build.
fn page_tag(version: u64, freshness: &str, key: &str) -> String {
    let mut parts = key.rsplit('|');
    let kind = parts.next().unwrap_or("s");
    let lang = parts.next().unwrap_or("vi");
    format!(
        "\"t{version}.{:x}.{lang}.{kind}.{}\"",
        fnv(freshness.as_bytes()) & 0xffff_ffff,
        env!("CARGO_PKG_VERSION")
    )
}

/// The answer of a kept page: `304` when `If-None-Match` names its tag,
/// else the body the client accepts, each with its own strong tag.
fn answer_kept(t: Messages, page: &KeptPage, headers: &HeaderMap) -> Response {
    use crate::http_cache::{Encoding, etag, negotiate, not_modified};
    let encoding = negotiate(headers);
    let mut res = if not_modified(headers, &page.tag) {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::NOT_MODIFIED;
        res
    } else {
        let body = match encoding {
            Encoding::Brotli => page.brotli.clone(),
            Encoding::Gzip => page.gzip.clone(),
            Encoding::Identity => page.identity.clone(),
        };
        let mut res = Response::new(Body::from(body));
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        match encoding {
            Encoding::Brotli => {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            }
            Encoding::Gzip => {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            Encoding::Identity => {}
        }
        res
    };
    let h = res.headers_mut();
    h.insert(header::ETAG, etag(&page.tag, encoding));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(TRACKING_CACHE_CONTROL),
    );
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Cookie"),
    );
    // As every page does; the caching layer drops it unless the visitor
    // changed the language.
    if let Ok(v) = HeaderValue::from_str(&format!(
        "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
        t.locale.tag()
    )) {
        h.insert(header::SET_COOKIE, v);
    }
    res
}

/// Looks a dossier up and renders the page with the right status. The
/// verifier is limited and checked on the one tracking read before
/// anything is answered (a `304` included); a page without a notice is
/// kept per dossier version and answered from memory while it stands.
async fn lookup(
    state: &AppState,
    t: Messages,
    extensions: &Extensions,
    headers: &HeaderMap,
    code: String,
    verifier: String,
    q: &TrackQuery,
) -> Response {
    let (notice, error) = notice_of(t, q);
    // A page after a post (a notice, an error, a rating just sent) is
    // rendered from a fresh read and not kept.
    let plain = notice.is_empty() && error.is_empty() && q.rated.is_none();
    let mut page = TrackPage {
        t,
        code: code.clone(),
        verifier: verifier.clone(),
        error,
        notice,
        found: None,
    };
    let status = if state.dossiers.parse_code(&code).is_err() {
        page.error = t.get("citizen-track-bad-code");
        StatusCode::BAD_REQUEST
    } else if verifier.is_empty() {
        page.error = t.get("citizen-track-no-verifier");
        StatusCode::OK
    } else if let Err(wait) =
        state
            .tracking_limiter
            .admit(&crate::rate_limit::client_key(extensions), &code, &verifier)
    {
        page.error = t.with_count("citizen-track-limited", "s", wait.as_secs().max(1));
        StatusCode::TOO_MANY_REQUESTS
    } else {
        let key = page_key(&code, t, &verifier);
        let kept = state
            .tracking_pages
            .get(&key)
            .filter(|k| plain && k.verifier == verifier);
        let now_ms = state.clock.now().timestamp_millis();
        let writes = state.public_cache.writes();
        if let Some(k) = &kept
            && now_ms - k.checked_ms.load(std::sync::atomic::Ordering::Relaxed) < FRESH_FOR_MS
            && k.checked_writes.load(std::sync::atomic::Ordering::Relaxed) == writes
        {
            // Confirmed by the store less than a second ago for this very
            // verifier (a kept page exists only after its proof).
            return answer_kept(t, k, headers);
        }
        let known = kept.as_ref().map(|k| k.version);
        let mut read = state.dossiers.track_read(&code, &verifier, known).await;
        if let (Ok(r), Some(k)) = (&read, &kept) {
            if r.version == k.version && r.freshness == k.freshness {
                k.checked_ms
                    .store(now_ms, std::sync::atomic::Ordering::Relaxed);
                k.checked_writes
                    .store(writes, std::sync::atomic::Ordering::Relaxed);
                return answer_kept(t, k, headers);
            }
            if r.view.is_none() {
                // The same version with other files or orders: read the
                // dossier again to render it.
                read = state.dossiers.track_read(&code, &verifier, None).await;
            }
        }
        match read {
            Ok(r) => match r.view {
                Some(view) => {
                    page.found = Some(found(state, t, view, &verifier).await);
                    if plain && let Ok(body) = page.render() {
                        let (gzip, brotli) = crate::http_cache::compress(body.as_bytes());
                        let kept = Arc::new(KeptPage {
                            checked_ms: std::sync::atomic::AtomicI64::new(now_ms),
                            checked_writes: std::sync::atomic::AtomicU64::new(writes),
                            tag: page_tag(r.version, &r.freshness, &key),
                            version: r.version,
                            freshness: r.freshness,
                            verifier: verifier.clone(),
                            identity: Bytes::from(body),
                            gzip,
                            brotli,
                        });
                        state.tracking_pages.keep(key, Arc::clone(&kept));
                        return answer_kept(t, &kept, headers);
                    }
                    StatusCode::OK
                }
                None => {
                    page.error = t.get("citizen-error-unavailable");
                    StatusCode::SERVICE_UNAVAILABLE
                }
            },
            Err(DossierError::NotFound(_)) => {
                state.tracking_limiter.failed(&code);
                page.error = t.get("citizen-track-not-found");
                StatusCode::NOT_FOUND
            }
            Err(DossierError::Invalid { .. }) => {
                page.error = t.get("citizen-track-bad-code");
                StatusCode::BAD_REQUEST
            }
            Err(_) => {
                page.error = t.get("citizen-error-unavailable");
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    };
    let mut res = crate::pages::render(t, &page);
    if res.status() == StatusCode::OK {
        *res.status_mut() = status;
    }
    res
}

/// `GET /tra-cuu?ma=&verifier=`: the form, and the dossier once asked.
pub async fn form(
    State(state): State<AppState>,
    t: Messages,
    extensions: Extensions,
    headers: HeaderMap,
    q: Result<Query<TrackQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let code = field_value(q.ma.as_deref().unwrap_or_default(), 64);
    let verifier = field_value(q.verifier.as_deref().unwrap_or_default(), 64);
    if code.is_empty() {
        let page = TrackPage {
            t,
            code,
            verifier,
            error: String::new(),
            notice: String::new(),
            found: None,
        };
        return crate::pages::render(t, &page);
    }
    lookup(&state, t, &extensions, &headers, code, verifier, &q).await
}

/// `GET /tra-cuu/{code}?verifier=`: what the receipt's QR opens.
pub async fn dossier(
    State(state): State<AppState>,
    t: Messages,
    extensions: Extensions,
    headers: HeaderMap,
    code: Result<Path<String>, PathRejection>,
    q: Result<Query<TrackQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    // An undecodable path is just a malformed code.
    let code = code.map_or_else(|_| "?".to_owned(), |Path(c)| field_value(&c, 64));
    let verifier = field_value(q.verifier.as_deref().unwrap_or_default(), 64);
    lookup(&state, t, &extensions, &headers, code, verifier, &q).await
}

fn back(code: &str, verifier: &str, t: Messages, extra: &str) -> Response {
    Redirect::to(&format!(
        "/tra-cuu/{}?verifier={}&lang={}{extra}",
        enc(code),
        enc(verifier),
        t.locale.tag()
    ))
    .into_response()
}

fn limited_page(
    t: Messages,
    code: String,
    verifier: String,
    wait: std::time::Duration,
) -> Response {
    let page = TrackPage {
        t,
        code,
        verifier,
        error: t.with_count("citizen-track-limited", "s", wait.as_secs().max(1)),
        notice: String::new(),
        found: None,
    };
    let mut res = crate::pages::render(t, &page);
    *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    crate::rate_limit::retry_after(&mut res, wait);
    res
}

/// `POST /tra-cuu/{code}/bo-sung`: the applicant supplies a requested
/// document (multipart `verifier`, `component`, `file`; the QR secret,
/// not the phone digits). The client's verifier budget is spent before the
/// body is read (streamed to the staging area, never held in memory); the
/// dossier's once the verifier is known.
pub async fn supply(
    State(state): State<AppState>,
    t: Messages,
    extensions: Extensions,
    Path(code): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let code = field_value(&code, 64);
    if let Err(wait) = state
        .tracking_limiter
        .check(&crate::rate_limit::client_key(&extensions))
    {
        return limited_page(t, code, String::new(), wait);
    }
    let form = match multipart {
        Ok(m) => upload::read(m, &state.attachments).await,
        Err(e) => Err(upload::ReadError::Malformed(e.body_text())),
    };
    let form = match form {
        Ok(f) => f,
        Err(upload::ReadError::TooLarge(_)) => {
            let page = TrackPage {
                t,
                code,
                verifier: String::new(),
                error: t.get("citizen-error-file-size"),
                notice: String::new(),
                found: None,
            };
            let mut res = crate::pages::render(t, &page);
            *res.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            return res;
        }
        Err(upload::ReadError::Malformed(_)) => {
            return back(&code, "", t, "&loi=form");
        }
        Err(upload::ReadError::Busy) => {
            return back(&code, "", t, "&loi=busy");
        }
    };
    let verifier = field_value(&form.text("verifier"), 64);
    if let Err(wait) = state.tracking_limiter.check_dossier(&code, &verifier) {
        return limited_page(t, code, verifier, wait);
    }
    let dossier = match state
        .dossiers
        .authorize(&Accessor::Holder(verifier.clone()), &code)
        .await
    {
        Ok(d) => d,
        Err(e) => {
            if matches!(e, DossierError::NotFound(_)) {
                state.tracking_limiter.failed(&code);
            }
            return back(&code, &verifier, t, "");
        }
    };
    if dossier.status.status != motcua_domain::dossier::DossierStatus::AwaitingSupplement {
        return back(&code, &verifier, t, "");
    }
    let Some(file) = form.files.iter().find(|f| f.field == "file") else {
        return back(&code, &verifier, t, "&loi=empty");
    };
    let Ok(bytes) = file.bytes().await else {
        return back(&code, &verifier, t, "&loi=busy");
    };
    let upload = Upload {
        component: form.text("component"),
        file_name: file.file_name.clone(),
        declared_type: file.content_type.clone(),
        bytes,
    };
    match state
        .attachments
        .add(&dossier, &upload, "citizen:holder")
        .await
    {
        // The file is stored; now the event naming it (its id is the
        // idempotency key). If that fails the file stays, the desk still
        // lists it, and the page says it was kept but not yet recorded.
        Ok(row) => match state
            .dossiers
            .record_supplement_sent(&code, &verifier, &row)
            .await
        {
            Ok(_) => back(&code, &verifier, t, "&sent=1"),
            Err(e) => {
                tracing::warn!(error = %e, file = %row.id, "supplement stored, event not recorded");
                back(&code, &verifier, t, "&sent=kept")
            }
        },
        Err(e) => {
            let loi = match e {
                motcua_app::attachments::AttachmentError::TooLarge { .. }
                | motcua_app::attachments::AttachmentError::DossierFull { .. } => "size",
                motcua_app::attachments::AttachmentError::Empty => "empty",
                motcua_app::attachments::AttachmentError::Unexpected(_)
                | motcua_app::attachments::AttachmentError::StagingFull => "busy",
                _ => "type",
            };
            tracing::debug!(error = %file_error(t, &e), "supplement refused");
            back(&code, &verifier, t, &format!("&loi={loi}"))
        }
    }
}

/// The rating form.
#[derive(Debug, Deserialize)]
pub struct RateForm {
    /// Verifier.
    pub verifier: String,
    /// `very_satisfied`, `satisfied`, `neutral` or `dissatisfied`.
    pub rating: Option<String>,
    /// Comment.
    pub comment: Option<String>,
    /// Idempotency key of the form.
    pub key: String,
}

/// `POST /tra-cuu/{code}/danh-gia`: the applicant rates the service (the
/// QR secret, not the phone digits). Limited like every verifier check
/// (review F3: this was an unthrottled oracle).
pub async fn rate(
    State(state): State<AppState>,
    t: Messages,
    extensions: Extensions,
    Path(code): Path<String>,
    form: Result<Form<RateForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return back(&code, "", t, "&loi=rating");
    };
    let verifier = field_value(&form.verifier, 64);
    if let Err(wait) = state.tracking_limiter.admit(
        &crate::rate_limit::client_key(&extensions),
        &code,
        &verifier,
    ) {
        return limited_page(t, field_value(&code, 64), verifier, wait);
    }
    let rating = form.rating.as_deref().and_then(|r| {
        Rating::ALL
            .iter()
            .copied()
            .find(|candidate| rating_key(*candidate) == r)
    });
    let Some(rating) = rating else {
        return back(&code, &verifier, t, "&loi=rating");
    };
    let comment = form
        .comment
        .map(|c| field_value(&c, 1000))
        .filter(|c| !c.is_empty());
    let key = field_value(&form.key, 100);
    match state
        .dossiers
        .act_as_holder(
            &code,
            &verifier,
            &key,
            ActionInput::Rate { rating, comment },
        )
        .await
    {
        Ok(_) => back(&code, &verifier, t, "&rated=1"),
        Err(DossierError::NotFound(_)) => {
            state.tracking_limiter.failed(&code);
            back(&code, &verifier, t, "")
        }
        Err(_) => back(&code, &verifier, t, "&loi=rating"),
    }
}
