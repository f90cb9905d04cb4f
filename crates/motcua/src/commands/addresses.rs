//! `motcua addresses convert`: a whole export of old addresses to the
//! current units, streaming (one row in memory at a time), with a progress
//! bar and a summary of statuses (issue 18).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use motcua_app::addresses::AddressService;
use motcua_domain::address::{Conversion, Status, UnitRef};

/// `motcua addresses ...`.
#[derive(Debug, Subcommand)]
pub enum AddressesCommand {
    /// Convert a column of old (or new) addresses in a CSV file; every input
    /// column is kept and the answer's columns are added after them.
    Convert {
        /// The CSV file to read (UTF-8, with a header row).
        #[arg(long = "in", value_name = "FILE")]
        input: PathBuf,
        /// The column holding the address.
        #[arg(long, default_value = "address")]
        column: String,
        /// The CSV file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The day the answer is for, YYYY-MM-DD (default: today in Vietnam).
        #[arg(long)]
        as_of: Option<NaiveDate>,
        /// The field delimiter of both files (default ',').
        #[arg(long, default_value = ",")]
        delimiter: char,
        /// No progress bar (it is hidden anyway when stderr is not a terminal).
        #[arg(long)]
        quiet: bool,
        /// Benchmark baseline: instead of converting, look each address up
        /// as an exact "commune, district, province" name in a plain hash
        /// map (scripts/bench-addresses).
        #[arg(long, hide = true)]
        baseline_exact: bool,
    },
}

/// The columns added to each row.
const ADDED: [&str; 16] = [
    "status",
    "street",
    "old_commune_code",
    "old_commune",
    "old_district_code",
    "old_district",
    "old_province_code",
    "old_province",
    "commune_code",
    "commune",
    "province_code",
    "province",
    "formatted",
    "candidates",
    "warnings",
    "status_vi",
];

fn status_vi(s: Status) -> &'static str {
    match s {
        Status::Converted => "đã chuyển",
        Status::Ambiguous => "nhiều khả năng",
        Status::Unchanged => "không đổi",
        Status::NotFound => "không tìm thấy",
    }
}

fn code_name(u: Option<&UnitRef>) -> (String, String) {
    u.map(|u| (u.code.to_string(), u.name.clone()))
        .unwrap_or_default()
}

fn columns(c: &Conversion) -> [String; 16] {
    let old = c.old.as_ref();
    let (oc, on) = code_name(old.and_then(|o| o.commune.as_ref()));
    let (dc, dn) = code_name(old.and_then(|o| o.district.as_ref()));
    let (pc, pn) = code_name(old.and_then(|o| o.province.as_ref()));
    let (cc, cn) = code_name(c.commune.as_ref());
    let (nc, nn) = code_name(c.province.as_ref());
    let candidates = c
        .candidates
        .iter()
        .map(|k| format!("{} {}", k.code, k.name))
        .collect::<Vec<_>>()
        .join("; ");
    let warnings = c
        .warnings
        .iter()
        .map(|w| w.vi())
        .collect::<Vec<_>>()
        .join(" | ");
    [
        c.status.as_str().to_owned(),
        c.street.clone().unwrap_or_default(),
        oc,
        on,
        dc,
        dn,
        pc,
        pn,
        cc,
        cn,
        nc,
        nn,
        c.formatted.clone().unwrap_or_default(),
        candidates,
        warnings,
        status_vi(c.status).to_owned(),
    ]
}

/// Runs an addresses command (`--as-of` defaults to `clock`'s today).
pub fn run(command: AddressesCommand, clock: &motcua_app::ports::Clock) -> Result<()> {
    let AddressesCommand::Convert {
        input,
        column,
        out,
        as_of,
        delimiter,
        quiet,
        baseline_exact,
    } = command;
    let delimiter = u8::try_from(delimiter).map_err(|_| anyhow!("delimiter must be ASCII"))?;
    let as_of = as_of.unwrap_or_else(|| clock.today());
    let started = Instant::now();
    let build = AddressService::warm().map_err(|e| anyhow!(e))?;
    let service = AddressService::embedded();
    let exact = if baseline_exact {
        Some(exact_names()?)
    } else {
        None
    };
    let file = File::open(&input).with_context(|| format!("opening {}", input.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(BufReader::with_capacity(1 << 16, file));
    let headers = reader.headers().context("reading the header row")?.clone();
    let Some(at) = headers.iter().position(|h| h == column) else {
        bail!(
            "không có cột {column:?} trong {} / no column {column:?}; columns: {}",
            input.display(),
            headers.iter().collect::<Vec<_>>().join(", ")
        );
    };
    let out_file = File::create(&out).with_context(|| format!("creating {}", out.display()))?;
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(BufWriter::with_capacity(1 << 16, out_file));
    let mut header_out = headers.clone();
    for name in ADDED {
        header_out.push_field(name);
    }
    writer.write_record(&header_out)?;
    let bar = if quiet {
        ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::hidden())
    } else {
        ProgressBar::new(size)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} địa chỉ / addresses {msg} [{bar:40}] {bytes}/{total_bytes} ETA {eta}",
        )
        .context("progress template")?
        .progress_chars("=> "),
    );
    let mut counts: BTreeMap<Status, u64> = BTreeMap::new();
    let mut rows = 0u64;
    let mut record = csv::StringRecord::new();
    let convert_started = Instant::now();
    while reader.read_record(&mut record)? {
        let address = record.get(at).unwrap_or_default();
        let c = match &exact {
            Some(map) => exact_lookup(map, address),
            None => service
                .convert(address, as_of)
                .map_err(|e| anyhow!("{e}"))?,
        };
        *counts.entry(c.status).or_default() += 1;
        for field in columns(&c) {
            record.push_field(&field);
        }
        writer.write_record(&record)?;
        rows += 1;
        if rows.is_multiple_of(4096) {
            bar.set_position(reader.position().byte());
            bar.set_message(rows.to_string());
        }
    }
    writer.flush()?;
    bar.finish_and_clear();
    let seconds = convert_started.elapsed().as_secs_f64();
    println!(
        "{rows} địa chỉ / addresses → {} in {:.1} s ({:.0}/s; index built in {} ms; total {:.1} s; as of {as_of})",
        out.display(),
        seconds,
        rows as f64 / seconds.max(1e-9),
        build.as_millis(),
        started.elapsed().as_secs_f64()
    );
    for status in Status::ALL {
        let n = counts.get(&status).copied().unwrap_or(0);
        println!(
            "  {:<10} {:<15} {n:>10}  {:>6.2} %",
            status.as_str(),
            status_vi(status),
            100.0 * n as f64 / rows.max(1) as f64
        );
    }
    Ok(())
}

/// The baseline's map: "commune, district, province" (official names) →
/// the first new commune of the conversion table.
fn exact_names() -> Result<std::collections::HashMap<String, UnitRef>> {
    use motcua_app::refdata;
    let units = refdata::legacy_units()?;
    let current = refdata::current_units()?;
    let by_code: std::collections::HashMap<&str, &str> = units
        .iter()
        .map(|u| (u.code.as_str(), u.name.as_str()))
        .collect();
    let names: std::collections::HashMap<&str, &str> = current
        .iter()
        .map(|u| (u.code.as_str(), u.name.as_str()))
        .collect();
    let mut map = std::collections::HashMap::new();
    for link in refdata::lineage()? {
        let (Some(d), Some(p)) = (
            by_code.get(link.old_district_code.as_str()),
            by_code.get(link.old_province_code.as_str()),
        ) else {
            continue;
        };
        map.entry(format!("{}, {d}, {p}", link.old_name))
            .or_insert_with(|| UnitRef {
                name: names
                    .get(link.new_code.as_str())
                    .copied()
                    .unwrap_or_default()
                    .to_owned(),
                code: link.new_code.clone(),
            });
    }
    Ok(map)
}

fn exact_lookup(map: &std::collections::HashMap<String, UnitRef>, address: &str) -> Conversion {
    let hit = map.get(address.trim()).cloned();
    Conversion {
        status: if hit.is_some() {
            Status::Converted
        } else {
            Status::NotFound
        },
        street: None,
        old: None,
        commune: hit,
        province: None,
        formatted: None,
        candidates: Vec::new(),
        warnings: Vec::new(),
    }
}
