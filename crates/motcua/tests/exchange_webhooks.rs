//! Webhooks end to end: a real `motcua serve` with the relay on delivers
//! the dossier events of one centre, signed, to the sector system that
//! subscribed to it through the API (and not to the one subscribed to
//! another centre); after a rotation both secrets sign. The receiver is an
//! axum server in this test, checking with the `standardwebhooks` library.

mod exchange;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
use exchange::{eventually, file, province_config, serve};
use serde_json::{Value, json};

type Log = Arc<Mutex<Vec<(String, HeaderMap, Bytes)>>>;

async fn take(
    State(log): State<Log>,
    Path(p): Path<String>,
    h: HeaderMap,
    b: Bytes,
) -> &'static str {
    log.lock().unwrap().push((p, h, b));
    "ok"
}

async fn receiver() -> (String, Log) {
    let log: Log = Arc::default();
    let app = Router::new()
        .route("/{p}", post(take))
        .with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), log)
}

async fn subscribe(client: &reqwest::Client, url: &str, center: &str, target: String) -> Value {
    let res = client
        .post(format!("{url}/api/v1/webhooks"))
        .header("authorization", format!("Bearer dev:quan-tri:{center}"))
        .json(
            &json!({"name": format!("Hệ thống của {center}"), "url": target,
            "scopes": [format!("agency:{center}")]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

fn verifies(secret: &str, headers: &HeaderMap, body: &Bytes) -> bool {
    standardwebhooks::Webhook::new(secret)
        .unwrap()
        .verify(body, headers)
        .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn serve_delivers_signed_events_to_the_subscribed_sector_system() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = province_config(
        dir.path(),
        "",
        "enabled = true\nwebhooks = true\nwebhooks_allow_http = true\nwebhook_cache_ms = 0\n",
    );
    let province = serve(&cfg, &dir.path().join("data"), "127.0.0.1:0", false);
    let client = reqwest::Client::new();
    let centers: Value = client
        .get(format!(
            "{}/api/v1/agencies?kind=commune_service_center&limit=2",
            province.url
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (a, b) = (
        centers["items"][0]["id"].as_str().unwrap().to_owned(),
        centers["items"][1]["id"].as_str().unwrap().to_owned(),
    );
    let (target, log) = receiver().await;
    let mine = subscribe(&client, &province.url, &a, format!("{target}/mine")).await;
    subscribe(&client, &province.url, &b, format!("{target}/other")).await;
    let secret = mine["secret"].as_str().unwrap().to_owned();

    // Three dossiers at centre A: one filed online then received (2
    // events), two received at the desk (1 each).
    let mut events = 0;
    for i in 0..3 {
        events += file(&client, &province.url, &a, i).await;
    }
    assert_eq!(events, 4);
    eventually(60, "four events at the sector system", || {
        let log = log.clone();
        async move { log.lock().unwrap().len() >= 4 }
    })
    .await;
    let seen = log.lock().unwrap().clone();
    assert_eq!(seen.len(), 4, "each event once");
    let mut ids = Vec::new();
    for (path, headers, body) in &seen {
        assert_eq!(path, "mine", "nothing for centre B's subscription");
        assert!(verifies(&secret, headers, body));
        let e: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(e["data"]["dossier"]["receiving_agency"], a.as_str());
        assert!(e["data"].get("change").is_none(), "no personal data");
        assert_eq!(headers["webhook-id"], e["id"].as_str().unwrap());
        ids.push(e["id"].as_str().unwrap().to_owned());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4);

    // A rotation: the next event carries both signatures.
    let id = mine["webhook"]["id"].as_i64().unwrap();
    let rotated: Value = client
        .post(format!("{}/api/v1/webhooks/{id}/rotate", province.url))
        .header("authorization", format!("Bearer dev:quan-tri:{a}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new = rotated["secret"].as_str().unwrap().to_owned();
    // The sink re-reads the subscriptions before every delivery
    // (webhook_cache_ms = 0), so the next event sees the rotation.
    file(&client, &province.url, &a, 4).await;
    eventually(60, "the fifth event", || {
        let log = log.clone();
        async move { log.lock().unwrap().len() >= 5 }
    })
    .await;
    let (_, headers, body) = log.lock().unwrap()[4].clone();
    let signatures = headers["webhook-signature"]
        .to_str()
        .unwrap()
        .split(' ')
        .count();
    assert_eq!(signatures, 2);
    assert!(verifies(&secret, &headers, &body) && verifies(&new, &headers, &body));
}
