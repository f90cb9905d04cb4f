//! The HTTP listener (security review F19): HTTP/1.1 connections with a
//! deadline for each request head, so a client trickling header lines
//! (slowloris) is cut off, and a cap on open connections, so that many
//! idle clients cannot exhaust the process's file descriptors. Beyond the
//! cap, new connections wait in the kernel's backlog until one closes.
//!
//! TLS and HTTP/2 are the front proxy's business (see `docs/operations.md`).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Limits of the listener (`[server] header_timeout_secs`,
/// `max_connections`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long a client has to send a whole request head (request line
    /// and headers), counted from the start of the request.
    pub header_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
}

/// Default of [`Limits::header_timeout`]: 10 s.
pub const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 10;
/// Default of [`Limits::max_connections`]: 4,096 (far under the usual
/// 20,000-descriptor limit, with room for the database and attachments).
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(DEFAULT_HEADER_TIMEOUT_SECS),
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl Limits {
    /// The limits configured in `[server]`.
    pub fn of(server: &crate::config::ServerSettings) -> Self {
        Self {
            header_timeout: Duration::from_secs(server.header_timeout_secs.max(1)),
            max_connections: server.max_connections.max(1),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then lets the
/// open connections finish their requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let mut shutdown = std::pin::pin!(shutdown);
    let mut warned_full = false;
    loop {
        let permit = if let Ok(permit) = permits.clone().try_acquire_owned() {
            permit
        } else {
            if !warned_full {
                tracing::warn!(
                    max = limits.max_connections,
                    "connection cap reached: new connections wait"
                );
                warned_full = true;
            }
            tokio::select! {
                p = permits.clone().acquire_owned() => p?,
                () = &mut shutdown => break,
            }
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(err) => {
                    // Out of descriptors and the like: wait a little, as
                    // axum's own loop does, instead of spinning.
                    tracing::error!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        if permits.available_permits() > limits.max_connections / 10 {
            warned_full = false;
        }
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            let app = app.clone();
            async move { app.oneshot(req.map(Body::new)).await }
        });
        let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(err) = conn.await {
                tracing::debug!(error = %err, %peer, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    // Requests in flight may finish; idle connections close at once.
    if tokio::time::timeout(Duration::from_secs(30), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open 30 s after shutdown: closing them");
    }
    Ok(())
}
