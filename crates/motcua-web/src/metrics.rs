//! Prometheus metrics at `/metrics`.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// How often buffered latencies are folded into their summaries.
const UPKEEP: Duration = Duration::from_secs(5);

/// The process-wide recorder, installed on first use.
fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            let installed = metrics::set_global_recorder(recorder).ok().map(|()| handle);
            describe();
            if let Some(handle) = installed.clone() {
                // Latencies wait in a buffer until drained: without a scrape
                // it would grow by every request (issue 21 item 4).
                let _ = std::thread::Builder::new()
                    .name("metrics-upkeep".into())
                    .spawn(move || {
                        loop {
                            std::thread::sleep(UPKEEP);
                            handle.run_upkeep();
                        }
                    });
            }
            installed
        })
        .as_ref()
}

/// HELP text of every family (promtool wants one for each).
fn describe() {
    metrics::describe_counter!(
        "http_requests_total",
        "HTTP requests answered, by method, route template and status"
    );
    metrics::describe_histogram!(
        "http_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to answer an HTTP request, by method, route template and status"
    );
}

/// The `method` label: one of a closed set, so that made-up methods cannot
/// create new series (security review F8).
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Installs the recorder (idempotent); call once at start-up.
pub fn install() {
    let _ = handle();
}

/// `GET /metrics`: Prometheus text format.
#[utoipa::path(get, path = "/metrics", operation_id = "getMetrics", tag = "ops",
    responses((status = 200, description = "số đo Prometheus / Prometheus metrics (text format 0.0.4)",
        content_type = "text/plain; version=0.0.4; charset=utf-8", body = String)))]
pub async fn render() -> Response {
    let body = handle().map(PrometheusHandle::render).unwrap_or_default();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// The counter and histogram of one (method, route, status) series.
struct Series {
    method: &'static str,
    status: u16,
    requests: metrics::Counter,
    duration: metrics::Histogram,
}

/// The series registered so far, by route template: a request finds its
/// handles without building labels or allocating (issue 21 item 4). The set
/// is closed (route templates × [`method_label`] × statuses).
type SeriesByRoute = RwLock<HashMap<Box<str>, Vec<Series>>>;

/// Counts one answer of `route` and records its latency.
fn record(method: &'static str, route: &str, status: StatusCode, seconds: f64) {
    static SERIES: OnceLock<SeriesByRoute> = OnceLock::new();
    let series = SERIES.get_or_init(Default::default);
    let status = status.as_u16();
    let count = |s: &Series| {
        s.requests.increment(1);
        s.duration.record(seconds);
    };
    let find = |v: &Vec<Series>| {
        v.iter()
            .position(|s| s.method == method && s.status == status)
    };
    if let Ok(map) = series.read()
        && let Some(v) = map.get(route)
        && let Some(i) = find(v)
    {
        return count(&v[i]);
    }
    let Ok(mut map) = series.write() else {
        return;
    };
    let v = map.entry(route.into()).or_default();
    let i = find(v).unwrap_or_else(|| {
        let labels = [
            ("method", method.to_owned()),
            ("route", route.to_owned()),
            ("status", status.to_string()),
        ];
        v.push(Series {
            method,
            status,
            requests: metrics::counter!("http_requests_total", &labels),
            duration: metrics::histogram!("http_request_duration_seconds", &labels),
        });
        v.len() - 1
    });
    count(&v[i]);
}

/// Counts requests and their latency by route template and status.
pub async fn track(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(req.method());
    let route = req.extensions().get::<MatchedPath>().cloned();
    let response = next.run(req).await;
    record(
        method,
        route.as_ref().map_or("unmatched", MatchedPath::as_str),
        response.status(),
        started.elapsed().as_secs_f64(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_series_counts_its_own_requests() {
        install();
        for _ in 0..3 {
            record("GET", "/test/series/{id}", StatusCode::OK, 0.001);
        }
        record("GET", "/test/series/{id}", StatusCode::NOT_FOUND, 0.002);
        record("POST", "/test/series/{id}", StatusCode::OK, 0.003);
        let text = handle().map(PrometheusHandle::render).unwrap_or_default();
        let line = |method: &str, status: &str| {
            text.lines()
                .find(|l| {
                    l.starts_with("http_requests_total{")
                        && l.contains("route=\"/test/series/{id}\"")
                        && l.contains(&format!("method=\"{method}\""))
                        && l.contains(&format!("status=\"{status}\""))
                })
                .map(|l| l.rsplit(' ').next().unwrap_or_default().to_owned())
        };
        assert_eq!(line("GET", "200").as_deref(), Some("3"), "{text}");
        assert_eq!(line("GET", "404").as_deref(), Some("1"), "{text}");
        assert_eq!(line("POST", "200").as_deref(), Some("1"), "{text}");
        assert!(
            text.contains("http_request_duration_seconds_count{"),
            "{text}"
        );
    }

    #[test]
    fn made_up_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::OPTIONS), "OPTIONS");
        for m in ["FOO1", "BAR-BAZ", "X1733400000", "TRACE", "CONNECT"] {
            let m = Method::from_bytes(m.as_bytes()).unwrap();
            assert_eq!(method_label(&m), "other");
        }
    }
}
