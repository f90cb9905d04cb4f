//! Addresses converted per second, single-threaded, beside a baseline in
//! the same run: a plain exact-name `HashMap` look-up of the same rows (the
//! full address string → its answer), which knows no abbreviations, no
//! missing commas and no splits.
//!
//! `cargo run --release -p motcua-domain --example address_bench [rounds]`

#[path = "../tests/address_support/mod.rs"]
mod address_support;

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use chrono::NaiveDate;
use motcua_domain::address::Status;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let reference = address_support::reference();
    let started = Instant::now();
    let index = address_support::index(&reference);
    let build = started.elapsed();
    let (nodes, names) = index.size();
    let cases = address_support::cases(&reference);
    let rows: Vec<&str> = cases.iter().map(|c| c.address.as_str()).collect();
    let as_of = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
    println!(
        "index: {nodes} units, {names} names, built in {:.1} ms; {} rows × {rounds} rounds",
        build.as_secs_f64() * 1e3,
        rows.len()
    );
    // Baseline: the exact text of each row → its answer.
    let started = Instant::now();
    let exact: HashMap<String, String> = cases
        .iter()
        .map(|c| {
            (
                c.address.clone(),
                c.communes.iter().next().cloned().unwrap_or_default(),
            )
        })
        .collect();
    let baseline_build = started.elapsed();
    let started = Instant::now();
    let mut hits = 0usize;
    for _ in 0..rounds {
        for row in &rows {
            hits += usize::from(black_box(exact.get(*row)).is_some());
        }
    }
    let baseline = started.elapsed();
    let started = Instant::now();
    let mut converted = 0usize;
    for _ in 0..rounds {
        for row in &rows {
            let c = index.convert(black_box(row), as_of);
            converted += usize::from(c.status != Status::NotFound);
        }
    }
    let ours = started.elapsed();
    let n = (rows.len() * rounds) as f64;
    let rate = n / ours.as_secs_f64();
    let base_rate = n / baseline.as_secs_f64();
    println!(
        "baseline exact HashMap look-up: {base_rate:>12.0} rows/s (built in {:.1} ms; {hits} hits)",
        baseline_build.as_secs_f64() * 1e3
    );
    println!(
        "address converter:              {rate:>12.0} rows/s ({:.1} µs/row; {converted} found)",
        1e6 / rate
    );
    println!("ratio baseline/converter: {:.1}×", base_rate / rate);
}
