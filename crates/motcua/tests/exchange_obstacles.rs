//! Obstacle cases (vướng mắc, issue 16 item 5) travel through the exchange:
//! two provinces seed their obstacles (`motcua demo seed`, each case's
//! events written to the outbox in the case's transaction), their real
//! `motcua relay` processes deliver them signed to a real national hub
//! (`motcua serve --role national`), and the hub's national picture lists
//! both provinces' open cases by category and owner, the oldest unanswered
//! and the 34 provinces' tiles, on the API and on `/quoc-gia`.

mod exchange;

use std::path::Path;
use std::process::Command;

use exchange::{KEY, eventually, relay, serve};
use serde_json::Value;

/// The second province's key.
const KEY_01: &str = "whsec_bW90Y3VhLXRlc3Qta2V5LTAxLXByb3ZpbmNl";

fn province(dir: &Path, code: &str, root: &str, key: &str, hub_url: &str) -> std::path::PathBuf {
    let path = dir.join(format!("province-{code}.toml"));
    std::fs::write(
        &path,
        format!(
            "[province]\ncode = \"{code}\"\nidentifier_root = \"{root}\"\n\n[exchange]\n\
             batch = 50\nlease_secs = 2\npoll_ms = 50\nmax_attempts = 1000\n\
             backoff_base_ms = 50\nbackoff_max_secs = 1\n\
             hub_url = \"{hub_url}\"\nhub_key = \"{key}\"\n"
        ),
    )
    .unwrap();
    path
}

fn seed(config: &Path, data: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("--config")
        .arg(config)
        .args(["demo", "seed", "--dossiers", "2", "--data-dir"])
        .arg(data)
        .env("MOTCUA_LOG", "error")
        .output()
        .expect("motcua demo seed runs");
    assert!(
        out.status.success(),
        "demo seed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn picture(client: &reqwest::Client, hub: &str) -> Option<Value> {
    let res = client
        .get(format!("{hub}/api/v1/national/obstacles"))
        .send()
        .await
        .ok()?;
    if !res.status().is_success() {
        return None;
    }
    res.json().await.ok()
}

/// Whether the province's outbox has nothing left to deliver to any sink
/// (read from its database beside the running relay, as `motcua relay` would).
async fn drained(data: &Path) -> bool {
    use motcua_app::ports::exchange::ExchangeStore;
    let url = format!("sqlite://{}", data.join("motcua.db").display());
    let Ok(store) = motcua_store_sqlite::SqliteStore::connect(&url).await else {
        return false;
    };
    let counts = store.outbox_counts().await.unwrap_or_default();
    !counts.is_empty() && counts.iter().all(|c| c.counts.pending == 0)
}

fn open_of(v: &Value, province: &str) -> u64 {
    v["by_province"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["key"] == province)
        .and_then(|l| l["open"].as_u64())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_hub_lists_two_provinces_obstacles_sent_through_the_real_relay() {
    let dir = tempfile::tempdir().unwrap();
    let hub_cfg = dir.path().join("hub.toml");
    std::fs::write(
        &hub_cfg,
        format!("[national]\nsenders = {{ \"19\" = [\"{KEY}\"], \"01\" = [\"{KEY_01}\"] }}\n"),
    )
    .unwrap();
    let hub = serve(&hub_cfg, &dir.path().join("hub"), "127.0.0.1:0", true);
    let client = reqwest::Client::new();
    let empty = picture(&client, &hub.url).await.expect("the hub answers");
    assert_eq!(empty["open"], 0, "nothing before the relays run");
    assert_eq!(empty["tiles"].as_array().map(Vec::len), Some(34));

    let mut relays = Vec::new();
    let mut datas = Vec::new();
    for (code, root, key) in [("19", "H55", KEY), ("01", "H26", KEY_01)] {
        let cfg = province(dir.path(), code, root, key, &hub.url);
        let data = dir.path().join(format!("prov-{code}"));
        seed(&cfg, &data);
        relays.push(relay(&cfg, &data));
        datas.push(data);
    }

    eventually(90, "both provinces' obstacles at the hub", || {
        let (client, hub) = (client.clone(), hub.url.clone());
        async move {
            picture(&client, &hub)
                .await
                .is_some_and(|v| open_of(&v, "19") > 0 && open_of(&v, "01") > 0)
        }
    })
    .await;
    // The relays have delivered everything (a delivery is settled only
    // after the hub committed it), so the picture is the settled one.
    eventually(90, "both provinces' outboxes drained", || {
        let datas = datas.clone();
        async move {
            for data in &datas {
                if !drained(data).await {
                    return false;
                }
            }
            true
        }
    })
    .await;
    let v = picture(&client, &hub.url).await.unwrap();
    let (p19, p01) = (open_of(&v, "19"), open_of(&v, "01"));
    assert_eq!(p19, p01, "the same demo stories in both provinces: {v}");
    assert_eq!(v["open"].as_u64(), Some(p19 + p01));
    // Answered, resolved and merged cases are not open; the demo has some.
    let states: Vec<&str> = v["oldest"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["status"].as_str())
        .collect();
    assert!(
        states
            .iter()
            .all(|s| matches!(*s, "submitted" | "received" | "escalated")),
        "{states:?}"
    );
    let provinces: Vec<&str> = v["oldest"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["province"].as_str())
        .collect();
    assert!(provinces.contains(&"19") && provinces.contains(&"01"));
    // Oldest unanswered first.
    let submitted: Vec<&str> = v["oldest"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["submitted_at"].as_str())
        .collect();
    let mut sorted = submitted.clone();
    sorted.sort();
    assert_eq!(submitted, sorted);
    assert!(!v["by_category"].as_array().unwrap().is_empty());
    assert!(!v["by_owner"].as_array().unwrap().is_empty());
    let tile = |code: &str| {
        v["tiles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == code)
            .cloned()
            .unwrap()
    };
    assert_eq!(tile("19")["open"].as_u64(), Some(p19));
    assert!(tile("19")["band"].as_u64().unwrap() > 0);
    assert_eq!(tile("04")["open"].as_u64(), Some(0));
    assert_eq!(tile("04")["band"].as_u64(), Some(0));

    // The page shows the grid and both provinces' cases.
    let page = client
        .get(format!("{}/quoc-gia", hub.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"vuong-mac\""), "obstacles section");
    assert!(page.contains("Thái Nguyên") && page.contains("Hà Nội"));
    drop(relays);
}
