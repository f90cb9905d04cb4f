//! Commands that write, run beside a serving instance under reception load
//! (issue 19 item 5): a real `motcua serve` process on a real SQLite file,
//! sixteen clients filing dossiers, and `demo seed`, `registry generate`,
//! `accounts create` and `grants create` on the same data directory. Each
//! waits its turn for the write lock (bounded by MOTCUA_WRITE_WAIT_SECONDS)
//! and succeeds; none fails with "database is locked".

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;

fn start(dir: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("MOTCUA_LOG", "error")
        .env("MOTCUA_AUDIT_PEPPER", "test-pepper")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("motcua starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().expect("a line").expect("utf-8");
        if let Some(start) = line.find("http://") {
            let url = line[start..].split_whitespace().next().expect("url");
            break url.trim_end_matches('/').to_owned();
        }
    };
    // Keep reading the server's output so that it never blocks on a pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

/// Runs one command on `dir` as its own process and answers (success,
/// standard error).
async fn command(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("MOTCUA_LOG", "warn")
        .env("MOTCUA_AUDIT_PEPPER", "test-pepper")
        .output()
        .await
        .expect("motcua runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    eprintln!(
        "$ motcua {} -> {}\n{}{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .take(5)
            .collect::<Vec<_>>()
            .join("\n"),
        stderr
    );
    (out.status.success(), stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn write_commands_wait_their_turn_beside_a_busy_server() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (mut child, url) = start(d);
    let client = reqwest::Client::new();
    let agencies: serde_json::Value = client
        .get(format!(
            "{url}/api/v1/agencies?kind=commune_service_center&limit=16"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let centers: Vec<String> = agencies["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    let center = centers[0].clone();

    // Reception load: sixteen clients filing until told to stop, each at a
    // centre of its own. A centre numbers at most 9,999 dossiers a day; one
    // centre took them all on a slow machine, and the 10,000th reception
    // was refused (409) before the commands had finished.
    let stop = Arc::new(AtomicBool::new(false));
    let filed = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    // The first few refusals as the client saw them, for the failure message.
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut workers = Vec::new();
    for w in 0..16 {
        let (client, url) = (client.clone(), url.clone());
        let center = centers[w % centers.len()].clone();
        let (stop, filed, refused) = (stop.clone(), filed.clone(), refused.clone());
        let seen = seen.clone();
        workers.push(tokio::spawn(async move {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let res = client
                    .post(format!("{url}/api/v1/dossiers"))
                    .header("authorization", format!("Bearer dev:tai:{center}"))
                    .header("idempotency-key", format!("w{w}-{i}"))
                    .json(&json!({
                        "procedure": "1.004873",
                        "applicant": {"kind": "citizen", "id": "019087123456", "name": "Lê Văn Bình", "phone": "0987654321"},
                        "channel": "in_person",
                    }))
                    .send()
                    .await;
                let why = match res {
                    Ok(r) if r.status() == 201 => {
                        filed.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    Ok(r) => format!("{} {}", r.status(), r.text().await.unwrap_or_default()),
                    Err(e) => format!("{e:?}"),
                };
                refused.fetch_add(1, Ordering::Relaxed);
                let mut seen = seen.lock().unwrap();
                if seen.len() < 5 {
                    seen.push(why);
                }
            }
        }));
    }
    while filed.load(Ordering::Relaxed) < 50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = filed.load(Ordering::Relaxed);

    let runs: [&[&str]; 5] = [
        &["demo", "seed", "--dossiers", "400", "--seed", "7"],
        &["registry", "generate", "--people", "300"],
        &[
            "accounts",
            "create",
            "cb-ben-canh",
            "--name",
            "Trần Thị Lan",
            "--agency",
            &center,
        ],
        &[
            "grants",
            "create",
            "--officer",
            "cb-ben-canh",
            "--unit",
            "01840",
            "--purpose",
            "Tiếp nhận hồ sơ thủ tục hành chính",
            "--by",
            "qt-01840",
        ],
        &["demo", "seed", "--dossiers", "200", "--seed", "8"],
    ];
    let mut failures = Vec::new();
    for args in runs {
        let (ok, stderr) = command(d, args).await;
        assert!(
            !stderr.contains("database is locked"),
            "`motcua {}` met a locked database: {stderr}",
            args.join(" ")
        );
        if !ok {
            failures.push(format!("motcua {}: {stderr}", args.join(" ")));
        }
    }
    let during = filed.load(Ordering::Relaxed) - before;
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.unwrap();
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(
        during >= 50,
        "the server kept filing while the commands ran ({during} receptions)"
    );
    assert_eq!(
        refused.load(Ordering::Relaxed),
        0,
        "a reception was refused while the commands wrote: {:#?}",
        seen.lock().unwrap()
    );
}
