//! Public reference answers (issue 21, ADR 0025) with the real binary:
//! a catalog import by another process is visible on every page and API
//! answer within a second, on SQLite and on PostgreSQL with two servers
//! sharing one database; strong ETags change with the data and answer
//! `If-None-Match` with 304; `Cache-Control` per kind; no `Set-Cookie` on a
//! public GET unless the visitor changed the language.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../reference/catalog/commune-procedures.toml"
);

/// The name the changed catalog gives procedure 1.001193.
const MARK: &str = "Đăng ký khai sinh ZZMARK21";

/// A running `motcua serve --demo`, stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn serve(store: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .args(store)
        .env("MOTCUA_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("motcua starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let url = loop {
        let line = lines.next().expect("a line").expect("utf-8");
        if let Some(start) = line.find("http://") {
            let url = line[start..].split_whitespace().next().expect("url");
            break url.trim_end_matches('/').to_owned();
        }
    };
    // Keep reading so that the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, url }
}

/// `motcua catalog import --replace` of the seed with 1.001193 renamed.
fn import_changed_catalog(dir: &Path, store: &[&str]) {
    let seed = std::fs::read_to_string(SEED).expect("seed catalog");
    let changed = seed.replacen(
        "name = \"Đăng ký khai sinh\"\n",
        &format!("name = \"{MARK}\"\n"),
        1,
    );
    assert_ne!(seed, changed, "the seed names 1.001193 as expected");
    let file = dir.join("changed.toml");
    std::fs::write(&file, changed).expect("write catalog");
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["catalog", "import", "--replace"])
        .arg(&file)
        .args(store)
        .env("MOTCUA_LOG", "error")
        .output()
        .expect("motcua runs");
    assert!(out.status.success(), "{out:?}");
}

/// Every public answer that shows procedure 1.001193's name.
const SHOWING_THE_NAME: [&str; 7] = [
    "/",
    "/?lang=en",
    "/thu-tuc/1.001193",
    "/thu-tuc?q=khai%20sinh",
    "/api/v1/procedures/1.001193",
    "/api/v1/procedures?q=khai%20sinh",
    "/api/v1/procedures",
];

async fn text(client: &reqwest::Client, url: &str) -> String {
    let res = client.get(url).send().await.expect("answer");
    assert_eq!(res.status(), 200, "{url}");
    res.text().await.expect("body")
}

fn etag_of(res: &reqwest::Response) -> String {
    res.headers()
        .get("etag")
        .expect("an ETag")
        .to_str()
        .unwrap()
        .to_owned()
}

/// Warms every answer on every server (so each is kept), imports the
/// changed catalog with the CLI, then polls until every answer of every
/// server shows it: within a second of the import's end (plus the length of
/// one polling round, so a slow machine does not count against the servers).
async fn import_is_visible_within_a_second(servers: &[Server], dir: &Path, store: &[&str]) {
    let client = reqwest::Client::new();
    let detail = format!("{}/thu-tuc/1.001193", servers[0].url);
    let before = client.get(&detail).send().await.unwrap();
    let old_etag = etag_of(&before);
    for s in servers {
        for path in SHOWING_THE_NAME {
            let body = text(&client, &format!("{}{path}", s.url)).await;
            assert!(!body.contains(MARK), "{path} before the import");
        }
    }
    import_changed_catalog(dir, store);
    let imported = Instant::now();
    loop {
        let round = Instant::now();
        let mut stale = Vec::new();
        for s in servers {
            for path in SHOWING_THE_NAME {
                if !text(&client, &format!("{}{path}", s.url))
                    .await
                    .contains(MARK)
                {
                    stale.push(format!("{}{path}", s.url));
                }
            }
        }
        if stale.is_empty() {
            let took = imported.elapsed();
            eprintln!("the import was visible everywhere after {took:?}");
            assert!(
                took <= Duration::from_secs(1) + round.elapsed(),
                "visible only after {took:?}"
            );
            break;
        }
        assert!(
            imported.elapsed() < Duration::from_secs(5),
            "still stale after 5 s: {stale:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The ETag moved with the data: the old one gets the page, the new one a 304.
    for s in servers {
        let url = format!("{}/thu-tuc/1.001193", s.url);
        let res = client
            .get(&url)
            .header("if-none-match", &old_etag)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let new_etag = etag_of(&res);
        assert_ne!(new_etag, old_etag);
        let res = client
            .get(&url)
            .header("if-none-match", &new_etag)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 304);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catalog_import_by_the_cli_is_visible_within_a_second_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let store = ["--data-dir", data];
    let server = serve(&store);
    import_is_visible_within_a_second(std::slice::from_ref(&server), dir.path(), &store).await;
}

/// A fresh database on the server of `MOTCUA_TEST_POSTGRES_URL` (unset,
/// this panics rather than pass by skipping).
async fn fresh_postgres_database() -> String {
    use sqlx::{ConnectOptions, Connection, Executor};
    use std::str::FromStr;
    let admin_url = std::env::var("MOTCUA_TEST_POSTGRES_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .expect("MOTCUA_TEST_POSTGRES_URL must name a PostgreSQL server (scripts/test sets it)");
    let admin = sqlx::postgres::PgConnectOptions::from_str(&admin_url).expect("a PostgreSQL URL");
    let name = format!("motcua_cache_{}", uuid::Uuid::new_v4().simple());
    let mut conn = admin.connect().await.expect("connecting");
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("CREATE DATABASE");
    conn.close().await.ok();
    let base = match admin_url.split_once('?') {
        Some((url, _)) => url,
        None => admin_url.as_str(),
    };
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    format!("{base}/{name}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catalog_import_is_visible_within_a_second_on_two_servers_sharing_postgres() {
    let url = fresh_postgres_database().await;
    let dir = tempfile::tempdir().unwrap();
    let a_dir = dir.path().join("a");
    let b_dir = dir.path().join("b");
    let a = serve(&[
        "--database-url",
        &url,
        "--data-dir",
        a_dir.to_str().unwrap(),
    ]);
    let b = serve(&[
        "--database-url",
        &url,
        "--data-dir",
        b_dir.to_str().unwrap(),
    ]);
    let cli_dir = dir.path().join("cli");
    import_is_visible_within_a_second(
        &[a, b],
        dir.path(),
        &[
            "--database-url",
            &url,
            "--data-dir",
            cli_dir.to_str().unwrap(),
        ],
    )
    .await;
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).map(|v| v.to_str().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cache_control_etags_and_cookies_per_kind() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(&["--data-dir", dir.path().to_str().unwrap()]);
    let client = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", server.url);

    // Public reference answers: cacheable, a strong ETag, no cookie.
    for (path, vary) in [
        ("/", "Accept-Encoding, Cookie, HX-Request"),
        ("/thu-tuc/1.001193", "Accept-Encoding, Cookie, HX-Request"),
        ("/don-vi?q=ba%20dinh", "Accept-Encoding, Cookie, HX-Request"),
        ("/api/v1/units/00004", "Accept-Encoding"),
        ("/api/v1/procedures?q=khai", "Accept-Encoding"),
        ("/api/v1/agencies", "Accept-Encoding"),
    ] {
        let res = client.get(url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(
            header(&res, "cache-control"),
            Some("public, max-age=60"),
            "{path}"
        );
        assert_eq!(header(&res, "vary"), Some(vary), "{path}");
        assert_eq!(header(&res, "set-cookie"), None, "{path}");
        let etag = etag_of(&res);
        assert!(etag.starts_with("\"r") && !etag.starts_with("W/"), "{etag}");
        // 304 without a body; the same answer again from the kept copy.
        let again = client
            .get(url(path))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(etag_of(&again), etag);
        assert!(again.bytes().await.unwrap().is_empty());
        // Compressed bodies carry their own tag and are really compressed.
        let gz = client
            .get(url(path))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(header(&gz, "content-encoding"), Some("gzip"), "{path}");
        assert_eq!(etag_of(&gz), format!("{}.gz\"", etag.trim_end_matches('"')));
        assert_eq!(&gz.bytes().await.unwrap()[..2], &[0x1f, 0x8b]);
        let br = client
            .get(url(path))
            .header("accept-encoding", "gzip, br")
            .send()
            .await
            .unwrap();
        assert_eq!(header(&br, "content-encoding"), Some("br"), "{path}");
    }
    let calendar = client
        .get(url("/api/v1/calendar/2026"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(&calendar, "cache-control"),
        Some("public, max-age=86400")
    );

    // The language: a cookie only when the visitor changes it.
    let en = client.get(url("/?lang=en")).send().await.unwrap();
    let cookie = header(&en, "set-cookie").expect("the language switch sets the cookie");
    assert!(cookie.starts_with("lang=en;"), "{cookie}");
    assert_eq!(header(&en, "cache-control"), Some("private, max-age=0"));
    let kept = client
        .get(url("/?lang=en"))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&kept, "set-cookie"), None);
    let by_cookie = client
        .get(url("/"))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&by_cookie, "set-cookie"), None);
    let en_etag = etag_of(&by_cookie);
    assert!(en_etag.contains(".en."), "{en_etag}");
    let body = by_cookie.text().await.unwrap();
    assert!(
        body.contains("lang=\"en\""),
        "the cookie's language is served"
    );
    let vi = client.get(url("/")).send().await.unwrap();
    assert_ne!(etag_of(&vi), en_etag, "each language has its own tag");

    // Personal answers: private, no-store, never a tag of the reference data.
    let agencies: serde_json::Value = client
        .get(url("/api/v1/agencies?kind=commune_service_center&limit=1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let agency = agencies["items"][0]["id"].as_str().expect("an agency");
    let filed: serde_json::Value = client
        .post(url("/api/v1/dossiers"))
        .header("authorization", format!("Bearer dev:cache:{agency}"))
        .header("idempotency-key", "cache-1")
        .json(&json!({"procedure": "1.004873", "channel": "in_person",
            "applicant": {"kind": "citizen", "id": "019087123456", "name": "Lê Văn Bình",
                          "phone": "0987654321"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = filed["code"].as_str().expect("a dossier code");
    for (path, auth) in [
        (format!("/tra-cuu/{code}?verifier=4321"), false),
        (format!("/ho-so/{code}/bien-nhan?verifier=4321"), false),
        ("/thu-tuc/1.001193/nop-truc-tuyen".to_owned(), false),
        (format!("/api/v1/dossiers/{code}"), true),
        ("/api/v1/dossiers".to_owned(), true),
    ] {
        let mut req = client.get(url(&path));
        if auth {
            req = req.header("authorization", format!("Bearer dev:cache:{agency}"));
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        // Tracking is kept per dossier version and revalidated by its own
        // tag (ADR 0025 point 8); the rest is never stored.
        let control = if path.starts_with("/tra-cuu/") {
            "private, no-cache"
        } else {
            "private, no-store"
        };
        assert_eq!(header(&res, "cache-control"), Some(control), "{path}");
        // A dossier may carry its own version as a tag, never the data's.
        assert!(
            !header(&res, "etag").is_some_and(|t| t.starts_with("\"r")),
            "{path}"
        );
        assert_eq!(header(&res, "set-cookie"), None, "{path}");
    }
}
