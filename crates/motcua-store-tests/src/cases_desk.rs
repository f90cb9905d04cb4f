//! Conformance cases of the officer desk's queries: work-list counts,
//! procedure filter and latest-first keyset pages, and the leader's
//! statistics aggregated in SQL.

use std::sync::Arc;

use chrono::{NaiveDate, TimeDelta};
use motcua_app::ports::Store;
use motcua_app::ports::dossiers::{DailyCounts, GroupCount, StatsQuery, WorkListQuery};
use motcua_domain::dossier::{Action, ResultDocument};

use crate::dossier_fixtures::{agencies, append, create, create_at, state, t0};

const TT1: &str = "H55.X05743.TT";
const TT2: &str = "H55.X05746.TT";

/// Four dossiers (due in 5, 2, 9 and 1 days); the third handed over, the
/// second with its result ready ten minutes after reception.
async fn fixture(store: &dyn Store) -> [String; 4] {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let a1 = create(store, TT1, "d1", 5).await;
    let a2 = create(store, TT1, "d2", 2).await;
    let a3 = create(store, TT1, "d3", 9).await;
    let b1 = create(store, TT2, "d4", 1).await;
    let d3 = state(store, &a3).await;
    let hand_over = Action::HandOver {
        to: "chuyen-vien-1".into(),
        step_deadline: t0() + TimeDelta::days(3),
    };
    append(store, &d3, 1, "h", hand_over, 5).await.unwrap();
    let d2 = state(store, &a2).await;
    let ready = Action::MarkResultReady {
        documents: vec![ResultDocument {
            name: "Giấy khai sinh".into(),
            number: Some("12/2025".into()),
            file: None,
        }],
    };
    append(store, &d2, 1, "r", ready, 10).await.unwrap();
    [a1, a2, a3, b1]
}

/// Counts follow the same filters as the list; the procedure filter and
/// the latest-first order page by keyset.
pub async fn desk_work_list_counts_and_order(store: Arc<dyn Store>) {
    let [a1, a2, a3, b1] = fixture(&*store).await;
    let q = |scope: &str| WorkListQuery {
        scope_agency: scope.into(),
        limit: 50,
        ..WorkListQuery::default()
    };
    assert_eq!(store.count_work_list(&q("H55")).await.unwrap(), 4);
    assert_eq!(store.count_work_list(&q("H55.X05743")).await.unwrap(), 3);
    assert_eq!(store.count_work_list(&q("H55.X09999")).await.unwrap(), 0);
    let with = |f: fn(&mut WorkListQuery)| {
        let mut query = q("H55");
        f(&mut query);
        query
    };
    let processing = with(|x| x.status = Some("processing".into()));
    assert_eq!(store.count_work_list(&processing).await.unwrap(), 1);
    let mine = with(|x| x.assignee = Some("chuyen-vien-1".into()));
    assert_eq!(store.count_work_list(&mine).await.unwrap(), 1);
    let overdue = WorkListQuery {
        overdue_at: Some((t0() + TimeDelta::days(5)).timestamp_millis()),
        ..q("H55")
    };
    // b1 (due in 1 day) is overdue; a2 is due in 2 days but its result is ready.
    assert_eq!(store.count_work_list(&overdue).await.unwrap(), 1);
    let birth = with(|x| x.procedure = Some("1.001193".into()));
    assert_eq!(store.count_work_list(&birth).await.unwrap(), 4);
    let other = with(|x| x.procedure = Some("2.000815".into()));
    assert_eq!(store.count_work_list(&other).await.unwrap(), 0);
    assert!(store.work_list(&other).await.unwrap().is_empty());
    // Latest due first, two a page, the cursor going backwards.
    let desc = WorkListQuery {
        descending: true,
        limit: 2,
        ..q("H55")
    };
    let first = store.work_list(&desc).await.unwrap();
    let codes = |rows: &[motcua_app::ports::dossiers::WorkListRow]| {
        rows.iter().map(|r| r.code.clone()).collect::<Vec<_>>()
    };
    assert_eq!(codes(&first), [a3.clone(), a1.clone()]);
    let last = &first[1];
    let next = WorkListQuery {
        after: Some((last.due_key, last.code.clone())),
        ..desc.clone()
    };
    let second = store.work_list(&next).await.unwrap();
    assert_eq!(codes(&second), [a2, b1]);
    // The count ignores the keyset position.
    assert_eq!(store.count_work_list(&next).await.unwrap(), 4);
}

/// The register's period is a filter of the query: a dossier received
/// before or after the period is not read at all, in the list and in its
/// count, on every lane of the scope.
pub async fn desk_work_list_register_period(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let first = create_at(&*store, TT1, t0(), "p1", 5).await;
    let later = create_at(&*store, TT2, t0() + TimeDelta::days(3), "p2", 9).await;
    let q = |from: i64, to: i64| WorkListQuery {
        scope_agency: "H55".into(),
        register_period: Some((t0() + TimeDelta::hours(from), t0() + TimeDelta::hours(to))),
        limit: 50,
        ..WorkListQuery::default()
    };
    let codes = |rows: Vec<motcua_app::ports::dossiers::WorkListRow>| {
        rows.into_iter().map(|r| r.code).collect::<Vec<_>>()
    };
    let day_one = q(-1, 24);
    assert_eq!(
        codes(store.work_list(&day_one).await.unwrap()),
        [first.as_str()]
    );
    assert_eq!(store.count_work_list(&day_one).await.unwrap(), 1);
    let day_four = q(48, 96);
    assert_eq!(
        codes(store.work_list(&day_four).await.unwrap()),
        [later.as_str()]
    );
    // The period's end is exclusive; its start inclusive.
    assert!(store.work_list(&q(-24, 0)).await.unwrap().is_empty());
    assert_eq!(
        codes(store.work_list(&q(0, 1)).await.unwrap()),
        [first.as_str()]
    );
    assert!(store.work_list(&q(100, 200)).await.unwrap().is_empty());
    let both = q(-1, 100);
    assert_eq!(store.count_work_list(&both).await.unwrap(), 2);
    let unfiltered = WorkListQuery {
        register_period: None,
        ..both
    };
    assert_eq!(store.count_work_list(&unfiltered).await.unwrap(), 2);
}

/// The leader's statistics: receptions and results per Vietnam day, the
/// on-time share, overdue dossiers by procedure and by assignee.
pub async fn desk_leader_stats_in_sql(store: Arc<dyn Store>) {
    let [_a1, _a2, _a3, _b1] = fixture(&*store).await;
    let day = NaiveDate::from_ymd_opt(2025, 7, 15).unwrap();
    let query = |scope: &str, now_days: i64| StatsQuery {
        scope_agency: scope.into(),
        from: t0() - TimeDelta::days(1),
        to: t0() + TimeDelta::days(1),
        now_key: (t0() + TimeDelta::days(now_days)).timestamp_millis(),
    };
    let stats = store.dossier_stats(&query("H55", 5)).await.unwrap();
    assert_eq!(
        stats.days,
        [DailyCounts {
            day,
            received: 4,
            resolved: 1,
            resolved_on_time: 1,
        }]
    );
    let group = |key: Option<&str>, count| GroupCount {
        key: key.map(str::to_owned),
        count,
    };
    assert_eq!(stats.overdue_by_procedure, [group(Some("1.001193"), 1)]);
    assert_eq!(stats.overdue_by_assignee, [group(None, 1)]);
    let later = store.dossier_stats(&query("H55", 10)).await.unwrap();
    assert_eq!(later.overdue_by_procedure, [group(Some("1.001193"), 3)]);
    assert_eq!(
        later.overdue_by_assignee,
        [group(None, 2), group(Some("chuyen-vien-1"), 1)]
    );
    // Another commune's scope sees only its own dossier.
    let other = store.dossier_stats(&query("H55.X05746", 10)).await.unwrap();
    assert_eq!(other.days.len(), 1);
    assert_eq!((other.days[0].received, other.days[0].resolved), (1, 0));
    assert_eq!(other.overdue_by_procedure, [group(Some("1.001193"), 1)]);
    // A period after the reception holds nothing.
    let empty = store
        .dossier_stats(&StatsQuery {
            from: t0() + TimeDelta::hours(1),
            ..query("H55", 0)
        })
        .await
        .unwrap();
    assert!(empty.days.is_empty());
    assert!(empty.overdue_by_procedure.is_empty());
}
