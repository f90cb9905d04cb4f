//! Layered configuration: defaults in code, then a TOML file, then
//! `MOTCUA__SECTION__KEY` environment variables, then command-line flags.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use motcua_domain::redact::redact_url;
use serde::{Deserialize, Serialize};

/// The example configuration printed by `motcua default-config`.
pub const DEFAULT_CONFIG: &str = include_str!("../motcua.example.toml");

/// All settings of an instance.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// HTTP server.
    pub server: ServerSettings,
    /// Where files live.
    pub storage: StorageSettings,
    /// Which database.
    pub database: DatabaseSettings,
    /// The province this instance serves.
    pub province: ProvinceConfig,
    /// Who may call the API.
    pub auth: AuthSettings,
    /// Dossier settings.
    pub dossiers: DossierConfig,
    /// The outbox relay and its sinks.
    #[serde(default)]
    pub exchange: ExchangeConfig,
    /// The national hub (`serve --role national`).
    #[serde(default)]
    pub national: NationalConfig,
    /// Online fee payment through the payment platform.
    #[serde(default)]
    pub payment: PaymentConfig,
    /// Notices to applicants by e-mail and SMS (sinks of the relay).
    #[serde(default)]
    pub notices: NoticesConfig,
}

/// `[notices]`: e-mail (SMTP) and SMS notices to applicants, sent by the
/// relay (`[exchange] enabled` or `motcua relay`) through the outbox.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NoticesConfig {
    /// Events older than this many hours get no notice (a sink registered
    /// late receives the whole history).
    pub max_age_hours: u64,
    /// SMTP server; empty for no e-mail notices.
    pub smtp_host: String,
    /// SMTP port.
    pub smtp_port: u16,
    /// `starttls`, `tls` or `none` (a relay on the same host only).
    pub smtp_tls: String,
    /// SMTP account; empty for none.
    pub smtp_username: String,
    /// Its password (never shown).
    pub smtp_password: String,
    /// The sender, `Name <address>`.
    pub smtp_from: String,
    /// Timeout of one SMTP exchange, in seconds.
    pub smtp_timeout_secs: u64,
    /// The SMS gateway's send URL; empty for no SMS notices.
    pub sms_url: String,
    /// Its bearer token (never shown).
    pub sms_token: String,
    /// The sender name (brandname).
    pub sms_sender: String,
    /// Timeout of one gateway request, in milliseconds.
    pub sms_timeout_ms: u64,
}

impl Default for NoticesConfig {
    fn default() -> Self {
        Self {
            max_age_hours: 72,
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_tls: "starttls".into(),
            smtp_username: String::new(),
            smtp_password: String::new(),
            smtp_from: "Một cửa điện tử <no-reply@motcua.invalid>".into(),
            smtp_timeout_secs: 10,
            sms_url: String::new(),
            sms_token: String::new(),
            sms_sender: "MOTCUA".into(),
            sms_timeout_ms: 10_000,
        }
    }
}

impl fmt::Debug for NoticesConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NoticesConfig")
            .field("max_age_hours", &self.max_age_hours)
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_tls", &self.smtp_tls)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &"***")
            .field("smtp_from", &self.smtp_from)
            .field("sms_url", &redact_url(&self.sms_url))
            .field("sms_token", &"***")
            .field("sms_sender", &self.sms_sender)
            .finish_non_exhaustive()
    }
}

/// `[payment]`: online payment of fees through the payment platform
/// (redirect and signed callback, ADR 0029).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PaymentConfig {
    /// Base URL of the payment platform; empty: no online payment (the pay
    /// button is not shown).
    pub platform_url: String,
    /// Bearer token for the platform; empty for none (never shown).
    pub platform_token: String,
    /// The secret shared with the platform for callback signatures
    /// (HMAC-SHA256); required with `platform_url` (never shown or logged).
    pub callback_secret: String,
    /// Longest single call to the platform, in milliseconds (three in all).
    pub timeout_ms: u64,
}

impl Default for PaymentConfig {
    fn default() -> Self {
        Self {
            platform_url: String::new(),
            platform_token: String::new(),
            callback_secret: String::new(),
            timeout_ms: 3_000,
        }
    }
}

impl fmt::Debug for PaymentConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaymentConfig")
            .field("platform_url", &redact_url(&self.platform_url))
            .field("platform_token", &"***")
            .field("callback_secret", &"***")
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

/// `[exchange]`.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExchangeConfig {
    /// Run the relay inside `motcua serve`.
    pub enabled: bool,
    /// Rows claimed per round.
    pub batch: u32,
    /// Lease of a claim, in seconds.
    pub lease_secs: u64,
    /// Idle poll, in milliseconds.
    pub poll_ms: u64,
    /// Failures before a row becomes a dead letter.
    pub max_attempts: u32,
    /// First retry delay, in milliseconds.
    pub backoff_base_ms: u64,
    /// Longest retry delay, in seconds.
    pub backoff_max_secs: u64,
    /// Base URL of the national hub; empty for none.
    pub hub_url: String,
    /// This province's signing key at the hub.
    pub hub_key: String,
    /// NATS server URLs; empty for none.
    pub nats_servers: Vec<String>,
    /// JetStream stream name; empty for `MOTCUA_<province>`.
    pub nats_stream: String,
    /// Replicas of the stream when created.
    pub nats_replicas: usize,
    /// Deliver to the webhook subscriptions of sector systems (`/api/v1/webhooks`).
    pub webhooks: bool,
    /// DEVELOPMENT ONLY: accept and send to `http://` webhook targets.
    pub webhooks_allow_http: bool,
    /// Timeout of one webhook POST, in milliseconds.
    pub webhook_timeout_ms: u64,
    /// Webhook POSTs in flight at once.
    pub webhook_concurrency: usize,
    /// How long the relay keeps the webhook subscriptions it read, in
    /// milliseconds: a new subscription, a change or a rotation reaches
    /// deliveries within this long.
    pub webhook_cache_ms: u64,
    /// How long an old webhook secret still signs after a rotation, in seconds.
    pub webhook_rotation_overlap_secs: u64,
    /// Base URL of the national portal's (Cổng DVCQG) sync adapter; empty
    /// for none.
    pub portal_url: String,
    /// The province's electronic identifier at the portal (`MaDinhDanhDV`).
    pub portal_agency_id: String,
    /// The portal account.
    pub portal_username: String,
    /// Its password (never shown).
    pub portal_password: String,
}

impl Default for ExchangeConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            batch: 200,
            lease_secs: 30,
            poll_ms: 500,
            max_attempts: 10,
            backoff_base_ms: 1000,
            backoff_max_secs: 600,
            hub_url: String::new(),
            hub_key: String::new(),
            nats_servers: Vec::new(),
            nats_stream: String::new(),
            nats_replicas: 1,
            webhooks: false,
            webhooks_allow_http: false,
            webhook_timeout_ms: 10_000,
            webhook_concurrency: 16,
            webhook_cache_ms: 5_000,
            webhook_rotation_overlap_secs: 86_400,
            portal_url: String::new(),
            portal_agency_id: String::new(),
            portal_username: String::new(),
            portal_password: String::new(),
        }
    }
}

impl fmt::Debug for ExchangeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExchangeConfig")
            .field("enabled", &self.enabled)
            .field("batch", &self.batch)
            .field("hub_url", &self.hub_url)
            .field("hub_key", &"***")
            .field("nats_servers", &self.nats_servers)
            .field("webhooks", &self.webhooks)
            .field("portal_url", &self.portal_url)
            .field("portal_agency_id", &self.portal_agency_id)
            .field("portal_username", &self.portal_username)
            .field("portal_password", &"***")
            .finish_non_exhaustive()
    }
}

/// `[national]`.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NationalConfig {
    /// Province code → its signing keys (several during a rotation).
    pub senders: std::collections::BTreeMap<String, Vec<String>>,
}

impl fmt::Debug for NationalConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NationalConfig")
            .field("senders", &self.senders.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// `[auth]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// DEMONSTRATION ONLY: accept `Authorization: Bearer dev:<officer>:<agency>`
    /// and the `motcua_dev` cookie without any password. Off by default;
    /// `motcua serve --demo` turns it on, and `serve` refuses to start with
    /// it on unless it listens on a loopback address (ADR 0021).
    #[serde(default)]
    pub dev_login: bool,
    /// Single sign-on with OpenID Connect (`[auth.oidc]`), when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oidc: Option<OidcSettings>,
}

/// `[auth.oidc]`: the OpenID Connect provider and this client.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcSettings {
    /// Issuer URL (discovery at `<issuer>/.well-known/openid-configuration`).
    pub issuer: String,
    /// Client id registered at the provider.
    pub client_id: String,
    /// Client secret (never printed).
    pub client_secret: String,
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .finish()
    }
}

/// `[dossiers]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierConfig {
    /// Layout of dossier codes, e.g. `{agency}-{yymmdd}-{seq:4}`.
    pub code_pattern: String,
}

/// `[server]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Base URL of the public pages as citizens reach them (behind a proxy,
    /// the public host name): what procedure QR codes open.
    #[serde(default = "default_public_url")]
    pub public_url: String,
    /// Reverse proxies (addresses or CIDR blocks) whose `X-Forwarded-For`
    /// names the client for rate limits; empty (the default): the TCP peer
    /// is the client.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// Seconds a client has to send a whole request head (slowloris
    /// guard); default 10.
    #[serde(default = "default_header_timeout_secs")]
    pub header_timeout_secs: u64,
    /// Most HTTP connections open at once; more wait in the backlog.
    /// Default 4096.
    #[serde(default = "default_max_connections")]
    pub max_connections: usize,
}

fn default_header_timeout_secs() -> u64 {
    crate::listener::DEFAULT_HEADER_TIMEOUT_SECS
}

fn default_max_connections() -> usize {
    crate::listener::DEFAULT_MAX_CONNECTIONS
}

fn default_public_url() -> String {
    motcua_web::DEFAULT_PUBLIC_URL.to_owned()
}

/// `[storage]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSettings {
    /// Data directory: the SQLite database, attachments.
    pub data_dir: PathBuf,
    /// Attachments on S3-compatible storage (`[storage.s3]`), when set;
    /// otherwise they are files under `<data_dir>/attachments/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3: Option<S3Settings>,
}

/// `[storage.s3]`: the bucket that keeps the attachments' bytes, through
/// `object_store`'s S3 client (AWS S3, MinIO, Ceph RGW, Garage, ...).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Settings {
    /// The bucket (it must exist).
    pub bucket: String,
    /// The S3 endpoint, e.g. `https://s3.example.vn` or
    /// `http://127.0.0.1:9000`; empty for AWS itself. An `http://` endpoint
    /// is accepted as written (a store on the same host or network).
    #[serde(default)]
    pub endpoint: String,
    /// The region; `us-east-1` when empty (most S3-compatible stores
    /// ignore it, but it is part of the signature).
    #[serde(default)]
    pub region: String,
    /// Access key id; empty: from `AWS_ACCESS_KEY_ID` or the instance's
    /// credentials.
    #[serde(default)]
    pub access_key_id: String,
    /// Secret access key (never shown); prefer `secret_access_key_file` or
    /// `MOTCUA__STORAGE__S3__SECRET_ACCESS_KEY`.
    #[serde(default)]
    pub secret_access_key: String,
    /// A file whose content (trimmed) is the secret access key, e.g. a
    /// systemd credential; used when `secret_access_key` is empty.
    #[serde(default)]
    pub secret_access_key_file: Option<PathBuf>,
}

impl fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field(
                "endpoint",
                &if self.endpoint.is_empty() {
                    String::new()
                } else {
                    redact_url(&self.endpoint)
                },
            )
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .field("secret_access_key_file", &self.secret_access_key_file)
            .finish()
    }
}

/// `[database]`.
#[derive(Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://...` or `postgres://...`; empty means SQLite in the data dir.
    pub url: Option<String>,
}

impl fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &self.url.as_deref().map(redact_url))
            .finish()
    }
}

/// `[province]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvinceConfig {
    /// Statistics-office code of the province (2 digits).
    #[serde(deserialize_with = "province_code")]
    pub code: String,
    /// Level-1 electronic identifier of the provincial People's Committee.
    pub identifier_root: String,
    /// `center_per_commune` or `one_center_with_branches`; empty picks the known layout.
    pub layout: Option<String>,
}

/// Accepts `"01"` or `1` (environment variables arrive parsed as numbers) and
/// keeps the two-digit form.
fn province_code<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Number(u32),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::Text(s) => s,
        Raw::Number(n) => format!("{n:02}"),
    })
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            server: ServerSettings {
                listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
                public_url: default_public_url(),
                trusted_proxies: Vec::new(),
                header_timeout_secs: default_header_timeout_secs(),
                max_connections: default_max_connections(),
            },
            storage: StorageSettings {
                data_dir: PathBuf::from("./data"),
                s3: None,
            },
            database: DatabaseSettings::default(),
            // Thái Nguyên: its portal shows the level-1 identifier H55.
            province: ProvinceConfig {
                code: "19".into(),
                identifier_root: "H55".into(),
                layout: None,
            },
            auth: AuthSettings {
                dev_login: false,
                oidc: None,
            },
            dossiers: DossierConfig {
                code_pattern: "{agency}-{yymmdd}-{seq:4}".into(),
            },
            exchange: ExchangeConfig::default(),
            national: NationalConfig::default(),
            payment: PaymentConfig::default(),
            notices: NoticesConfig::default(),
        }
    }
}

impl Settings {
    /// Loads defaults, then `file` (or `./motcua.toml` when present), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match file {
            Some(path) => {
                anyhow::ensure!(path.exists(), "config file {} not found", path.display());
                figment = figment.merge(Toml::file(path));
            }
            None if Path::new("motcua.toml").exists() => {
                figment = figment.merge(Toml::file("motcua.toml"))
            }
            None => {}
        }
        figment
            .merge(Env::prefixed("MOTCUA__").split("__"))
            .extract()
            .context("reading configuration (defaults, motcua.toml, MOTCUA__* variables)")
    }

    /// The database URL: the configured one or SQLite in the data dir.
    pub fn database_url(&self) -> String {
        self.database
            .url
            .clone()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| {
                format!(
                    "sqlite://{}",
                    self.storage.data_dir.join("motcua.db").display()
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        // The rule itself and its cases: motcua_domain::redact.
        for url in [
            "postgres://u:hunter2@h/db",
            "postgres://h/db?user=u&password=hunter2",
        ] {
            let s = DatabaseSettings {
                url: Some(url.into()),
            };
            assert!(!format!("{s:?}").contains("hunter2"), "{s:?}");
        }
    }

    #[test]
    fn the_example_config_parses_and_matches_the_defaults() {
        let from_file: Settings = Figment::new()
            .merge(Toml::string(DEFAULT_CONFIG))
            .extract()
            .unwrap();
        let defaults = Settings::default();
        assert_eq!(from_file.server.listen, defaults.server.listen);
        assert_eq!(from_file.server.public_url, defaults.server.public_url);
        assert_eq!(from_file.province.code, defaults.province.code);
        assert_eq!(from_file.storage.data_dir, defaults.storage.data_dir);
        assert_eq!(from_file.auth.dev_login, defaults.auth.dev_login);
        assert_eq!(
            from_file.dossiers.code_pattern,
            defaults.dossiers.code_pattern
        );
        assert_eq!(from_file.exchange.enabled, defaults.exchange.enabled);
        assert_eq!(from_file.exchange.batch, defaults.exchange.batch);
        assert_eq!(
            from_file.exchange.max_attempts,
            defaults.exchange.max_attempts
        );
        assert_eq!(from_file.exchange.webhooks, defaults.exchange.webhooks);
        assert_eq!(
            from_file.exchange.webhook_rotation_overlap_secs,
            defaults.exchange.webhook_rotation_overlap_secs
        );
        assert!(from_file.national.senders.is_empty());
    }

    #[test]
    fn exchange_keys_never_show() {
        let mut s = Settings::default();
        s.exchange.hub_key = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=".into();
        s.exchange.portal_password = "portal-hunter2".into();
        s.notices.smtp_password = "smtp-hunter2".into();
        s.notices.sms_token = "sms-hunter2".into();
        s.notices.sms_url = "https://sms.example.vn/send?password=hunter2".into();
        s.national
            .senders
            .insert("19".into(), vec!["hunter2-hunter2-hunter2".into()]);
        let shown = format!("{s:?}");
        assert!(!shown.contains("c2VjcmV0"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail's closure must return figment's own error"
    )]
    fn environment_overrides_file() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("motcua.toml", "[server]\nlisten = \"127.0.0.1:9000\"\n")?;
            jail.set_env("MOTCUA__PROVINCE__CODE", "01");
            let s = Settings::load(None).map_err(|e| format!("{e:#}"))?;
            assert_eq!(s.server.listen.port(), 9000);
            assert_eq!(s.province.code, "01");
            Ok(())
        });
    }
}
