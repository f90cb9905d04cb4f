//! Time of the province's shortage ranking (issue 17) on a demo database,
//! through the app service (`WorkloadService::shortages_unchecked`, the same
//! call `GET /api/v1/shortages` makes after its policy check), beside a bare
//! SQL aggregate of the same dossiers in the same run (dossiers of the last
//! 90 days and the overdue among them, by unit and field: what the ranking
//! reads from the store), and the ratio of the medians:
//!
//! ```text
//! bench_shortages DB_URL [PROVINCE_ROOT] [EXPERTISE]
//! ```
//! `DB_URL` is `sqlite://PATH/motcua.db` or `postgres://…`. Each measured 7
//! times after one warm-up; prints the best and the median. `scripts/bench-shortages`
//! seeds the database and runs this.

use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use motcua::wiring::open_store;
use motcua_app::ports::Clock;
use motcua_app::workload::WorkloadService;

const RUNS: usize = 7;

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn stats(times: &mut [Duration]) -> String {
    let m = median(times);
    format!(
        "best {:.1} ms, median {:.1} ms",
        times[0].as_secs_f64() * 1e3,
        m.as_secs_f64() * 1e3
    )
}

/// The bare aggregate on the engine of `url`: (groups, dossiers).
async fn bare(url: &str, clock: &Clock) -> Result<(Vec<Duration>, usize, i64)> {
    let from = clock.now() - chrono::Duration::days(90);
    let now_key = clock.now().timestamp_millis();
    let mut times = Vec::new();
    let (mut groups, mut dossiers) = (0, 0);
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await?;
        let sql = "SELECT a.unit_code, COALESCE(p.field_folded, '') AS field, COUNT(*) AS n, \
                   SUM(CASE WHEN d.counts_late OR (d.clock_running AND d.due_key < $2) \
                   THEN 1 ELSE 0 END) AS late FROM dossiers d \
                   JOIN agencies a ON a.id = d.receiving_unit \
                   LEFT JOIN procedure_versions p ON p.code = d.procedure_code \
                   AND p.version = d.procedure_version \
                   WHERE d.submitted_at >= $1 GROUP BY 1, 2";
        for i in 0..=RUNS {
            let t = Instant::now();
            let r: Vec<(String, String, i64, i64)> = sqlx::query_as(sql)
                .bind(from)
                .bind(now_key)
                .fetch_all(&pool)
                .await?;
            if i > 0 {
                times.push(t.elapsed());
            }
            groups = r.len();
            dossiers = r.iter().map(|x| x.2).sum();
        }
    } else {
        let pool = sqlx::SqlitePool::connect(url).await?;
        let sql = "SELECT a.unit_code, COALESCE(p.field_folded, '') AS field, COUNT(*) AS n, \
                   SUM(CASE WHEN d.counts_late OR (d.clock_running = 1 AND d.due_key < $2) \
                   THEN 1 ELSE 0 END) AS late FROM dossiers d \
                   JOIN agencies a ON a.id = d.receiving_unit \
                   LEFT JOIN procedure_versions p ON p.code = d.procedure_code \
                   AND p.version = d.procedure_version \
                   WHERE julianday(d.submitted_at) >= julianday($1) GROUP BY 1, 2";
        for i in 0..=RUNS {
            let t = Instant::now();
            let r: Vec<(String, String, i64, i64)> = sqlx::query_as(sql)
                .bind(from)
                .bind(now_key)
                .fetch_all(&pool)
                .await?;
            if i > 0 {
                times.push(t.elapsed());
            }
            groups = r.len();
            dossiers = r.iter().map(|x| x.2).sum();
        }
    }
    Ok((times, groups, dossiers))
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .ok_or_else(|| anyhow!("usage: bench_shortages DB_URL [ROOT] [TAG]"))?;
    let root = args.get(2).cloned().unwrap_or_else(|| "H55".into());
    let tag = args.get(3).cloned().filter(|t| !t.is_empty());
    let store = open_store(url, &Clock::system()).await?;
    let clock = Clock::system();
    let service = WorkloadService::new(store, clock.clone(), Some(root.clone()));
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
            println!("most short ({}):", tag.as_deref().unwrap_or("every tag"));
            for row in r.rows.iter().take(5) {
                println!(
                    "  {} {} ({}): {} dossiers, {} overdue, {} people, short by {:.1}",
                    row.signal.unit,
                    row.unit_name,
                    row.signal.tag,
                    row.signal.dossiers,
                    row.overdue,
                    row.signal.people,
                    row.signal.short_by
                );
            }
        }
    }
    let (mut plain, groups, dossiers) = bare(url, &clock).await?;
    let ratio = median(&mut ranking).as_secs_f64() / median(&mut plain).as_secs_f64().max(1e-9);
    println!("shortage ranking ({rows} rows): {}", stats(&mut ranking));
    println!(
        "bare SQL aggregate ({groups} groups, {dossiers} dossiers): {}",
        stats(&mut plain)
    );
    println!("ratio ranking / bare (medians): {ratio:.2}");
    Ok(())
}
