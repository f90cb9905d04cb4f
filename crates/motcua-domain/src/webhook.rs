//! Webhook subscriptions of sector systems (đăng ký nhận sự kiện của hệ
//! thống chuyên ngành): where to POST dossier events, which ones (event
//! types, procedures, a subtree of units or agencies), and the signing
//! secrets (Standard Webhooks `whsec_…`, several during a rotation).
//!
//! Everything here is validated at the edge: an API or CLI input becomes a
//! [`WebhookSpec`] only through [`WebhookSpec::new`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::ProcedureCode;
use crate::identity::Scope;

/// Prefix of every event type: `vn.motcua.dossier.<event>`.
pub const EVENT_TYPE_PREFIX: &str = "vn.motcua.dossier.";

/// The dossier events a subscription may name (see `docs/exchange.md`).
pub const EVENT_NAMES: [&str; 15] = [
    "submitted",
    "received",
    "reception_refused",
    "handed_over",
    "supplement_requested",
    "supplement_received",
    "payment_requested",
    "payment_recorded",
    "transferred",
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

/// Checks a target URL: `https://host…`, or `http://` when `allow_http`
/// (development); no credentials, no fragment.
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
        let now = Utc::now();
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
