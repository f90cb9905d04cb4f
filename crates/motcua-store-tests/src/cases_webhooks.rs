//! Conformance cases of the webhook store: subscriptions round-trip,
//! change and go; secrets rotate with an overlap; only active subscriptions
//! and live secrets sign.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use motcua_app::StoreError;
use motcua_app::ports::Store;
use motcua_domain::webhook::WebhookSpec;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap()
}

fn spec(name: &str, active: bool) -> WebhookSpec {
    WebhookSpec::new(
        name,
        "https://so-tnmt.example.vn/motcua/events",
        &["received".into(), "result_returned".into()],
        &["1.001193".into()],
        &["unit:05743".into(), "agency:H55.X05743.TT".into()],
        active,
        false,
    )
    .expect("a valid spec")
}

fn secrets_at(list: &[motcua_app::ports::webhooks::SigningWebhook], id: i64) -> Vec<String> {
    list.iter()
        .find(|w| w.subscription.id == id)
        .map(|w| w.secrets.iter().map(|s| s.secret.clone()).collect())
        .unwrap_or_default()
}

/// Create, list, read, change, delete; absent ids answer `None`,
/// `NotFound` or `false`.
pub async fn webhooks_round_trip_change_and_delete(store: Arc<dyn Store>) {
    assert!(store.list_webhooks().await.unwrap().is_empty());
    let a = store
        .create_webhook(&spec("Sở Tài nguyên", true), "whsec_a", t0())
        .await
        .unwrap();
    let b = store
        .create_webhook(&spec("Hệ thống hộ tịch", false), "whsec_b", t0())
        .await
        .unwrap();
    assert!(b.id > a.id);
    assert_eq!(a.spec, spec("Sở Tài nguyên", true));
    assert_eq!((a.created_at, a.updated_at), (t0(), t0()));
    assert_eq!(store.list_webhooks().await.unwrap(), [a.clone(), b.clone()]);
    assert_eq!(store.get_webhook(a.id).await.unwrap(), Some(a.clone()));
    assert_eq!(store.get_webhook(b.id + 100).await.unwrap(), None);

    let mut changed = spec("Sở Tài nguyên và Môi trường", false);
    changed.filter.procedures.clear();
    let later = t0() + TimeDelta::minutes(5);
    let updated = store.update_webhook(a.id, &changed, later).await.unwrap();
    assert_eq!(updated.spec, changed);
    assert_eq!((updated.created_at, updated.updated_at), (t0(), later));
    assert_eq!(store.get_webhook(a.id).await.unwrap(), Some(updated));
    assert!(matches!(
        store.update_webhook(b.id + 100, &changed, later).await,
        Err(StoreError::NotFound)
    ));

    assert!(store.delete_webhook(a.id).await.unwrap());
    assert!(!store.delete_webhook(a.id).await.unwrap());
    assert_eq!(store.list_webhooks().await.unwrap(), [b]);
}

/// A rotation adds a current secret and ends the old one at the end of the
/// overlap; a second rotation drops secrets already ended; inactive
/// subscriptions never sign.
pub async fn webhook_secrets_rotate_with_an_overlap(store: Arc<dyn Store>) {
    let a = store
        .create_webhook(&spec("A", true), "whsec_1", t0())
        .await
        .unwrap();
    let off = store
        .create_webhook(&spec("B", false), "whsec_off", t0())
        .await
        .unwrap();
    let at = |s: i64| t0() + TimeDelta::seconds(s);
    let signing = store.signing_webhooks(at(0)).await.unwrap();
    assert_eq!(signing.len(), 1, "inactive subscriptions do not sign");
    assert_eq!(signing[0].subscription, a);
    assert_eq!(secrets_at(&signing, a.id), ["whsec_1"]);
    assert!(secrets_at(&signing, off.id).is_empty());

    let rotated = store
        .rotate_webhook_secret(a.id, "whsec_2", at(10), at(1))
        .await
        .unwrap();
    assert_eq!(rotated.updated_at, at(1));
    let during = store.signing_webhooks(at(2)).await.unwrap();
    assert_eq!(secrets_at(&during, a.id), ["whsec_2", "whsec_1"]);
    assert_eq!(during[0].secrets[1].expires_at, Some(at(10)));
    assert_eq!(during[0].secrets[0].expires_at, None);
    assert_eq!(
        secrets_at(&store.signing_webhooks(at(11)).await.unwrap(), a.id),
        ["whsec_2"]
    );

    // The second rotation, after the first overlap ended.
    store
        .rotate_webhook_secret(a.id, "whsec_3", at(20), at(12))
        .await
        .unwrap();
    assert_eq!(
        secrets_at(&store.signing_webhooks(at(13)).await.unwrap(), a.id),
        ["whsec_3", "whsec_2"]
    );
    // A rotation with no overlap ends the old secrets at once.
    store
        .rotate_webhook_secret(a.id, "whsec_4", at(14), at(14))
        .await
        .unwrap();
    assert_eq!(
        secrets_at(&store.signing_webhooks(at(14)).await.unwrap(), a.id),
        ["whsec_4"]
    );
    assert!(matches!(
        store
            .rotate_webhook_secret(a.id + 100, "whsec_x", at(20), at(15))
            .await,
        Err(StoreError::NotFound)
    ));
    // Deleting a subscription deletes its secrets.
    assert!(store.delete_webhook(a.id).await.unwrap());
    assert!(store.signing_webhooks(at(15)).await.unwrap().is_empty());
}
