//! Conformance cases of the exchange store: claiming outbox rows under a
//! lease, in order per dossier, never twice at once; failures, dead letters
//! and replays; the national hub's idempotent index.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use motcua_app::ports::Store;
use motcua_app::ports::exchange::{Attempt, ClaimRequest};
use motcua_app::ports::national::NationalEventRow;
use motcua_domain::dossier::Action;

use crate::dossier_fixtures::{agencies, append, create, state, t0};

const TT1: &str = "H55.X05743.TT";

fn claim(relay: &str, now: DateTime<Utc>, limit: u32) -> ClaimRequest {
    ClaimRequest {
        relay: relay.into(),
        now,
        lease_until: now + TimeDelta::seconds(30),
        limit,
    }
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

/// Only the first undelivered row of each dossier is claimable; a claim
/// holds the row until its lease ends; delivery frees the next row.
pub async fn exchange_claims_in_order_per_dossier_under_a_lease(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let a = dossier_with_two_events(&*store, "a").await;
    let b = dossier_with_two_events(&*store, "b").await;
    let now = t0() + TimeDelta::hours(1);
    let first = store.claim_outbox(&claim("r1", now, 10)).await.unwrap();
    let got: Vec<_> = first
        .iter()
        .map(|r| (r.dossier_code.clone(), r.row.event_version))
        .collect();
    assert_eq!(got, [(a.clone(), 1), (b.clone(), 1)]);
    assert!(first[0].id < first[1].id);
    assert_eq!(first[0].claimed_until, Some(now + TimeDelta::seconds(30)));
    // Under the lease nobody else gets them, nor the rows behind them.
    assert!(
        store
            .claim_outbox(&claim("r2", now, 10))
            .await
            .unwrap()
            .is_empty()
    );
    // r1 delivers a's first row: a's second row becomes claimable.
    assert!(store.mark_delivered(first[0].id, "r1", now).await.unwrap());
    assert!(!store.mark_delivered(first[0].id, "r1", now).await.unwrap());
    let next = store.claim_outbox(&claim("r2", now, 10)).await.unwrap();
    assert_eq!(
        next.iter()
            .map(|r| (r.dossier_code.clone(), r.row.event_version))
            .collect::<Vec<_>>(),
        [(a.clone(), 2)]
    );
    // r1 dies; after its lease, b's first row goes to r2, and r1 can no
    // longer mark it.
    let later = now + TimeDelta::seconds(31);
    let retaken = store.claim_outbox(&claim("r2", later, 10)).await.unwrap();
    assert_eq!(
        retaken.iter().map(|r| r.id).collect::<Vec<_>>(),
        [next[0].id, first[1].id]
    );
    assert!(
        !store
            .mark_delivered(first[1].id, "r1", later)
            .await
            .unwrap()
    );
    assert!(
        store
            .mark_delivered(first[1].id, "r2", later)
            .await
            .unwrap()
    );
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.delivered, counts.dead), (2, 2, 0));
    let outbox = store.dossier_outbox(&b).await.unwrap();
    assert_eq!(outbox[0].delivered_at, Some(later));
    assert_eq!(outbox[0].claimed_until, None);
}

/// Failures count attempts and delay the row; a dead row is listed, holds
/// back its dossier's later rows, and a replay puts it back.
pub async fn exchange_failures_dead_letters_and_replay(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let a = dossier_with_two_events(&*store, "a").await;
    let now = t0() + TimeDelta::hours(1);
    let row = store
        .claim_outbox(&claim("r1", now, 10))
        .await
        .unwrap()
        .remove(0);
    let retry_at = now + TimeDelta::seconds(4);
    assert!(
        store
            .mark_failed(
                row.id,
                "r1",
                "hub unreachable",
                Attempt::RetryAt(retry_at),
                now
            )
            .await
            .unwrap()
    );
    assert!(
        store
            .claim_outbox(&claim("r1", now, 10))
            .await
            .unwrap()
            .is_empty()
    );
    let again = store
        .claim_outbox(&claim("r1", retry_at, 10))
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].id, row.id);
    assert_eq!(again[0].attempts, 1);
    assert!(
        store
            .mark_failed(row.id, "r1", "hub said 400", Attempt::Dead, retry_at)
            .await
            .unwrap()
    );
    let much_later = retry_at + TimeDelta::days(1);
    assert!(
        store
            .claim_outbox(&claim("r1", much_later, 10))
            .await
            .unwrap()
            .is_empty(),
        "a dead row holds back the later rows of its dossier"
    );
    let dead = store.dead_letters(10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].record.id, row.id);
    assert_eq!(dead[0].record.dossier_code, a);
    assert_eq!(dead[0].record.attempts, 2);
    assert_eq!(dead[0].last_error, "hub said 400");
    assert_eq!(dead[0].dead_at, retry_at);
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.delivered, counts.dead), (1, 0, 1));
    assert!(
        !store
            .replay_dead_letter(row.id + 1, much_later)
            .await
            .unwrap()
    );
    assert!(store.replay_dead_letter(row.id, much_later).await.unwrap());
    assert!(store.dead_letters(10).await.unwrap().is_empty());
    let back = store
        .claim_outbox(&claim("r3", much_later, 10))
        .await
        .unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!((back[0].id, back[0].attempts), (row.id, 0));
}

/// Two relays claiming at the same time never both get a row.
pub async fn exchange_concurrent_claims_are_disjoint(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    for i in 0..60 {
        create(&*store, TT1, &format!("c{i}"), 10).await;
    }
    let now = t0() + TimeDelta::hours(1);
    let mut tasks = Vec::new();
    for relay in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let name = format!("r{relay}");
            let mut mine = Vec::new();
            loop {
                let rows = store.claim_outbox(&claim(&name, now, 7)).await.unwrap();
                if rows.is_empty() {
                    break;
                }
                mine.extend(rows.into_iter().map(|r| r.id));
                tokio::task::yield_now().await;
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let distinct: BTreeSet<_> = all.iter().copied().collect();
    assert_eq!(all.len(), 60, "every row claimed once: {all:?}");
    assert_eq!(distinct.len(), 60);
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
