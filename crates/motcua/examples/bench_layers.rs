//! What each middleware layer of the server costs on `GET /healthz`
//! (issue 21 item 4): the `/healthz` route wrapped in the first `depth`
//! layers of [`motcua_web::LAYERS`] by [`motcua_web::stack`] (the function
//! [`motcua_web::router`] uses, so the order is the server's), for every
//! depth from the bare handler to the whole stack, then the whole router.
//! Each is timed in process on a current-thread runtime: `N` requests
//! through `ready` + `call`, body read to the end, after a warm-up; the
//! median of `ROUNDS` rounds, in nanoseconds per request, with the increment
//! over the depth before.
//!
//! ```text
//! cargo run --release -p motcua --example bench_layers [N]
//! ```
//! Logging as `motcua serve` does (`MOTCUA_LOG`, else
//! `info,sqlx=warn,tower_http=warn`), the same allocator (mimalloc), a
//! fresh SQLite data directory with the demo's defaults. Results in
//! docs/benchmarks.md, "Stack cost per layer on /healthz".

use std::net::SocketAddr;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use axum::routing::get;
use motcua::config::Settings;
use tower::{Service, ServiceExt};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROUNDS: usize = 7;

/// A request as `wrk` sends it, from a client the listener saw.
fn request() -> Request<Body> {
    let mut req = Request::get("/healthz")
        .header(header::HOST, "127.0.0.1:8080")
        .body(Body::empty())
        .expect("request");
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    req
}

/// One request answered and its body read.
async fn once(app: &mut Router) -> usize {
    let res = ServiceExt::<Request<Body>>::ready(app)
        .await
        .expect("ready")
        .call(request())
        .await
        .expect("infallible");
    assert_eq!(res.status(), StatusCode::OK);
    axum::body::to_bytes(res.into_body(), 1 << 16)
        .await
        .expect("body")
        .len()
}

/// Median nanoseconds per request over `ROUNDS` rounds of `n`.
async fn time(app: &mut Router, n: usize) -> f64 {
    for _ in 0..n / 5 {
        once(app).await;
    }
    let mut rounds = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let mut bytes = 0;
        for _ in 0..n {
            bytes += once(app).await;
        }
        assert!(bytes > 0);
        rounds.push(t.elapsed().as_nanos() as f64 / n as f64);
    }
    rounds.sort_by(f64::total_cmp);
    rounds[ROUNDS / 2]
}

fn main() -> anyhow::Result<()> {
    motcua::logging::init();
    let n: usize = match std::env::args().nth(1) {
        Some(a) => a.parse()?,
        None => 50_000,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!("motcua-bench-layers-{}", std::process::id()));
        let mut settings = Settings::default();
        settings.storage.data_dir = dir.clone();
        settings.auth.dev_login = true;
        let state = motcua::serve::prepare(&settings).await?;
        motcua_web::metrics::install();
        println!("| depth | layer added (innermost first) | ns/request | increment |");
        println!("|---|---|---|---|");
        let mut before = 0.0;
        for depth in 0..=motcua_web::LAYERS.len() {
            let routes = Router::new().route("/healthz", get(motcua_web::api::health::healthz));
            let mut app = motcua_web::stack(routes, &state, depth).with_state(state.clone());
            let ns = time(&mut app, n).await;
            let name = match depth {
                0 => "bare handler",
                d => motcua_web::LAYERS[d - 1],
            };
            let inc = if depth == 0 {
                String::from("-")
            } else {
                format!("{:+.0}", ns - before)
            };
            println!("| {depth} | {name} | {ns:.0} | {inc} |");
            before = ns;
        }
        let mut app = motcua_web::router(state.clone());
        let ns = time(&mut app, n).await;
        println!(
            "| all | the whole `router()` (every route) | {ns:.0} | {:+.0} |",
            ns - before
        );
        drop(state);
        let _ = std::fs::remove_dir_all(&dir);
        anyhow::Ok(())
    })
}
