//! `motcua catalog import|check|export`: the procedure catalog as
//! human-editable TOML files.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use motcua_app::catalog::{CatalogService, check_catalog_files};
use motcua_app::ports::Clock;
use motcua_app::ports::catalog::ImportMode;
use motcua_domain::catalog::{Diagnostic, ProcedureVersion};

use crate::cli::CatalogCommand;
use crate::config::Settings;
use crate::wiring::open_store;

/// `file:line: field: message_vi / message_en`.
fn line(d: &Diagnostic) -> String {
    let path = if d.path.is_empty() { "-" } else { &d.path };
    format!(
        "{}:{}: {}: {} / {}",
        d.file, d.line, path, d.message_vi, d.message_en
    )
}

/// Reads and checks every file; prints every problem when there is any.
fn checked(files: &[PathBuf]) -> Result<Option<Vec<ProcedureVersion>>> {
    let texts = files
        .iter()
        .map(|f| {
            std::fs::read_to_string(f)
                .with_context(|| format!("reading {}", f.display()))
                .map(|text| (f.display().to_string(), text))
        })
        .collect::<Result<Vec<_>>>()?;
    match check_catalog_files(&texts) {
        Ok(versions) => Ok(Some(versions)),
        Err(problems) => {
            for d in &problems {
                println!("{}", line(d));
            }
            println!(
                "-- {} lỗi, không nạp gì / {} problems, nothing imported",
                problems.len(),
                problems.len()
            );
            Ok(None)
        }
    }
}

/// Runs a catalog command (imports stamped from `clock`); a failed check
/// exits non-zero.
pub async fn run(settings: &Settings, command: CatalogCommand, clock: &Clock) -> Result<ExitCode> {
    match command {
        CatalogCommand::Check { files } => {
            let Some(versions) = checked(&files)? else {
                return Ok(ExitCode::FAILURE);
            };
            println!(
                "Hợp lệ / valid: {} phiên bản thủ tục / procedure versions",
                versions.len()
            );
        }
        CatalogCommand::Import { files, replace } => {
            let Some(versions) = checked(&files)? else {
                return Ok(ExitCode::FAILURE);
            };
            let catalog = CatalogService::new(open_store(&settings.database_url(), clock).await?);
            let mode = if replace {
                ImportMode::ReplaceChanged
            } else {
                ImportMode::RefuseChanges
            };
            let report = catalog
                .import(&versions, mode)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!(
                "Nạp mới / inserted {}; thay thế / replaced {}; không đổi / unchanged {}",
                report.inserted, report.replaced, report.unchanged
            );
        }
        CatalogCommand::Export { out } => {
            let catalog = CatalogService::new(open_store(&settings.database_url(), clock).await?);
            let text = catalog.export().await.map_err(|e| anyhow!("{e}"))?;
            match out {
                Some(path) => std::fs::write(&path, &text)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => print!("{text}"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
