//! The province relay and the national hub as real processes: every event
//! reaches the hub's counts exactly once, across a hub outage and across a
//! relay killed with SIGKILL in the middle of a batch; the hub refuses
//! unknown senders and bad signatures.

mod exchange;

use std::time::Duration;

use exchange::{
    KEY, center, eventually, file, hub_config, hub_counts, outbox, province_config, relay, serve,
};
use motcua_app::exchange::SigningKey;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_event_is_counted_once_across_a_hub_outage() {
    let dir = tempfile::tempdir().unwrap();
    let (hub_data, prov_data) = (dir.path().join("hub"), dir.path().join("prov"));
    let hub_cfg = hub_config(dir.path());
    let mut hub = serve(&hub_cfg, &hub_data, "127.0.0.1:0", true);
    let hub_url = hub.url.clone();
    let hub_listen = hub_url.trim_start_matches("http://").to_owned();
    let prov_cfg = province_config(dir.path(), &hub_url, "");
    let province = serve(&prov_cfg, &prov_data, "127.0.0.1:0", false);
    let _relay = relay(&prov_cfg, &prov_data);
    let client = reqwest::Client::new();
    let center = center(&client, &province.url).await;

    let mut expected_events = 0;
    let mut online = 0;
    for i in 0..60 {
        expected_events += file(&client, &province.url, &center, i).await;
        online += u64::from(i.is_multiple_of(3));
        if i == 20 {
            // The hub goes away while dossiers keep coming.
            hub.kill();
        }
    }
    assert!(
        hub_counts(&client, &hub_url).await.is_none(),
        "the hub is down"
    );
    let (pending, _, dead) = outbox(&client, &province.url, &center).await;
    assert!(pending > 0, "events wait for the hub");
    assert_eq!(dead, 0);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let _hub = serve(&hub_cfg, &hub_data, &hub_listen, true);
    eventually(90, "every event at the hub", || {
        let (client, hub_url) = (client.clone(), hub_url.clone());
        async move { hub_counts(&client, &hub_url).await.map(|c| c.2) == Some(expected_events) }
    })
    .await;
    assert_eq!(
        hub_counts(&client, &hub_url).await,
        Some((60, online, expected_events))
    );
    eventually(30, "the outbox drained", || {
        let (client, url, center) = (client.clone(), province.url.clone(), center.clone());
        async move { outbox(&client, &url, &center).await == (0, expected_events, 0) }
    })
    .await;
    // A while later nothing more arrives: each event was counted once.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        hub_counts(&client, &hub_url).await,
        Some((60, online, expected_events))
    );

    // The reconciliation agrees (exit 0) and says so.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("--config")
        .arg(&prov_cfg)
        .args([
            "exchange",
            "reconcile",
            "--from",
            "2000-01-01",
            "--to",
            "2099-12-31",
            "--data-dir",
        ])
        .arg(&prov_data)
        .env("MOTCUA_LOG", "error")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{report}");
    assert!(report.contains("KHỚP / MATCH"), "{report}");

    // Unknown senders and bad signatures are refused with Problem Details.
    let body = br#"[]"#;
    // The hub (another process) checks it against its wall clock.
    let ts = motcua_app::ports::Clock::system().now().timestamp();
    let key = SigningKey::parse(KEY).unwrap();
    let wrong = SigningKey::parse("not-the-province-key-at-all").unwrap();
    for (sender, at, signature, what) in [
        ("99", ts, key.sign("m1", ts, body), "unknown sender"),
        ("19", ts, wrong.sign("m1", ts, body), "bad signature"),
        (
            "19",
            ts - 3600,
            key.sign("m1", ts - 3600, body),
            "stale timestamp",
        ),
    ] {
        let res = client
            .post(format!("{hub_url}/api/v1/national/events"))
            .header("content-type", "application/cloudevents-batch+json")
            .header("motcua-sender", sender)
            .header("webhook-id", "m1")
            .header("webhook-timestamp", at.to_string())
            .header("webhook-signature", signature)
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{what}");
        assert_eq!(
            res.headers()["content-type"],
            "application/problem+json",
            "{what}"
        );
    }
    let res = client
        .post(format!("{hub_url}/api/v1/national/events"))
        .header("motcua-sender", "19")
        .header("webhook-id", "m2")
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", key.sign("m2", ts, body))
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "a correctly signed empty batch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_relay_killed_mid_batch_loses_nothing_and_counts_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (hub_data, prov_data) = (dir.path().join("hub"), dir.path().join("prov"));
    let hub_cfg = hub_config(dir.path());
    let hub = serve(&hub_cfg, &hub_data, "127.0.0.1:0", true);
    let prov_cfg = province_config(dir.path(), &hub.url, "");
    // Two rows a round: 200 rounds, so the kill lands mid-way however fast
    // one round is (with 50 a round the 400 events could all be delivered
    // between two polls of the hub's counts).
    let text = std::fs::read_to_string(&prov_cfg).unwrap();
    std::fs::write(&prov_cfg, text.replace("batch = 50", "batch = 2")).unwrap();
    let province = serve(&prov_cfg, &prov_data, "127.0.0.1:0", false);
    let client = reqwest::Client::new();
    let center = center(&client, &province.url).await;
    let mut expected_events = 0;
    for i in 0..300 {
        expected_events += file(&client, &province.url, &center, i).await;
    }
    let mut first = relay(&prov_cfg, &prov_data);
    eventually(60, "the relay under way", || {
        let (client, hub_url) = (client.clone(), hub.url.clone());
        async move { hub_counts(&client, &hub_url).await.is_some_and(|c| c.2 > 0) }
    })
    .await;
    first.kill();
    let (_, _, at_kill) = hub_counts(&client, &hub.url).await.unwrap();
    assert!(
        at_kill < expected_events,
        "killed before the end ({at_kill} of {expected_events})"
    );
    let _second = relay(&prov_cfg, &prov_data);
    eventually(90, "every event at the hub", || {
        let (client, hub_url) = (client.clone(), hub.url.clone());
        async move { hub_counts(&client, &hub_url).await.map(|c| c.2) == Some(expected_events) }
    })
    .await;
    eventually(30, "the outbox drained", || {
        let (client, url, center) = (client.clone(), province.url.clone(), center.clone());
        async move { outbox(&client, &url, &center).await == (0, expected_events, 0) }
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        hub_counts(&client, &hub.url).await,
        Some((300, 100, expected_events))
    );
}
