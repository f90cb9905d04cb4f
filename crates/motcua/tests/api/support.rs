//! A test application: a fresh SQLite file, reference data loaded, the router in process.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use motcua::config::Settings;
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    /// The services behind the router (accounts, grants, the store).
    pub state: motcua_web::AppState,
    _dir: TempDir,
}

pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Value,
}

impl TestApp {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut settings = Settings::default();
        settings.storage.data_dir = dir.path().to_path_buf();
        // The suites act with the development login (loopback default listen).
        settings.auth.dev_login = true;
        let state = motcua::serve::prepare(&settings)
            .await
            .expect("prepared app");
        Self {
            router: motcua_web::router(state.clone()),
            state,
            _dir: dir,
        }
    }

    /// The application over a new PostgreSQL database `motcua_api_<uuid>`,
    /// created through the admin URL in `MOTCUA_TEST_POSTGRES_URL` (set by
    /// `scripts/test`; unset, this panics rather than pass by skipping).
    /// The database is left for the throwaway cluster to take away.
    pub async fn on_postgres() -> Self {
        use sqlx::{ConnectOptions, Connection, Executor};
        use std::str::FromStr;
        let admin_url = std::env::var("MOTCUA_TEST_POSTGRES_URL")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .expect(
                "MOTCUA_TEST_POSTGRES_URL must name a PostgreSQL server (scripts/test sets it)",
            );
        let admin =
            sqlx::postgres::PgConnectOptions::from_str(&admin_url).expect("a PostgreSQL URL");
        let name = format!("motcua_api_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin
            .connect()
            .await
            .expect("connecting to the test server");
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("CREATE DATABASE");
        conn.close().await.ok();
        let mut url = url_of(&admin_url);
        url.push_str(&name);
        let dir = tempfile::tempdir().expect("temp dir");
        let mut settings = Settings::default();
        settings.storage.data_dir = dir.path().to_path_buf();
        settings.database.url = Some(url);
        settings.auth.dev_login = true;
        let state = motcua::serve::prepare(&settings)
            .await
            .expect("prepared app on PostgreSQL");
        Self::from_parts(state, dir)
    }

    /// The application over prepared services and their data directory.
    pub fn from_parts(state: motcua_web::AppState, dir: TempDir) -> Self {
        Self {
            router: motcua_web::router(state.clone()),
            state,
            _dir: dir,
        }
    }

    /// The application over an existing data directory (prepared by the
    /// caller, e.g. with a catalog imported by the binary).
    pub async fn in_dir(dir: TempDir) -> Self {
        let mut settings = Settings::default();
        settings.storage.data_dir = dir.path().to_path_buf();
        // The suites act with the development login (loopback default listen).
        settings.auth.dev_login = true;
        let state = motcua::serve::prepare(&settings)
            .await
            .expect("prepared app");
        Self {
            router: motcua_web::router(state.clone()),
            state,
            _dir: dir,
        }
    }

    pub async fn request(&self, method: &str, uri: &str, body: Option<Value>) -> Answer {
        let mut req = Request::builder().method(method).uri(uri);
        let body = match body {
            Some(json) => {
                req = req.header("content-type", "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        let res = self
            .router
            .clone()
            .oneshot(req.body(body).expect("request"))
            .await
            .expect("response");
        let status = res.status();
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024)
            .await
            .expect("body");
        let body = serde_json::from_slice(&bytes)
            .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()));
        Answer {
            status,
            content_type,
            body,
        }
    }

    /// The data directory of this app (SQLite file, attachments).
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub async fn get(&self, uri: &str) -> Answer {
        self.request("GET", uri, None).await
    }
}

impl Answer {
    /// Asserts a Problem Details answer with this status.
    pub fn assert_problem(&self, status: StatusCode) {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(self.content_type, "application/problem+json");
        assert_eq!(self.body["status"], status.as_u16());
        assert!(
            self.body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{}",
            self.body
        );
        assert!(
            self.body["type"]
                .as_str()
                .is_some_and(|t| t.starts_with("/problems/"))
        );
    }
}

/// `postgres://user@host:port/` of an admin URL, ready for a database name.
fn url_of(admin_url: &str) -> String {
    let (scheme, rest) = admin_url.split_once("://").expect("a URL with a scheme");
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    format!("{scheme}://{authority}/")
}
