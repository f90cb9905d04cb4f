//! `motcua agencies ...`.

use anyhow::{Result, anyhow};
use motcua_app::agencies::AgencyService;
use motcua_app::ports::{AgencyFilter, Clock};
use motcua_app::units::UnitService;
use motcua_domain::agency::{Agency, AgencyKind};
use motcua_domain::text::fold;

use crate::cli::AgenciesCommand;
use crate::config::Settings;
use crate::serve::province_settings;
use crate::wiring::open_store;

/// Runs an agencies command; the rows it writes are stamped from `clock`.
pub async fn run(settings: &Settings, command: AgenciesCommand, clock: &Clock) -> Result<()> {
    let store = open_store(&settings.database_url(), clock).await?;
    UnitService::new(store.clone())
        .load_reference()
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let agencies = AgencyService::new(store);
    match command {
        AgenciesCommand::Generate => {
            let n = agencies
                .ensure_defaults(&province_settings(settings)?)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!(
                "Đã tạo / created {n} agencies for province {}",
                settings.province.code
            );
        }
        AgenciesCommand::List {
            unit,
            kind,
            q,
            limit,
        } => {
            let kind = kind
                .as_deref()
                .map(|k| AgencyKind::parse(k).ok_or_else(|| anyhow!("unknown kind {k:?}")))
                .transpose()?;
            let filter = AgencyFilter {
                unit_code: unit,
                kind,
                query_folded: q.as_deref().map(fold),
                limit,
                offset: 0,
            };
            let (items, total) = agencies.list(&filter).await.map_err(|e| anyhow!("{e}"))?;
            for a in &items {
                println!("{}\t{}\t{}\t{}", a.id, a.name, a.kind.as_str(), a.unit_code);
            }
            println!("-- {} / {total} cơ quan / agencies", items.len());
        }
        AgenciesCommand::Set {
            id,
            name,
            kind,
            unit,
            parent,
            inactive,
        } => {
            let kind = AgencyKind::parse(&kind).ok_or_else(|| anyhow!("unknown kind {kind:?}"))?;
            let agency = Agency {
                id,
                name,
                kind,
                unit_code: unit,
                parent_id: parent,
                active: !inactive,
            };
            agencies.save(&agency).await.map_err(|e| anyhow!("{e}"))?;
            println!("Đã lưu / saved {}", agency.id);
        }
    }
    Ok(())
}
