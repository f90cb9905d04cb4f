//! Load generator and bare baselines for `scripts/bench-dossiers`.
//!
//! ```text
//! bench_dossiers receptions URL AGENCY[,AGENCY...] SECONDS CONCURRENCY
//! bench_dossiers bare-sqlite FILE COUNT BATCH
//! bench_dossiers bare-postgres URL COUNT BATCH CONCURRENCY
//! bench_dossiers worklist URL AGENCY[,AGENCY...] REQUESTS [QUERY]
//! bench_dossiers bare-worklist DATABASE_URL AGENCY[,AGENCY...]|* REQUESTS FILTER
//! ```
//! `bare-worklist` is the work list's baseline: the same page (50 rows in
//! due order, FILTER one of `plain`, `status`, `overdue`, `due16`) read with
//! one plain SQL statement straight from the database, without HTTP, the
//! permission scope or JSON. `*` reads the whole database (a province).
//! Each prints one line `name value unit [details]`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::TimeDelta;
use motcua_app::dossiers::write::{Request, build_write};
use motcua_app::ports::Clock;
use motcua_app::ports::dossiers::DossierWrite;
use motcua_domain::dossier::{
    Action, Actor, AgencyId, Applicant, ApplicantId, Channel, Command, DossierCodePattern, Intake,
    PersonalId, ProcedureRef, decide, replay,
};
use motcua_store_postgres::PgStore;
use motcua_store_sqlite::SqliteStore;
use serde_json::json;

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Prints `NAME p50 X ms p95 Y ms (N requests, R rows each)`.
fn print_latencies(name: &str, mut lat: Vec<Duration>, rows: usize) {
    let requests = lat.len().max(1);
    lat.sort();
    println!(
        "{name} p50 {:.1} ms p95 {:.1} ms ({requests} requests, {:.1} rows each)",
        percentile(&lat, 0.5),
        percentile(&lat, 0.95),
        rows as f64 / requests as f64
    );
}

/// The rows of reception `n` (spread over agencies, 9,000 a day each),
/// built by the real application code.
fn rows(n: u32) -> Result<DossierWrite> {
    let now = Clock::system().now();
    let agency = AgencyId::parse(&format!("H55.X{:05}.TT", n / 9_000))?;
    let seq = n % 9_000 + 1;
    let intake = Intake {
        code: DossierCodePattern::default().format(&agency, now.date_naive(), seq)?,
        procedure: ProcedureRef {
            code: "1.004873".into(),
            version: 1,
        },
        applicant: Applicant {
            id: ApplicantId::Citizen(PersonalId::parse("019087123456")?),
            name: "Lê Văn Bình".into(),
            phone: Some("0987654321".into()),
            address: None,
            email: None,
        },
        receiving_unit: agency.clone(),
        deciding_agency: agency,
        channel: Channel::InPerson,
        components: Vec::new(),
        fees: Vec::new(),
        sets: 1,
    };
    let cmd = Command {
        actor: Actor::Officer("bench".into()),
        idempotency_key: format!("bare-{n}"),
        action: Action::ReceiveNew {
            intake: Box::new(intake),
            due_at: now + TimeDelta::days(3),
        },
    };
    let events = decide(None, &cmd, now)?;
    let dossier = replay(&events)?.context("no dossier")?;
    let request = Request {
        actor: cmd.actor.clone(),
        key: cmd.idempotency_key.clone(),
        fingerprint: "bench".into(),
    };
    build_write(&dossier, &events, &request, Some("secret"), now)
        .map(|(w, _)| w)
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// The statements a bare client runs for one reception (numbered
/// parameters: `?N` on SQLite, `$N` on PostgreSQL).
fn statements(sqlite: bool) -> [String; 5] {
    let p = |i: usize| {
        if sqlite {
            format!("?{i}")
        } else {
            format!("${i}")
        }
    };
    let json = |i: usize| {
        if sqlite {
            format!("?{i}")
        } else {
            format!("CAST(${i} AS jsonb)")
        }
    };
    [
        format!(
            "INSERT INTO dossier_sequences (agency, day, last) VALUES ({}, {}, 1) ON CONFLICT (agency, day) DO UPDATE SET last = dossier_sequences.last + 1",
            p(1),
            if sqlite {
                "?2".to_owned()
            } else {
                "CAST($2 AS date)".to_owned()
            }
        ),
        format!(
            "INSERT INTO dossiers (code, procedure_code, procedure_version, status, sub_status, portal_status, clock_running, receiving_unit, deciding_agency, current_agency, channel, applicant_kind, applicant_id_masked, applicant_name, submitted_at, due_key, counts_late, version, state, verifier_hash, updated_at) VALUES ({}, '1.004873', 1, 'received', 'none', 2, true, {}, {}, {}, 1, 1, '0********456', 'Lê Văn Bình', {}, 0, false, 1, {}, 'h', {})",
            p(1),
            p(2),
            p(2),
            p(2),
            p(3),
            json(4),
            p(3)
        ),
        format!(
            "INSERT INTO dossier_events (code, version, event_type, event, actor, at, idempotency_key) VALUES ({}, 1, 'received', {}, 'officer:bench', {}, {})",
            p(1),
            json(2),
            p(3),
            p(4)
        ),
        format!(
            "INSERT INTO outbox (dossier_code, event_version, message_type, payload, created_at, available_at) VALUES ({}, 1, 'dossier.received', {}, {}, {})",
            p(1),
            json(2),
            p(3),
            p(3)
        ),
        format!(
            "INSERT INTO idempotency (actor, key, dossier_code, fingerprint, answer, created_at) VALUES ('officer:bench', {}, {}, 'bench', {}, {})",
            p(1),
            p(2),
            p(3),
            p(4)
        ),
    ]
}

macro_rules! insert_one {
    ($conn:expr, $sql:expr, $w:expr, $day:expr) => {{
        let w: &DossierWrite = $w;
        let code = &w.projection.code;
        let at = w.projection.updated_at;
        sqlx::query(&$sql[0])
            .bind(&w.projection.receiving_unit)
            .bind($day)
            .execute(&mut *$conn)
            .await?;
        sqlx::query(&$sql[1])
            .bind(code)
            .bind(&w.projection.receiving_unit)
            .bind(at)
            .bind(&w.projection.state_json)
            .execute(&mut *$conn)
            .await?;
        sqlx::query(&$sql[2])
            .bind(code)
            .bind(&w.events[0].event_json)
            .bind(at)
            .bind(&w.events[0].idempotency_key)
            .execute(&mut *$conn)
            .await?;
        sqlx::query(&$sql[3])
            .bind(code)
            .bind(&w.outbox[0].payload_json)
            .bind(at)
            .execute(&mut *$conn)
            .await?;
        sqlx::query(&$sql[4])
            .bind(&w.answer.key)
            .bind(code)
            .bind(&w.answer.answer_json)
            .bind(at)
            .execute(&mut *$conn)
            .await?;
    }};
}

async fn bare_sqlite(file: &str, count: u32, batch: u32) -> Result<()> {
    let store = SqliteStore::connect(&format!("sqlite://{file}")).await?;
    store.migrate().await?;
    let writes: Vec<DossierWrite> = (1..=count).map(rows).collect::<Result<_>>()?;
    let sql = statements(true);
    let day = Clock::system().now().date_naive().to_string();
    let started = Instant::now();
    for chunk in writes.chunks(batch.max(1) as usize) {
        let mut tx = store.pool().begin_with("BEGIN IMMEDIATE").await?;
        for w in chunk {
            insert_one!(tx, sql, w, &day);
        }
        tx.commit().await?;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "bare-sqlite-batch{batch} {:.0} receptions/s ({count} in {secs:.2} s, synchronous=FULL)",
        f64::from(count) / secs
    );
    Ok(())
}

async fn bare_postgres(url: &str, count: u32, batch: u32, concurrency: u32) -> Result<()> {
    let store = PgStore::connect(url).await?;
    store.migrate().await?;
    let sync: String = sqlx::query_scalar("SHOW synchronous_commit")
        .fetch_one(store.pool())
        .await?;
    let fsync: String = sqlx::query_scalar("SHOW fsync")
        .fetch_one(store.pool())
        .await?;
    let writes: Arc<Vec<DossierWrite>> = Arc::new((1..=count).map(rows).collect::<Result<_>>()?);
    let next = Arc::new(AtomicU64::new(0));
    let day = Clock::system().now().date_naive();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (pool, writes, next) = (store.pool().clone(), writes.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let sql = statements(false);
            loop {
                let from = next.fetch_add(u64::from(batch), Ordering::Relaxed) as usize;
                if from >= writes.len() {
                    return Ok::<(), anyhow::Error>(());
                }
                let mut tx = pool.begin().await?;
                for w in &writes[from..(from + batch as usize).min(writes.len())] {
                    insert_one!(tx, sql, w, day);
                }
                tx.commit().await?;
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "bare-postgres-batch{batch}-c{concurrency} {:.0} receptions/s ({count} in {secs:.2} s, synchronous_commit={sync}, fsync={fsync})",
        f64::from(count) / secs
    );
    Ok(())
}

async fn receptions(url: &str, agencies: &[String], seconds: u64, concurrency: u32) -> Result<()> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency as usize)
        .build()?;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..concurrency {
        let (client, url, agencies) = (client.clone(), url.to_owned(), agencies.to_vec());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut i = 0u64;
            while Instant::now() < deadline {
                let agency = &agencies[(u64::from(w) + i) as usize % agencies.len()];
                let t = Instant::now();
                let res = client
                    .post(format!("{url}/api/v1/dossiers"))
                    .header("authorization", format!("Bearer dev:bench{w}:{agency}"))
                    .header("idempotency-key", format!("b{w}-{i}"))
                    .json(&json!({"procedure": "1.004873", "channel": "in_person",
                        "applicant": {"kind": "citizen", "id": "019087123456", "name": "Lê Văn Bình", "phone": "0987654321"}}))
                    .send()
                    .await?;
                if res.status() != 201 {
                    bail!("reception answered {}: {}", res.status(), res.text().await?);
                }
                lat.push(t.elapsed());
                i += 1;
            }
            Ok(lat)
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await??);
    }
    let secs = started.elapsed().as_secs_f64();
    lat.sort();
    println!(
        "http-receptions-c{concurrency} {:.0} receptions/s ({} in {secs:.1} s; latency p50 {:.1} ms p95 {:.1} ms)",
        lat.len() as f64 / secs,
        lat.len(),
        percentile(&lat, 0.5),
        percentile(&lat, 0.95)
    );
    Ok(())
}

async fn worklist(url: &str, agencies: &[String], requests: usize, query: &str) -> Result<()> {
    let client = reqwest::Client::new();
    let mut lat = Vec::with_capacity(requests);
    let mut rows = 0usize;
    for i in 0..requests {
        let agency = &agencies[(i * 7919) % agencies.len()];
        let t = Instant::now();
        let res = client
            .get(format!("{url}/api/v1/dossiers?{query}"))
            .header("authorization", format!("Bearer dev:bench:{agency}"))
            .send()
            .await?;
        if res.status() != 200 {
            bail!("work list answered {}", res.status());
        }
        let body: serde_json::Value = res.json().await?;
        lat.push(t.elapsed());
        rows += body["items"].as_array().map_or(0, Vec::len);
    }
    print_latencies(&format!("worklist[{query}]"), lat, rows);
    Ok(())
}

/// The baseline of [`worklist`]: one statement per page on a bare pool.
async fn bare_worklist(
    url: &str,
    agencies: &[String],
    requests: usize,
    filter: &str,
) -> Result<()> {
    let sqlite = url.starts_with("sqlite:");
    let running = if sqlite {
        "clock_running = 1"
    } else {
        "clock_running"
    };
    let now = Clock::system().now().timestamp_millis();
    let condition = match filter {
        "plain" => String::new(),
        "status" => " AND status = 'processing'".to_owned(),
        "overdue" => format!(" AND {running} AND due_key < {now}"),
        // 16 working hours are two working days: at most four calendar days.
        "due16" => format!(" AND {running} AND due_key <= {}", now + 4 * 86_400_000),
        other => bail!("unknown filter {other}"),
    };
    let whole = agencies.iter().any(|a| a == "*");
    let scope = if whole {
        "TRUE"
    } else {
        "(current_agency = $1 OR receiving_unit = $1)"
    };
    let sql = format!(
        "SELECT code, procedure_code, status, sub_status, portal_status, applicant_name, \
         received_at, due_at, due_key, counts_late, version FROM dossiers \
         WHERE {scope}{condition} ORDER BY due_key, code LIMIT 50"
    );
    let mut lat = Vec::with_capacity(requests);
    let mut rows = 0usize;
    // One timing loop for either engine's pool.
    macro_rules! pages {
        ($pool:expr) => {{
            let pool = $pool;
            for i in 0..requests {
                let agency = &agencies[(i * 7919) % agencies.len()];
                let t = Instant::now();
                let q = sqlx::query(&sql);
                let q = if whole { q } else { q.bind(agency) };
                rows += q.fetch_all(&pool).await?.len();
                lat.push(t.elapsed());
            }
        }};
    }
    if sqlite {
        pages!(sqlx::SqlitePool::connect(url).await?);
    } else {
        pages!(sqlx::PgPool::connect(url).await?);
    }
    print_latencies(&format!("bare-worklist[{filter}]"), lat, rows);
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| {
        args.get(i)
            .cloned()
            .context("missing argument (see the file's doc)")
    };
    let num = |i: usize| -> Result<u64> { Ok(arg(i)?.parse()?) };
    let list =
        |i: usize| -> Result<Vec<String>> { Ok(arg(i)?.split(',').map(str::to_owned).collect()) };
    match arg(0)?.as_str() {
        "receptions" => receptions(&arg(1)?, &list(2)?, num(3)?, u32::try_from(num(4)?)?).await,
        "bare-sqlite" => {
            bare_sqlite(&arg(1)?, u32::try_from(num(2)?)?, u32::try_from(num(3)?)?).await
        }
        "bare-postgres" => {
            bare_postgres(
                &arg(1)?,
                u32::try_from(num(2)?)?,
                u32::try_from(num(3)?)?,
                u32::try_from(num(4)?)?,
            )
            .await
        }
        "worklist" => {
            worklist(
                &arg(1)?,
                &list(2)?,
                usize::try_from(num(3)?)?,
                args.get(4).map_or("limit=50", String::as_str),
            )
            .await
        }
        "bare-worklist" => {
            bare_worklist(&arg(1)?, &list(2)?, usize::try_from(num(3)?)?, &arg(4)?).await
        }
        other => bail!("unknown mode {other}"),
    }
}
