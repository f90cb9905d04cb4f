//! Real processes for the exchange tests: a province `motcua serve`, a
//! national `motcua serve --role national`, `motcua relay`, and (for the
//! NATS tests) a 3-node `nats-server` JetStream cluster, all on loopback.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The province's signing key at the hub.
pub const KEY: &str = "whsec_bW90Y3VhLXRlc3Qta2V5LTE5LXByb3ZpbmNl";

/// A child process killed when dropped.
pub struct Proc {
    pub child: Child,
    pub url: String,
}

impl Proc {
    /// SIGKILL and reap.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}

fn wait_for_url(child: &mut Child) -> String {
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .expect("utf-8");
        if let Some(start) = line.find("http://") {
            let url = line[start..].split_whitespace().next().expect("url");
            return url.trim_end_matches('/').to_owned();
        }
    }
}

/// `motcua serve` with a config file and data dir, on `listen`.
pub fn serve(config: &Path, data: &Path, listen: &str, national: bool) -> Proc {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_motcua"));
    cmd.arg("--config")
        .arg(config)
        .args(["serve", "--demo", "--listen", listen, "--data-dir"])
        .arg(data);
    if national {
        cmd.args(["--role", "national"]);
    }
    let mut child = cmd
        .env("MOTCUA_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("motcua serve starts");
    let url = wait_for_url(&mut child);
    Proc { child, url }
}

/// `motcua relay` on the province's data dir.
pub fn relay(config: &Path, data: &Path) -> Proc {
    let child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("--config")
        .arg(config)
        .args(["relay", "--data-dir"])
        .arg(data)
        .env("MOTCUA_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("motcua relay starts");
    Proc {
        child,
        url: String::new(),
    }
}

/// Writes the hub's configuration (province 19 with [`KEY`]).
pub fn hub_config(dir: &Path) -> PathBuf {
    let path = dir.join("hub.toml");
    std::fs::write(
        &path,
        format!("[national]\nsenders = {{ \"19\" = [\"{KEY}\"] }}\n"),
    )
    .unwrap();
    path
}

/// Writes the province's configuration: relay to `hub_url`, quick retries,
/// 2 s leases, and extra `[exchange]` lines.
pub fn province_config(dir: &Path, hub_url: &str, extra: &str) -> PathBuf {
    let path = dir.join("province.toml");
    std::fs::write(
        &path,
        format!(
            "[province]\ncode = \"19\"\nidentifier_root = \"H55\"\n\n[exchange]\n\
             batch = 50\nlease_secs = 2\npoll_ms = 50\nmax_attempts = 1000\n\
             backoff_base_ms = 50\nbackoff_max_secs = 1\n\
             hub_url = \"{hub_url}\"\nhub_key = \"{KEY}\"\n{extra}"
        ),
    )
    .unwrap();
    path
}

/// The first commune service center of the province.
pub async fn center(client: &reqwest::Client, url: &str) -> String {
    let v: Value = client
        .get(format!(
            "{url}/api/v1/agencies?kind=commune_service_center&limit=1"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["items"][0]["id"].as_str().unwrap().to_owned()
}

/// Files dossier `i` and returns how many events it produced: every third
/// is filed online and then received at the desk (2 events), the others
/// are received at the desk at once (1 event).
pub async fn file(client: &reqwest::Client, url: &str, center: &str, i: usize) -> u64 {
    let auth = format!("Bearer dev:xchg:{center}");
    let online = i.is_multiple_of(3);
    let body = if online {
        json!({
            "procedure": "1.004873",
            "applicant": {"kind": "citizen", "id": "019087123456", "name": "Nguyễn Thị Lan", "phone": "0912345678"},
            "channel": "online",
            "receiving_unit": center,
        })
    } else {
        json!({
            "procedure": "1.004873",
            "applicant": {"kind": "citizen", "id": "019087123456", "name": "Lê Văn Bình", "phone": "0987654321"},
            "channel": "in_person",
        })
    };
    let res = client
        .post(format!("{url}/api/v1/dossiers"))
        .header("authorization", &auth)
        .header("idempotency-key", format!("f-{i}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "filing {i}");
    let code = res.json::<Value>().await.unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    if !online {
        return 1;
    }
    let res = client
        .post(format!("{url}/api/v1/dossiers/{code}/actions/receive"))
        .header("authorization", &auth)
        .header("idempotency-key", format!("r-{i}"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "receiving {code}");
    2
}

/// Province 19's line at the hub: (dossiers, online, events).
pub async fn hub_counts(client: &reqwest::Client, hub: &str) -> Option<(u64, u64, u64)> {
    let res = client
        .get(format!(
            "{hub}/api/v1/national/totals?from=2000-01-01&to=2099-12-31"
        ))
        .send()
        .await
        .ok()?;
    let v: Value = res.json().await.ok()?;
    let line = v["provinces"]
        .as_array()?
        .iter()
        .find(|p| p["province"] == "19")?
        .clone();
    Some((
        line["dossiers"].as_u64()?,
        line["online"].as_u64()?,
        line["events"].as_u64()?,
    ))
}

/// Waits until `check` holds, polling; panics with `what` after `secs`.
pub async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

/// The province's outbox counts: (pending, delivered, dead).
pub async fn outbox(client: &reqwest::Client, url: &str, center: &str) -> (u64, u64, u64) {
    let v: Value = client
        .get(format!("{url}/api/v1/exchange/dead-letters"))
        .header("authorization", format!("Bearer dev:xchg:{center}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        v["pending"].as_u64().unwrap(),
        v["delivered"].as_u64().unwrap(),
        v["dead"].as_u64().unwrap(),
    )
}
