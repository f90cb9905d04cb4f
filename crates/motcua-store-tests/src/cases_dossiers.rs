//! Conformance cases of the dossier store: creation with gap-free codes,
//! idempotent answers, optimistic appends, outbox rows and work lists.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::TimeDelta;
use motcua_app::StoreError;
use motcua_app::ports::Store;
use motcua_app::ports::dossiers::{Committed, WorkListQuery};
use motcua_domain::dossier::{Action, AgencyId};

use crate::dossier_fixtures::{agencies, append, create, day0, new_dossier, state, t0};

const TT1: &str = "H55.X05743.TT";
const TT2: &str = "H55.X05746.TT";

/// A created dossier reads back exactly: projection, one event, one outbox
/// row, the kept answer and the sequence.
pub async fn dossier_create_round_trips(store: Arc<dyn Store>) {
    let code = create(&*store, TT1, "k-1", 10).await;
    assert_eq!(code, "H55.X05743.TT-250715-0001");
    let stored = store.load_dossier(&code).await.unwrap().unwrap();
    let p = &stored.projection;
    assert_eq!(p.procedure_code, "1.001193");
    assert_eq!(p.procedure_version, 1);
    assert_eq!(
        (p.status.as_str(), p.sub_status.as_str()),
        ("received", "none")
    );
    assert_eq!(p.portal_status, 2);
    assert!(p.clock_running);
    assert_eq!(p.receiving_unit, TT1);
    assert_eq!(p.current_agency, TT1);
    assert_eq!(p.assignee, None);
    assert_eq!(p.channel, 1);
    assert_eq!(p.applicant_kind, 1);
    assert_eq!(p.applicant_id_masked, "0********456");
    assert_eq!(p.applicant_name, "Nguyễn Văn An");
    assert_eq!(p.phone_last4.as_deref(), Some("5678"));
    assert_eq!(p.submitted_at, t0());
    assert_eq!(p.received_at, Some(t0()));
    assert_eq!(p.due_at, Some(t0() + TimeDelta::days(10)));
    assert!(!p.counts_late);
    assert_eq!(p.version, 1);
    assert_eq!(p.updated_at, t0());
    assert_eq!(
        stored.verifier_hash,
        motcua_app::dossiers::write::sha256_hex(b"secret")
    );
    assert_eq!(state(&*store, &code).await.code.as_str(), code);

    let events = store.dossier_events(&code).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].version, 1);
    assert_eq!(events[0].event_type, "received");
    assert_eq!(events[0].actor, "officer:a1");
    assert_eq!(events[0].at, t0());
    assert_eq!(events[0].idempotency_key, "k-1");
    let outbox = store.dossier_outbox(&code).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].dossier_code, code);
    assert_eq!(outbox[0].row.event_version, 1);
    assert_eq!(outbox[0].row.message_type, "dossier.received");
    assert_eq!(outbox[0].available_at, t0());
    assert_eq!(outbox[0].attempts, 0);
    assert_eq!(outbox[0].claimed_until, None);
    assert_eq!(outbox[0].delivered_at, None);
    let payload: serde_json::Value = serde_json::from_str(&outbox[0].row.payload_json).unwrap();
    assert_eq!(payload["code"], code.as_str());
    assert_eq!(payload["event"]["payload"]["type"], "received");

    let answer = store
        .find_answer("officer:a1", "k-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(answer.dossier_code, code);
    assert_eq!(answer.fingerprint, "fp");
    let answer: serde_json::Value = serde_json::from_str(&answer.answer_json).unwrap();
    assert_eq!(answer["code"], code.as_str());
    assert_eq!(answer["version"], 1);
    assert_eq!(store.find_answer("officer:a2", "k-1").await.unwrap(), None);
    assert_eq!(store.last_sequence(TT1, day0()).await.unwrap(), Some(1));
    assert_eq!(store.last_sequence(TT2, day0()).await.unwrap(), None);
    assert_eq!(
        store
            .load_dossier("H55.X05743.TT-250715-0002")
            .await
            .unwrap(),
        None
    );
}

/// The same key from the same actor writes nothing the second time.
pub async fn dossier_create_replays_by_key(store: Arc<dyn Store>) {
    let first = store
        .create_dossier(new_dossier(TT1, day0(), "same", 10))
        .await
        .unwrap();
    let second = store
        .create_dossier(new_dossier(TT1, day0(), "same", 10))
        .await
        .unwrap();
    assert!(matches!(first, Committed::Written(_)));
    assert_eq!(second, Committed::Replayed(first.answer().clone()));
    assert_eq!(store.last_sequence(TT1, day0()).await.unwrap(), Some(1));
    assert_eq!(
        store
            .load_dossier("H55.X05743.TT-250715-0002")
            .await
            .unwrap(),
        None
    );
}

/// Sequences restart per agency and per day.
pub async fn dossier_sequences_per_agency_and_day(store: Arc<dyn Store>) {
    let next_day = day0() + TimeDelta::days(1);
    let mut codes = Vec::new();
    for (agency, day, key) in [
        (TT1, day0(), "a"),
        (TT1, day0(), "b"),
        (TT2, day0(), "c"),
        (TT1, next_day, "d"),
    ] {
        let c = store
            .create_dossier(new_dossier(agency, day, key, 10))
            .await
            .unwrap();
        codes.push(c.answer().dossier_code.clone());
    }
    assert_eq!(
        codes,
        [
            "H55.X05743.TT-250715-0001",
            "H55.X05743.TT-250715-0002",
            "H55.X05746.TT-250715-0001",
            "H55.X05743.TT-250716-0001",
        ]
    );
    assert_eq!(store.last_sequence(TT1, next_day).await.unwrap(), Some(1));
}

/// A failing build gives its number back: the next creation takes it.
pub async fn dossier_failed_build_leaves_no_gap(store: Arc<dyn Store>) {
    let mut failing = new_dossier(TT1, day0(), "boom", 10);
    failing.build = Box::new(|_| Err(StoreError::Conflict("refused".into())));
    let err = store.create_dossier(failing).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(store.find_answer("officer:a1", "boom").await.unwrap(), None);
    assert_eq!(
        create(&*store, TT1, "ok", 10).await,
        "H55.X05743.TT-250715-0001"
    );
    assert_eq!(store.last_sequence(TT1, day0()).await.unwrap(), Some(1));
}

/// 200 concurrent creations at one agency: 200 distinct codes 0001–0200.
pub async fn dossier_concurrent_creations_are_gap_free(store: Arc<dyn Store>) {
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                store
                    .create_dossier(new_dossier(TT1, day0(), &format!("c-{i}"), 10))
                    .await
                    .map(|c| c.answer().dossier_code.clone())
            })
        })
        .collect();
    let mut codes = BTreeSet::new();
    for task in tasks {
        codes.insert(task.await.expect("task").expect("created"));
    }
    let expected: BTreeSet<String> = (1..=200)
        .map(|n| format!("H55.X05743.TT-250715-{n:04}"))
        .collect();
    assert_eq!(codes, expected);
    assert_eq!(store.last_sequence(TT1, day0()).await.unwrap(), Some(200));
}

/// Appends check the version; a stale one is a conflict and writes nothing.
pub async fn dossier_append_checks_version(store: Arc<dyn Store>) {
    let code = create(&*store, TT1, "k", 10).await;
    let d = state(&*store, &code).await;
    let hand_over = || Action::HandOver {
        to: "chuyen-vien-1".into(),
        step_deadline: t0() + TimeDelta::days(3),
    };
    let done = append(&*store, &d, 1, "h1", hand_over(), 30).await.unwrap();
    assert!(matches!(done, Committed::Written(_)));
    let stale = append(&*store, &d, 1, "h2", hand_over(), 31)
        .await
        .unwrap_err();
    assert!(matches!(stale, StoreError::Conflict(_)), "{stale:?}");
    let replay = append(&*store, &d, 1, "h1", hand_over(), 32).await.unwrap();
    assert_eq!(replay, Committed::Replayed(done.answer().clone()));
    let p = store.load_dossier(&code).await.unwrap().unwrap().projection;
    assert_eq!(p.version, 2);
    assert_eq!(
        (p.status.as_str(), p.sub_status.as_str()),
        ("processing", "at_step")
    );
    assert_eq!(p.portal_status, 4);
    assert_eq!(p.assignee.as_deref(), Some("chuyen-vien-1"));
    assert_eq!(p.updated_at, t0() + TimeDelta::minutes(30));
    let events = store.dossier_events(&code).await.unwrap();
    assert_eq!(
        events
            .iter()
            .map(|e| (e.version, e.event_type.as_str()))
            .collect::<Vec<_>>(),
        [(1, "received"), (2, "handed_over")]
    );
    let outbox = store.dossier_outbox(&code).await.unwrap();
    assert_eq!(
        outbox
            .iter()
            .map(|o| o.row.event_version)
            .collect::<Vec<_>>(),
        [1, 2]
    );
    assert!(outbox[0].id < outbox[1].id);
    let mut missing = d.clone();
    missing.code = motcua_domain::dossier::DossierCode::parse("H55.X05743.TT-250715-0099").unwrap();
    let err = append(&*store, &missing, 1, "h3", hand_over(), 33)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
}

/// Two appends at the same version at once: one wins, one conflicts.
pub async fn dossier_concurrent_appends_one_wins(store: Arc<dyn Store>) {
    let code = create(&*store, TT1, "k", 10).await;
    let d = state(&*store, &code).await;
    let tasks: Vec<_> = (0..2)
        .map(|i| {
            let store = Arc::clone(&store);
            let d = d.clone();
            tokio::spawn(async move {
                let action = Action::HandOver {
                    to: format!("chuyen-vien-{i}"),
                    step_deadline: t0() + TimeDelta::days(3),
                };
                append(&*store, &d, 1, &format!("h{i}"), action, 30).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task"));
    }
    let won = results
        .iter()
        .filter(|r| matches!(r, Ok(Committed::Written(_))))
        .count();
    let lost = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::Conflict(_))))
        .count();
    assert_eq!((won, lost), (1, 1), "{results:?}");
    assert_eq!(store.dossier_events(&code).await.unwrap().len(), 2);
    assert_eq!(store.dossier_outbox(&code).await.unwrap().len(), 2);
}

/// Work lists: scope through the agency tree, filters, order and keyset pages.
pub async fn dossier_work_lists(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let a1 = create(&*store, TT1, "w1", 5).await;
    let a2 = create(&*store, TT1, "w2", 2).await;
    let a3 = create(&*store, TT1, "w3", 9).await;
    let b1 = create(&*store, TT2, "w4", 1).await;
    let d = state(&*store, &a3).await;
    let hand_over = Action::HandOver {
        to: "chuyen-vien-1".into(),
        step_deadline: t0() + TimeDelta::days(3),
    };
    append(&*store, &d, 1, "h", hand_over, 10).await.unwrap();
    let q = |scope: &str| WorkListQuery {
        scope_agency: scope.into(),
        limit: 50,
        ..WorkListQuery::default()
    };
    let codes = |rows: Vec<motcua_app::ports::dossiers::WorkListRow>| {
        rows.into_iter().map(|r| r.code).collect::<Vec<_>>()
    };
    let list = |query: WorkListQuery| {
        let store = Arc::clone(&store);
        async move { codes(store.work_list(&query).await.unwrap()) }
    };
    assert_eq!(
        list(q("H55")).await,
        [b1.as_str(), a2.as_str(), a1.as_str(), a3.as_str()]
    );
    assert_eq!(
        list(q("H55.X05743")).await,
        [a2.as_str(), a1.as_str(), a3.as_str()]
    );
    assert_eq!(list(q(TT2)).await, [b1.as_str()]);
    assert!(list(q("H55.X09999")).await.is_empty());
    let only = |f: fn(&mut WorkListQuery)| {
        let mut query = q("H55");
        f(&mut query);
        query
    };
    assert_eq!(
        list(only(|x| x.agency = Some(TT2.into()))).await,
        [b1.as_str()]
    );
    assert_eq!(
        list(only(|x| x.status = Some("processing".into()))).await,
        [a3.as_str()]
    );
    assert_eq!(
        list(only(|x| x.assignee = Some("chuyen-vien-1".into()))).await,
        [a3.as_str()]
    );
    let at = |days: i64| (t0() + TimeDelta::days(days)).timestamp_millis();
    assert_eq!(
        list(only(
            |x| x.due_at_or_before = Some((t0() + TimeDelta::days(2)).timestamp_millis())
        ))
        .await,
        [b1.as_str(), a2.as_str()]
    );
    assert_eq!(
        list(WorkListQuery {
            overdue_at: Some(at(5)),
            ..q("H55")
        })
        .await,
        [b1.as_str(), a2.as_str()]
    );
    let first = store
        .work_list(&WorkListQuery {
            limit: 2,
            ..q("H55")
        })
        .await
        .unwrap();
    assert_eq!(codes(first.clone()), [b1.as_str(), a2.as_str()]);
    let last = &first[1];
    assert_eq!(last.due_key, at(2));
    assert_eq!(last.applicant_id_masked, "0********456");
    let next = WorkListQuery {
        limit: 2,
        after: Some((last.due_key, last.code.clone())),
        ..q("H55")
    };
    assert_eq!(list(next).await, [a1.as_str(), a3.as_str()]);
    // A dossier received at one centre and transferred to another is in
    // both centres' lists (one through each column), and once in each.
    let d2 = state(&*store, &a2).await;
    let transfer = Action::Transfer {
        to_agency: AgencyId::parse(TT2).unwrap(),
        agency_due_at: t0() + TimeDelta::days(4),
    };
    append(&*store, &d2, 1, "t", transfer, 20).await.unwrap();
    assert_eq!(list(q(TT2)).await, [b1.as_str(), a2.as_str()]);
    assert_eq!(list(q(TT1)).await, [a2.as_str(), a1.as_str(), a3.as_str()]);
    // An agency filter naming an agency outside the scope keeps the scope.
    let outside = WorkListQuery {
        agency: Some(TT1.into()),
        ..q(TT2)
    };
    assert_eq!(list(outside).await, [a2.as_str()]);
    // Status and due window together, in one narrow scope.
    let both = WorkListQuery {
        status: Some("processing".into()),
        due_at_or_before: Some(at(10)),
        ..q(TT1)
    };
    assert_eq!(list(both.clone()).await, [a2.as_str(), a3.as_str()]);
    // Counts (the page's tabs) agree with the lists, each dossier once.
    let count = |query: WorkListQuery| {
        let store = Arc::clone(&store);
        async move { store.count_work_list(&query).await.unwrap() }
    };
    assert_eq!(count(q(TT1)).await, 3);
    assert_eq!(count(q(TT2)).await, 2);
    assert_eq!(count(both).await, 2);
    assert_eq!(
        count(WorkListQuery {
            agency: Some(TT1.into()),
            ..q(TT2)
        })
        .await,
        1
    );
    // Latest due first, paged by keyset across both columns.
    let latest = |after: Option<(i64, String)>| WorkListQuery {
        descending: true,
        limit: 2,
        after,
        ..q(TT1)
    };
    let page = store.work_list(&latest(None)).await.unwrap();
    assert_eq!(codes(page.clone()), [a3.as_str(), a1.as_str()]);
    let after = page.last().map(|r| (r.due_key, r.code.clone()));
    assert_eq!(list(latest(after)).await, [a2.as_str()]);
    // A wide scope (more agencies than the SQLite engine's threshold) lists the same.
    let many: Vec<motcua_domain::agency::Agency> = (0..40)
        .map(|i| motcua_domain::agency::Agency {
            id: format!("H55.X1{i:04}"),
            name: format!("Xã {i}"),
            kind: motcua_domain::agency::AgencyKind::CommuneCommittee,
            unit_code: format!("1{i:04}"),
            parent_id: Some("H55".into()),
            active: true,
        })
        .collect();
    store.insert_missing_agencies(&many).await.unwrap();
    assert_eq!(
        list(q("H55")).await,
        [b1.as_str(), a2.as_str(), a1.as_str(), a3.as_str()]
    );
    assert_eq!(count(q("H55")).await, 4);
    assert_eq!(
        list(WorkListQuery {
            overdue_at: Some(at(5)),
            ..q("H55")
        })
        .await,
        [b1.as_str(), a2.as_str()]
    );
}

/// A work list's scope follows the agency tree at once: the scope is kept
/// per reference version (issue 21 item 5), and an agency moved under the
/// root, or out of it, is in, or out of, the very next list, narrow (lanes)
/// and wide (the due index) alike.
pub async fn dossier_work_list_scope_follows_the_agency_tree(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let a1 = create(&*store, TT1, "s1", 5).await;
    let b1 = create(&*store, TT2, "s2", 1).await;
    let list = |scope: &str| {
        let store = Arc::clone(&store);
        let query = WorkListQuery {
            scope_agency: scope.into(),
            limit: 50,
            ..WorkListQuery::default()
        };
        async move {
            let rows = store.work_list(&query).await.unwrap();
            let n = store.count_work_list(&query).await.unwrap();
            assert_eq!(u64::try_from(rows.len()).unwrap(), n, "{query:?}");
            rows.into_iter().map(|r| r.code).collect::<Vec<_>>()
        }
    };
    // Read (and kept) before the tree changes.
    assert_eq!(list("H55.X05743").await, [a1.as_str()]);
    assert_eq!(list("H55").await, [b1.as_str(), a1.as_str()]);
    let mut moved = store.get_agency(TT2).await.unwrap().unwrap();
    moved.parent_id = Some("H55.X05743".into());
    store.upsert_agency(&moved).await.unwrap();
    assert_eq!(list("H55.X05743").await, [b1.as_str(), a1.as_str()]);
    assert_eq!(list("H55.X05746").await, Vec::<String>::new());
    // Wide: more agencies than the lane threshold, then one moved out.
    let many: Vec<motcua_domain::agency::Agency> = (0..40)
        .map(|i| motcua_domain::agency::Agency {
            id: format!("H55.X2{i:04}"),
            name: format!("Xã {i}"),
            kind: motcua_domain::agency::AgencyKind::CommuneCommittee,
            unit_code: format!("2{i:04}"),
            parent_id: Some("H55".into()),
            active: true,
        })
        .collect();
    store.insert_missing_agencies(&many).await.unwrap();
    assert_eq!(list("H55").await, [b1.as_str(), a1.as_str()]);
    moved.parent_id = None;
    store.upsert_agency(&moved).await.unwrap();
    assert_eq!(list("H55").await, [a1.as_str()]);
    assert_eq!(list(TT2).await, [b1.as_str()]);
}
