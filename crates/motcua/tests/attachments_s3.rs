//! Attachments on S3-compatible storage (`[storage.s3]`, issue 19 item 6)
//! against a real local S3 server: moto's server (`moto[server]`, pinned,
//! installed by `scripts/test` into `target/s3-test-venv`, named by
//! `MOTCUA_TEST_S3_SERVER`). A dossier's file uploaded through the API is
//! read back byte for byte, is an object of the bucket (and not a file of
//! the data directory), and is still served after `motcua serve` restarts.
//! Without the S3 server this test fails rather than pass by skipping.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use motcua::config::S3Settings;
use object_store::ObjectStoreExt;
use object_store::path::Path as ObjectPath;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
const BUCKET: &str = "motcua-attachments";

/// `moto_server`: `MOTCUA_TEST_S3_SERVER` (set by `scripts/test`), or the
/// virtualenv `scripts/test` installs it into.
fn moto_server() -> PathBuf {
    std::env::var_os("MOTCUA_TEST_S3_SERVER")
        .map(PathBuf::from)
        .or_else(|| {
            let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/s3-test-venv/bin/moto_server");
            venv.exists().then_some(venv)
        })
        .expect(
            "MOTCUA_TEST_S3_SERVER must name moto's S3 server (scripts/test installs \
             moto[server] into target/s3-test-venv and sets it)",
        )
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// moto's S3 server on a free loopback port, with the bucket created.
async fn s3_server(client: &reqwest::Client) -> (Killed, String) {
    let port = free_port();
    let child = Command::new(moto_server())
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server starts");
    let child = Killed(child);
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        // moto answers anonymous requests; this creates the bucket.
        match client.put(format!("{url}/{BUCKET}")).send().await {
            Ok(r) if r.status().is_success() => break,
            Ok(r) => panic!("creating the bucket: {}", r.status()),
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("moto's S3 server did not answer: {e}"),
        }
    }
    (child, url)
}

/// `motcua serve --demo` on `dir` with `config`; returns it and its URL.
fn serve(dir: &Path, config: &Path) -> (Killed, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("--config")
        .arg(config)
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("MOTCUA_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("motcua starts");
    let stdout = child.stdout.take().expect("stdout");
    let child = Killed(child);
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("motcua serve printed its address")
            .expect("utf-8");
        if let Some(start) = line.find("http://") {
            let url = line[start..].split_whitespace().next().expect("url");
            break url.trim_end_matches('/').to_owned();
        }
    };
    (child, url)
}

fn multipart(component: &str, file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "motcua-s3-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"component\"\r\n\r\n{component}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn download(client: &reqwest::Client, url: &str, auth: &str) -> Vec<u8> {
    let res = client
        .get(url)
        .header("authorization", auth)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "GET {url}");
    res.bytes().await.unwrap().to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_live_in_the_s3_bucket_and_survive_a_restart() {
    let client = reqwest::Client::new();
    let (_s3, s3_url) = s3_server(&client).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // The secret from a file, as a systemd credential would give it.
    let secret_file = dir.path().join("s3-secret");
    std::fs::write(&secret_file, "test-secret-key\n").unwrap();
    let config = dir.path().join("motcua.toml");
    std::fs::write(
        &config,
        format!(
            "[storage]\ndata_dir = {data:?}\n\n[storage.s3]\nbucket = \"{BUCKET}\"\n\
             endpoint = \"{s3_url}\"\nregion = \"ap-southeast-1\"\naccess_key_id = \"testing\"\n\
             secret_access_key_file = {secret_file:?}\n",
        ),
    )
    .unwrap();

    let (server, url) = serve(&data, &config);
    let agencies: Value = client
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
    let auth = format!("Bearer dev:cb-s3:{center}");
    let res = client
        .post(format!("{url}/api/v1/dossiers"))
        .header("authorization", &auth)
        .header("idempotency-key", "s3-test-1")
        .json(&json!({
            "procedure": "1.004194",
            "applicant": {"kind": "citizen", "id": "019087123456", "name": "Nguyễn Thị Lan", "phone": "0912345678"},
            "channel": "in_person",
            "components": [
                {"code": "TP1", "state": {"kind": "submitted", "digitised": true}},
                {"code": "TP2", "state": {"kind": "submitted", "digitised": true}}
            ],
        }))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let dossier: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{dossier}");
    let code = dossier["code"].as_str().unwrap().to_owned();

    let (ct, body) = multipart("TP1", "Tờ khai.pdf", PDF);
    let res = client
        .post(format!("{url}/api/v1/dossiers/{code}/attachments"))
        .header("authorization", &auth)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let up: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{up}");
    let id = up["id"].as_str().unwrap().to_owned();
    let sha: String = Sha256::digest(PDF)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(up["sha256"], sha.as_str());

    // Read back through the API: the same bytes.
    let file_url = format!("{url}/api/v1/dossiers/{code}/attachments/{id}");
    assert_eq!(download(&client, &file_url, &auth).await, PDF);

    // An object of the bucket under its content key, not a local file
    // (read with the same S3 client, signed).
    let bucket = motcua::attachments::s3_store(&S3Settings {
        bucket: BUCKET.into(),
        endpoint: s3_url.clone(),
        region: "ap-southeast-1".into(),
        access_key_id: "testing".into(),
        secret_access_key: "test-secret-key".into(),
        secret_access_key_file: None,
    })
    .unwrap();
    let key = ObjectPath::from(format!("sha256/{}/{sha}", &sha[..2]));
    let object = bucket
        .get(&key)
        .await
        .expect("the object is in the bucket")
        .bytes()
        .await
        .unwrap();
    assert_eq!(object.as_ref(), PDF);
    assert!(
        !data.join("attachments").join("sha256").exists(),
        "with [storage.s3] nothing is stored under the data directory"
    );

    // Restart the server on the same data directory and bucket.
    drop(server);
    let (_server, url) = serve(&data, &config);
    let file_url = format!("{url}/api/v1/dossiers/{code}/attachments/{id}");
    assert_eq!(
        download(&client, &file_url, &auth).await,
        PDF,
        "still served after a restart"
    );
}

#[tokio::test]
async fn a_missing_secret_is_refused_at_start_and_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("motcua.toml");
    std::fs::write(
        &config,
        "[storage.s3]\nbucket = \"b\"\nendpoint = \"http://127.0.0.1:9\"\n\
         access_key_id = \"AKIDEXAMPLE\"\nsecret_access_key_file = \"/nonexistent/s3-secret\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("--config")
        .arg(&config)
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .env("MOTCUA_LOG", "error")
        .output()
        .unwrap();
    assert!(!out.status.success(), "serve must refuse to start");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("secret_access_key_file"), "{err}");

    // A secret given inline is never echoed, even in an error.
    std::fs::write(
        &config,
        "[storage.s3]\nbucket = \"\"\nsecret_access_key = \"very-secret-value-42\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("--config")
        .arg(&config)
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .env("MOTCUA_LOG", "debug")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("bucket"), "{all}");
    assert!(!all.contains("very-secret-value-42"), "{all}");
}
