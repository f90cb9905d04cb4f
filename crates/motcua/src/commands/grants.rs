//! `motcua grants ...`: grant and revoke access to the population database.
//! Until accounts exist the acting administrator is named with `--by`.

use anyhow::{Result, anyhow};
use chrono::Duration;
use clap::Subcommand;
use motcua_app::grants::{GrantService, NewGrant};
use motcua_app::ports::Clock;

use super::identity::store_with_units;
use crate::config::Settings;

/// `motcua grants ...`.
#[derive(Debug, Subcommand)]
pub enum GrantsCommand {
    /// Grant an officer access for a unit, a purpose and a number of days.
    Create {
        /// The officer receiving the grant.
        #[arg(long)]
        officer: String,
        /// Current unit code (e.g. a commune `01840`).
        #[arg(long)]
        unit: String,
        /// Purpose (mục đích khai thác).
        #[arg(long)]
        purpose: String,
        /// How many days from now.
        #[arg(long, default_value_t = 30)]
        days: i64,
        /// The unit administrator granting it.
        #[arg(long)]
        by: String,
    },
    /// Revoke a grant.
    Revoke {
        /// Grant identifier.
        id: String,
        /// The administrator revoking it.
        #[arg(long)]
        by: String,
    },
    /// List an officer's grants.
    List {
        /// The officer.
        #[arg(long)]
        officer: String,
    },
}

/// Runs a grants command, reading "now" from `clock`.
pub async fn run(settings: &Settings, command: GrantsCommand, clock: &Clock) -> Result<()> {
    let grants = GrantService::new(store_with_units(settings, clock).await?, clock.clone());
    match command {
        GrantsCommand::Create {
            officer,
            unit,
            purpose,
            days,
            by,
        } => {
            let g = grants
                .create(NewGrant {
                    officer_id: officer,
                    unit_code: unit,
                    purpose,
                    valid_from: None,
                    valid_until: clock.now() + Duration::days(days.clamp(0, 3_660)),
                    granted_by: by,
                })
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!("{}", g.id);
        }
        GrantsCommand::Revoke { id, by } => {
            let g = grants.revoke(&id, &by).await.map_err(|e| anyhow!("{e}"))?;
            println!("Đã thu hồi / revoked {}", g.id);
        }
        GrantsCommand::List { officer } => {
            for g in grants
                .of_officer(&officer)
                .await
                .map_err(|e| anyhow!("{e}"))?
            {
                println!(
                    "{}\t{}\t{}\t{} → {}\t{}",
                    g.id,
                    g.unit_code,
                    g.purpose,
                    g.valid_from.to_rfc3339(),
                    g.valid_until.to_rfc3339(),
                    g.revoked_at
                        .map(|t| format!("revoked {}", t.to_rfc3339()))
                        .unwrap_or_else(|| "active".into())
                );
            }
        }
    }
    Ok(())
}
