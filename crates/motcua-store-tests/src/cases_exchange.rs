//! Conformance cases of the exchange store: per-sink delivery state (ADRs
//! 0018, 0035): a cursor per sink, one relay at a time under the sink's
//! lease, a dossier's events in order, delivery rows only for what failed,
//! is dead or waits behind them; a sink's failures, dead letters and
//! replays leave the other sinks alone; batches settled in one
//! transaction; a sink registered late gets the events written before it,
//! with their pre-0010 state; the national hub's idempotent index.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use motcua_app::ports::Store;
use motcua_app::ports::dossiers::OutboxRecord;
use motcua_app::ports::exchange::{
    Attempt, ClaimRequest, Failure, OutboxCounts, OutboxPosition, Settled, Settlement, total,
};
use motcua_app::ports::national::NationalEventRow;
use motcua_domain::dossier::Action;

use crate::RawSql;
use crate::dossier_fixtures::{agencies, append, create, state, t0};

const TT1: &str = "H55.X05743.TT";

fn claim(sink: &str, relay: &str, now: DateTime<Utc>, limit: u32) -> ClaimRequest {
    claim_after(sink, relay, now, limit, None)
}

fn claim_after(
    sink: &str,
    relay: &str,
    now: DateTime<Utc>,
    limit: u32,
    after: Option<OutboxPosition>,
) -> ClaimRequest {
    ClaimRequest {
        sink: sink.into(),
        relay: relay.into(),
        now,
        lease_until: now + TimeDelta::seconds(30),
        limit,
        after,
    }
}

/// The furthest fresh row of `rows`.
fn through(rows: &[OutboxRecord]) -> Option<OutboxPosition> {
    rows.iter()
        .filter(|r| r.fresh)
        .map(OutboxRecord::position)
        .max()
}

/// What a relay records when the sink took every row of `rows`.
fn all_delivered<'a>(
    sink: &'a str,
    relay: &'a str,
    rows: &[OutboxRecord],
    own: &'a [i64],
    now: DateTime<Utc>,
) -> Settlement<'a> {
    Settlement {
        sink,
        relay,
        now,
        delivered: own,
        fresh_delivered: rows.iter().filter(|r| r.fresh).count() as u64,
        through: through(rows),
        failed: &[],
        held: &[],
    }
}

/// The ids of `rows` that have a delivery row of their own.
fn own(rows: &[OutboxRecord]) -> Vec<i64> {
    rows.iter().filter(|r| !r.fresh).map(|r| r.id).collect()
}

/// Records that the sink took every row of `rows`; answers how many the
/// store counted delivered.
async fn deliver(
    store: &dyn Store,
    sink: &str,
    relay: &str,
    rows: &[OutboxRecord],
    now: DateTime<Utc>,
) -> u64 {
    let own = own(rows);
    store
        .settle(&all_delivered(sink, relay, rows, &own, now))
        .await
        .unwrap()
        .delivered
}

async fn counts_of(store: &dyn Store, sink: &str) -> (u64, u64, u64) {
    let c = store
        .outbox_counts()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.sink == sink)
        .map(|c| c.counts)
        .unwrap_or_default();
    (c.pending, c.delivered, c.dead)
}

fn versions(rows: &[OutboxRecord]) -> Vec<(String, u64)> {
    rows.iter()
        .map(|r| (r.dossier_code.clone(), r.row.event_version))
        .collect()
}

/// A dossier with two events (received, handed over): two outbox rows.
async fn dossier_with_two_events(store: &dyn Store, key: &str) -> String {
    let code = create(store, TT1, key, 10).await;
    let d = state(store, &code).await;
    append(
        store,
        &d,
        1,
        &format!("{key}-h"),
        Action::HandOver {
            to: "cv".into(),
            step_deadline: t0() + TimeDelta::days(3),
        },
        5,
    )
    .await
    .expect("hand over");
    code
}

/// A claim takes the sink's lease and the fresh rows past its cursor, a
/// dossier's events together and in order; another relay gets nothing
/// while the lease lives, and cannot record; the holder's outcome moves the
/// cursor; a released or lapsed lease lets another relay take the sink.
pub async fn exchange_claims_in_order_per_dossier_under_a_lease(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    assert!(store.register_sink("hub", t0()).await.unwrap());
    assert!(!store.register_sink("hub", t0()).await.unwrap(), "once");
    let a = dossier_with_two_events(&*store, "a").await;
    let b = dossier_with_two_events(&*store, "b").await;
    let now = t0() + TimeDelta::hours(1);
    let first = store
        .claim_outbox(&claim("hub", "r1", now, 10))
        .await
        .unwrap();
    assert_eq!(
        versions(&first),
        [
            (a.clone(), 1),
            (a.clone(), 2),
            (b.clone(), 1),
            (b.clone(), 2)
        ]
    );
    assert!(first.windows(2).all(|w| w[0].id < w[1].id));
    assert!(first.iter().all(|r| r.fresh && r.attempts == 0));
    // Under the sink's lease nobody else gets anything, nor records.
    assert!(
        store
            .claim_outbox(&claim("hub", "r2", now, 10))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(deliver(&*store, "hub", "r2", &first, now).await, 0);
    assert_eq!(counts_of(&*store, "hub").await, (4, 0, 0));
    // The holder claims past what it has in flight: nothing more yet.
    assert!(
        store
            .claim_outbox(&claim_after("hub", "r1", now, 10, through(&first)))
            .await
            .unwrap()
            .is_empty()
    );
    // One settlement records the whole batch by moving the cursor.
    assert_eq!(deliver(&*store, "hub", "r1", &first, now).await, 4);
    assert_eq!(counts_of(&*store, "hub").await, (0, 4, 0));
    // Released, the sink goes to the next relay that asks.
    store.release_sink("hub", "r1").await.unwrap();
    let c = create(&*store, TT1, "c", 10).await;
    let second = store
        .claim_outbox(&claim("hub", "r2", now, 10))
        .await
        .unwrap();
    assert_eq!(versions(&second), [(c.clone(), 1)]);
    // r2 dies; after its lease r1 takes the sink and the row again, and r2
    // can no longer record it.
    let later = now + TimeDelta::seconds(31);
    let retaken = store
        .claim_outbox(&claim("hub", "r1", later, 10))
        .await
        .unwrap();
    assert_eq!(versions(&retaken), [(c.clone(), 1)]);
    assert_eq!(deliver(&*store, "hub", "r2", &second, later).await, 0);
    assert_eq!(deliver(&*store, "hub", "r1", &retaken, later).await, 1);
    assert_eq!(counts_of(&*store, "hub").await, (0, 5, 0));
    assert!(
        store
            .claim_outbox(&claim("hub", "r1", later, 10))
            .await
            .unwrap()
            .is_empty()
    );
}

/// `settle_and_claim` records a batch's outcome and claims the next batch
/// in one step: the claim sees the outcome (a failed row waits for its
/// retry time, with a delivery row of its own), another relay records and
/// claims nothing, and relays draining side by side deliver every row
/// exactly once.
pub async fn exchange_settle_and_claim_records_then_claims(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    store.register_sink("nats", t0()).await.unwrap();
    let a = dossier_with_two_events(&*store, "a").await;
    let b = dossier_with_two_events(&*store, "b").await;
    let c = dossier_with_two_events(&*store, "c").await;
    let now = t0() + TimeDelta::hours(1);
    let first = store
        .claim_outbox(&claim("nats", "r1", now, 2))
        .await
        .unwrap();
    assert_eq!(versions(&first), [(a.clone(), 1), (a.clone(), 2)]);
    let failed = [Failure {
        id: first[1].id,
        error: "nats: no ack".into(),
        next: Attempt::RetryAt(now + TimeDelta::hours(1)),
    }];
    let (settled, next) = store
        .settle_and_claim(
            &Settlement {
                sink: "nats",
                relay: "r1",
                now,
                delivered: &[],
                fresh_delivered: 1,
                through: through(&first),
                failed: &failed,
                held: &[],
            },
            &claim_after("nats", "r1", now, 10, through(&first)),
        )
        .await
        .unwrap();
    assert_eq!(
        settled,
        Settled {
            delivered: 1,
            failed: 1
        }
    );
    // a2 waits for its retry; b and c come in the same step.
    assert_eq!(
        versions(&next),
        [
            (b.clone(), 1),
            (b.clone(), 2),
            (c.clone(), 1),
            (c.clone(), 2)
        ]
    );
    // Another relay records nothing and claims nothing.
    let own_next = own(&next);
    let (settled, none) = store
        .settle_and_claim(
            &all_delivered("nats", "r2", &next, &own_next, now),
            &claim("nats", "r2", now, 10),
        )
        .await
        .unwrap();
    assert_eq!(settled, Settled::default());
    assert!(none.is_empty(), "{none:?}");
    assert_eq!(counts_of(&*store, "nats").await, (5, 1, 0));

    // Relays draining side by side, each recording its last batch and
    // claiming the next in one step: every row once. r1's lease and a2's
    // retry time are over by then, so a2 and r1's unrecorded batch (b, c)
    // come again, with the 48 new rows.
    for i in 0..24 {
        dossier_with_two_events(&*store, &format!("d{i}")).await;
    }
    let later = now + TimeDelta::hours(2);
    let mut tasks = Vec::new();
    for relay in ["r3", "r4"] {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut in_flight: Vec<OutboxRecord> = Vec::new();
            let mut after = None;
            let mut mine = Vec::new();
            loop {
                let own = own(&in_flight);
                let (_, rows) = store
                    .settle_and_claim(
                        &all_delivered("nats", relay, &in_flight, &own, later),
                        &claim_after("nats", relay, later, 5, after),
                    )
                    .await
                    .unwrap();
                if rows.is_empty() {
                    break;
                }
                after = through(&rows).or(after);
                mine.extend(
                    rows.iter()
                        .map(|r| (r.dossier_code.clone(), r.row.event_version, r.id)),
                );
                in_flight = rows;
                tokio::task::yield_now().await;
            }
            store.release_sink("nats", relay).await.unwrap();
            mine
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let ids: BTreeSet<i64> = all.iter().map(|(_, _, id)| *id).collect();
    assert_eq!(ids.len(), all.len(), "no row claimed twice: {all:?}");
    assert_eq!(all.len(), 5 + 48, "{all:?}");
    assert_eq!(counts_of(&*store, "nats").await, (0, 1 + 53, 0));
}

/// Failures count attempts and delay the row; a fresh row behind a failed
/// one is held by the claim; a dead row is listed, holds back its
/// dossier's later rows, and a replay puts it back.
pub async fn exchange_failures_dead_letters_and_replay(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    store.register_sink("hub", t0()).await.unwrap();
    let a = dossier_with_two_events(&*store, "a").await;
    let now = t0() + TimeDelta::hours(1);
    let batch = store
        .claim_outbox(&claim("hub", "r1", now, 1))
        .await
        .unwrap();
    assert_eq!(versions(&batch), [(a.clone(), 1)]);
    let row = &batch[0];
    let retry_at = now + TimeDelta::seconds(4);
    let fail = |id: i64,
                error: &'static str,
                next: Attempt,
                at: DateTime<Utc>,
                fresh: Option<OutboxPosition>| {
        let store = store.clone();
        async move {
            store
                .settle(&Settlement {
                    sink: "hub",
                    relay: "r1",
                    now: at,
                    delivered: &[],
                    fresh_delivered: 0,
                    through: fresh,
                    failed: &[Failure {
                        id,
                        error: error.into(),
                        next,
                    }],
                    held: &[],
                })
                .await
                .unwrap()
                .failed
        }
    };
    assert_eq!(
        fail(
            row.id,
            "hub unreachable",
            Attempt::RetryAt(retry_at),
            now,
            Some(row.position())
        )
        .await,
        1
    );
    assert!(
        store
            .claim_outbox(&claim("hub", "r1", now, 10))
            .await
            .unwrap()
            .is_empty(),
        "a1 waits for its retry, a2 behind it"
    );
    assert_eq!(counts_of(&*store, "hub").await, (2, 0, 0));
    let again = store
        .claim_outbox(&claim("hub", "r1", retry_at, 10))
        .await
        .unwrap();
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!(
        (again[0].id, again[0].attempts, again[0].fresh),
        (row.id, 1, false)
    );
    assert_eq!(
        again[0].claimed_until,
        Some(retry_at + TimeDelta::seconds(30))
    );
    assert_eq!(
        fail(row.id, "hub said 400", Attempt::Dead, retry_at, None).await,
        1
    );
    let much_later = retry_at + TimeDelta::days(1);
    assert!(
        store
            .claim_outbox(&claim("hub", "r1", much_later, 10))
            .await
            .unwrap()
            .is_empty(),
        "a dead row holds back the later rows of its dossier"
    );
    let dead = store.dead_letters(10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].sink, "hub");
    assert_eq!(dead[0].record.id, row.id);
    assert_eq!(dead[0].record.dossier_code, a);
    assert_eq!(dead[0].record.attempts, 2);
    assert_eq!(dead[0].last_error, "hub said 400");
    assert_eq!(dead[0].dead_at, retry_at);
    assert_eq!(counts_of(&*store, "hub").await, (1, 0, 1));
    assert_eq!(
        store
            .replay_dead_letter(row.id + 1, None, much_later)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .replay_dead_letter(row.id, Some("nats"), much_later)
            .await
            .unwrap(),
        0,
        "not dead for another sink"
    );
    assert_eq!(
        store
            .replay_dead_letter(row.id, Some("hub"), much_later)
            .await
            .unwrap(),
        1
    );
    assert!(store.dead_letters(10).await.unwrap().is_empty());
    let back = store
        .claim_outbox(&claim("hub", "r3", much_later, 10))
        .await
        .unwrap();
    assert_eq!(
        versions(&back),
        [(a.clone(), 1)],
        "a2 still waits behind a1"
    );
    assert_eq!((back[0].id, back[0].attempts), (row.id, 0));
    assert_eq!(deliver(&*store, "hub", "r3", &back, much_later).await, 1);
    let last = store
        .claim_outbox(&claim("hub", "r3", much_later, 10))
        .await
        .unwrap();
    assert_eq!(versions(&last), [(a.clone(), 2)]);
    assert!(!last[0].fresh, "held, it has a delivery row of its own");
    assert_eq!(deliver(&*store, "hub", "r3", &last, much_later).await, 1);
    assert_eq!(counts_of(&*store, "hub").await, (0, 2, 0));
}

/// A permanent refusal by one sink parks the event for that sink only: the
/// other sink delivers every event, in order, while the refusing sink keeps
/// the dossier's later events back; a replay for that sink alone puts it
/// back.
pub async fn exchange_a_sink_failure_leaves_other_sinks_delivering(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    store.register_sink("hub", t0()).await.unwrap();
    store.register_sink("portal", t0()).await.unwrap();
    let a = dossier_with_two_events(&*store, "a").await;
    let b = dossier_with_two_events(&*store, "b").await;
    let now = t0() + TimeDelta::hours(1);
    // The portal refuses a's first event for good, and is down for b's:
    // the relay sends neither dossier's second event (held).
    let portal = store
        .claim_outbox(&claim("portal", "r1", now, 10))
        .await
        .unwrap();
    assert_eq!(
        versions(&portal),
        [
            (a.clone(), 1),
            (a.clone(), 2),
            (b.clone(), 1),
            (b.clone(), 2)
        ]
    );
    let settled = store
        .settle(&Settlement {
            sink: "portal",
            relay: "r1",
            now,
            delivered: &[],
            fresh_delivered: 0,
            through: through(&portal),
            failed: &[
                Failure {
                    id: portal[0].id,
                    error: "portal: missing required fields: MaLinhVuc".into(),
                    next: Attempt::Dead,
                },
                Failure {
                    id: portal[2].id,
                    error: "portal: unreachable".into(),
                    next: Attempt::RetryAt(now + TimeDelta::hours(1)),
                },
            ],
            held: &[portal[1].id, portal[3].id],
        })
        .await
        .unwrap();
    assert_eq!(
        settled,
        Settled {
            delivered: 0,
            failed: 2
        }
    );
    // The hub gets everything, in order per dossier.
    let mut hub_seen = Vec::new();
    loop {
        let rows = store
            .claim_outbox(&claim("hub", "r2", now, 10))
            .await
            .unwrap();
        if rows.is_empty() {
            break;
        }
        hub_seen.extend(versions(&rows));
        assert_eq!(
            deliver(&*store, "hub", "r2", &rows, now).await,
            rows.len() as u64
        );
    }
    assert_eq!(
        hub_seen,
        [
            (a.clone(), 1),
            (a.clone(), 2),
            (b.clone(), 1),
            (b.clone(), 2)
        ]
    );
    assert_eq!(counts_of(&*store, "hub").await, (0, 4, 0));
    assert_eq!(counts_of(&*store, "portal").await, (3, 0, 1));
    let all = store.outbox_counts().await.unwrap();
    assert_eq!(
        total(&all),
        OutboxCounts {
            pending: 3,
            delivered: 4,
            dead: 1
        }
    );
    assert_eq!(
        all.iter().map(|c| c.sink.as_str()).collect::<Vec<_>>(),
        ["hub", "portal"]
    );
    // Nothing for the portal until the retry time or the replay.
    assert!(
        store
            .claim_outbox(&claim("portal", "r1", now, 10))
            .await
            .unwrap()
            .is_empty()
    );
    let dead = store.dead_letters(10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(
        (dead[0].sink.as_str(), dead[0].record.id),
        ("portal", portal[0].id)
    );
    assert_eq!(
        dead[0].last_error,
        "portal: missing required fields: MaLinhVuc"
    );
    assert_eq!(
        store
            .replay_dead_letter(portal[0].id, Some("hub"), now)
            .await
            .unwrap(),
        0,
        "delivered to the hub: nothing to replay there"
    );
    assert_eq!(
        store
            .replay_dead_letter(portal[0].id, None, now)
            .await
            .unwrap(),
        1
    );
    let back = store
        .claim_outbox(&claim("portal", "r1", now, 10))
        .await
        .unwrap();
    assert_eq!(versions(&back), [(a.clone(), 1)]);
    assert_eq!(deliver(&*store, "portal", "r1", &back, now).await, 1);
    let next = store
        .claim_outbox(&claim("portal", "r1", now, 10))
        .await
        .unwrap();
    assert_eq!(versions(&next), [(a.clone(), 2)], "b waits for its retry");
    // Nothing changed for the hub.
    assert_eq!(counts_of(&*store, "hub").await, (0, 4, 0));
}

/// Relays claiming one sink at the same time: exactly one gets the rows
/// (the sink's lease), and each sink is claimed apart from the other.
pub async fn exchange_concurrent_claims_are_disjoint_per_sink(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    store.register_sink("hub", t0()).await.unwrap();
    store.register_sink("nats", t0()).await.unwrap();
    for i in 0..60 {
        create(&*store, TT1, &format!("c{i}"), 10).await;
    }
    let now = t0() + TimeDelta::hours(1);
    let mut tasks = Vec::new();
    for relay in 0..6 {
        let store = store.clone();
        let sink = if relay % 2 == 0 { "hub" } else { "nats" };
        tasks.push(tokio::spawn(async move {
            let rows = store
                .claim_outbox(&claim(sink, &format!("r{relay}"), now, 100))
                .await
                .unwrap();
            (sink, relay, rows.len())
        }));
    }
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap());
    }
    for sink in ["hub", "nats"] {
        let holders: Vec<_> = got
            .iter()
            .filter(|(s, _, n)| *s == sink && *n > 0)
            .collect();
        assert_eq!(
            holders.len(),
            1,
            "{sink}: one relay holds the sink: {got:?}"
        );
        assert_eq!(holders[0].2, 60, "{sink}: every row to it: {got:?}");
    }
}

/// A sink registered after events were written gets them all, keeping the
/// single delivery state each row had before per-sink delivery (0010): a
/// row delivered then counts as delivered, a dead one stays dead and holds
/// back its dossier.
pub async fn exchange_a_new_sink_gets_earlier_events_with_their_old_state(
    store: Arc<dyn Store>,
    raw: RawSql,
) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let a = dossier_with_two_events(&*store, "a").await;
    let b = dossier_with_two_events(&*store, "b").await;
    let rows_a = store.dossier_outbox(&a).await.unwrap();
    let rows_b = store.dossier_outbox(&b).await.unwrap();
    // What a relay before 0010 left: a's first row delivered, b's first dead.
    raw(format!(
        "UPDATE outbox SET delivered_at = created_at, attempts = 1 WHERE id = {}",
        rows_a[0].id
    ))
    .await
    .unwrap();
    raw(format!(
        "UPDATE outbox SET dead_at = created_at, attempts = 3, last_error = 'hub: old' \
         WHERE id = {}",
        rows_b[0].id
    ))
    .await
    .unwrap();
    assert!(
        store.outbox_counts().await.unwrap().is_empty(),
        "no sink yet"
    );
    assert!(store.register_sink("hub", t0()).await.unwrap());
    assert_eq!(counts_of(&*store, "hub").await, (2, 1, 1));
    let dead = store.dead_letters(10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(
        (dead[0].record.id, dead[0].record.attempts),
        (rows_b[0].id, 3)
    );
    assert_eq!(dead[0].last_error, "hub: old");
    let now = t0() + TimeDelta::hours(1);
    let claimed = store
        .claim_outbox(&claim("hub", "r1", now, 10))
        .await
        .unwrap();
    assert_eq!(
        versions(&claimed),
        [(a.clone(), 2)],
        "b is held by its dead letter"
    );
    // Events written after the registration reach the sink too.
    let c = create(&*store, TT1, "c", 10).await;
    let more = store
        .claim_outbox(&claim_after("hub", "r1", now, 10, through(&claimed)))
        .await
        .unwrap();
    assert_eq!(versions(&more), [(c, 1)]);
    assert_eq!(counts_of(&*store, "hub").await, (3, 1, 1));
}

/// A relay draining while many transactions append to the outbox at once
/// never moves the cursor past a row still to commit: every row written
/// is claimed, once (PostgreSQL delivers in commit order, ADR 0035 point
/// 6; SQLite has one writer).
pub async fn exchange_a_drain_beside_concurrent_writers_misses_no_row(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    store.register_sink("nats", t0()).await.unwrap();
    let mut codes = Vec::new();
    for i in 0..48 {
        codes.push(create(&*store, TT1, &format!("w{i}"), 10).await);
    }
    let now = t0() + TimeDelta::hours(1);
    let writing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    // The relay: claims past what it has, records it all, again and again.
    let relay = {
        let store = store.clone();
        let writing = writing.clone();
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut in_flight: Vec<OutboxRecord> = Vec::new();
            let mut after = None;
            loop {
                let still_writing = writing.load(std::sync::atomic::Ordering::Acquire);
                let own = own(&in_flight);
                let (_, rows) = store
                    .settle_and_claim(
                        &all_delivered("nats", "r1", &in_flight, &own, now),
                        &claim_after("nats", "r1", now, 7, after),
                    )
                    .await
                    .unwrap();
                if rows.is_empty() && !still_writing {
                    break;
                }
                after = through(&rows).or(after);
                seen.extend(rows.iter().map(|r| r.id));
                in_flight = rows;
                tokio::task::yield_now().await;
            }
            seen
        })
    };
    // Twelve writers, each handing over four dossiers of its own.
    let mut writers = Vec::new();
    for w in 0..12 {
        let store = store.clone();
        let mine: Vec<String> = codes[w * 4..w * 4 + 4].to_vec();
        writers.push(tokio::spawn(async move {
            for code in mine {
                let d = state(&*store, &code).await;
                append(
                    &*store,
                    &d,
                    1,
                    &format!("{code}-h"),
                    Action::HandOver {
                        to: "cv".into(),
                        step_deadline: t0() + TimeDelta::days(3),
                    },
                    5,
                )
                .await
                .expect("hand over");
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    writing.store(false, std::sync::atomic::Ordering::Release);
    let seen = relay.await.unwrap();
    let mut written = BTreeSet::new();
    for code in &codes {
        for r in store.dossier_outbox(code).await.unwrap() {
            written.insert(r.id);
        }
    }
    assert_eq!(written.len(), 96);
    let claimed: BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!(claimed.len(), seen.len(), "no row claimed twice");
    assert_eq!(
        written.difference(&claimed).collect::<Vec<_>>(),
        Vec::<&i64>::new(),
        "rows the cursor passed unclaimed"
    );
    assert_eq!(counts_of(&*store, "nats").await, (0, 96, 0));
}

/// PostgreSQL only (`tests/postgres.rs`): an append that took its outbox id
/// and has not committed yet, because it waits for a row another
/// transaction holds, is not passed by the cursor while a later append
/// commits and a relay records what it sees: the claim takes only rows of
/// transactions older than every one still running (ADR 0035 point 6).
/// Without that horizon the relay would move the cursor past the first
/// append's row, which would then commit behind it and never be sent.
pub async fn exchange_an_append_still_to_commit_is_not_passed_by_the_cursor(
    store: Arc<dyn Store>,
    raw: RawSql,
) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    store.register_sink("nats", t0()).await.unwrap();
    let first = create(&*store, TT1, "p1", 10).await;
    let second = create(&*store, TT1, "p2", 10).await;
    let now = t0() + TimeDelta::hours(1);
    let drain = |after: Option<OutboxPosition>| {
        let store = store.clone();
        async move {
            let rows = store
                .claim_outbox(&claim_after("nats", "r1", now, 100, after))
                .await
                .unwrap();
            let own = own(&rows);
            store
                .settle(&all_delivered("nats", "r1", &rows, &own, now))
                .await
                .unwrap();
            store.release_sink("nats", "r1").await.unwrap();
            rows.iter().map(|r| r.id).collect::<Vec<_>>()
        }
    };
    let mut seen = drain(None).await;
    assert_eq!(seen.len(), 2, "the two receptions");
    // Another session inserts the idempotency key the first hand-over will
    // store, and keeps it uncommitted for 1.5 s: the hand-over takes its
    // outbox id, then waits for that session at its idempotency insert.
    let blocker = tokio::spawn(raw(
        "BEGIN; INSERT INTO idempotency (actor, key, dossier_code, fingerprint, answer, \
         created_at) VALUES ('officer:a2', 'p1-h', 'x', 'x', 'x', now()); \
         SELECT pg_sleep(1.5); ROLLBACK;"
            .into(),
    ));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let hand_over = |code: String, key: &'static str| {
        let store = store.clone();
        tokio::spawn(async move {
            let d = state(&*store, &code).await;
            append(
                &*store,
                &d,
                1,
                key,
                Action::HandOver {
                    to: "cv".into(),
                    step_deadline: t0() + TimeDelta::days(3),
                },
                5,
            )
            .await
            .expect("hand over")
        })
    };
    let waiting = hand_over(first.clone(), "p1-h");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let later = hand_over(second.clone(), "p2-h");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // The relay records whatever has committed by now.
    seen.extend(drain(None).await);
    blocker.await.unwrap().unwrap();
    waiting.await.unwrap();
    later.await.unwrap();
    seen.extend(drain(None).await);
    let mut written = BTreeSet::new();
    for code in [&first, &second] {
        for r in store.dossier_outbox(code).await.unwrap() {
            written.insert(r.id);
        }
    }
    assert_eq!(written.len(), 4);
    let claimed: BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!(
        written.difference(&claimed).collect::<Vec<_>>(),
        Vec::<&i64>::new(),
        "rows the cursor passed unclaimed"
    );
    assert_eq!(counts_of(&*store, "nats").await, (0, 4, 0));
}

fn national_row(id: &str, code: &str, version: u64, status: &str, channel: u8) -> NationalEventRow {
    NationalEventRow {
        event_id: id.into(),
        province: "19".into(),
        event_type: "received".into(),
        code: code.into(),
        version,
        procedure_code: "1.001193".into(),
        receiving_agency: TT1.into(),
        deciding_agency: TT1.into(),
        commune: Some("05743".into()),
        status: status.into(),
        portal_status: if status == "result_returned" { 10 } else { 2 },
        channel,
        started_at: t0(),
        due_at: Some(t0() + TimeDelta::days(3)),
        finished_at: (status == "result_returned").then(|| t0() + TimeDelta::days(1)),
        on_time: (status == "result_returned").then_some(true),
        received_at: t0() + TimeDelta::hours(2),
    }
}

/// The hub counts an event once, keeps the newest version of a dossier
/// whatever the arrival order, and totals per province and period.
pub async fn national_index_is_idempotent_and_totals(store: Arc<dyn Store>) {
    let r1 = national_row("19.A.1", "A", 1, "received", 2);
    let r3 = national_row("19.A.3", "A", 3, "result_returned", 2);
    let b1 = national_row("19.B.1", "B", 1, "received", 1);
    let report = store
        .ingest_national(&[r3.clone(), b1.clone()])
        .await
        .unwrap();
    assert_eq!((report.accepted, report.duplicates), (2, 0));
    // Late arrival of an older version, and a re-delivery.
    let report = store.ingest_national(&[r1, b1]).await.unwrap();
    assert_eq!((report.accepted, report.duplicates), (1, 1));
    let mut other = national_row("01.C.1", "C", 1, "received", 1);
    other.province = "01".into();
    store.ingest_national(&[other]).await.unwrap();
    let totals = store
        .national_totals(t0() - TimeDelta::days(1), t0() + TimeDelta::days(1))
        .await
        .unwrap();
    assert_eq!(totals.len(), 2);
    assert_eq!(totals[0].province, "01");
    assert_eq!((totals[0].dossiers, totals[0].events), (1, 1));
    let p19 = &totals[1];
    assert_eq!(p19.province, "19");
    assert_eq!(
        (
            p19.dossiers,
            p19.online,
            p19.finished,
            p19.on_time,
            p19.events
        ),
        (2, 1, 1, 1, 3),
        "A stays at version 3 (returned, on time) although version 1 came later"
    );
    let empty = store
        .national_totals(t0() + TimeDelta::days(5), t0() + TimeDelta::days(6))
        .await
        .unwrap();
    assert_eq!(empty.iter().map(|t| t.dossiers).sum::<u64>(), 0);
    assert_eq!(empty.iter().map(|t| t.events).sum::<u64>(), 4);
}
