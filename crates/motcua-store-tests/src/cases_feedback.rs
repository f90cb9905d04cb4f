//! Conformance cases of the feedback store (PAKN): a feedback round-trips
//! with its events, a stale write conflicts, lists follow the units and
//! the next deadline, only published answers are public, and the 766
//! index reads the facts of a period.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use motcua_app::StoreError;
use motcua_app::ports::Store;
use motcua_app::ports::feedback::FeedbackFilter;
use motcua_app::ports::service_index::FactScope;
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::feedback::{
    Classification, DeadlineRules, Feedback, FeedbackCommand as C, FeedbackEvent, FeedbackStatus,
    Reaction, Sender, Subject, decide, evolve,
};

/// Tuesday 1 December 2026, 09:00 in Vietnam.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap()
}

fn step(state: Option<&Feedback>, c: C, now: DateTime<Utc>) -> (Feedback, Vec<FeedbackEvent>) {
    let cal = WorkingCalendar::vietnam().unwrap();
    let events = decide(state, c, now, &DeadlineRules::embedded().unwrap(), &cal).unwrap();
    let next = events.iter().fold(state.cloned(), evolve).unwrap();
    (next, events)
}

fn receive(
    id: &str,
    unit: &str,
    subject: Subject,
    now: DateTime<Utc>,
) -> (Feedback, Vec<FeedbackEvent>) {
    step(
        None,
        C::Receive {
            id: id.into(),
            unit_code: unit.into(),
            subject,
            sender: Sender {
                name: "Trần Thị B".into(),
                contact: "0987654321".into(),
            },
            text: "Cán bộ hẹn lại nhiều lần".into(),
        },
        now,
    )
}

async fn create(
    store: &Arc<dyn Store>,
    id: &str,
    unit: &str,
    subject: Subject,
    now: DateTime<Utc>,
) -> Feedback {
    let (f, events) = receive(id, unit, subject, now);
    store
        .create_feedback(&f, &events, &format!("hash-{id}"), now)
        .await
        .unwrap();
    f
}

/// Create, read, append, replay; a second create and a stale append
/// conflict; an unknown id answers `None` / `NotFound`.
pub async fn feedback_round_trips_with_its_events(store: Arc<dyn Store>) {
    let f = create(&store, "PAKN-A", "26734", Subject::General, t0()).await;
    let stored = store.get_feedback("PAKN-A").await.unwrap().unwrap();
    assert_eq!(stored.feedback, f);
    assert_eq!(stored.token_hash, "hash-PAKN-A");
    assert!(store.get_feedback("PAKN-none").await.unwrap().is_none());
    let (again, events) = receive("PAKN-A", "26734", Subject::General, t0());
    assert!(matches!(
        store.create_feedback(&again, &events, "x", t0()).await,
        Err(StoreError::Conflict(_))
    ));

    let later = t0() + TimeDelta::hours(2);
    let (answered, events) = step(
        Some(&f),
        C::Answer {
            text: "Đã nhắc nhở cán bộ".into(),
            by: "officer-1".into(),
        },
        later,
    );
    store
        .append_feedback(&answered, f.version, &events, later)
        .await
        .unwrap();
    // The same write again is stale.
    assert!(matches!(
        store
            .append_feedback(&answered, f.version, &events, later)
            .await,
        Err(StoreError::Conflict(_))
    ));
    let mut ghost = answered.clone();
    ghost.id = "PAKN-ghost".into();
    assert!(matches!(
        store.append_feedback(&ghost, 1, &events, later).await,
        Err(StoreError::NotFound)
    ));
    let read = store
        .get_feedback("PAKN-A")
        .await
        .unwrap()
        .unwrap()
        .feedback;
    assert_eq!(read, answered);
    let all = store.feedback_events("PAKN-A").await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(motcua_domain::feedback::replay(&all), Some(answered));
}

/// Lists follow the units and the status, the next deadline first; only
/// published feedback is public, newest first.
pub async fn feedback_lists_follow_units_status_and_deadlines(store: Arc<dyn Store>) {
    let a = create(&store, "PAKN-1", "26734", Subject::General, t0()).await;
    let b = create(
        &store,
        "PAKN-2",
        "26734",
        Subject::General,
        t0() - TimeDelta::days(1),
    )
    .await;
    let _c = create(&store, "PAKN-3", "00004", Subject::General, t0()).await;
    let filter = |units: &[&str], status| FeedbackFilter {
        units: units.iter().map(|u| (*u).to_owned()).collect(),
        status,
        limit: 50,
        offset: 0,
    };
    let ids = |list: Vec<Feedback>| list.into_iter().map(|f| f.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store
            .list_feedback(&filter(&["26734"], None))
            .await
            .unwrap()),
        ["PAKN-2", "PAKN-1"]
    );
    assert_eq!(
        ids(store
            .list_feedback(&filter(&["26734", "00004"], None))
            .await
            .unwrap())
        .len(),
        3
    );
    assert!(
        store
            .list_feedback(&filter(&[], None))
            .await
            .unwrap()
            .is_empty()
    );

    // Answer b and publish it: it leaves the received list.
    let now = t0() + TimeDelta::hours(1);
    let (b1, e1) = step(
        Some(&b),
        C::Answer {
            text: "Trả lời".into(),
            by: "o".into(),
        },
        now,
    );
    store
        .append_feedback(&b1, b.version, &e1, now)
        .await
        .unwrap();
    assert!(
        store
            .published_feedback(&[], 10, 0)
            .await
            .unwrap()
            .is_empty()
    );
    let (b2, e2) = step(
        Some(&b1),
        C::Publish {
            summary: "Về việc hẹn lại".into(),
            by: "o".into(),
        },
        now,
    );
    store
        .append_feedback(&b2, b1.version, &e2, now)
        .await
        .unwrap();
    assert_eq!(
        ids(store
            .list_feedback(&filter(&["26734"], Some(FeedbackStatus::Received)))
            .await
            .unwrap()),
        ["PAKN-1"]
    );
    let public = store.published_feedback(&[], 10, 0).await.unwrap();
    assert_eq!(ids(public), ["PAKN-2"]);
    assert_eq!(
        ids(store
            .published_feedback(&["00004".to_owned()], 10, 0)
            .await
            .unwrap()),
        Vec::<String>::new()
    );
    assert_eq!(a.status, FeedbackStatus::Received);
}

/// The 766 index reads the feedback received in the period by the scope's
/// units: classified, due, handled, disliked, followed up.
pub async fn feedback_facts_of_a_period(store: Arc<dyn Store>) {
    let f = create(
        &store,
        "PAKN-F",
        "26734",
        Subject::Procedure {
            code: "1.001612".into(),
        },
        t0(),
    )
    .await;
    create(
        &store,
        "PAKN-OLD",
        "26734",
        Subject::General,
        t0() - TimeDelta::days(40),
    )
    .await;
    create(&store, "PAKN-ELSE", "00004", Subject::General, t0()).await;
    let mut cur = f.clone();
    let mut now = t0();
    for c in [
        C::Classify {
            class: Classification::Rules,
            by: "o".into(),
        },
        C::Answer {
            text: "Trả lời".into(),
            by: "o".into(),
        },
        C::Rate {
            reaction: Reaction::Dislike,
        },
        C::FollowUp {
            text: "Chưa thỏa đáng".into(),
        },
    ] {
        now += TimeDelta::hours(1);
        let (next, events) = step(Some(&cur), c, now);
        store
            .append_feedback(&next, cur.version, &events, now)
            .await
            .unwrap();
        cur = next;
    }
    let scope = FactScope {
        units: vec!["26734".into()],
        procedure: None,
        from: Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap(),
        to: Utc.with_ymd_and_hms(2026, 12, 31, 17, 0, 0).unwrap(),
    };
    let facts = store.feedback_facts(&scope).await.unwrap().unwrap();
    assert_eq!(facts.len(), 1, "{facts:?}");
    let fact = &facts[0];
    assert_eq!(fact.id, "PAKN-F");
    assert_eq!(fact.unit_code, "26734");
    assert_eq!(fact.procedure_code.as_deref(), Some("1.001612"));
    assert_eq!(fact.dossier_code, None);
    assert_eq!(fact.received_at, t0());
    assert!(fact.classified);
    assert_eq!(fact.due_at, Some(f.due.answer_by));
    assert_eq!(fact.handled_at, cur.handled_at);
    assert!(fact.disliked);
    assert!(fact.follow_up);
    let other_procedure = FactScope {
        procedure: Some("2.000000".into()),
        ..scope.clone()
    };
    assert!(
        store
            .feedback_facts(&other_procedure)
            .await
            .unwrap()
            .unwrap()
            .is_empty()
    );
    let none = FactScope {
        units: Vec::new(),
        ..scope
    };
    assert_eq!(store.feedback_facts(&none).await.unwrap(), Some(Vec::new()));
}
