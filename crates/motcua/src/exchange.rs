//! Wiring of the exchange: the relay and its sinks (national hub, NATS
//! JetStream, national portal, each with its own delivery state) from
//! `[exchange]`, and the national hub's keys from `[national]`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use motcua_app::exchange::{NationalService, SigningKey};
use motcua_app::ports::{Clock, Store};
use motcua_exchange::backoff::Backoff;
use motcua_exchange::hub::HubSink;
use motcua_exchange::nats::{NatsConfig, NatsSink};
use motcua_exchange::portal::{PortalClient, PortalSettings, PortalSink};
use motcua_exchange::webhooks::{WebhookSink, WebhookSinkConfig};
use motcua_exchange::{Relay, RelayConfig, Sink};

use crate::config::Settings;

/// The relay configured by `[exchange]`, with its sinks connected, reading
/// "now" from `clock`.
pub async fn relay(settings: &Settings, store: Arc<dyn Store>, clock: Clock) -> Result<Relay> {
    let x = &settings.exchange;
    let province = settings.province.code.clone();
    let mut sinks: Vec<Arc<dyn Sink>> = Vec::new();
    if !x.hub_url.is_empty() {
        let key =
            SigningKey::parse(&x.hub_key).map_err(|e| anyhow::anyhow!("exchange.hub_key: {e}"))?;
        sinks.push(Arc::new(HubSink::new(
            &x.hub_url,
            &province,
            key,
            clock.clone(),
        )?));
    }
    if !x.nats_servers.is_empty() {
        let stream = if x.nats_stream.is_empty() {
            format!("MOTCUA_{province}")
        } else {
            x.nats_stream.clone()
        };
        let sink = NatsSink::connect(&NatsConfig {
            servers: x.nats_servers.clone(),
            stream,
            replicas: x.nats_replicas,
            province: province.clone(),
        })
        .await
        .context("connecting to NATS (exchange.nats_servers)")?;
        sinks.push(Arc::new(sink));
    }
    if x.webhooks {
        let sink = WebhookSink::new(
            store.clone(),
            WebhookSinkConfig {
                timeout: Duration::from_millis(x.webhook_timeout_ms.max(100)),
                concurrency: x.webhook_concurrency.max(1),
                cache_ttl: Duration::from_millis(x.webhook_cache_ms),
                allow_http: x.webhooks_allow_http,
                clock: clock.clone(),
                ..WebhookSinkConfig::default()
            },
        )?;
        sinks.push(Arc::new(sink));
    }
    if !x.portal_url.is_empty() {
        anyhow::ensure!(
            !x.portal_agency_id.is_empty(),
            "exchange.portal_agency_id (MaDinhDanhDV) is required with exchange.portal_url"
        );
        let client = PortalClient::new(PortalSettings {
            base_url: x.portal_url.clone(),
            agency_id: x.portal_agency_id.clone(),
            username: x.portal_username.clone(),
            password: x.portal_password.clone(),
        })?;
        sinks.push(Arc::new(PortalSink::new(store.clone(), client)));
    }
    // Feedback notices' events are for the notice sinks alone (ADR 0032).
    let mut sinks: Vec<Arc<dyn Sink>> = sinks
        .into_iter()
        .map(|s| Arc::new(motcua_exchange::notices::WithoutFeedbackNotices(s)) as Arc<dyn Sink>)
        .collect();
    sinks.extend(notice_sinks(settings, store.clone(), clock.clone())?);
    anyhow::ensure!(
        !sinks.is_empty(),
        "the relay has nowhere to deliver: set exchange.hub_url, exchange.nats_servers \
         , exchange.webhooks, exchange.portal_url, notices.smtp_host or notices.sms_url"
    );
    let mut config = RelayConfig::new(province);
    config.batch = x.batch.clamp(1, 1000);
    config.lease = Duration::from_secs(x.lease_secs.max(1));
    config.idle_poll = Duration::from_millis(x.poll_ms.max(10));
    config.backoff = Backoff {
        base: Duration::from_millis(x.backoff_base_ms.max(1)),
        max: Duration::from_secs(x.backoff_max_secs.max(1)),
        max_attempts: x.max_attempts.max(1),
    };
    config.clock = clock;
    Ok(Relay::new(store, sinks, config))
}

/// The notice sinks of `[notices]`: `notices-email` when `smtp_host` is
/// set, `notices-sms` when `sms_url` is (issue 15 item 7).
pub fn notice_sinks(
    settings: &Settings,
    store: Arc<dyn Store>,
    clock: Clock,
) -> Result<Vec<Arc<dyn Sink>>> {
    use motcua_app::notices::{NoticeSettings, Notices};
    use motcua_domain::notice::NoticeChannel;
    use motcua_exchange::email::{SmtpSettings, SmtpTls, SmtpTransport};
    use motcua_exchange::notices::NoticeSink;
    use motcua_exchange::sms::{SmsGateway, SmsSettings};
    let n = &settings.notices;
    let notices = Notices::new(
        store.clone(),
        store,
        NoticeSettings {
            public_url: settings.server.public_url.clone(),
            max_age: chrono::Duration::hours(i64::try_from(n.max_age_hours).unwrap_or(72)),
        },
        clock,
    );
    let mut sinks: Vec<Arc<dyn Sink>> = Vec::new();
    if !n.smtp_host.is_empty() {
        let tls = SmtpTls::parse(&n.smtp_tls).ok_or_else(|| {
            anyhow::anyhow!(
                "notices.smtp_tls must be starttls, tls or none, not {:?}",
                n.smtp_tls
            )
        })?;
        let transport = SmtpTransport::new(&SmtpSettings {
            host: n.smtp_host.clone(),
            port: n.smtp_port,
            tls,
            username: n.smtp_username.clone(),
            password: n.smtp_password.clone(),
            from: n.smtp_from.clone(),
            timeout: Duration::from_secs(n.smtp_timeout_secs.max(1)),
        })?;
        sinks.push(Arc::new(NoticeSink::new(
            NoticeChannel::Email,
            notices.clone(),
            Arc::new(transport),
        )));
    }
    if !n.sms_url.is_empty() {
        let gateway = SmsGateway::new(SmsSettings {
            url: n.sms_url.clone(),
            token: n.sms_token.clone(),
            sender: n.sms_sender.clone(),
            timeout: Duration::from_millis(n.sms_timeout_ms.max(100)),
        })?;
        sinks.push(Arc::new(NoticeSink::new(
            NoticeChannel::Sms,
            notices,
            Arc::new(gateway),
        )));
    }
    Ok(sinks)
}

/// The national hub over `store`, with the keys of `[national] senders`.
pub fn national(settings: &Settings, store: Arc<dyn Store>) -> Result<NationalService> {
    let mut keys = BTreeMap::new();
    for (province, texts) in &settings.national.senders {
        let parsed = texts
            .iter()
            .map(|t| SigningKey::parse(t))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| anyhow::anyhow!("national.senders.{province}: {e}"))?;
        anyhow::ensure!(!parsed.is_empty(), "national.senders.{province}: no key");
        keys.insert(province.clone(), parsed);
    }
    if keys.is_empty() {
        tracing::warn!("national hub without senders ([national] senders): every sync is refused");
    }
    Ok(NationalService::new(store, keys))
}

/// The webhook administration settings from `[province]` and `[exchange]`.
pub fn webhook_settings(settings: &Settings) -> motcua_app::webhooks::WebhookSettings {
    motcua_app::webhooks::WebhookSettings {
        province: settings.province.code.clone(),
        allow_http: settings.exchange.webhooks_allow_http,
        rotation_overlap: Duration::from_secs(settings.exchange.webhook_rotation_overlap_secs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store(dir: &std::path::Path) -> Arc<dyn Store> {
        crate::wiring::open_store(
            &format!("sqlite://{}/t.db", dir.display()),
            &Clock::system(),
        )
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn notice_sinks_follow_the_notices_settings() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path()).await;
        let mut settings = Settings::default();
        let none = notice_sinks(&settings, store.clone(), Clock::system()).unwrap();
        assert!(none.is_empty(), "no notices unless configured");
        settings.notices.smtp_host = "127.0.0.1".into();
        settings.notices.smtp_tls = "ssl".into();
        let err = notice_sinks(&settings, store.clone(), Clock::system())
            .err()
            .unwrap();
        assert!(format!("{err:#}").contains("notices.smtp_tls"), "{err:#}");
        settings.notices.smtp_tls = "none".into();
        settings.notices.sms_url = "http://127.0.0.1:9/sms".into();
        let sinks = notice_sinks(&settings, store.clone(), Clock::system()).unwrap();
        let names: Vec<&str> = sinks.iter().map(|s| s.name()).collect();
        assert_eq!(names, ["notices-email", "notices-sms"]);
        // Alone they are enough for a relay.
        let relay = relay(&settings, store, Clock::system()).await.unwrap();
        assert_eq!(relay.sink_names(), ["notices-email", "notices-sms"]);
    }

    #[tokio::test]
    async fn the_portal_is_a_sink_of_its_own_from_exchange_settings() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path()).await;
        let mut settings = Settings::default();
        settings.exchange.hub_url = "http://127.0.0.1:9".into();
        settings.exchange.hub_key = "whsec_YmVuY2gtZXhjaGFuZ2Uta2V5LTE5LXByb3ZpbmNl".into();
        settings.exchange.portal_url = "http://127.0.0.1:9/adapter".into();
        let err = relay(&settings, store.clone(), Clock::system())
            .await
            .err()
            .unwrap();
        assert!(format!("{err:#}").contains("portal_agency_id"), "{err:#}");
        settings.exchange.portal_agency_id = "000.00.00.H55".into();
        settings.exchange.portal_username = "motcua".into();
        settings.exchange.portal_password = "mat-khau".into();
        let both = relay(&settings, store.clone(), Clock::system())
            .await
            .unwrap();
        assert_eq!(both.sink_names(), ["hub", "portal"]);
        settings.exchange.hub_url.clear();
        let portal_only = relay(&settings, store, Clock::system()).await.unwrap();
        assert_eq!(portal_only.sink_names(), ["portal"]);
    }
}
