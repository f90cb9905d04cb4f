//! `motcua`: the one-stop administrative service (hệ thống một cửa).

#![forbid(unsafe_code)]

use clap::Parser;
use motcua::cli::Cli;

/// mimalloc instead of the system allocator: a reception allocates and
/// frees many small strings (JSON, SQL binds), and glibc's malloc took
/// about 15 % of the server's CPU in a reception profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("MOTCUA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    match motcua::commands::run(cli).await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("lỗi / error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
