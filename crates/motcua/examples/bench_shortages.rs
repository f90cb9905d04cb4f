//! Time of the province's shortage ranking (issue 17) on a demo database,
//! beside a bare SQL aggregate of the same dossiers in the same run:
//!
//! ```text
//! bench_shortages sqlite://PATH/motcua.db PROVINCE_ROOT [EXPERTISE]
//! ```
//! Each measured 5 times after one warm-up; prints the best and median.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use motcua_app::ports::Clock;
use motcua_app::workload::WorkloadService;
use motcua_store_sqlite::SqliteStore;

const RUNS: usize = 5;

fn stats(mut times: Vec<Duration>) -> String {
    times.sort();
    format!(
        "best {:.1} ms, median {:.1} ms",
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3
    )
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .ok_or_else(|| anyhow!("usage: bench_shortages DB_URL ROOT [TAG]"))?;
    let root = args.get(2).cloned().unwrap_or_else(|| "H55".into());
    let tag = args.get(3).cloned();
    let store = Arc::new(SqliteStore::connect(url).await?);
    let bare = SqliteStore::connect(url).await?;
    let service = WorkloadService::new(store, Clock::system(), None);
    let mut ranking = Vec::new();
    let mut rows = 0;
    for i in 0..=RUNS {
        let t = Instant::now();
        let r = service
            .shortages_unchecked(&root, tag.as_deref(), None)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        if i > 0 {
            ranking.push(t.elapsed());
        }
        rows = r.rows.len();
        if i == 0 {
            for row in r.rows.iter().take(5) {
                println!(
                    "  {} {} ({}): {} dossiers, {} people, short by {}",
                    row.signal.unit,
                    row.unit_name,
                    row.signal.tag,
                    row.signal.dossiers,
                    row.signal.people,
                    row.signal.short_by
                );
            }
        }
    }
    // The bare aggregate: dossiers of the last 90 days by unit and field.
    let sql = "SELECT a.unit_code, p.field_folded, COUNT(*) FROM dossiers d \
               JOIN agencies a ON a.id = d.receiving_unit \
               LEFT JOIN procedure_versions p ON p.code = d.procedure_code \
               AND p.version = d.procedure_version \
               WHERE julianday(d.submitted_at) >= julianday('now', '-90 days') \
               GROUP BY a.unit_code, p.field_folded";
    let mut plain = Vec::new();
    let mut groups = 0;
    for i in 0..=RUNS {
        let t = Instant::now();
        let r: Vec<(String, Option<String>, i64)> =
            sqlx::query_as(sql).fetch_all(bare.pool()).await?;
        if i > 0 {
            plain.push(t.elapsed());
        }
        groups = r.len();
    }
    println!("shortage ranking ({rows} rows): {}", stats(ranking));
    println!("bare SQL aggregate ({groups} groups): {}", stats(plain));
    Ok(())
}
