//! Time of the Decision 766 index for `scripts/bench-service-index`, beside
//! a bare SQL count of the same dossiers in the same run:
//!
//! ```text
//! bench_service_index DB_URL PROVINCE PERIOD [COMMUNES]
//! ```
//! For the province (with the ranking of its communes) and for `COMMUNES`
//! communes (default 3), each measured 5 times after one warm-up; prints
//! the best and median time, and the count query's.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use motcua_app::ports::Clock;
use motcua_app::service_index::{ServiceIndexPorts, ServiceIndexService};
use motcua_store_postgres::PgStore;
use motcua_store_sqlite::SqliteStore;

const RUNS: usize = 5;

enum Db {
    Sqlite(SqliteStore),
    Pg(PgStore),
}

impl Db {
    /// The bare count: dossiers of the units received before the period's
    /// end and not closed before its start (the index's own filter).
    async fn count(&self, units: &[String], from: &str, to: &str) -> Result<i64> {
        let list = units
            .iter()
            .map(|u| format!("'{}'", u.replace('\'', "")))
            .collect::<Vec<_>>()
            .join(",");
        let cond = |f: &str, ts: &str| {
            format!(
                "SELECT COUNT(*) FROM dossiers d JOIN agencies a ON a.id = d.receiving_unit \
                 WHERE d.received_at IS NOT NULL AND {f}(d.received_at) < {f}('{to}'{ts}) \
                 AND ({f}(d.updated_at) >= {f}('{from}'{ts}) OR d.status NOT IN \
                 ('result_ready', 'returned', 'refused_at_reception', 'withdrawn', 'stopped')) \
                 AND a.unit_code IN ({list})"
            )
        };
        Ok(match self {
            Self::Sqlite(s) => {
                sqlx::query_scalar(&cond("julianday", ""))
                    .fetch_one(s.pool())
                    .await?
            }
            Self::Pg(s) => {
                sqlx::query_scalar(&cond("", "::timestamptz"))
                    .fetch_one(s.pool())
                    .await?
            }
        })
    }
}

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
    let url = args.get(1).context("DB_URL")?;
    let province = args.get(2).context("PROVINCE")?.clone();
    let period =
        ServiceIndexService::period(args.get(3).context("PERIOD")?).map_err(|e| anyhow!("{e}"))?;
    let n_communes: usize = args.get(4).map_or(Ok(3), |s| s.parse())?;
    let (db, ports): (Db, Arc<dyn ServiceIndexPorts>) =
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let s = PgStore::connect(url).await?;
            s.migrate().await?;
            (Db::Pg(PgStore::connect(url).await?), Arc::new(s))
        } else {
            let s = SqliteStore::connect(url).await?;
            s.migrate().await?;
            (Db::Sqlite(SqliteStore::connect(url).await?), Arc::new(s))
        };
    let service = ServiceIndexService::new(ports, Clock::system()).map_err(|e| anyhow!("{e}"))?;
    let subtree = service
        .subtree(&province)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let (from, to) = period.bounds();
    let mut units = vec![province.clone()];
    units.extend(
        subtree
            .communes
            .iter()
            .take(n_communes)
            .map(|c| c.code.as_str().to_owned()),
    );
    {
        // Where the province's time goes: the read, the unit's report, the ranking.
        let t = Instant::now();
        let facts = service
            .facts(&subtree, from, to, None)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        let read = t.elapsed();
        let t = Instant::now();
        let _ = service.report(&subtree, &facts, period);
        let report = t.elapsed();
        let t = Instant::now();
        let _ = service.ranking(&subtree, &facts, period);
        let ranking = t.elapsed();
        println!(
            "province parts: read {:.1} ms, report {:.1} ms, ranking {:.1} ms",
            read.as_secs_f64() * 1e3,
            report.as_secs_f64() * 1e3,
            ranking.as_secs_f64() * 1e3
        );
    }
    for (i, unit) in units.iter().enumerate() {
        let scope_units = if i == 0 {
            subtree.codes()
        } else {
            vec![unit.clone()]
        };
        let mut index_times = Vec::new();
        let mut count_times = Vec::new();
        let mut last = None;
        let mut count = 0;
        for run in 0..=RUNS {
            let t = Instant::now();
            let r = service
                .index(unit, period, None, i == 0)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            let index_time = t.elapsed();
            let t = Instant::now();
            count = db
                .count(&scope_units, &from.to_rfc3339(), &to.to_rfc3339())
                .await?;
            let count_time = t.elapsed();
            if run > 0 {
                index_times.push(index_time);
                count_times.push(count_time);
            }
            last = Some(r);
        }
        let r = last.context("ran")?;
        let i21 = r.report.indicator("2.1");
        println!(
            "{} {} ({}): {} dossiers read; score {:.2}/{:.2}; 2.1 = {}/{}; {} communes ranked",
            if i == 0 { "province" } else { "commune" },
            unit,
            r.subtree.unit.name,
            count,
            r.report.total,
            r.report.max_total,
            i21.and_then(|x| x.numerator).unwrap_or_default(),
            i21.and_then(|x| x.denominator).unwrap_or_default(),
            r.ranking.len(),
        );
        println!("  index: {}", stats(index_times));
        println!(
            "  bare SQL count of the same dossiers: {}",
            stats(count_times)
        );
    }
    Ok(())
}
