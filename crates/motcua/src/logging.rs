//! The process's log subscriber, set up once for the binary and the
//! benchmarks that must measure with the server's own filter.

/// The filter when `MOTCUA_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_http=warn";

/// Logs to standard error, filtered by `MOTCUA_LOG` (or [`DEFAULT_FILTER`]).
pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MOTCUA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_FILTER));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
