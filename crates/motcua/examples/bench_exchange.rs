//! Throughput of the exchange for `scripts/bench-exchange`, each beside a
//! baseline measured in the same run:
//!
//! - relay → national hub (claim, build CloudEvents, signed batch POSTs,
//!   mark delivered) vs a bare loop of signed batch POSTs of ready-made
//!   events of the same shape to the same hub;
//! - relay → NATS JetStream vs raw async-nats publishes (same batch size,
//!   publish then await the acks) to the same server.
//!
//! ```text
//! bench_exchange DB_URL HUB_URL KEY NATS_URL
//! ```
//! The database (`sqlite://…` or `postgres://…`) must hold outbox rows
//! (`motcua demo seed`); each sink is measured from "nothing delivered".
//!
//! `BENCH_BACKLOG=N` first pads the outbox to about N events with copies of
//! the seeded dossier events under new dossier codes (so every copy is a new
//! event at the hub), to measure a large backlog's drain rate;
//! `BENCH_RELAY_ONLY=1` skips the two baselines (for such a backlog).
//! `BENCH_BATCH=N` sets every sink's batch (else 200, NATS 1,000);
//! `BENCH_TRACE=motcua_exchange=debug` prints the relay's debug events,
//! each round's claim, build, sink and settle microseconds.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use motcua_app::exchange::{CloudEvent, DossierSummary, SigningKey};
use motcua_app::ports::{Clock, Store};
use motcua_exchange::hub::{HubSink, INTAKE_PATH};
use motcua_exchange::nats::{NatsConfig, NatsSink};
use motcua_exchange::{Relay, RelayConfig, Sink};
use motcua_store_postgres::PgStore;
use motcua_store_sqlite::SqliteStore;

const BATCH: usize = 200;

fn sample(i: usize) -> CloudEvent {
    let now = Clock::system().now();
    CloudEvent::new(
        "19",
        Some("05743".into()),
        "received",
        now,
        DossierSummary {
            code: format!("BASE-{i:08}"),
            version: 1,
            procedure_code: "1.004873".into(),
            procedure_version: 1,
            status: "received".into(),
            sub_status: "none".into(),
            portal_status: 2,
            channel: 1 + (i % 2) as u8,
            receiving_agency: "H55.X05743.TT".into(),
            deciding_agency: "H55.X05743".into(),
            current_agency: "H55.X05743".into(),
            applicant_kind: 1,
            submitted_at: now,
            received_at: Some(now),
            due_at: Some(now),
            finished_at: None,
            returned_at: None,
            counts_late: false,
            on_time: None,
            supplement_count: 0,
            digitised: false,
            fees_vnd: 0,
        },
        None,
    )
}

async fn bare_hub(hub: &str, key: &SigningKey, n: usize) -> Result<f64> {
    let client = reqwest::Client::new();
    let events: Vec<CloudEvent> = (0..n).map(sample).collect();
    let url = format!("{hub}{INTAKE_PATH}");
    let started = Instant::now();
    for chunk in events.chunks(BATCH) {
        let body = serde_json::to_vec(chunk)?;
        let id = format!("msg_{}", uuid::Uuid::new_v4().simple());
        let ts = Clock::system().now().timestamp();
        let res = client
            .post(&url)
            .header("content-type", "application/cloudevents-batch+json")
            .header("motcua-sender", "19")
            .header("webhook-id", &id)
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", key.sign(&id, ts, &body))
            .body(body)
            .send()
            .await?;
        anyhow::ensure!(res.status().is_success(), "hub answered {}", res.status());
    }
    Ok(n as f64 / started.elapsed().as_secs_f64())
}

/// Raw publishes of `n` events, `batch` in flight (published, then the
/// acknowledgements awaited); `first` numbers the events (ids must be new).
async fn bare_nats(url: &str, n: usize, batch: usize, first: usize) -> Result<f64> {
    let client = async_nats::connect(url).await?;
    let js = async_nats::jetstream::new(client);
    js.get_or_create_stream(async_nats::jetstream::stream::Config {
        name: "BENCH_RAW".into(),
        subjects: vec!["bench.raw.>".into()],
        duplicate_window: Duration::from_secs(600),
        ..Default::default()
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let bodies: Vec<(String, Vec<u8>)> = (first..first + n)
        .map(|i| {
            let e = sample(i);
            (e.id.clone(), serde_json::to_vec(&e).expect("json"))
        })
        .collect();
    let started = Instant::now();
    for chunk in bodies.chunks(batch) {
        let mut acks = Vec::with_capacity(chunk.len());
        for (id, body) in chunk {
            let mut headers = async_nats::HeaderMap::new();
            headers.insert("Nats-Msg-Id", id.as_str());
            acks.push(
                js.publish_with_headers("bench.raw.dossier.received", headers, body.clone().into())
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
            );
        }
        for ack in acks {
            ack.await.map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    Ok(n as f64 / started.elapsed().as_secs_f64())
}

/// The province database under the relay, with raw SQL for the resets.
enum Db {
    Sqlite(SqliteStore),
    Pg(PgStore),
}

impl Db {
    async fn open(url: &str) -> Result<Self> {
        Ok(if url.starts_with("postgres") {
            Self::Pg(
                PgStore::connect(url)
                    .await
                    .context("opening the province DB")?,
            )
        } else {
            Self::Sqlite(
                SqliteStore::connect(url)
                    .await
                    .context("opening the province DB")?,
            )
        })
    }

    fn store(&self) -> Arc<dyn Store> {
        match self {
            Self::Sqlite(s) => Arc::new(s.clone()),
            Self::Pg(s) => Arc::new(s.clone()),
        }
    }

    /// Pads the outbox to about `target` rows with copies of its dossier
    /// events under new codes (`<code>.k<n>`), before any sink exists.
    async fn pad_outbox(&self, target: u64) -> Result<u64> {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        let (have, dossier_rows) = match self {
            Self::Sqlite(s) => sqlx::query_as::<_, (i64, i64)>(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE message_type LIKE 'dossier.%') FROM outbox",
            )
            .fetch_one(s.pool())
            .await?,
            Self::Pg(s) => sqlx::query_as::<_, (i64, i64)>(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE message_type LIKE 'dossier.%') FROM outbox",
            )
            .fetch_one(s.pool())
            .await?,
        };
        let (have, dossier_rows) = (count(have), count(dossier_rows).max(1));
        if target <= have {
            return Ok(have);
        }
        let copies = (target - have).div_ceil(dossier_rows);
        for k in 1..=copies {
            let sql = match self {
                Self::Sqlite(_) => format!(
                    "INSERT INTO outbox (dossier_code, event_version, message_type, payload, \
                       created_at, available_at) \
                     SELECT dossier_code || '.k{k}', event_version, message_type, \
                       json_set(payload, '$.code', dossier_code || '.k{k}', \
                                '$.dossier.code', dossier_code || '.k{k}'), created_at, available_at \
                     FROM outbox WHERE message_type LIKE 'dossier.%' AND id <= {have} ORDER BY id"
                ),
                Self::Pg(_) => format!(
                    "INSERT INTO outbox (dossier_code, event_version, message_type, payload, \
                       created_at, available_at) \
                     SELECT dossier_code || '.k{k}', event_version, message_type, \
                       jsonb_set(jsonb_set(payload::jsonb, '{{code}}', to_jsonb(dossier_code || '.k{k}')), \
                                 '{{dossier,code}}', to_jsonb(dossier_code || '.k{k}'))::json, \
                       created_at, available_at \
                     FROM outbox WHERE message_type LIKE 'dossier.%' AND id <= {have} ORDER BY id"
                ),
            };
            self.exec(&sql).await?;
        }
        Ok(have + copies * dossier_rows)
    }

    async fn exec(&self, sql: &str) -> Result<()> {
        match self {
            Self::Sqlite(s) => {
                sqlx::raw_sql(sql).execute(s.pool()).await?;
            }
            Self::Pg(s) => {
                sqlx::raw_sql(sql).execute(s.pool()).await?;
            }
        }
        Ok(())
    }
}

/// `BENCH_BATCH=N`: every sink's batch (NATS's own default otherwise).
fn bench_batch() -> Option<u32> {
    std::env::var("BENCH_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
}

async fn relay_rate(db: &Db, sink: Arc<dyn Sink>) -> Result<(usize, f64)> {
    // Every event undelivered for this sink (its delivery rows are created
    // by the registration below, outside the timing).
    let name = sink.name().to_owned();
    anyhow::ensure!(name.bytes().all(|b| b.is_ascii_alphanumeric()), "sink name");
    db.exec(&format!(
        "DELETE FROM outbox_deliveries WHERE sink = '{name}'; \
         DELETE FROM exchange_sinks WHERE sink = '{name}'; \
         UPDATE outbox SET available_at = created_at, delivered_at = NULL, dead_at = NULL, \
           attempts = 0"
    ))
    .await?;
    let mut config = RelayConfig::new("19");
    config.batch = bench_batch().unwrap_or(BATCH as u32);
    let relay = Relay::new(db.store(), vec![sink], config);
    relay.register().await?;
    let started = Instant::now();
    let report = relay.drain().await?;
    anyhow::ensure!(
        report.dead == 0 && report.retried == 0,
        "failures: {report:?}"
    );
    Ok((
        report.delivered,
        report.delivered as f64 / started.elapsed().as_secs_f64(),
    ))
}

#[tokio::main]
async fn main() -> Result<()> {
    if let Ok(filter) = std::env::var("BENCH_TRACE") {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .init();
    }
    let args: Vec<String> = std::env::args().collect();
    let [_, db, hub, key, nats] = args.as_slice() else {
        anyhow::bail!("usage: bench_exchange DB_URL HUB_URL KEY NATS_URL");
    };
    let key = SigningKey::parse(key).map_err(|e| anyhow::anyhow!(e))?;
    let engine = if db.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let db = Db::open(db).await?;
    if let Some(target) = std::env::var("BENCH_BACKLOG")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        let padded = db.pad_outbox(target).await?;
        println!("outbox padded to                {padded} events");
    }
    let relay_only = std::env::var_os("BENCH_RELAY_ONLY").is_some();

    let hub_sink: Arc<dyn Sink> = Arc::new(HubSink::new(hub, "19", key.clone(), Clock::system())?);
    let (n, relay_hub) = relay_rate(&db, hub_sink).await?;
    let base_hub = if relay_only {
        f64::NAN
    } else {
        bare_hub(hub, &key, n).await?
    };

    let nats_sink = NatsSink::connect(&NatsConfig {
        servers: vec![nats.clone()],
        stream: "MOTCUA_19".into(),
        replicas: 1,
        province: "19".into(),
    })
    .await?;
    let nats_sink: Arc<dyn Sink> = Arc::new(match bench_batch() {
        Some(b) => nats_sink.with_batch(b),
        None => nats_sink,
    });
    let (_, relay_nats) = relay_rate(&db, nats_sink).await?;
    let nats_batch = bench_batch().unwrap_or(motcua_exchange::nats::DEFAULT_BATCH) as usize;
    let (base_nats, base_nats_wide) = if relay_only {
        (f64::NAN, f64::NAN)
    } else {
        (
            bare_nats(nats, n, BATCH, 0).await?,
            bare_nats(nats, n, nats_batch, n).await?,
        )
    };

    println!("province database              {engine}");
    println!("events                         {n}");
    println!("relay -> hub          {relay_hub:>10.0} events/s");
    println!(
        "bare POST loop -> hub {base_hub:>10.0} events/s   ratio relay/bare = {:.2}",
        relay_hub / base_hub
    );
    println!("relay -> NATS         {relay_nats:>10.0} events/s");
    println!(
        "raw async-nats -> NATS{base_nats:>10.0} events/s   ratio relay/raw  = {:.2}",
        relay_nats / base_nats
    );
    println!(
        "raw, {nats_batch:>4} in flight  {base_nats_wide:>10.0} events/s   ratio relay/raw  = {:.2} (the relay's NATS batch)",
        relay_nats / base_nats_wide
    );
    Ok(())
}
