//! The relay: claim, build, deliver, record, one lane per sink.
//!
//! Every sink has its own delivery state (ADR 0018): a lane claims that
//! sink's deliveries, builds their CloudEvents, hands them to the sink and
//! records the whole batch's outcome in one transaction. Lanes run side by
//! side, so a slow or refusing sink holds back nobody else.

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use motcua_app::ports::dossiers::OutboxRecord;
use motcua_app::ports::exchange::{Attempt, ClaimRequest, Failure, Settlement};
use motcua_app::ports::{Clock, Store};

use crate::backoff::Backoff;
use crate::envelope::EnvelopeBuilder;
use crate::sink::{Sink, SinkError};

/// How a relay runs.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// This relay's id (unique among running relays).
    pub relay_id: String,
    /// The province code put in every event's source.
    pub province: String,
    /// Rows claimed per round and sink.
    pub batch: u32,
    /// How long a claim holds a row; a relay that dies releases its rows
    /// when the lease ends.
    pub lease: Duration,
    /// Sleep when there is nothing to do.
    pub idle_poll: Duration,
    /// Retry policy.
    pub backoff: Backoff,
    /// Where "now" comes from (claims, leases, retry times).
    pub clock: Clock,
}

impl RelayConfig {
    /// Defaults for `province`: batches of 200, 30 s leases, 500 ms polls,
    /// the system clock.
    pub fn new(province: impl Into<String>) -> Self {
        Self {
            relay_id: format!("relay-{}", uuid::Uuid::new_v4().simple()),
            province: province.into(),
            batch: 200,
            lease: Duration::from_secs(30),
            idle_poll: Duration::from_millis(500),
            backoff: Backoff::default(),
            clock: Clock::system(),
        }
    }
}

/// What one round did (summed over the sinks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoundReport {
    /// Deliveries claimed.
    pub claimed: usize,
    /// Delivered.
    pub delivered: usize,
    /// Scheduled for a retry.
    pub retried: usize,
    /// Parked as dead letters.
    pub dead: usize,
}

impl RoundReport {
    fn add(&mut self, other: RoundReport) {
        self.claimed += other.claimed;
        self.delivered += other.delivered;
        self.retried += other.retried;
        self.dead += other.dead;
    }
}

/// One sink and whether it is registered in the store yet.
struct Lane {
    sink: Arc<dyn Sink>,
    registered: AtomicBool,
}

struct Inner {
    store: Arc<dyn Store>,
    lanes: Vec<Lane>,
    builder: EnvelopeBuilder,
    config: RelayConfig,
}

/// The outbox relay.
pub struct Relay {
    inner: Arc<Inner>,
}

impl Relay {
    /// A relay over `store` delivering to `sinks` (by name: a second sink
    /// with the same name is left out, since it would share the first's
    /// delivery state).
    pub fn new(store: Arc<dyn Store>, sinks: Vec<Arc<dyn Sink>>, config: RelayConfig) -> Self {
        let mut names = HashSet::new();
        let lanes = sinks
            .into_iter()
            .filter(|s| {
                let fresh = names.insert(s.name().to_owned());
                if !fresh {
                    tracing::error!(
                        sink = s.name(),
                        "two sinks with one name: the second is ignored"
                    );
                }
                fresh
            })
            .map(|sink| Lane {
                sink,
                registered: AtomicBool::new(false),
            })
            .collect();
        Self {
            inner: Arc::new(Inner {
                builder: EnvelopeBuilder::new(store.clone(), config.province.clone()),
                store,
                lanes,
                config,
            }),
        }
    }

    /// This relay's configuration.
    pub fn config(&self) -> &RelayConfig {
        &self.inner.config
    }

    /// The names of the sinks.
    pub fn sink_names(&self) -> Vec<String> {
        self.inner
            .lanes
            .iter()
            .map(|l| l.sink.name().to_owned())
            .collect()
    }

    /// Registers every sink in the store (done by the first round anyway):
    /// a sink new to this database gets the events already written.
    pub async fn register(&self) -> anyhow::Result<()> {
        for i in 0..self.inner.lanes.len() {
            self.inner.register(i).await?;
        }
        Ok(())
    }

    /// One round for every sink at once: claims a batch each and delivers it.
    pub async fn run_once(&self) -> anyhow::Result<RoundReport> {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..self.inner.lanes.len() {
            let inner = self.inner.clone();
            set.spawn(async move { inner.round(i).await });
        }
        let mut total = RoundReport::default();
        let mut first_error = None;
        while let Some(joined) = set.join_next().await {
            match joined.map_err(anyhow::Error::from).and_then(|r| r) {
                Ok(r) => total.add(r),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(total),
        }
    }

    /// Runs one loop per sink until `shutdown` completes; a busy round is
    /// followed at once by the next, an idle or failed one by a pause.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) {
        tracing::info!(relay = %self.inner.config.relay_id, sinks = ?self.sink_names(), "exchange relay started");
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut set = tokio::task::JoinSet::new();
        for i in 0..self.inner.lanes.len() {
            let inner = self.inner.clone();
            let mut stopped = stopped.clone();
            set.spawn(async move {
                loop {
                    // A stream of batches until a claim finds nothing (or
                    // the relay stops): then, or after a failure, a pause.
                    let stop = stopped.clone();
                    let pause = match inner.stream(i, &|| *stop.borrow()).await {
                        Ok(_) => inner.config.idle_poll,
                        Err(err) => {
                            tracing::error!(
                                sink = inner.lanes[i].sink.name(),
                                error = format!("{err:#}"),
                                "exchange relay round failed"
                            );
                            inner.config.idle_poll
                        }
                    };
                    if *stopped.borrow() {
                        break;
                    }
                    tokio::select! {
                        _ = stopped.changed() => break,
                        () = tokio::time::sleep(pause) => {}
                    }
                }
            });
        }
        shutdown.await;
        let _ = stop.send(true);
        while set.join_next().await.is_some() {}
        tracing::info!(relay = %self.inner.config.relay_id, "exchange relay stopped");
    }

    /// Delivers every lane's batches until a claim of that lane finds
    /// nothing (tests, `motcua relay --once`); lanes run side by side, each
    /// claiming its next batch while the current one is with its sink.
    pub async fn drain(&self) -> anyhow::Result<RoundReport> {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..self.inner.lanes.len() {
            let inner = self.inner.clone();
            set.spawn(async move { inner.stream(i, &|| false).await });
        }
        let mut total = RoundReport::default();
        let mut first_error = None;
        while let Some(joined) = set.join_next().await {
            match joined.map_err(anyhow::Error::from).and_then(|r| r) {
                Ok(r) => total.add(r),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(total),
        }
    }
}

impl Inner {
    async fn register(&self, lane: usize) -> anyhow::Result<()> {
        let lane = &self.lanes[lane];
        if !lane.registered.load(Ordering::Acquire) {
            let name = lane.sink.name();
            if self
                .store
                .register_sink(name, self.config.clock.now())
                .await?
            {
                tracing::info!(
                    sink = name,
                    "exchange sink registered: it gets every event written so far"
                );
            }
            lane.registered.store(true, Ordering::Release);
        }
        Ok(())
    }

    /// Claims one batch of a sink's deliveries, delivers it, records it.
    async fn round(&self, lane: usize) -> anyhow::Result<RoundReport> {
        self.register(lane).await?;
        let rows = self.claim(lane).await?;
        self.deliver(lane, rows).await
    }

    /// Batch after batch until a claim finds nothing or `stop` answers
    /// true: the next batch is claimed while the current one is built,
    /// delivered and recorded. Order per dossier holds: a row of the batch
    /// in flight is undelivered, so the rows behind it in its dossier are
    /// not claimable until its outcome is recorded. A failure ends the
    /// stream; a batch claimed ahead then waits for its lease to end.
    async fn stream(
        &self,
        lane: usize,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> anyhow::Result<RoundReport> {
        self.register(lane).await?;
        let mut total = RoundReport::default();
        let mut rows = self.claim(lane).await?;
        while !rows.is_empty() {
            if stop() {
                total.add(self.deliver(lane, rows).await?);
                break;
            }
            let (done, next) = tokio::join!(self.deliver(lane, rows), self.claim(lane));
            total.add(done?);
            rows = next?;
            if rows.is_empty() {
                // The claim ahead found nothing, maybe only because the
                // batch in flight held its dossiers' next rows: ask again.
                rows = self.claim(lane).await?;
            }
        }
        Ok(total)
    }

    /// Claims up to a batch of the lane's deliveries under a lease.
    async fn claim(&self, lane: usize) -> anyhow::Result<Vec<OutboxRecord>> {
        let sink = &self.lanes[lane].sink;
        let now = self.config.clock.now();
        let lease = chrono::Duration::from_std(self.config.lease)?;
        Ok(self
            .store
            .claim_outbox(&ClaimRequest {
                sink: sink.name().to_owned(),
                relay: self.config.relay_id.clone(),
                now,
                lease_until: now + lease,
                limit: self.config.batch,
            })
            .await?)
    }

    /// Builds, delivers and records one claimed batch.
    async fn deliver(&self, lane: usize, rows: Vec<OutboxRecord>) -> anyhow::Result<RoundReport> {
        let sink = &self.lanes[lane].sink;
        let mut report = RoundReport {
            claimed: rows.len(),
            ..RoundReport::default()
        };
        if rows.is_empty() {
            return Ok(report);
        }
        // Build envelopes; an unbuildable row is parked at once.
        let mut failed = Vec::new();
        let mut ready = Vec::with_capacity(rows.len());
        let mut events = Vec::with_capacity(rows.len());
        for row in &rows {
            match self.builder.build(row).await {
                Ok(event) => {
                    ready.push(row);
                    events.push(event);
                }
                Err(message) => {
                    failed.push(self.failure(
                        row,
                        sink.name(),
                        &SinkError::permanent(message),
                        &mut report,
                    )?);
                }
            }
        }
        let results = if events.is_empty() {
            Vec::new()
        } else {
            sink.deliver(&events).await
        };
        let mut delivered = Vec::with_capacity(ready.len());
        for (i, row) in ready.iter().enumerate() {
            match results
                .get(i)
                .cloned()
                .unwrap_or_else(|| Err(SinkError::transient("sink answered too few results")))
            {
                Ok(()) => delivered.push(row.id),
                Err(e) => failed.push(self.failure(row, sink.name(), &e, &mut report)?),
            }
        }
        let settled = self
            .store
            .settle(&Settlement {
                sink: sink.name(),
                relay: &self.config.relay_id,
                now: self.config.clock.now(),
                delivered: &delivered,
                failed: &failed,
            })
            .await?;
        report.delivered = usize::try_from(settled.delivered).unwrap_or(usize::MAX);
        tracing::debug!(
            sink = sink.name(),
            claimed = report.claimed,
            delivered = report.delivered,
            retried = report.retried,
            dead = report.dead,
            "exchange round"
        );
        Ok(report)
    }

    /// The failure to record for `row`: retry later, or park.
    fn failure(
        &self,
        row: &OutboxRecord,
        sink: &str,
        err: &SinkError,
        report: &mut RoundReport,
    ) -> anyhow::Result<Failure> {
        let attempts = row.attempts + 1;
        let next = if err.permanent || self.config.backoff.is_dead(attempts) {
            report.dead += 1;
            Attempt::Dead
        } else {
            report.retried += 1;
            let delay = self.config.backoff.delay(attempts, fastrand::f64());
            Attempt::RetryAt(self.config.clock.now() + chrono::Duration::from_std(delay)?)
        };
        tracing::warn!(sink, id = row.id, dossier = %row.dossier_code, attempts, error = %err.message, dead = matches!(next, Attempt::Dead), "exchange delivery failed");
        Ok(Failure {
            id: row.id,
            error: format!("{sink}: {}", err.message),
            next,
        })
    }
}
