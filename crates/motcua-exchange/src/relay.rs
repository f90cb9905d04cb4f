//! The relay: claim, build, deliver, record, one lane per sink.
//!
//! Every sink has its own delivery state (ADRs 0018, 0035): a lane claims
//! that sink's rows under the sink's lease, builds their CloudEvents, hands
//! them to the sink one event per dossier at a time (a batch may hold
//! several events of a dossier: they go in waves, in order, and a dossier
//! whose event failed sends nothing more in that batch) and records the
//! whole batch's outcome in one transaction. Lanes run side by side, so a
//! slow or refusing sink holds back nobody else.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use motcua_app::exchange::CloudEvent;
use motcua_app::ports::dossiers::OutboxRecord;
use motcua_app::ports::exchange::{Attempt, ClaimRequest, Failure, OutboxPosition, Settlement};
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
    /// Rows claimed per round and sink, for the sinks without a batch size
    /// of their own (`Sink::batch`: NATS takes 1,000).
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

/// A batch handed to its sink, its outcome not recorded yet.
#[derive(Default)]
struct Sent {
    /// Claimed, retried and parked so far (delivered once recorded).
    report: RoundReport,
    /// Outbox ids the sink took that have a delivery row of their own.
    delivered: Vec<i64>,
    /// How many fresh rows (past the sink's cursor) the sink took.
    fresh_delivered: u64,
    /// The batch's furthest fresh row: the cursor moves there.
    through: Option<OutboxPosition>,
    /// The failures to record.
    failed: Vec<Failure>,
    /// Rows not sent: an earlier event of their dossier failed or was held.
    held: Vec<i64>,
    /// The dossiers with a failed or held row in this batch: the next
    /// batch, claimed before this one is recorded, sends none of theirs.
    blocked: HashSet<String>,
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
        summed(set).await
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
        summed(set).await
    }
}

/// Waits for every lane's task: their reports summed, or the first error
/// (after all of them ended).
async fn summed(
    mut set: tokio::task::JoinSet<anyhow::Result<RoundReport>>,
) -> anyhow::Result<RoundReport> {
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
        let rows = self.claim(lane, None).await?;
        let claimed = !rows.is_empty();
        let report = self.deliver(lane, rows).await?;
        if claimed {
            self.release(lane).await;
        }
        Ok(report)
    }

    /// Gives up the sink's lease once every batch is recorded, so another
    /// relay (or this one restarted) may take the sink without waiting.
    async fn release(&self, lane: usize) {
        let sink = self.lanes[lane].sink.name();
        if let Err(err) = self.store.release_sink(sink, &self.config.relay_id).await {
            tracing::warn!(sink, error = %err, "exchange sink lease not released; it ends by itself");
        }
    }

    /// Batch after batch until a claim finds nothing or `stop` answers
    /// true. While a batch is with the sink, the store records the outcome
    /// of the batch before it and claims the next one in the same
    /// transaction (`settle_and_claim`: one commit a round). Order per
    /// dossier holds: the claim's fresh rows start after the batch with
    /// the sink (`ClaimRequest::after`), rows behind a recorded failure are
    /// held by the claim, and rows behind a failure of the batch not yet
    /// recorded are held by `send` (`Sent::blocked`). When a claim finds
    /// nothing, the last outcome is recorded with one more claim, and the
    /// stream ends when that finds nothing too; the sink's lease is then
    /// given up. A failure ends the stream; what was claimed ahead is
    /// claimed again by the next stream (fresh rows) or after its lease
    /// (delivery rows).
    async fn stream(
        &self,
        lane: usize,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> anyhow::Result<RoundReport> {
        self.register(lane).await?;
        let mut total = RoundReport::default();
        let mut rows = self.claim(lane, None).await?;
        // The furthest fresh row claimed so far in this stream.
        let mut after = highest_fresh(&rows, None);
        let mut claimed_any = !rows.is_empty();
        // The outcome of the batch sent last, not recorded yet.
        let mut unrecorded: Option<Sent> = None;
        loop {
            let stopping = stop();
            let blocked = unrecorded
                .as_ref()
                .map(|u| u.blocked.clone())
                .unwrap_or_default();
            if stopping && !rows.is_empty() {
                // Stopping with a batch in hand: deliver it, record both.
                let sent = self.send(lane, std::mem::take(&mut rows), &blocked).await;
                if let Some(previous) = unrecorded.take() {
                    total.add(self.record(lane, previous).await?);
                }
                total.add(self.record(lane, sent?).await?);
                break;
            }
            if rows.is_empty() {
                match unrecorded.take() {
                    None => break,
                    Some(previous) if stopping => {
                        total.add(self.record(lane, previous).await?);
                        break;
                    }
                    Some(previous) => {
                        let (report, next) = self.record_and_claim(lane, previous, after).await?;
                        total.add(report);
                        after = highest_fresh(&next, after);
                        rows = next;
                        continue;
                    }
                }
            }
            let ahead = async {
                match unrecorded.take() {
                    Some(previous) => self.record_and_claim(lane, previous, after).await,
                    None => Ok((RoundReport::default(), self.claim(lane, after).await?)),
                }
            };
            let (sent, ahead) =
                tokio::join!(self.send(lane, std::mem::take(&mut rows), &blocked), ahead);
            match (sent, ahead) {
                (Ok(sent), Ok((report, next))) => {
                    total.add(report);
                    unrecorded = Some(sent);
                    after = highest_fresh(&next, after);
                    claimed_any |= !next.is_empty();
                    rows = next;
                }
                (Ok(_), Err(err)) => {
                    // The batch before was not recorded, so neither is the
                    // one the sink just took: recording it would move the
                    // cursor past the first one's failures. Both are sent
                    // again by the next stream (receivers de-duplicate).
                    return Err(err);
                }
                (Err(err), Ok((report, _))) => {
                    total.add(report);
                    return Err(err);
                }
                (Err(err), Err(_)) => return Err(err),
            }
        }
        if claimed_any {
            self.release(lane).await;
        }
        Ok(total)
    }

    /// The claim request of a lane, now, for fresh rows after `after`.
    fn claim_request(
        &self,
        lane: usize,
        after: Option<OutboxPosition>,
    ) -> anyhow::Result<ClaimRequest> {
        let now = self.config.clock.now();
        let lease = chrono::Duration::from_std(self.config.lease)?;
        let sink = &self.lanes[lane].sink;
        Ok(ClaimRequest {
            sink: sink.name().to_owned(),
            relay: self.config.relay_id.clone(),
            now,
            lease_until: now + lease,
            limit: sink.batch().unwrap_or(self.config.batch),
            after,
        })
    }

    /// Claims up to a batch of the lane's deliveries under a lease.
    async fn claim(
        &self,
        lane: usize,
        after: Option<OutboxPosition>,
    ) -> anyhow::Result<Vec<OutboxRecord>> {
        let req = self.claim_request(lane, after)?;
        let t = std::time::Instant::now();
        let rows = self.store.claim_outbox(&req).await?;
        tracing::debug!(sink = %req.sink, claimed = rows.len(), claim_us = t.elapsed().as_micros() as u64, "exchange claim");
        Ok(rows)
    }

    /// Builds, delivers and records one claimed batch.
    async fn deliver(&self, lane: usize, rows: Vec<OutboxRecord>) -> anyhow::Result<RoundReport> {
        let sent = self.send(lane, rows, &HashSet::new()).await?;
        self.record(lane, sent).await
    }

    /// Builds one claimed batch's events and hands them to the sink in
    /// waves, one event per dossier each, oldest first; the outcome is for
    /// [`Inner::record`] or [`Inner::record_and_claim`]. A dossier in
    /// `blocked` (a failure of the batch before, not recorded yet) or whose
    /// event failed in an earlier wave sends nothing more: its rows are held.
    async fn send(
        &self,
        lane: usize,
        rows: Vec<OutboxRecord>,
        blocked: &HashSet<String>,
    ) -> anyhow::Result<Sent> {
        let sink = &self.lanes[lane].sink;
        let mut sent = Sent {
            report: RoundReport {
                claimed: rows.len(),
                ..RoundReport::default()
            },
            through: highest_fresh(&rows, None),
            ..Sent::default()
        };
        if rows.is_empty() {
            return Ok(sent);
        }
        let t_build = std::time::Instant::now();
        // Build envelopes; an unbuildable row is parked at once, and the
        // rows behind it in its dossier are held unbuilt. Each other row
        // goes in the wave of its rank among its dossier's rows.
        let mut waves: Vec<Vec<(usize, CloudEvent)>> = Vec::new();
        let mut rank: HashMap<&str, usize> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            if sent.blocked.contains(&row.dossier_code) {
                sent.held.push(row.id);
                continue;
            }
            let r = rank.entry(row.dossier_code.as_str()).or_insert(0);
            match self.builder.build(row).await {
                Ok(event) => {
                    if waves.len() <= *r {
                        waves.resize_with(*r + 1, Vec::new);
                    }
                    waves[*r].push((i, event));
                }
                Err(message) => {
                    let failure = self.failure(
                        row,
                        sink.name(),
                        &SinkError::permanent(message),
                        &mut sent.report,
                    )?;
                    sent.failed.push(failure);
                    sent.blocked.insert(row.dossier_code.clone());
                }
            }
            *r += 1;
        }
        let t_sink = std::time::Instant::now();
        for wave in waves {
            let mut ready = Vec::with_capacity(wave.len());
            let mut events = Vec::with_capacity(wave.len());
            for (i, event) in wave {
                let row = &rows[i];
                if blocked.contains(&row.dossier_code) || sent.blocked.contains(&row.dossier_code) {
                    sent.held.push(row.id);
                    sent.blocked.insert(row.dossier_code.clone());
                } else {
                    ready.push(row);
                    events.push(event);
                }
            }
            if events.is_empty() {
                continue;
            }
            let results = sink.deliver(&events).await;
            for (i, row) in ready.iter().enumerate() {
                match results
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| Err(SinkError::transient("sink answered too few results")))
                {
                    Ok(()) if row.fresh => sent.fresh_delivered += 1,
                    Ok(()) => sent.delivered.push(row.id),
                    Err(e) => {
                        let failure = self.failure(row, sink.name(), &e, &mut sent.report)?;
                        sent.failed.push(failure);
                        sent.blocked.insert(row.dossier_code.clone());
                    }
                }
            }
        }
        tracing::debug!(
            sink = sink.name(),
            build_us = (t_sink - t_build).as_micros() as u64,
            sink_us = t_sink.elapsed().as_micros() as u64,
            "exchange send"
        );
        Ok(sent)
    }

    /// Records a sent batch's outcome.
    async fn record(&self, lane: usize, sent: Sent) -> anyhow::Result<RoundReport> {
        let t = std::time::Instant::now();
        let settled = self.store.settle(&self.settlement(lane, &sent)).await?;
        tracing::debug!(
            settle_us = t.elapsed().as_micros() as u64,
            "exchange settle"
        );
        Ok(self.recorded(lane, sent, settled.delivered))
    }

    /// Records a sent batch's outcome and claims the lane's next batch,
    /// in one transaction.
    async fn record_and_claim(
        &self,
        lane: usize,
        sent: Sent,
        after: Option<OutboxPosition>,
    ) -> anyhow::Result<(RoundReport, Vec<OutboxRecord>)> {
        let req = self.claim_request(lane, after)?;
        let t = std::time::Instant::now();
        let (settled, rows) = self
            .store
            .settle_and_claim(&self.settlement(lane, &sent), &req)
            .await?;
        tracing::debug!(sink = %req.sink, claimed = rows.len(), settle_claim_us = t.elapsed().as_micros() as u64, "exchange settle and claim");
        Ok((self.recorded(lane, sent, settled.delivered), rows))
    }

    fn settlement<'a>(&'a self, lane: usize, sent: &'a Sent) -> Settlement<'a> {
        Settlement {
            sink: self.lanes[lane].sink.name(),
            relay: &self.config.relay_id,
            now: self.config.clock.now(),
            delivered: &sent.delivered,
            fresh_delivered: sent.fresh_delivered,
            through: sent.through,
            failed: &sent.failed,
            held: &sent.held,
        }
    }

    /// The round's report once its outcome is recorded.
    fn recorded(&self, lane: usize, sent: Sent, delivered: u64) -> RoundReport {
        let mut report = sent.report;
        report.delivered = usize::try_from(delivered).unwrap_or(usize::MAX);
        tracing::debug!(
            sink = self.lanes[lane].sink.name(),
            claimed = report.claimed,
            delivered = report.delivered,
            retried = report.retried,
            dead = report.dead,
            "exchange round"
        );
        report
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

/// The furthest fresh row among `rows` and `so_far`, in delivery order.
fn highest_fresh(rows: &[OutboxRecord], so_far: Option<OutboxPosition>) -> Option<OutboxPosition> {
    rows.iter()
        .filter(|r| r.fresh)
        .map(OutboxRecord::position)
        .chain(so_far)
        .max()
}
