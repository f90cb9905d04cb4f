//! Webhook subscriptions of sector systems (đăng ký nhận sự kiện của hệ
//! thống chuyên ngành): where to POST dossier events, which ones (event
//! types, procedures, a subtree of units or agencies), and the signing
//! secrets (Standard Webhooks `whsec_…`, several during a rotation).
//!
//! Everything here is validated at the edge: an API or CLI input becomes a
//! [`WebhookSpec`] only through [`WebhookSpec::new`].

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::ProcedureCode;
use crate::identity::Scope;

/// Prefix of every event type: `vn.motcua.dossier.<event>`.
pub const EVENT_TYPE_PREFIX: &str = "vn.motcua.dossier.";

/// The dossier events a subscription may name (see `docs/exchange.md`).
pub const EVENT_NAMES: [&str; 19] = [
    "submitted",
    "received",
    "reception_refused",
    "handed_over",
    "supplement_requested",
    "supplement_sent",
    "supplement_received",
    "payment_requested",
    "payment_recorded",
    "transferred",
    "transfer_accepted",
    "progress_reported",
    "transfer_declined",
    "processing_stopped",
    "extended",
    "result_ready",
    "result_returned",
    "withdrawn",
    "rated",
];

/// Longest name of a subscription.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest target URL.
pub const MAX_URL_CHARS: usize = 2000;
/// Most entries in one filter list.
pub const MAX_FILTER_ENTRIES: usize = 200;

/// Which events a subscription wants. An empty list means "all".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookFilter {
    /// Full CloudEvent types, e.g. `vn.motcua.dossier.received`.
    pub event_types: Vec<String>,
    /// National procedure codes (mã TTHC).
    pub procedures: Vec<String>,
    /// Subtrees of units (`unit:CODE`) or agencies (`agency:ID`): an event
    /// matches when one of them covers its receiving, deciding or current
    /// agency.
    pub scopes: Vec<Scope>,
}

impl WebhookFilter {
    /// Whether an event of `event_type` about a dossier of `procedure`
    /// passes the type and procedure filters (scopes need the store and are
    /// checked by the caller).
    pub fn matches_type_and_procedure(&self, event_type: &str, procedure: &str) -> bool {
        (self.event_types.is_empty() || self.event_types.iter().any(|t| t == event_type))
            && (self.procedures.is_empty() || self.procedures.iter().any(|p| p == procedure))
    }
}

/// A subscription as an administrator defines it (validated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSpec {
    /// The sector system (hệ thống chuyên ngành), free text.
    pub name: String,
    /// Where events are POSTed.
    pub url: String,
    /// Which events.
    pub filter: WebhookFilter,
    /// False: nothing is sent.
    pub active: bool,
}

/// Why a subscription was refused (bilingual message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidWebhook {
    /// Which field.
    pub field: &'static str,
    /// What is wrong, in Vietnamese and English.
    pub message: String,
}

fn invalid(field: &'static str, message: impl Into<String>) -> InvalidWebhook {
    InvalidWebhook {
        field,
        message: message.into(),
    }
}

/// Whether an IP address is not on the public internet: loopback,
/// private (RFC 1918, unique-local), link-local (and so the cloud metadata
/// address 169.254.169.254), shared (100.64/10), unspecified, multicast,
/// broadcast, documentation or reserved ranges, and IPv6 forms of these.
pub fn is_internal_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0)
                || (a == 198 && (b == 18 || b == 19))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal_ip(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first & 0xffc0) == 0xfec0
                || first == 0x2001 && v6.segments()[1] == 0x0db8
                || first == 0x0064 && v6.segments()[1] == 0xff9b
        }
    }
}

/// The host of an `http(s)://` URL, without brackets, port or trailing dot,
/// lower-cased.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split_once(']')?.0
    } else {
        authority.split(':').next()?
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// Whether a URL host names a machine that is not on the public internet:
/// an internal IP address ([`is_internal_ip`]) in any spelling a URL
/// parser takes (`127.1`, `2130706433`, `0x7f.1`), `localhost` and its
/// subdomains, or a cloud metadata name. Names that resolve to internal
/// addresses are caught when delivering (the relay resolves first).
pub fn is_internal_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if let Ok(ip) = host.parse::<IpAddr>() {
        return is_internal_ip(ip);
    }
    // A host of digits, dots and hex is an IPv4 address in a short, decimal,
    // octal or hexadecimal spelling to the WHATWG URL parser: refuse them all.
    let last = host.rsplit('.').next().unwrap_or_default();
    let numeric = !last.is_empty()
        && (last.chars().all(|c| c.is_ascii_digit())
            || (last.starts_with("0x") && last[2..].chars().all(|c| c.is_ascii_hexdigit())));
    if numeric {
        return true;
    }
    host == "localhost"
        || host.ends_with(".localhost")
        || host.ends_with(".local")
        || host.ends_with(".internal")
        || matches!(
            host.as_str(),
            "metadata" | "instance-data" | "metadata.google.internal"
        )
}

/// Checks a target URL: `https://host…`, or `http://` when `allow_http`
/// (development); no credentials, no fragment. Unless `allow_http` (the
/// development setting also lets a test receiver on this machine in), the
/// host must be on the public internet ([`is_internal_host`]).
pub fn check_url(url: &str, allow_http: bool) -> Result<String, InvalidWebhook> {
    let url = url.trim();
    if url.is_empty() || url.chars().count() > MAX_URL_CHARS {
        return Err(invalid(
            "url",
            "URL trống hoặc quá dài / URL empty or too long",
        ));
    }
    let rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if let Some(rest) = url.strip_prefix("http://") {
        if !allow_http {
            return Err(invalid(
                "url",
                "phải dùng https (http chỉ khi bật allow_http khi phát triển) / \
                 https required (http only with the development setting allow_http)",
            ));
        }
        rest
    } else {
        return Err(invalid(
            "url",
            "URL phải bắt đầu bằng https:// / the URL must start with https://",
        ));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return Err(invalid(
            "url",
            "thiếu tên máy hoặc có thông tin đăng nhập trong URL / \
             missing host, or credentials in the URL",
        ));
    }
    if url.contains('#') || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid(
            "url",
            "URL có khoảng trắng hoặc phân đoạn # / URL has spaces or a #fragment",
        ));
    }
    if !allow_http && url_host(url).is_none_or(|h| is_internal_host(&h)) {
        return Err(invalid(
            "url",
            "máy nhận phải ở trên Internet, không phải địa chỉ nội bộ, loopback hay metadata / \
             the receiver must be on the public internet, not a loopback, private, \
             link-local or metadata address",
        ));
    }
    Ok(url.to_owned())
}

/// Checks an event type: `vn.motcua.dossier.<event>` of a known event; a
/// bare event name (`received`) is accepted and completed.
pub fn check_event_type(text: &str) -> Result<String, InvalidWebhook> {
    let t = text.trim();
    let name = t.strip_prefix(EVENT_TYPE_PREFIX).unwrap_or(t);
    if EVENT_NAMES.contains(&name) {
        Ok(format!("{EVENT_TYPE_PREFIX}{name}"))
    } else {
        Err(invalid(
            "event_types",
            format!(
                "loại sự kiện không có: {t:?} / unknown event type {t:?} \
                 (expected {EVENT_TYPE_PREFIX}<{}>)",
                EVENT_NAMES.join("|")
            ),
        ))
    }
}

fn sorted_unique<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v.dedup();
    v
}

impl WebhookSpec {
    /// Validates the parts of a subscription; scopes come as `unit:CODE` or
    /// `agency:ID` texts.
    pub fn new(
        name: &str,
        url: &str,
        event_types: &[String],
        procedures: &[String],
        scopes: &[String],
        active: bool,
        allow_http: bool,
    ) -> Result<Self, InvalidWebhook> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(invalid(
                "name",
                "tên trống hoặc quá dài (≤ 200 ký tự) / name empty or longer than 200 characters",
            ));
        }
        for (field, list) in [
            ("event_types", event_types),
            ("procedures", procedures),
            ("scopes", scopes),
        ] {
            if list.len() > MAX_FILTER_ENTRIES {
                return Err(invalid(field, "quá 200 mục / more than 200 entries"));
            }
        }
        let event_types = event_types
            .iter()
            .map(|t| check_event_type(t))
            .collect::<Result<Vec<_>, _>>()?;
        let procedures = procedures
            .iter()
            .map(|p| {
                ProcedureCode::parse(p.trim())
                    .map(|c| c.as_str().to_owned())
                    .map_err(|_| {
                        invalid(
                            "procedures",
                            format!(
                                "mã thủ tục không hợp lệ {p:?} (d.dddddd) / \
                                 invalid procedure code {p:?} (d.dddddd)"
                            ),
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let scopes = scopes
            .iter()
            .map(|s| {
                Scope::parse(s).ok_or_else(|| {
                    invalid(
                        "scopes",
                        format!(
                            "phạm vi không hợp lệ {s:?} (unit:MÃ hoặc agency:MÃ) / \
                             invalid scope {s:?} (unit:CODE or agency:ID)"
                        ),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            name: name.to_owned(),
            url: check_url(url, allow_http)?,
            filter: WebhookFilter {
                event_types: sorted_unique(event_types),
                procedures: sorted_unique(procedures),
                scopes: sorted_unique(scopes),
            },
            active,
        })
    }
}

/// A stored subscription (without its secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSubscription {
    /// Identifier.
    pub id: i64,
    /// The definition.
    pub spec: WebhookSpec,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed (definition or secrets).
    pub updated_at: DateTime<Utc>,
}

/// A signing secret of a subscription.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret {
    /// `whsec_<base64 of 32 random bytes>`.
    pub secret: String,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// After this instant it no longer signs (set on rotation); `None`
    /// for the current secret.
    pub expires_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookSecret")
            .field("secret", &"whsec_***")
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl WebhookSecret {
    /// Whether it still signs at `now`.
    pub fn live_at(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|e| e > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn urls_need_https_unless_allowed() {
        assert!(check_url("https://so-tnmt.example.vn/hooks", false).is_ok());
        assert!(check_url("http://127.0.0.1:9000/h", false).is_err());
        assert!(check_url("http://127.0.0.1:9000/h", true).is_ok());
        for bad in [
            "",
            "ftp://x/y",
            "https://",
            "https:///path",
            "https://user:pw@host/",
            "https://host/a b",
            "https://host/#frag",
        ] {
            assert!(check_url(bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn internal_hosts_are_refused_unless_local_is_allowed() {
        for url in [
            "https://127.0.0.1:18431/x",
            "https://169.254.169.254/latest/meta-data/",
            "https://localhost:5432/",
            "https://LOCALHOST./",
            "https://[::1]:22/",
            "https://[::ffff:127.0.0.1]/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://10.0.0.1/",
            "https://172.16.5.4/",
            "https://192.168.1.1/",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://2130706433/",
            "https://127.1/",
            "https://0x7f.0.0.1/",
            "https://metadata.google.internal/computeMetadata/v1/",
            "https://printer.local/",
        ] {
            assert!(check_url(url, false).is_err(), "{url} accepted");
            assert!(
                check_url(url, true).is_ok(),
                "{url} refused with allow_http"
            );
        }
        for url in [
            "https://so-tnmt.example.vn/hooks",
            "https://8.8.8.8/x",
            "https://[2606:4700::1111]/",
            "https://h1.example/",
        ] {
            assert!(check_url(url, false).is_ok(), "{url} refused");
        }
    }

    #[test]
    fn the_documented_sector_events_can_be_named() {
        for name in [
            "transfer_accepted",
            "progress_reported",
            "transfer_declined",
        ] {
            assert_eq!(
                check_event_type(name).unwrap(),
                format!("{EVENT_TYPE_PREFIX}{name}")
            );
            assert!(check_event_type(&format!("{EVENT_TYPE_PREFIX}{name}")).is_ok());
        }
    }

    #[test]
    fn specs_are_validated_and_normalised() {
        let s = WebhookSpec::new(
            " Sở Tài nguyên ",
            "https://h.example/x",
            &strings(&["received", "vn.motcua.dossier.result_returned", "received"]),
            &strings(&["1.001193"]),
            &strings(&["unit:05743", "agency:H55.X05743.TT"]),
            true,
            false,
        )
        .unwrap();
        assert_eq!(s.name, "Sở Tài nguyên");
        assert_eq!(
            s.filter.event_types,
            strings(&[
                "vn.motcua.dossier.received",
                "vn.motcua.dossier.result_returned"
            ])
        );
        assert_eq!(s.filter.scopes.len(), 2);
        let e = WebhookSpec::new(
            "x",
            "https://h/",
            &strings(&["recieved"]),
            &[],
            &[],
            true,
            false,
        )
        .unwrap_err();
        assert_eq!(e.field, "event_types");
        let e = WebhookSpec::new("x", "https://h/", &[], &strings(&["abc"]), &[], true, false)
            .unwrap_err();
        assert_eq!(e.field, "procedures");
        let e = WebhookSpec::new(
            "x",
            "https://h/",
            &[],
            &[],
            &strings(&["planet:3"]),
            true,
            false,
        )
        .unwrap_err();
        assert_eq!(e.field, "scopes");
        let e = WebhookSpec::new(" ", "https://h/", &[], &[], &[], true, false).unwrap_err();
        assert_eq!(e.field, "name");
    }

    #[test]
    fn empty_filters_match_everything() {
        let all = WebhookFilter::default();
        assert!(all.matches_type_and_procedure("vn.motcua.dossier.received", "1.001193"));
        let some = WebhookFilter {
            event_types: strings(&["vn.motcua.dossier.received"]),
            procedures: strings(&["1.001193"]),
            scopes: Vec::new(),
        };
        assert!(some.matches_type_and_procedure("vn.motcua.dossier.received", "1.001193"));
        assert!(!some.matches_type_and_procedure("vn.motcua.dossier.rated", "1.001193"));
        assert!(!some.matches_type_and_procedure("vn.motcua.dossier.received", "1.000001"));
    }

    #[test]
    fn secrets_expire() {
        let now = Utc.with_ymd_and_hms(2026, 12, 5, 8, 0, 0).unwrap();
        let s = WebhookSecret {
            secret: "whsec_x".into(),
            created_at: now,
            expires_at: Some(now + chrono::TimeDelta::seconds(5)),
        };
        assert!(s.live_at(now));
        assert!(!s.live_at(now + chrono::TimeDelta::seconds(5)));
        assert!(!format!("{s:?}").contains("whsec_x"));
    }
}
