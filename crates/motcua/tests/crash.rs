//! `kill -9` during a stream of receptions: after a restart on the same data
//! directory every acknowledged dossier is there and complete (events,
//! projection and outbox agree), codes have no gap, and nothing is
//! half-written.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use motcua_app::ports::dossiers::{DossierStore, WorkListQuery};
use motcua_domain::dossier::{Dossier, Event, replay};
use motcua_store_sqlite::SqliteStore;
use serde_json::json;

fn start(dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("MOTCUA_LOG", "error")
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
    (child, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_loses_no_acknowledged_reception_and_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = start(dir.path());
    let client = reqwest::Client::new();
    let agencies: serde_json::Value = client
        .get(format!(
            "{url}/api/v1/agencies?kind=commune_service_center&limit=1"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let center = agencies["items"][0]["id"].as_str().unwrap().to_owned();
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut workers = Vec::new();
    for w in 0..16 {
        let (client, url, center, acked) =
            (client.clone(), url.clone(), center.clone(), acked.clone());
        workers.push(tokio::spawn(async move {
            for i in 0.. {
                let res = client
                    .post(format!("{url}/api/v1/dossiers"))
                    .header("authorization", format!("Bearer dev:crash:{center}"))
                    .header("idempotency-key", format!("w{w}-{i}"))
                    .json(&json!({
                        "procedure": "1.004873",
                        "applicant": {"kind": "citizen", "id": "019087123456", "name": "Lê Văn Bình", "phone": "0987654321"},
                        "channel": "in_person",
                    }))
                    .send()
                    .await;
                let Ok(res) = res else { return };
                if res.status() != 201 {
                    return;
                }
                let Ok(body) = res.json::<serde_json::Value>().await else { return };
                acked.lock().unwrap().push(body["code"].as_str().unwrap().to_owned());
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 300 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    for w in workers {
        w.await.unwrap();
    }
    let acked: BTreeSet<String> = acked.lock().unwrap().iter().cloned().collect();
    assert!(
        acked.len() >= 300,
        "only {} receptions acknowledged",
        acked.len()
    );

    // Restart on the same directory: every acknowledged dossier answers.
    let (mut again, url) = start(dir.path());
    for code in acked.iter().step_by(25) {
        let res = client
            .get(format!("{url}/api/v1/dossiers/{code}"))
            .header("authorization", format!("Bearer dev:crash:{center}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{code}");
    }
    again.kill().unwrap();
    again.wait().unwrap();

    // Then the database itself: complete dossiers, no gap, no orphan rows.
    let db = SqliteStore::connect(&format!(
        "sqlite://{}",
        dir.path().join("motcua.db").display()
    ))
    .await
    .unwrap();
    let rows = db
        .work_list(&WorkListQuery {
            scope_agency: center.clone(),
            limit: 1_000_000,
            ..WorkListQuery::default()
        })
        .await
        .unwrap();
    let stored: BTreeSet<String> = rows.iter().map(|r| r.code.clone()).collect();
    assert!(acked.is_subset(&stored), "an acknowledged dossier was lost");
    let mut seqs: Vec<u32> = Vec::new();
    for code in &stored {
        let p = db.load_dossier(code).await.unwrap().unwrap().projection;
        let events = db.dossier_events(code).await.unwrap();
        let outbox = db.dossier_outbox(code).await.unwrap();
        assert_eq!(events.len() as u64, p.version, "{code}");
        assert_eq!(
            outbox
                .iter()
                .map(|o| o.row.event_version)
                .collect::<Vec<_>>(),
            events.iter().map(|e| e.version).collect::<Vec<_>>(),
            "{code}"
        );
        let parsed: Vec<Event> = events
            .iter()
            .map(|e| serde_json::from_str(&e.event_json).unwrap())
            .collect();
        let state: Dossier = serde_json::from_str(&p.state_json).unwrap();
        assert_eq!(replay(&parsed).unwrap().as_ref(), Some(&state), "{code}");
        seqs.push(code.rsplit('-').next().unwrap().parse().unwrap());
    }
    seqs.sort_unstable();
    let days: BTreeSet<&str> = stored
        .iter()
        .map(|c| &c[c.len() - 11..c.len() - 5])
        .collect();
    if days.len() == 1 {
        assert_eq!(
            seqs,
            (1..=seqs.len() as u32).collect::<Vec<_>>(),
            "gap-free codes"
        );
    }
    let orphans: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM outbox WHERE dossier_code NOT IN (SELECT code FROM dossiers)) \
         + (SELECT COUNT(*) FROM dossier_events WHERE code NOT IN (SELECT code FROM dossiers)) \
         + (SELECT COUNT(*) FROM idempotency WHERE dossier_code NOT IN (SELECT code FROM dossiers))",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(orphans, 0, "half-written rows");
    eprintln!(
        "acknowledged {} receptions before kill -9; {} stored after restart",
        acked.len(),
        stored.len()
    );
}
