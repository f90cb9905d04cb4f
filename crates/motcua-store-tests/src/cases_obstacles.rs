//! Conformance cases of obstacles (issue 16): a case and its events written
//! together with a version check, scope queries over the agency tree (a
//! watcher sees a case only once overdue), histories for the monthly
//! report, grouping candidates, and the live dossier figures.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use motcua_app::StoreError;
use motcua_app::ports::Store;
use motcua_app::ports::obstacles::{ObstacleQuery, ObstacleRow, ObstacleWrite};
use motcua_domain::obstacle::{
    Actor, Blocks, Command, Draft, Level, Obstacle, ObstacleAction, ObstacleEvent, Owner, decide,
    evolve,
};

use crate::dossier_fixtures::{agencies, create, t0};

fn draft(unit: &str) -> Draft {
    Draft {
        title: "Mất kết nối CSDL hộ tịch".into(),
        description: "Không gửi được hồ sơ".into(),
        category: "HA_TANG_CNTT".into(),
        blocks: Blocks::default(),
        since: NaiveDate::from_ymd_opt(2025, 7, 1).expect("date"),
        proposal: "Kết nối lại".into(),
        evidence: String::new(),
        unit_agency: unit.into(),
        unit_name: format!("Xã {unit}"),
        unit_code: "05743".into(),
        province_root: "H55".into(),
    }
}

fn write(
    prev: Option<&Obstacle>,
    id: &str,
    action: ObstacleAction,
    at: DateTime<Utc>,
    watcher: Option<&str>,
) -> (Obstacle, ObstacleWrite) {
    let actor = Actor {
        officer: "cb.1".into(),
        agency: "H55.X05743".into(),
    };
    let event: ObstacleEvent = decide(prev, &Command { actor, action }, at).expect("decide");
    let o = evolve(id, prev.cloned(), &event).expect("evolve");
    let due_key = o.due_at.map_or(i64::MAX, |d| d.timestamp_millis());
    let w = ObstacleWrite {
        expected_version: prev.map_or(0, |p| p.version),
        row: ObstacleRow {
            obstacle: o.clone(),
            watcher: watcher.map(str::to_owned),
            due_key,
            text_folded: "mat ket noi csdl ho tich".into(),
        },
        events: vec![event],
    };
    (o, w)
}

fn query(scope: &str, now: DateTime<Utc>) -> ObstacleQuery {
    ObstacleQuery {
        scope: scope.into(),
        status: None,
        category: None,
        submitted: None,
        now_key: now.timestamp_millis(),
        limit: 100,
    }
}

/// Draft, submit, and read back; a stale version is refused and writes
/// nothing; the owner, the raising subtree and (once overdue) the watcher
/// see the case; the history reads back in order.
pub async fn obstacles_round_trip_with_versions_and_scopes(store: Arc<dyn Store>) {
    store
        .insert_missing_agencies(&agencies())
        .await
        .expect("agencies");
    let (d, w) = write(
        None,
        "VM-1",
        ObstacleAction::Draft(Box::new(draft("H55.X05743"))),
        t0(),
        None,
    );
    store
        .save_obstacles(std::slice::from_ref(&w))
        .await
        .expect("create");
    assert!(matches!(
        store.save_obstacles(&[w]).await,
        Err(StoreError::Conflict(_))
    ));
    let owner = Owner {
        agency: "H55.S10".into(),
        name: "Sở KH&CN".into(),
        level: Level::Department,
    };
    let due = t0() + TimeDelta::days(14);
    let (s, w) = write(
        Some(&d),
        "VM-1",
        ObstacleAction::Submit {
            owner,
            due_at: due,
            figures: vec![],
        },
        t0() + TimeDelta::hours(1),
        Some("H55"),
    );
    store
        .save_obstacles(std::slice::from_ref(&w))
        .await
        .expect("submit");
    // The same change again is at a stale version now.
    assert!(matches!(
        store.save_obstacles(&[w]).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.get_obstacle("VM-1").await.unwrap(), Some(s.clone()));
    assert_eq!(store.get_obstacle("VM-2").await.unwrap(), None);
    let events = store.obstacle_events("VM-1").await.unwrap();
    assert_eq!(events.iter().map(|e| e.version).collect::<Vec<_>>(), [1, 2]);

    let now = t0() + TimeDelta::days(1);
    let ids = |v: Vec<Obstacle>| v.into_iter().map(|o| o.id).collect::<Vec<_>>();
    // Raised below X05743, owned by H55.S10 (not in the tree: a literal scope).
    assert_eq!(
        ids(store
            .list_obstacles(&query("H55.X05743", now))
            .await
            .unwrap()),
        ["VM-1"]
    );
    assert_eq!(
        ids(store.list_obstacles(&query("H55.S10", now)).await.unwrap()),
        ["VM-1"]
    );
    assert!(
        store
            .list_obstacles(&query("H55.X05746", now))
            .await
            .unwrap()
            .is_empty()
    );
    // A watcher outside the tree sees it only once overdue.
    let mut watched = query("H55", now);
    watched.scope = "H55".into();
    assert_eq!(
        ids(store.list_obstacles(&watched).await.unwrap()),
        ["VM-1"],
        "H55 is the root of the raising unit"
    );
    let mut filtered = query("H55.X05743", now);
    filtered.status = Some("received".into());
    assert!(store.list_obstacles(&filtered).await.unwrap().is_empty());
    filtered.status = Some("submitted".into());
    filtered.category = Some("HA_TANG_CNTT".into());
    filtered.submitted = Some((t0(), t0() + TimeDelta::days(2)));
    assert_eq!(store.list_obstacles(&filtered).await.unwrap().len(), 1);
    filtered.submitted = Some((t0() + TimeDelta::days(2), t0() + TimeDelta::days(3)));
    assert!(store.list_obstacles(&filtered).await.unwrap().is_empty());

    let histories = store.obstacle_histories("H55").await.unwrap();
    assert_eq!(histories.len(), 1);
    assert_eq!(histories[0].1, events);
    assert_eq!(
        store.group_candidates("HA_TANG_CNTT", 10).await.unwrap(),
        [("VM-1".to_owned(), "mat ket noi csdl ho tich".to_owned())]
    );
    assert!(
        store
            .group_candidates("DAT_DAI", 10)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A case owned by an agency outside the querying tree shows to its
/// watcher only past its due date.
pub async fn obstacles_watcher_sees_only_overdue_cases(store: Arc<dyn Store>) {
    store
        .insert_missing_agencies(&agencies())
        .await
        .expect("agencies");
    let (d, w) = write(
        None,
        "VM-7",
        ObstacleAction::Draft(Box::new(draft("H55.X05743"))),
        t0(),
        None,
    );
    store.save_obstacles(&[w]).await.expect("create");
    let due = t0() + TimeDelta::days(3);
    let (_, w) = write(
        Some(&d),
        "VM-7",
        ObstacleAction::Submit {
            owner: Owner {
                agency: "H55".into(),
                name: "UBND tỉnh".into(),
                level: Level::Province,
            },
            due_at: due,
            figures: vec![],
        },
        t0(),
        Some("VPCP"),
    );
    store.save_obstacles(&[w]).await.expect("submit");
    assert!(
        store
            .list_obstacles(&query("VPCP", due))
            .await
            .unwrap()
            .is_empty()
    );
    let late = due + TimeDelta::minutes(1);
    assert_eq!(
        store
            .list_obstacles(&query("VPCP", late))
            .await
            .unwrap()
            .len(),
        1
    );
}

/// The figures count the open dossiers of the procedure received in the
/// unit's subtree, and those overdue at `now`.
pub async fn obstacle_figures_count_dossiers_of_the_unit(store: Arc<dyn Store>) {
    store
        .insert_missing_agencies(&agencies())
        .await
        .expect("agencies");
    create(store.as_ref(), "H55.X05743.TT", "k1", 2).await;
    create(store.as_ref(), "H55.X05743.TT", "k2", 30).await;
    create(store.as_ref(), "H55.X05746.TT", "k3", 2).await;
    let now = (t0() + TimeDelta::days(10)).timestamp_millis();
    let f = store
        .procedure_figures("H55.X05743", "1.001193", now)
        .await
        .unwrap();
    assert_eq!((f.open, f.overdue, f.paused), (2, 1, 0));
    let f = store
        .procedure_figures("H55", "1.001193", now)
        .await
        .unwrap();
    assert_eq!((f.open, f.overdue), (3, 2));
    let f = store
        .procedure_figures("H55.X05743", "1.000000", now)
        .await
        .unwrap();
    assert_eq!(f.open, 0);
}

/// Issue 16 item 5: the draft stays private, the submission writes one
/// `obstacle.submitted` outbox row in the case's transaction (a refused
/// write adds none); the hub's index keeps each event once, the newest
/// version of the case, and lists it while it waits for an answer.
pub async fn obstacle_events_reach_the_outbox_and_the_national_index(store: Arc<dyn Store>) {
    use motcua_app::exchange::obstacle::ObstacleOutboxPayload;
    use motcua_app::ports::national::NationalObstacleRow;

    store
        .insert_missing_agencies(&agencies())
        .await
        .expect("agencies");
    let (d, w) = write(
        None,
        "VM-X",
        ObstacleAction::Draft(Box::new(draft("H55.X05743"))),
        t0(),
        None,
    );
    store.save_obstacles(&[w]).await.expect("draft");
    assert!(store.dossier_outbox("VM-X").await.unwrap().is_empty());
    let owner = Owner {
        agency: "H55.S10".into(),
        name: "Sở KH&CN".into(),
        level: Level::Department,
    };
    let (s, w) = write(
        Some(&d),
        "VM-X",
        ObstacleAction::Submit {
            owner,
            due_at: t0() + TimeDelta::days(14),
            figures: vec![],
        },
        t0() + TimeDelta::hours(1),
        Some("H55"),
    );
    store
        .save_obstacles(std::slice::from_ref(&w))
        .await
        .expect("submit");
    assert!(store.save_obstacles(&[w]).await.is_err(), "stale");
    let rows = store.dossier_outbox("VM-X").await.unwrap();
    assert_eq!(rows.len(), 1, "one row, none from the refused write");
    assert_eq!(rows[0].row.message_type, "obstacle.submitted");
    assert_eq!(rows[0].row.event_version, 2);
    let p: ObstacleOutboxPayload = serde_json::from_str(&rows[0].row.payload_json).unwrap();
    assert_eq!((p.code.as_str(), p.version), ("VM-X", 2));
    assert_eq!(p.obstacle.status, "submitted");
    assert_eq!(p.obstacle.owner_agency.as_deref(), Some("H55.S10"));

    let row = |province: &str, version: u64, status: &str| NationalObstacleRow {
        event_id: format!("{province}.VM-X.{version}"),
        province: province.into(),
        id: "VM-X".into(),
        version,
        event_type: status.into(),
        category: "HA_TANG_CNTT".into(),
        status: status.into(),
        title: s.draft.title.clone(),
        unit_agency: "H55.X05743".into(),
        unit_name: "Xã X05743".into(),
        commune: "05743".into(),
        owner_agency: Some("H55.S10".into()),
        owner_name: Some("Sở KH&CN".into()),
        owner_level: Some("department".into()),
        submitted_at: s.submitted_at,
        due_at: s.due_at,
        answered_at: None,
        received_at: t0(),
    };
    let r = store
        .ingest_national_obstacles(&[row("19", 2, "submitted"), row("01", 3, "received")])
        .await
        .unwrap();
    assert_eq!((r.accepted, r.duplicates), (2, 0));
    let again = store
        .ingest_national_obstacles(&[row("19", 2, "submitted")])
        .await
        .unwrap();
    assert_eq!((again.accepted, again.duplicates), (0, 1));
    let open = store.national_open_obstacles().await.unwrap();
    assert_eq!(
        open.iter()
            .map(|o| (o.province.as_str(), o.status.as_str()))
            .collect::<Vec<_>>(),
        [("01", "received"), ("19", "submitted")]
    );
    // An older version arriving late changes nothing; an answer closes it.
    store
        .ingest_national_obstacles(&[row("19", 1, "escalated")])
        .await
        .unwrap();
    store
        .ingest_national_obstacles(&[row("19", 4, "answered")])
        .await
        .unwrap();
    let open = store.national_open_obstacles().await.unwrap();
    assert_eq!(
        open.iter().map(|o| o.province.as_str()).collect::<Vec<_>>(),
        ["01"]
    );
}
