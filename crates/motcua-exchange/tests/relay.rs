//! The relay over a real SQLite store: in-order delivery, retries with
//! backoff, dead letters after too many attempts, replay, a dossier held
//! back behind its dead letter, and per-sink delivery: one sink's refusal
//! or outage leaves the others delivering.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::TimeDelta;
use motcua_app::exchange::CloudEvent;
use motcua_app::ports::{Store, TestClock};
use motcua_domain::dossier::Action;
use motcua_exchange::backoff::Backoff;
use motcua_exchange::{Relay, RelayConfig, Sink, SinkError};
use motcua_store_tests::dossier_fixtures::{agencies, append, create, state, t0};

/// Records what it receives; refuses events whose dossier is in `refuse`
/// (permanently or not), and fails everything while `down`.
#[derive(Default)]
struct Recorder {
    name: String,
    seen: Mutex<Vec<CloudEvent>>,
    down: Mutex<bool>,
    refuse: Mutex<Vec<String>>,
}

#[async_trait]
impl Sink for Recorder {
    fn name(&self) -> &str {
        if self.name.is_empty() {
            "recorder"
        } else {
            &self.name
        }
    }

    async fn deliver(&self, events: &[CloudEvent]) -> Vec<Result<(), SinkError>> {
        let down = *self.down.lock().unwrap();
        let refuse = self.refuse.lock().unwrap().clone();
        events
            .iter()
            .map(|e| {
                if down {
                    Err(SinkError::transient("down"))
                } else if refuse.contains(&e.subject) {
                    Err(SinkError::permanent("refused"))
                } else {
                    self.seen.lock().unwrap().push(e.clone());
                    Ok(())
                }
            })
            .collect()
    }
}

fn config() -> RelayConfig {
    let mut c = RelayConfig::new("19");
    c.batch = 10;
    c.lease = Duration::from_secs(30);
    c.backoff = Backoff {
        base: Duration::from_millis(1),
        max: Duration::from_millis(2),
        max_attempts: 3,
    };
    c
}

async fn three_dossiers(store: &dyn Store) -> Vec<String> {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let mut codes = Vec::new();
    for i in 0..3 {
        let code = create(store, "H55.X05743.TT", &format!("k{i}"), 10).await;
        let d = state(store, &code).await;
        append(
            store,
            &d,
            1,
            &format!("h{i}"),
            Action::HandOver {
                to: "cv".into(),
                step_deadline: t0() + TimeDelta::days(3),
            },
            5,
        )
        .await
        .unwrap();
        codes.push(code);
    }
    codes
}

#[tokio::test]
async fn events_leave_in_order_as_cloudevents_and_once() {
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    let codes = three_dossiers(&*store).await;
    let sink = Arc::new(Recorder::default());
    let relay = Relay::new(store.clone(), vec![sink.clone()], config());
    let report = relay.drain().await.unwrap();
    assert_eq!((report.delivered, report.retried, report.dead), (6, 0, 0));
    assert_eq!(relay.drain().await.unwrap().claimed, 0, "nothing twice");
    let seen = sink.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 6);
    for code in &codes {
        let mine: Vec<_> = seen.iter().filter(|e| &e.subject == code).collect();
        assert_eq!(
            mine.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
            [
                "vn.motcua.dossier.received",
                "vn.motcua.dossier.handed_over"
            ]
        );
        assert_eq!(mine[0].id, format!("19.{code}.1"));
        assert_eq!(mine[1].data.dossier.version, 2);
        assert_eq!(mine[1].data.dossier.portal_status, 4);
        assert_eq!(mine[0].data.commune.as_deref(), Some("05743"));
        assert_eq!(mine[0].source, "urn:motcua:province:19");
        assert!(mine[0].data.change.is_some());
        assert!(mine[0].check().is_ok());
        // No personal data in the summary.
        let text = serde_json::to_string(&mine[0].without_change()).unwrap();
        assert!(!text.contains("Nguyễn Văn An"), "{text}");
    }
    let counts = motcua_app::ports::exchange::total(&store.outbox_counts().await.unwrap());
    assert_eq!((counts.pending, counts.delivered, counts.dead), (0, 6, 0));
    fresh.finish().await;
}

#[tokio::test]
async fn failures_back_off_then_park_and_a_replay_delivers_in_order() {
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    let codes = three_dossiers(&*store).await;
    let sink = Arc::new(Recorder::default());
    *sink.down.lock().unwrap() = true;
    let clock = TestClock::starting_now();
    let relay = Relay::new(
        store.clone(),
        vec![sink.clone()],
        RelayConfig {
            clock: clock.clock(),
            ..config()
        },
    );
    // Down: three attempts (retried twice, then parked).
    let mut retried = 0;
    let mut dead = 0;
    for _ in 0..50 {
        let r = relay.run_once().await.unwrap();
        retried += r.retried;
        dead += r.dead;
        if dead == 3 {
            break;
        }
        // Past the next retry time (1–2 ms of back-off), without waiting.
        clock.advance(TimeDelta::milliseconds(10));
    }
    assert_eq!((retried, dead), (6, 3));
    let letters = store.dead_letters(10).await.unwrap();
    assert_eq!(letters.len(), 3);
    assert!(
        letters
            .iter()
            .all(|l| l.record.attempts == 3 && l.last_error == "recorder: down")
    );
    // Back up: the dead rows hold their dossiers back.
    *sink.down.lock().unwrap() = false;
    assert_eq!(relay.drain().await.unwrap().claimed, 0);
    assert!(sink.seen.lock().unwrap().is_empty());
    // A permanent refusal parks at once.
    sink.refuse.lock().unwrap().push(codes[0].clone());
    for l in &letters {
        store
            .replay_dead_letter(l.record.id, None, clock.now())
            .await
            .unwrap();
    }
    let r = relay.drain().await.unwrap();
    assert_eq!((r.delivered, r.dead), (4, 1));
    let seen: Vec<_> = sink
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|e| (e.subject.clone(), e.data.dossier.version))
        .collect();
    assert_eq!(
        seen,
        [
            (codes[1].clone(), 1),
            (codes[2].clone(), 1),
            (codes[1].clone(), 2),
            (codes[2].clone(), 2)
        ]
    );
    let letters = store.dead_letters(10).await.unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].record.dossier_code, codes[0]);
    assert_eq!(letters[0].record.attempts, 1);
    fresh.finish().await;
}

/// Two sinks: the portal refuses one dossier for good and is then down for
/// a while; the hub still gets every event, in order, at once; the portal's
/// dead letter holds back only that dossier, for the portal only.
#[tokio::test]
async fn a_refusing_or_down_sink_holds_back_nobody_else() {
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    let codes = three_dossiers(&*store).await;
    let hub = Arc::new(Recorder {
        name: "hub".into(),
        ..Recorder::default()
    });
    let portal = Arc::new(Recorder {
        name: "portal".into(),
        ..Recorder::default()
    });
    portal.refuse.lock().unwrap().push(codes[0].clone());
    let relay = Relay::new(store.clone(), vec![hub.clone(), portal.clone()], config());
    assert_eq!(relay.sink_names(), ["hub", "portal"]);
    let r = relay.drain().await.unwrap();
    assert_eq!((r.delivered, r.dead), (6 + 4, 1));
    let hub_seen: Vec<_> = hub
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|e| (e.subject.clone(), e.data.dossier.version))
        .collect();
    assert_eq!(hub_seen.len(), 6);
    for code in &codes {
        let mine: Vec<u64> = hub_seen
            .iter()
            .filter(|(c, _)| c == code)
            .map(|(_, v)| *v)
            .collect();
        assert_eq!(mine, [1, 2], "{code}");
    }
    let letters = store.dead_letters(10).await.unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].sink, "portal");
    assert_eq!(letters[0].record.dossier_code, codes[0]);
    assert_eq!(letters[0].last_error, "portal: refused");
    // The portal goes down; new events still reach the hub at once.
    *portal.down.lock().unwrap() = true;
    let d = state(&*store, &codes[1]).await;
    append(
        &*store,
        &d,
        2,
        "h-more",
        Action::HandOver {
            to: "cv2".into(),
            step_deadline: t0() + TimeDelta::days(4),
        },
        6,
    )
    .await
    .unwrap();
    let r = relay.run_once().await.unwrap();
    assert_eq!((r.claimed, r.delivered, r.retried), (2, 1, 1));
    assert_eq!(hub.seen.lock().unwrap().len(), 7);
    let per_sink = store.outbox_counts().await.unwrap();
    let of = |name: &str| per_sink.iter().find(|c| c.sink == name).unwrap().counts;
    assert_eq!((of("hub").pending, of("hub").delivered), (0, 7));
    assert_eq!(
        (
            of("portal").pending,
            of("portal").delivered,
            of("portal").dead
        ),
        (2, 4, 1)
    );
    fresh.finish().await;
}

/// The builder reads every agency's commune at once on its first miss; an
/// agency that appears only after that is still read on its own, so its
/// events carry its commune too.
#[tokio::test]
async fn an_agency_added_after_the_first_batch_still_gives_its_commune() {
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    three_dossiers(&*store).await;
    let sink = Arc::new(Recorder::default());
    let relay = Relay::new(store.clone(), vec![sink.clone()], config());
    assert_eq!(relay.drain().await.unwrap().delivered, 6);
    let mut late = agencies()
        .into_iter()
        .find(|a| a.id == "H55.X05746.TT")
        .unwrap();
    late.id = "H55.X05746.TT2".into();
    late.unit_code = "05749".into();
    store.upsert_agency(&late).await.unwrap();
    let code = create(&*store, "H55.X05746.TT2", "late", 10).await;
    assert_eq!(relay.drain().await.unwrap().delivered, 1);
    let seen = sink.seen.lock().unwrap().clone();
    let mine: Vec<_> = seen.iter().filter(|e| e.subject == code).collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].data.commune.as_deref(), Some("05749"));
    let early: Vec<_> = seen.iter().filter(|e| e.subject != code).collect();
    assert!(
        early
            .iter()
            .all(|e| e.data.commune.as_deref() == Some("05743")),
        "the first batch's communes come from the one read"
    );
    fresh.finish().await;
}

/// Fails the first attempt of each event named in `flaky`.
#[derive(Default)]
struct FirstTryFails {
    flaky: Mutex<Vec<String>>,
    seen: Mutex<Vec<(String, u64)>>,
}

#[async_trait]
impl Sink for FirstTryFails {
    fn name(&self) -> &str {
        "first-try-fails"
    }

    async fn deliver(&self, events: &[CloudEvent]) -> Vec<Result<(), SinkError>> {
        events
            .iter()
            .map(|e| {
                let mut flaky = self.flaky.lock().unwrap();
                if let Some(i) = flaky.iter().position(|id| id == &e.id) {
                    flaky.remove(i);
                    return Err(SinkError::transient("first try"));
                }
                self.seen
                    .lock()
                    .unwrap()
                    .push((e.subject.clone(), e.data.dossier.version));
                Ok(())
            })
            .collect()
    }
}

/// A dossier's first event fails while its second is already claimed in
/// the next batch (one event a batch, so the second is claimed ahead
/// before the first's failure is recorded): the second is held, not sent
/// before the first, and both arrive once, in order, after the retry.
#[tokio::test]
async fn a_failure_holds_back_its_dossiers_event_already_claimed_in_the_next_batch() {
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    let codes = three_dossiers(&*store).await;
    let sink = Arc::new(FirstTryFails::default());
    sink.flaky
        .lock()
        .unwrap()
        .push(format!("19.{}.1", codes[0]));
    let relay = Relay::new(
        store.clone(),
        vec![sink.clone()],
        RelayConfig {
            batch: 1,
            ..config()
        },
    );
    let mut delivered = 0;
    for _ in 0..200 {
        delivered += relay.drain().await.unwrap().delivered;
        if delivered == 6 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(delivered, 6);
    let seen = sink.seen.lock().unwrap().clone();
    for code in &codes {
        let mine: Vec<u64> = seen
            .iter()
            .filter(|(c, _)| c == code)
            .map(|(_, v)| *v)
            .collect();
        assert_eq!(mine, [1, 2], "{code}: {seen:?}");
    }
    let counts = motcua_app::ports::exchange::total(&store.outbox_counts().await.unwrap());
    assert_eq!((counts.pending, counts.delivered, counts.dead), (0, 6, 0));
    fresh.finish().await;
}

/// A dossier whose first event cannot be built (its stored payload is not
/// JSON) parks that event at once and holds its second, claimed in the
/// same batch, behind it; the relay does not stop, and the other dossiers
/// are delivered.
#[tokio::test]
async fn an_unbuildable_first_event_parks_it_and_holds_the_rest_of_its_dossier() {
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    let codes = three_dossiers(&*store).await;
    let first = store.dossier_outbox(&codes[0]).await.unwrap()[0].id;
    let raw = fresh.raw.clone().expect("raw SQL on SQLite");
    raw(format!(
        "UPDATE outbox SET payload = 'not json' WHERE id = {first}"
    ))
    .await
    .unwrap();
    let sink = Arc::new(Recorder::default());
    // Batches of two: the first holds only the broken dossier's two rows.
    let relay = Relay::new(
        store.clone(),
        vec![sink.clone()],
        RelayConfig {
            batch: 2,
            ..config()
        },
    );
    let report = relay.drain().await.unwrap();
    assert_eq!((report.delivered, report.dead), (4, 1));
    let seen = sink.seen.lock().unwrap().clone();
    assert!(seen.iter().all(|e| e.subject != codes[0]), "{seen:?}");
    let letters = store.dead_letters(10).await.unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].record.id, first);
    let counts = motcua_app::ports::exchange::total(&store.outbox_counts().await.unwrap());
    assert_eq!((counts.pending, counts.delivered, counts.dead), (1, 4, 1));
    fresh.finish().await;
}
