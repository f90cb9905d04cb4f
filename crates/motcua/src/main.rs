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
    motcua::logging::init();
    match motcua::commands::run(cli).await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("lỗi / error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
