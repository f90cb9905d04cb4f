//! The real binary: starts on a fresh data directory, answers, and stops
//! cleanly on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn serving_url(line: &str) -> Option<String> {
    let start = line.find("http://")?;
    let url = line[start..].split_whitespace().next()?;
    Some(url.trim_end_matches('/').to_owned())
}

#[tokio::test]
async fn serve_starts_on_a_fresh_directory_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("MOTCUA_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("motcua starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("a line before exit")
            .expect("utf-8 line");
        if let Some(url) = serving_url(&line) {
            break url;
        }
    };
    let client = reqwest::Client::new();
    let ready = client
        .get(format!("{url}/readyz"))
        .send()
        .await
        .expect("readyz answers");
    assert_eq!(ready.status(), 200);
    eprintln!("cold start to ready: {} ms", started.elapsed().as_millis());
    let units: serde_json::Value = client
        .get(format!("{url}/api/v1/units?level=province"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(units["total"], 34);
    assert!(
        dir.path().join("motcua.db").exists(),
        "the SQLite file is created in the data dir"
    );

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "graceful shutdown exits 0, got {exit}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "motcua did not stop within 10 s of SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
fn default_config_prints_a_file_that_parses() {
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("default-config")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let value: toml::Value = toml::from_str(&text).expect("valid TOML");
    assert_eq!(value["province"]["code"].as_str(), Some("19"));
}

#[test]
fn apply_changes_twice_changes_nothing_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../reference/units/units-2026-changes.csv"
    );
    let run = || {
        let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(["units", "apply-changes", file, "--data-dir"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(run().contains("applied 25; đã có từ trước / already applied 0"));
    assert!(run().contains("applied 0; đã có từ trước / already applied 25"));
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["units", "show", "22", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["type"], "thành phố");
    assert_eq!(
        shown["changes"][0]["legal_basis"],
        "36/2026/QH16 (24/08/2026)"
    );
}
