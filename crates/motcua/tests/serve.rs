//! The real binary: starts on a fresh data directory, answers, and stops
//! cleanly on SIGTERM; safe defaults (ADR 0021): no development login unless
//! `--demo` on loopback, the first-administrator command, the audit pepper.

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

/// Starts `motcua serve` with `args`; the URL and the lines printed after
/// the serving line, up to the line containing `until`.
fn start_serve(
    dir: &std::path::Path,
    args: &[&str],
    until: &str,
) -> (std::process::Child, String, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("serve")
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("MOTCUA_LOG", "warn")
        .env_remove("MOTCUA_AUDIT_PEPPER")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("motcua starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut url = None;
    let mut after = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("utf-8 line");
        match &url {
            None => url = serving_url(&line),
            Some(_) => {
                let done = line.contains(until);
                after.push(line);
                if done {
                    break;
                }
            }
        }
    }
    (child, url.expect("a serving line"), after)
}

fn stop(mut child: std::process::Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

/// Review F1, F15 and the first start: with the defaults `Bearer dev:...`
/// answers 401, and the start tells exactly how to create the first
/// administrator; that command works, and its account logs in.
#[tokio::test]
async fn defaults_refuse_the_dev_login_and_tell_how_to_get_an_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let (child, url, notes) = start_serve(
        dir.path(),
        &["--listen", "127.0.0.1:0"],
        "MOTCUA_AUDIT_PEPPER",
    );
    let notes = notes.join("\n");
    assert!(!notes.contains("DEMO MODE"), "{notes}");
    assert!(notes.contains("MOTCUA_AUDIT_PEPPER chưa đặt"), "{notes}");
    let command = notes
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("motcua ") && l.contains("accounts create"))
        .unwrap_or_else(|| panic!("no command in {notes}"))
        .to_owned();
    assert!(
        command.contains("--role province_admin --scope agency:H55 --password-stdin"),
        "{command}"
    );
    assert!(
        command.contains(&dir.path().display().to_string()),
        "{command}"
    );

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let dev = client
        .get(format!("{url}/api/v1/dossiers"))
        .header("authorization", "Bearer dev:cb-a:H55")
        .send()
        .await
        .unwrap();
    assert_eq!(dev.status(), 401);
    let home = client.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(!home.contains("Chế độ thử nghiệm"));

    // Run the printed command as an operator would (a shell splits it).
    let words = shell_words(&command);
    let mut run = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(&words[1..])
        .env("MOTCUA_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = run.stdin.take().unwrap();
        stdin.write_all(b"Mat-khau-quan-tri-1\n").unwrap();
    }
    let out = run.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let login = client
        .post(format!("{url}/dang-nhap"))
        .form(&[
            ("account", "quan-tri"),
            ("password", "Mat-khau-quan-tri-1"),
            ("next", "/can-bo/ho-so"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303);
    stop(child);

    // The next start knows there is an administrator.
    let (child, _, notes) = start_serve(
        dir.path(),
        &["--listen", "127.0.0.1:0"],
        "MOTCUA_AUDIT_PEPPER",
    );
    assert!(!notes.join("\n").contains("accounts create"), "{notes:?}");
    stop(child);
}

/// Splits a command line like a POSIX shell does for plain words, '…' and "…".
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, ' ') => {
                if any {
                    words.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            (_, c) => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

/// Review F1: `--demo` turns the development login on, loudly, and only on
/// a loopback address.
#[tokio::test]
async fn demo_mode_is_loud_and_loopback_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["serve", "--demo", "--listen", "0.0.0.0:0", "--data-dir"])
        .arg(dir.path())
        .env("MOTCUA_LOG", "warn")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("loopback"), "{err}");
    // The config key alone is held to the same rule.
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["serve", "--listen", "0.0.0.0:0", "--data-dir"])
        .arg(dir.path())
        .env("MOTCUA_LOG", "warn")
        .env("MOTCUA__AUTH__DEV_LOGIN", "true")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));

    let (child, url, notes) = start_serve(
        dir.path(),
        &["--demo", "--listen", "127.0.0.1:0"],
        "MOTCUA_AUDIT_PEPPER",
    );
    assert!(notes.join("\n").contains("DEMO MODE"), "{notes:?}");
    let client = reqwest::Client::new();
    let dev = client
        .get(format!("{url}/api/v1/dossiers"))
        .header("authorization", "Bearer dev:cb-a:H55")
        .send()
        .await
        .unwrap();
    assert_eq!(dev.status(), 200);
    let home = client.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(
        home.contains("Chế độ thử nghiệm"),
        "the banner is on every page"
    );
    stop(child);
}

/// Review F15: an https public URL without `MOTCUA_AUDIT_PEPPER` does not start.
#[test]
fn an_https_site_without_the_audit_pepper_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("MOTCUA_LOG", "warn")
        .env(
            "MOTCUA__SERVER__PUBLIC_URL",
            "https://motcua.example.gov.vn",
        )
        .env_remove("MOTCUA_AUDIT_PEPPER")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("MOTCUA_AUDIT_PEPPER"), "{err}");
}
