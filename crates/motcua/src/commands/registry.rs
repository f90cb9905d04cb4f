//! `motcua registry ...`: the embedded population registry (generate and
//! import residents) and a desk look-up from the command line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use motcua_app::lookup::{LookupAnswer, LookupError, LookupRequest, LookupService};
use motcua_app::ports::{CitizenRegistry, Clock};
use motcua_app::rate_limit::RateLimiter;
use motcua_app::registry::{EmbeddedRegistry, ResidentService};
use motcua_registry_http::{GatewayConfig, HttpRegistry};

use super::identity::{store_with_units, subject_key};
use crate::config::Settings;

/// Exit status of `registry lookup` when the look-up is refused.
pub const EXIT_REFUSED: u8 = 3;

/// `motcua registry ...`.
#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Make N deterministic synthetic residents across the province's communes.
    Generate {
        /// How many people.
        #[arg(long)]
        people: usize,
        /// Seed: the same seed gives the same people.
        #[arg(long, default_value_t = 2025)]
        seed: u64,
    },
    /// Import residents from a CSV file (header: see docs/registry-gateway.md).
    Import {
        /// The CSV file.
        file: PathBuf,
    },
    /// Look a citizen up under a grant (audited; refused without a live grant or a purpose).
    Lookup {
        /// The officer asking.
        #[arg(long)]
        officer: String,
        /// The grant relied on.
        #[arg(long)]
        grant: Option<String>,
        /// The open dossier the look-up serves.
        #[arg(long)]
        dossier: Option<String>,
        /// Or a stated purpose.
        #[arg(long)]
        purpose: Option<String>,
        /// Personal ID (12 digits).
        #[arg(long)]
        id: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// Date of birth, YYYY-MM-DD.
        #[arg(long)]
        dob: NaiveDate,
        /// Ask a registry gateway at this URL instead of the embedded registry
        /// (bearer token from MOTCUA_REGISTRY_TOKEN).
        #[arg(long)]
        gateway: Option<String>,
    },
}

fn progress_bar(len: u64) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} cư dân / residents ({per_sec}, {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Runs a registry command.
pub async fn run(settings: &Settings, command: RegistryCommand, clock: &Clock) -> Result<ExitCode> {
    let store = store_with_units(settings, clock).await?;
    let residents = ResidentService::new(store.clone());
    match command {
        RegistryCommand::Generate { people, seed } => {
            let started = Instant::now();
            let bar = progress_bar(u64::try_from(people).unwrap_or(u64::MAX));
            let written = residents
                .generate(seed, &settings.province.code, people, &|n| {
                    bar.set_position(n)
                })
                .await
                .map_err(|e| anyhow!("{e}"))?;
            bar.finish_and_clear();
            let secs = started.elapsed().as_secs_f64();
            println!(
                "Đã tạo / generated {written} residents of province {} in {secs:.2} s ({:.0}/s); {} stored",
                settings.province.code,
                written as f64 / secs.max(1e-9),
                residents.count().await.map_err(|e| anyhow!("{e}"))?
            );
        }
        RegistryCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let bar = progress_bar(text.lines().count().saturating_sub(1) as u64);
            let written = residents
                .import_csv(&text, &|n| bar.set_position(n))
                .await
                .map_err(|e| anyhow!("{e}"))?;
            bar.finish_and_clear();
            println!("Đã nhập / imported {written} residents");
        }
        RegistryCommand::Lookup {
            officer,
            grant,
            dossier,
            purpose,
            id,
            name,
            dob,
            gateway,
        } => {
            let registry: Arc<dyn CitizenRegistry> = match gateway {
                Some(url) => {
                    let config = GatewayConfig {
                        token: std::env::var("MOTCUA_REGISTRY_TOKEN").ok(),
                        clock: clock.clone(),
                        ..GatewayConfig::new(url)
                    };
                    Arc::new(HttpRegistry::new(config).map_err(|e| anyhow!("{e}"))?)
                }
                None => Arc::new(EmbeddedRegistry::new(store.clone())),
            };
            let service = LookupService::new(
                store,
                registry,
                subject_key(),
                Arc::new(RateLimiter::desk_default()),
                clock.clone(),
            );
            let request = LookupRequest {
                officer_id: officer,
                agency_id: None,
                grant_id: grant,
                dossier_code: dossier,
                purpose,
                personal_id: id,
                full_name: name,
                birth_date: dob,
                dossier_scope: None,
            };
            match service.lookup_citizen(&request).await {
                Ok(answer @ LookupAnswer::Found { .. }) => {
                    println!("{}", serde_json::to_string_pretty(&answer)?);
                }
                Ok(answer) => println!("{}", serde_json::to_string(&answer)?),
                Err(LookupError::Refused(reason)) => {
                    println!("TỪ CHỐI / REFUSED ({}): {reason}", reason.code());
                    return Ok(ExitCode::from(EXIT_REFUSED));
                }
                Err(err) => return Err(anyhow!("{err}")),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
