//! `motcua staff import|check|export` (the staff registry as CSV) and
//! `motcua units classify --stats FILE.csv [--unit CODE]` (issue 17).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use motcua_app::classification::{ClassificationService, ClassifyInput};
use motcua_app::ports::Clock;
use motcua_app::ports::staff::UnitStatistic;
use motcua_app::staff::{StaffError, StaffService};
use motcua_app::units::UnitService;
use motcua_domain::classification::Outcome;
use motcua_domain::staff::csv::RowProblem;

use crate::config::Settings;
use crate::wiring::open_store;

/// `motcua staff ...`.
#[derive(Debug, Clone, Subcommand)]
pub enum StaffCommand {
    /// Check a staff registry file and report every bad row; writes nothing.
    Check {
        /// The CSV file (columns: id, unit, full_name, account, position_group, position,
        /// department, employment, expertise, qualifications, secondment,
        /// secondment_agency, secondment_from, secondment_to).
        file: PathBuf,
    },
    /// Import a staff registry file: all rows, or nothing when one is bad.
    Import {
        /// The CSV file.
        file: PathBuf,
    },
    /// Write the staff of an agency's subtree as a registry file.
    Export {
        /// The agency (e.g. `H55` or `H55.X05743`).
        #[arg(long)]
        unit: String,
        /// Where to write (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// `file:line: column: vi / en`, like `catalog check`.
fn print_problems(file: &Path, problems: &[RowProblem]) {
    for p in problems {
        println!(
            "{}:{}: {}: {} / {}",
            file.display(),
            p.line,
            p.column,
            p.message_vi,
            p.message_en
        );
    }
    println!(
        "-- {} lỗi, không nạp gì / {} problems, nothing imported",
        problems.len(),
        problems.len()
    );
}

/// Runs a staff command, reading "now" from `clock`; a failed check exits
/// non-zero.
pub async fn run(settings: &Settings, command: StaffCommand, clock: &Clock) -> Result<ExitCode> {
    let store = open_store(&settings.database_url(), clock).await?;
    let staff = StaffService::new(store.clone(), clock.clone());
    match command {
        StaffCommand::Check { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            match staff.check(&text).await {
                Ok(rows) => println!("Hợp lệ / valid: {} cán bộ / staff", rows.len()),
                Err(StaffError::BadRows(p)) => {
                    print_problems(&file, &p);
                    return Ok(ExitCode::FAILURE);
                }
                Err(e) => return Err(anyhow!("{e}")),
            }
        }
        StaffCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            match staff.import_unchecked(&text).await {
                Ok(n) => println!("Đã nạp / imported {n} cán bộ / staff"),
                Err(StaffError::BadRows(p)) => {
                    print_problems(&file, &p);
                    return Ok(ExitCode::FAILURE);
                }
                Err(e) => return Err(anyhow!("{e}")),
            }
        }
        StaffCommand::Export { unit, out } => {
            let rows = store.list_staff(&unit).await.map_err(|e| anyhow!("{e}"))?;
            let text = motcua_domain::staff::csv::write(&rows).map_err(|e| anyhow!("{e}"))?;
            match out {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => print!("{text}"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Columns of the statistics file that are not inputs.
const NOT_INPUTS: [&str; 4] = ["unit_code", "name", "source", "as_of"];

/// Reads a statistics file: `unit_code`, one column per input (named as in
/// the rule file; `class` for a predecessor's type), `source`, `as_of`.
fn read_statistics(path: &Path, default_as_of: NaiveDate) -> Result<Vec<UnitStatistic>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
    let col = |n: &str| header.iter().position(|h| h == n);
    let unit = col("unit_code").ok_or_else(|| anyhow!("thiếu cột / missing column unit_code"))?;
    let (source, as_of) = (col("source"), col("as_of"));
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{}: row {}", path.display(), i + 2))?;
        let code = record.get(unit).unwrap_or_default().to_owned();
        let src = source
            .and_then(|s| record.get(s))
            .filter(|s| !s.is_empty())
            .unwrap_or("statistics file")
            .to_owned();
        let date = match as_of.and_then(|a| record.get(a)).filter(|s| !s.is_empty()) {
            Some(d) => motcua_domain::staff::csv::parse_date(d)
                .ok_or_else(|| anyhow!("{}:{}: as_of {d:?}", path.display(), i + 2))?,
            None => default_as_of,
        };
        for (j, name) in header.iter().enumerate() {
            if NOT_INPUTS.contains(&name.as_str()) {
                continue;
            }
            if let Some(v) = record.get(j).filter(|v| !v.is_empty()) {
                out.push(UnitStatistic {
                    unit_code: code.clone(),
                    name: name.clone(),
                    value: v.to_owned(),
                    source: src.clone(),
                    as_of: date,
                });
            }
        }
    }
    Ok(out)
}

/// `motcua units classify`: loads the statistics, classifies the unit and
/// its children (or every unit the file names), prints a CSV of results.
pub async fn classify(
    settings: &Settings,
    stats: &Path,
    unit: Option<&str>,
    out: Option<&Path>,
    as_of: Option<NaiveDate>,
    provisional: bool,
    clock: &Clock,
) -> Result<()> {
    let store = open_store(&settings.database_url(), clock).await?;
    UnitService::new(store.clone())
        .load_reference()
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let service = ClassificationService::new(store.clone(), clock.clone());
    let rows = read_statistics(stats, clock.today())?;
    service
        .save_statistics(&rows)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let codes: Vec<String> = match unit {
        Some(code) => service
            .unit_and_children(code)
            .await
            .map_err(|e| anyhow!("{e}"))?
            .into_iter()
            .map(|u| u.code.as_str().to_owned())
            .collect(),
        None => rows
            .iter()
            .map(|r| r.unit_code.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    };
    let bar = ProgressBar::new(codes.len() as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} phân loại / classifying {pos}/{len} [{bar:40}] {msg}",
        )
        .context("progress template")?
        .progress_chars("=> "),
    );
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "unit_code",
        "name",
        "rule_set",
        "criteria_points",
        "priority_points",
        "total_points",
        "result",
        "provisional",
        "missing_rules",
        "missing_inputs",
        "transitional",
    ])?;
    let input = ClassifyInput {
        as_of,
        provisional,
        inputs: Default::default(),
    };
    for code in &codes {
        bar.set_message(code.clone());
        match service.classify_unchecked("system:cli", code, &input).await {
            Ok(c) => {
                let (provisional, rules, inputs) = match &c.sheet.outcome {
                    Outcome::Classified { provisional, .. } => (*provisional, vec![], vec![]),
                    Outcome::FixedByLaw { .. } => (false, vec![], vec![]),
                    Outcome::CannotClassify {
                        missing_rules,
                        missing_inputs,
                        ..
                    } => (false, missing_rules.clone(), missing_inputs.clone()),
                };
                w.write_record([
                    c.unit_code.as_str(),
                    &c.unit_name,
                    &c.sheet.rule_set,
                    &c.sheet.criteria_points.to_string(),
                    &c.sheet.priority_points.to_string(),
                    &c.sheet.total_points.to_string(),
                    c.result(),
                    if provisional { "yes" } else { "" },
                    &rules.join(";"),
                    &inputs.join(";"),
                    c.transitional
                        .as_ref()
                        .and_then(|t| t.class)
                        .map_or("", |k| k.as_str()),
                ])?;
            }
            Err(e) => {
                w.write_record([
                    code.as_str(),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "error",
                    "",
                    &e.to_string(),
                    "",
                    "",
                ])?;
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let text = String::from_utf8(w.into_inner().map_err(|e| anyhow!("{e}"))?)?;
    match out {
        Some(path) => {
            std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?;
            println!(
                "Đã phân loại / classified {} đơn vị / units → {}",
                codes.len(),
                path.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(())
}
