//! `motcua audit ...`: verify the hash chain, show a citizen's accesses.

use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap::Subcommand;
use motcua_app::audit::AuditService;
use motcua_domain::audit::mask_identifier;

use super::identity::{store_with_units, subject_key};
use crate::config::Settings;
use crate::wiring::open_store;

/// Exit status of `audit verify` when the chain is broken (1 is any other error).
pub const EXIT_CHAIN_BROKEN: u8 = 2;

/// `motcua audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain; exit 0 when it holds, 2 with the first broken entry otherwise.
    Verify,
    /// List who looked at one citizen's data (unit, agency, when, dossier, purpose).
    ForCitizen {
        /// The citizen's personal ID (12 digits).
        personal_id: String,
    },
}

/// Runs an audit command.
pub async fn run(settings: &Settings, command: AuditCommand) -> Result<ExitCode> {
    match command {
        AuditCommand::Verify => {
            let store = open_store(&settings.database_url()).await?;
            let audit = AuditService::new(store, subject_key());
            match audit.verify().await.map_err(|e| anyhow!("{e}"))? {
                Ok(report) => {
                    let head = report
                        .head
                        .map(|h| format!(", head {} {}", h.seq, h.hash))
                        .unwrap_or_default();
                    println!(
                        "Chuỗi nhật ký nguyên vẹn / audit chain intact: {} entries{head}",
                        report.checked
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(found) => {
                    println!(
                        "NHẬT KÝ BỊ SỬA / AUDIT CHAIN BROKEN at entry {}",
                        found.seq()
                    );
                    println!("{found}");
                    Ok(ExitCode::from(EXIT_CHAIN_BROKEN))
                }
            }
        }
        AuditCommand::ForCitizen { personal_id } => {
            let store = store_with_units(settings).await?;
            let audit = AuditService::new(store, subject_key());
            let accesses = audit
                .for_citizen(&personal_id)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!(
                "Các lần khai thác dữ liệu của / accesses to the data of {}: {}",
                mask_identifier(&personal_id),
                accesses.len()
            );
            for a in &accesses {
                let unit = match (&a.unit_code, &a.unit_name) {
                    (Some(code), Some(name)) => format!("{name} ({code})"),
                    (Some(code), None) => code.clone(),
                    _ => "-".into(),
                };
                println!(
                    "#{}\t{}\t{}\t{unit}\t{}\t{}\t{}\t{}{}",
                    a.seq,
                    a.occurred_at.to_rfc3339(),
                    a.action,
                    a.agency_id.as_deref().unwrap_or("-"),
                    a.dossier_code.as_deref().unwrap_or("-"),
                    a.purpose.as_deref().unwrap_or("-"),
                    a.outcome,
                    a.reason
                        .as_deref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
