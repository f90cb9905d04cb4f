//! The NATS JetStream sink against a real 3-node `nats-server` cluster on
//! loopback (Debian package `nats-server`): the stream is created with
//! three replicas, message ids de-duplicate re-deliveries, and publishing
//! goes on after one node is killed.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use motcua_app::exchange::{CloudEvent, DossierSummary};
use motcua_app::ports::Clock;
use motcua_exchange::nats::{NatsConfig, NatsSink, server_addrs, subject_of};
use motcua_exchange::{Relay, RelayConfig, Sink};
use motcua_store_tests::dossier_fixtures::{agencies, create};

struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn nats_server() -> &'static str {
    ["/usr/sbin/nats-server", "/usr/bin/nats-server"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("nats-server is installed (Debian package nats-server)")
}

/// Starts three nodes; returns them and the client URLs.
fn cluster(dir: &Path) -> (Vec<Node>, Vec<String>, Vec<u16>) {
    let client: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let route: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let http: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let routes = route
        .iter()
        .map(|p| format!("nats-route://127.0.0.1:{p}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut nodes = Vec::new();
    for i in 0..3 {
        let store = dir.join(format!("n{i}"));
        let conf = dir.join(format!("n{i}.conf"));
        std::fs::write(
            &conf,
            format!(
                "server_name: n{i}\nlisten: 127.0.0.1:{}\nhttp: 127.0.0.1:{}\n\
                 jetstream {{ store_dir: \"{}\" }}\n\
                 cluster {{\n  name: motcua-test\n  listen: 127.0.0.1:{}\n  routes: [ {routes} ]\n}}\n",
                client[i],
                http[i],
                store.display(),
                route[i]
            ),
        )
        .unwrap();
        let child = Command::new(nats_server())
            .arg("-c")
            .arg(&conf)
            .arg("-l")
            .arg(dir.join(format!("n{i}.log")))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server starts");
        nodes.push(Node(child));
    }
    let urls = client
        .iter()
        .map(|p| format!("nats://127.0.0.1:{p}"))
        .collect();
    (nodes, urls, http)
}

/// Waits until the JetStream meta group has a leader and both other peers
/// are current: with a leader alone, a stream of 3 replicas can still be
/// refused ("no suitable peers for placement") on a loaded machine.
async fn wait_for_leader(http: &[u16]) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let client = reqwest::Client::new();
    while Instant::now() < deadline {
        for port in http {
            if let Ok(res) = client
                .get(format!("http://127.0.0.1:{port}/jsz"))
                .send()
                .await
                && let Ok(v) = res.json::<serde_json::Value>().await
                && v["meta_cluster"]["leader"]
                    .as_str()
                    .is_some_and(|l| !l.is_empty())
                && v["meta_cluster"]["replicas"]
                    .as_array()
                    .is_some_and(|peers| {
                        peers.len() + 1 >= http.len() && peers.iter().all(|p| p["current"] == true)
                    })
            {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the JetStream cluster elected no leader");
}

fn event(i: u64) -> CloudEvent {
    let now = Clock::system().now();
    let summary = DossierSummary {
        code: format!("H55.X05743.TT-250715-{i:04}"),
        version: 1,
        procedure_code: "1.004873".into(),
        procedure_version: 1,
        status: "received".into(),
        sub_status: "none".into(),
        portal_status: 2,
        channel: 1,
        receiving_agency: "H55.X05743.TT".into(),
        deciding_agency: "H55.X05743".into(),
        current_agency: "H55.X05743".into(),
        applicant_kind: 1,
        submitted_at: now,
        received_at: Some(now),
        due_at: None,
        finished_at: None,
        returned_at: None,
        counts_late: false,
        on_time: None,
        supplement_count: 0,
        digitised: false,
        fees_vnd: 0,
    };
    CloudEvent::new("19", Some("05743".into()), "received", now, summary, None)
}

async fn stream_messages(urls: &[String], stream: &str) -> u64 {
    let client = async_nats::connect(server_addrs(urls).unwrap())
        .await
        .unwrap();
    let js = async_nats::jetstream::new(client);
    let mut s = js.get_stream(stream).await.unwrap();
    s.info().await.unwrap().state.messages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_survives_a_killed_node_and_ids_deduplicate() {
    let dir = tempfile::tempdir().unwrap();
    let (mut nodes, urls, http) = cluster(dir.path());
    wait_for_leader(&http).await;
    let config = NatsConfig {
        servers: urls.clone(),
        stream: "MOTCUA_19".into(),
        replicas: 3,
        province: "19".into(),
    };
    let sink = NatsSink::connect(&config).await.unwrap();
    assert_eq!(subject_of(&event(1)), "motcua.19.05743.dossier.received");
    let first: Vec<_> = (1..=100).map(event).collect();
    let results = sink.deliver(&first).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    // A re-delivery of the same events is dropped by the stream.
    let again = sink.deliver(&first[..10]).await;
    assert!(again.iter().all(Result::is_ok));
    assert_eq!(stream_messages(&urls, "MOTCUA_19").await, 100);

    // Kill one node: publishing continues (the relay retries what fails
    // while the cluster moves leaders).
    let killed = nodes.remove(0);
    drop(killed);
    let second: Vec<_> = (101..=200).map(event).collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut pending = second.clone();
    while !pending.is_empty() {
        assert!(Instant::now() < deadline, "publishing did not resume");
        let results = sink.deliver(&pending).await;
        pending = pending
            .into_iter()
            .zip(results)
            .filter(|(_, r)| r.is_err())
            .map(|(e, _)| e)
            .collect();
        if !pending.is_empty() {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let live: Vec<String> = urls[1..].to_vec();
    assert_eq!(stream_messages(&live, "MOTCUA_19").await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_delivers_outbox_rows_to_the_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let (_nodes, urls, http) = cluster(dir.path());
    wait_for_leader(&http).await;
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    store.insert_missing_agencies(&agencies()).await.unwrap();
    for i in 0..25 {
        create(&*store, "H55.X05743.TT", &format!("k{i}"), 10).await;
    }
    let sink = NatsSink::connect(&NatsConfig {
        servers: urls.clone(),
        stream: "MOTCUA_19".into(),
        replicas: 3,
        province: "19".into(),
    })
    .await
    .unwrap();
    let sinks: Vec<Arc<dyn Sink>> = vec![Arc::new(sink)];
    let relay = Relay::new(store.clone(), sinks, RelayConfig::new("19"));
    let report = relay.drain().await.unwrap();
    assert_eq!(report.delivered, 25);
    assert_eq!(stream_messages(&urls, "MOTCUA_19").await, 25);
    fresh.finish().await;
}
