//! `motcua units ...`.

use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use indicatif::ProgressBar;
use motcua_app::ports::{Clock, UnitFilter};
use motcua_app::refdata::parse_changes;
use motcua_app::units::UnitService;
use motcua_domain::text::fold;
use motcua_domain::unit::{Era, UnitCode, UnitLevel, UnitType};

use crate::cli::UnitsCommand;
use crate::config::Settings;
use crate::wiring::open_store;

fn code(raw: &str) -> Result<UnitCode> {
    UnitCode::parse(raw).map_err(|e| anyhow!("{e}"))
}

/// Runs a units command, reading "now" from `clock`.
pub async fn run(settings: &Settings, command: UnitsCommand, clock: &Clock) -> Result<()> {
    if let UnitsCommand::Classify {
        stats,
        unit,
        out,
        as_of,
        provisional,
    } = &command
    {
        return super::staff::classify(
            settings,
            stats,
            unit.as_deref(),
            out.as_deref(),
            *as_of,
            *provisional,
            clock,
        )
        .await;
    }
    let units = UnitService::new(open_store(&settings.database_url(), clock).await?);
    let spinner =
        ProgressBar::new_spinner().with_message("nạp danh mục đơn vị / loading reference units");
    spinner.enable_steady_tick(Duration::from_millis(120));
    let report = units.load_reference().await.map_err(|e| anyhow!("{e}"));
    spinner.finish_and_clear();
    let report = report?;
    match command {
        UnitsCommand::Load => {
            if report.loaded {
                println!(
                    "Đã nạp / loaded {} units and {} lineage links",
                    report.units, report.links
                );
            } else {
                println!("Danh mục đã có sẵn / reference units already loaded");
            }
        }
        UnitsCommand::List {
            level,
            unit_type,
            parent,
            q,
            legacy,
            limit,
        } => {
            let filter = UnitFilter {
                era: if legacy { Era::Legacy } else { Era::Current },
                level: level
                    .as_deref()
                    .map(str::parse::<UnitLevel>)
                    .transpose()
                    .map_err(|e| anyhow!(e))?,
                unit_type: unit_type
                    .as_deref()
                    .map(str::parse::<UnitType>)
                    .transpose()
                    .map_err(|e| anyhow!(e))?,
                parent: parent.as_deref().map(code).transpose()?,
                query_folded: q.as_deref().map(fold).filter(|f| !f.is_empty()),
                limit,
                offset: 0,
            };
            let page = units.list(&filter).await.map_err(|e| anyhow!("{e}"))?;
            for u in &page.items {
                println!(
                    "{}\t{}\t{}\t{}",
                    u.code,
                    u.name,
                    u.unit_type.as_str(),
                    u.parent_code.as_ref().map(UnitCode::as_str).unwrap_or("-")
                );
            }
            println!("-- {} / {} đơn vị / units", page.items.len(), page.total);
        }
        UnitsCommand::Show { code: raw } => {
            let detail = units
                .detail(&code(&raw)?)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            let dto = motcua_web::api::units::UnitDetailDto::from(detail);
            println!("{}", serde_json::to_string_pretty(&dto)?);
        }
        UnitsCommand::Legacy { code: raw } => {
            let legacy = units
                .legacy(&code(&raw)?)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            let dto = motcua_web::api::units::LegacyDto::from(legacy);
            println!("{}", serde_json::to_string_pretty(&dto)?);
        }
        UnitsCommand::ApplyChanges { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let changes = parse_changes(&file.display().to_string(), &text)?;
            let report = units
                .apply_changes(&changes)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!(
                "Áp dụng / applied {}; đã có từ trước / already applied {}",
                report.applied, report.already_applied
            );
        }
        UnitsCommand::Classify { .. } => {}
    }
    Ok(())
}
