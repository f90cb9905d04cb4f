//! `motcua training plan --unit CODE` (issue 17 item 3): the training plan
//! of a unit from its shortage signal, as the desk page shows it.

use anyhow::{Result, anyhow};
use clap::Subcommand;
use motcua_app::ports::Clock;
use motcua_app::training::TrainingService;

use crate::config::Settings;
use crate::wiring::open_store;

/// `motcua training ...`.
#[derive(Debug, Clone, Subcommand)]
pub enum TrainingCommand {
    /// Print the training plan of a unit: per expertise short, who, which course, why.
    Plan {
        /// The unit's agency (e.g. `H55.X05743.TT`, or `H55` for every commune).
        #[arg(long)]
        unit: String,
    },
}

/// Runs a training command, reading "now" from `clock`.
pub async fn run(settings: &Settings, command: TrainingCommand, clock: &Clock) -> Result<()> {
    let store = open_store(&settings.database_url(), clock).await?;
    let training = TrainingService::new(store, clock.clone());
    match command {
        TrainingCommand::Plan { unit } => {
            let plan = training
                .plan_unchecked(&unit)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            if plan.lines.is_empty() {
                println!(
                    "{unit}: không thiếu người ở chuyên môn nào, chưa cần kế hoạch / \
                     short of nobody, no plan needed"
                );
            }
            for line in &plan.lines {
                println!(
                    "{} ({}) — {}: {}",
                    line.unit_name, line.unit, line.expertise_name, line.topic
                );
                println!("  Vì sao / why: {}", line.why);
                for c in &line.candidates {
                    println!(
                        "  {} {} ({}) — {}",
                        if c.proposed { "[x]" } else { "[ ]" },
                        c.full_name,
                        c.staff_id,
                        c.why
                    );
                }
            }
        }
    }
    Ok(())
}
