//! The relay: claim, build, deliver, record.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use motcua_app::ports::Store;
use motcua_app::ports::exchange::{Attempt, ClaimRequest};

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
    /// Rows claimed per round.
    pub batch: u32,
    /// How long a claim holds a row; a relay that dies releases its rows
    /// when the lease ends.
    pub lease: Duration,
    /// Sleep when there is nothing to do.
    pub idle_poll: Duration,
    /// Retry policy.
    pub backoff: Backoff,
}

impl RelayConfig {
    /// Defaults for `province`: batches of 200, 30 s leases, 500 ms polls.
    pub fn new(province: impl Into<String>) -> Self {
        Self {
            relay_id: format!("relay-{}", uuid::Uuid::new_v4().simple()),
            province: province.into(),
            batch: 200,
            lease: Duration::from_secs(30),
            idle_poll: Duration::from_millis(500),
            backoff: Backoff::default(),
        }
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoundReport {
    /// Rows claimed.
    pub claimed: usize,
    /// Delivered to every sink.
    pub delivered: usize,
    /// Scheduled for a retry.
    pub retried: usize,
    /// Parked as dead letters.
    pub dead: usize,
}

/// The outbox relay.
pub struct Relay {
    store: Arc<dyn Store>,
    sinks: Vec<Arc<dyn Sink>>,
    builder: EnvelopeBuilder,
    config: RelayConfig,
}

impl Relay {
    /// A relay over `store` delivering to `sinks`.
    pub fn new(store: Arc<dyn Store>, sinks: Vec<Arc<dyn Sink>>, config: RelayConfig) -> Self {
        Self {
            builder: EnvelopeBuilder::new(store.clone(), config.province.clone()),
            store,
            sinks,
            config,
        }
    }

    /// This relay's configuration.
    pub fn config(&self) -> &RelayConfig {
        &self.config
    }

    /// Claims one batch and delivers it.
    pub async fn run_once(&self) -> anyhow::Result<RoundReport> {
        let now = Utc::now();
        let lease = chrono::Duration::from_std(self.config.lease)?;
        let rows = self
            .store
            .claim_outbox(&ClaimRequest {
                relay: self.config.relay_id.clone(),
                now,
                lease_until: now + lease,
                limit: self.config.batch,
            })
            .await?;
        let mut report = RoundReport {
            claimed: rows.len(),
            ..RoundReport::default()
        };
        if rows.is_empty() {
            return Ok(report);
        }
        // Build envelopes; an unbuildable row is parked at once.
        let mut ready = Vec::with_capacity(rows.len());
        for row in rows {
            match self.builder.build(&row).await {
                Ok(event) => ready.push((row, event)),
                Err(message) => {
                    let err = SinkError::permanent(message);
                    self.record_failure(&row, &err, &mut report).await?;
                }
            }
        }
        let events: Vec<_> = ready.iter().map(|(_, e)| e.clone()).collect();
        let mut outcome: Vec<Result<(), SinkError>> = vec![Ok(()); events.len()];
        for sink in &self.sinks {
            let results = sink.deliver(&events).await;
            for (i, slot) in outcome.iter_mut().enumerate() {
                let r = results
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| Err(SinkError::transient("sink answered too few results")));
                if let (Ok(()), Err(e)) = (&slot, r) {
                    *slot = Err(SinkError {
                        message: format!("{}: {}", sink.name(), e.message),
                        permanent: e.permanent,
                    });
                }
            }
        }
        for ((row, _), result) in ready.iter().zip(outcome) {
            match result {
                Ok(()) => {
                    if self
                        .store
                        .mark_delivered(row.id, &self.config.relay_id, Utc::now())
                        .await?
                    {
                        report.delivered += 1;
                    }
                }
                Err(err) => self.record_failure(row, &err, &mut report).await?,
            }
        }
        metrics_note(&report);
        Ok(report)
    }

    async fn record_failure(
        &self,
        row: &motcua_app::ports::dossiers::OutboxRecord,
        err: &SinkError,
        report: &mut RoundReport,
    ) -> anyhow::Result<()> {
        let attempts = row.attempts + 1;
        let now = Utc::now();
        let next = if err.permanent || self.config.backoff.is_dead(attempts) {
            report.dead += 1;
            Attempt::Dead
        } else {
            report.retried += 1;
            let delay = self.config.backoff.delay(attempts, fastrand::f64());
            Attempt::RetryAt(now + chrono::Duration::from_std(delay)?)
        };
        tracing::warn!(id = row.id, dossier = %row.dossier_code, attempts, error = %err.message, dead = matches!(next, Attempt::Dead), "exchange delivery failed");
        self.store
            .mark_failed(row.id, &self.config.relay_id, &err.message, next, now)
            .await?;
        Ok(())
    }

    /// Runs rounds until `shutdown` completes; a busy round is followed at
    /// once by the next, an idle or failed one by a pause.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        tracing::info!(relay = %self.config.relay_id, sinks = self.sinks.len(), "exchange relay started");
        loop {
            let pause = match self.run_once().await {
                Ok(r) if r.claimed > 0 => Duration::ZERO,
                Ok(_) => self.config.idle_poll,
                Err(err) => {
                    tracing::error!(error = format!("{err:#}"), "exchange relay round failed");
                    self.config.idle_poll
                }
            };
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(pause) => {}
            }
        }
        tracing::info!(relay = %self.config.relay_id, "exchange relay stopped");
    }

    /// Runs rounds until one claims nothing (tests, `motcua relay --once`).
    pub async fn drain(&self) -> anyhow::Result<RoundReport> {
        let mut total = RoundReport::default();
        loop {
            let r = self.run_once().await?;
            if r.claimed == 0 {
                return Ok(total);
            }
            total.claimed += r.claimed;
            total.delivered += r.delivered;
            total.retried += r.retried;
            total.dead += r.dead;
        }
    }
}

fn metrics_note(report: &RoundReport) {
    tracing::debug!(
        claimed = report.claimed,
        delivered = report.delivered,
        retried = report.retried,
        dead = report.dead,
        "exchange round"
    );
}
