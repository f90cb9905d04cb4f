//! What each command does.

pub mod accounts;
pub mod addresses;
mod agencies;
pub mod audit;
mod backup;
mod catalog;
mod demo;
mod demo_obstacles;
mod demo_staff;
mod demo_time;
mod demo_walk;
pub mod grants;
pub(crate) mod identity;
pub mod payments;
pub mod registry;
pub mod staff;
pub mod training;
mod units;
pub mod webhooks;

use std::process::ExitCode;

use anyhow::Result;
use chrono::Datelike;

use motcua_app::ports::Clock;

use crate::cli::{Cli, Command, DbArgs};
use crate::config::{DEFAULT_CONFIG, Settings};
use crate::serve;
use crate::wiring::open_store;

/// The audit subject key of this instance (from `MOTCUA_AUDIT_PEPPER`).
pub fn identity_subject_key() -> motcua_domain::audit::SubjectKey {
    identity::subject_key()
}

/// Settings with the command-line overrides applied.
fn settings_with(cli_config: Option<&std::path::Path>, db: &DbArgs) -> Result<Settings> {
    let mut settings = Settings::load(cli_config)?;
    if let Some(dir) = &db.data_dir {
        settings.storage.data_dir = dir.clone();
    }
    if let Some(url) = &db.database_url {
        settings.database.url = Some(url.clone());
    }
    Ok(settings)
}

/// Runs one command; the exit code says whether it succeeded.
pub async fn run(cli: Cli) -> Result<ExitCode> {
    run_with_clock(cli, &Clock::system()).await
}

/// [`run`], every command reading "now" from `clock` (ADR 0028).
pub async fn run_with_clock(cli: Cli, clock: &Clock) -> Result<ExitCode> {
    let config = cli.config.as_deref();
    match cli.command {
        Command::Serve {
            listen,
            role,
            demo,
            db,
        } => {
            let mut settings = settings_with(config, &db)?;
            if let Some(addr) = listen {
                settings.server.listen = addr;
            }
            if demo {
                settings.auth.dev_login = true;
            }
            let admin_hint = serve::admin_command(config, &db, &settings);
            serve::run_with_clock(settings, role, &admin_hint, clock.clone()).await?;
        }
        Command::Relay { once, db } => {
            let settings = settings_with(config, &db)?;
            let store = open_store(&settings.database_url(), clock).await?;
            let relay = crate::exchange::relay(&settings, store, clock.clone()).await?;
            if once {
                let r = relay.drain().await?;
                println!(
                    "Đã gửi / delivered {} · thử lại / retried {} · lỗi / dead {}",
                    r.delivered, r.retried, r.dead
                );
            } else {
                println!(
                    "motcua relay {} đang chạy / running",
                    relay.config().relay_id
                );
                relay.run(serve::shutdown_signal()).await;
            }
        }
        Command::Exchange { db, command } => {
            let settings = settings_with(config, &db)?;
            let crate::cli::ExchangeCommand::Reconcile { from, to } = command;
            let today = clock.today();
            let from = from.unwrap_or_else(|| today.with_day(1).unwrap_or(today));
            let to = to.unwrap_or(today);
            anyhow::ensure!(
                !settings.exchange.hub_url.is_empty(),
                "exchange.hub_url is not set"
            );
            let store = open_store(&settings.database_url(), clock).await?;
            let r = motcua_exchange::reconcile::reconcile(
                store,
                &settings.exchange.hub_url,
                &settings.province.code,
                from,
                to,
            )
            .await?;
            print!("{}", r.report());
            if !r.matches() {
                return Ok(ExitCode::from(2));
            }
        }
        Command::Migrate { db } => {
            let settings = settings_with(config, &db)?;
            let store = open_store(&settings.database_url(), clock).await?;
            println!(
                "Đã cập nhật lược đồ / schema is up to date ({})",
                store.engine()
            );
        }
        Command::DefaultConfig => print!("{DEFAULT_CONFIG}"),
        Command::Units { db, command } => {
            units::run(&settings_with(config, &db)?, command, clock).await?
        }
        Command::Staff { db, command } => {
            return staff::run(&settings_with(config, &db)?, command, clock).await;
        }
        Command::Training { db, command } => {
            training::run(&settings_with(config, &db)?, command, clock).await?
        }
        Command::Addresses { command } => addresses::run(command, clock)?,
        Command::Agencies { db, command } => {
            agencies::run(&settings_with(config, &db)?, command, clock).await?
        }
        Command::Catalog { db, command } => {
            return catalog::run(&settings_with(config, &db)?, command, clock).await;
        }
        Command::Demo { db, command } => {
            demo::run(&settings_with(config, &db)?, command, clock).await?
        }
        Command::Audit { db, command } => {
            return audit::run(&settings_with(config, &db)?, command, clock).await;
        }
        Command::Grants { db, command } => {
            grants::run(&settings_with(config, &db)?, command, clock).await?
        }
        Command::Registry { db, command } => {
            return registry::run(&settings_with(config, &db)?, command, clock).await;
        }
        Command::Accounts { db, command } => {
            accounts::run_accounts(&settings_with(config, &db)?, command, clock).await?
        }
        Command::ApiKeys { db, command } => {
            accounts::run_api_keys(&settings_with(config, &db)?, command, clock).await?
        }
        Command::Webhooks { db, command } => {
            webhooks::run(&settings_with(config, &db)?, command, clock).await?
        }
        Command::Payments { db, command } => {
            return payments::run(&settings_with(config, &db)?, command, clock.clone()).await;
        }
        Command::Backup { to, db } => {
            return backup::backup(&settings_with(config, &db)?, &to, clock.now()).await;
        }
        Command::Restore { from, force, db } => {
            return backup::restore(&settings_with(config, &db)?, &from, force).await;
        }
    }
    Ok(ExitCode::SUCCESS)
}
