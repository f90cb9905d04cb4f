//! `motcua audit ...`: verify the hash chain (and against the signed
//! checkpoints kept outside the database), take a checkpoint, show a
//! citizen's accesses.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, anyhow};
use clap::Subcommand;
use motcua_app::audit::{AuditService, Checkpoints};
use motcua_app::ports::Clock;
use motcua_domain::audit::mask_identifier;

use super::identity::{PEPPER_VAR, store_with_units, subject_key};
use crate::config::Settings;
use crate::wiring::open_store;

/// Exit status of `audit verify` when the chain is broken (1 is any other error).
pub const EXIT_CHAIN_BROKEN: u8 = 2;

/// `motcua audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain, then that every checkpoint in
    /// `<data_dir>/audit-checkpoints.jsonl` still matches it; exit 0 when
    /// both hold, 2 with the first broken entry (or truncation) otherwise.
    Verify,
    /// Append a signed checkpoint of the chain head to
    /// `<data_dir>/audit-checkpoints.jsonl` (`serve` does so every 5 minutes).
    Checkpoint,
    /// List who looked at one citizen's data (unit, agency, when, dossier, purpose).
    ForCitizen {
        /// The citizen's personal ID (12 digits).
        personal_id: String,
    },
}

/// Runs an audit command.
pub async fn run(settings: &Settings, command: AuditCommand, clock: &Clock) -> Result<ExitCode> {
    match command {
        AuditCommand::Verify => {
            let store = open_store(&settings.database_url(), clock).await?;
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
                    let checkpoints = checkpoints(settings)?;
                    match audit
                        .check_checkpoints(&checkpoints)
                        .await
                        .map_err(|e| anyhow!("{e}"))?
                    {
                        Ok(Some(latest)) => {
                            println!(
                                "Khớp điểm kiểm tra / matches the checkpoints: latest {} {} at {}",
                                latest.seq,
                                latest.hash,
                                latest.at.to_rfc3339()
                            );
                            Ok(ExitCode::SUCCESS)
                        }
                        Ok(None) => {
                            println!(
                                "Chưa có điểm kiểm tra / no checkpoints yet ({}): \
                                 run `motcua audit checkpoint` or `serve`",
                                checkpoints.path().display()
                            );
                            Ok(ExitCode::SUCCESS)
                        }
                        Err(mismatch) => {
                            println!(
                                "NHẬT KÝ KHÔNG KHỚP ĐIỂM KIỂM TRA / AUDIT CHAIN DOES NOT MATCH \
                                 ITS CHECKPOINTS ({})",
                                checkpoints.path().display()
                            );
                            println!("{mismatch}");
                            Ok(ExitCode::from(EXIT_CHAIN_BROKEN))
                        }
                    }
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
        AuditCommand::Checkpoint => {
            let store = open_store(&settings.database_url(), clock).await?;
            let audit = AuditService::new(store, subject_key());
            let checkpoints = checkpoints(settings)?;
            match audit
                .checkpoint(&checkpoints, clock.now())
                .await
                .map_err(|e| anyhow!("{e}"))?
            {
                Some(cp) => println!(
                    "Đã ghi điểm kiểm tra / checkpoint written: {} {} at {} ({})",
                    cp.seq,
                    cp.hash,
                    cp.at.to_rfc3339(),
                    checkpoints.path().display()
                ),
                None => println!(
                    "Không có gì mới / nothing new: the head is already checkpointed \
                     (or the log is empty)"
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::ForCitizen { personal_id } => {
            let store = store_with_units(settings, clock).await?;
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

/// How often `serve` writes a checkpoint (when the head moved).
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(5 * 60);

/// The checkpoint file of this instance: in the data directory, signed
/// with `MOTCUA_AUDIT_PEPPER` (or a key file there when no pepper is set).
pub fn checkpoints(settings: &Settings) -> Result<Checkpoints> {
    let dir = &settings.storage.data_dir;
    std::fs::create_dir_all(dir)?;
    let pepper = std::env::var(PEPPER_VAR).unwrap_or_default();
    Checkpoints::in_data_dir(dir, pepper.as_bytes())
        .map_err(|e| anyhow!("audit checkpoints in {}: {e}", dir.display()))
}

/// Writes a checkpoint at start and every [`CHECKPOINT_EVERY`] while
/// serving (security review F14); a failure is logged, not fatal.
pub fn spawn_checkpoints(
    settings: &Settings,
    store: std::sync::Arc<dyn motcua_app::ports::Store>,
    clock: Clock,
) -> Result<tokio::task::JoinHandle<()>> {
    let checkpoints = checkpoints(settings)?;
    let audit = AuditService::new(store, subject_key());
    Ok(tokio::spawn(async move {
        let mut every = tokio::time::interval(CHECKPOINT_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match audit.checkpoint(&checkpoints, clock.now()).await {
                Ok(Some(cp)) => tracing::debug!(seq = cp.seq, "audit checkpoint written"),
                Ok(None) => {}
                Err(err) => tracing::error!(error = %err, "audit checkpoint failed"),
            }
        }
    }))
}
