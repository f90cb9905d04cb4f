//! Conformance cases of the staff registry, unit statistics and
//! classifications, and the workload aggregates (issue 17).

use std::sync::Arc;

use chrono::{NaiveDate, TimeDelta};
use motcua_app::ports::Store;
use motcua_app::ports::catalog::ImportMode;
use motcua_app::ports::staff::{ClassificationRecord, UnitStatistic, WorkloadQuery};
use motcua_domain::catalog::seed_catalog;
use motcua_domain::staff::{PositionGroup, Secondment, SecondmentDirection, StaffMember};

use crate::dossier_fixtures::{agencies, create, t0};

fn member(id: &str, unit: &str, tags: &[&str]) -> StaffMember {
    StaffMember {
        id: id.into(),
        unit_agency: unit.into(),
        full_name: format!("Cán bộ {id}"),
        account: Some(format!("acc-{id}")),
        position_group: PositionGroup::Specialised,
        position: "Địa chính".into(),
        department: "kinh_te".into(),
        employment: "cong_chuc".into(),
        expertise: tags.iter().map(|t| (*t).to_owned()).collect(),
        qualifications: "Cử nhân".into(),
        secondment: None,
    }
}

/// Members round-trip with their tags and secondment, are replaced by id,
/// and are listed by agency subtree; statistics and the latest score sheet
/// read back.
pub async fn staff_statistics_and_classifications_round_trip(store: Arc<dyn Store>) {
    store
        .insert_missing_agencies(&agencies())
        .await
        .expect("agencies");
    let mut a = member("S1", "H55.X05743", &["dat_dai", "xay_dung_do_thi"]);
    a.secondment = Some(Secondment {
        direction: SecondmentDirection::In,
        agency: "Sở Nội vụ".into(),
        from: NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
        to: Some(NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()),
    });
    let b = member("S2", "H55.X05746.TT", &["mot_cua_tthc"]);
    assert_eq!(
        store
            .save_staff(&[a.clone(), b.clone()], t0())
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store.list_staff("H55").await.unwrap(),
        vec![a.clone(), b.clone()]
    );
    assert_eq!(
        store.list_staff("H55.X05743").await.unwrap(),
        vec![a.clone()]
    );
    assert_eq!(
        store.list_staff("H55.X05746").await.unwrap(),
        vec![b.clone()]
    );
    // Replaced by id: tags follow the new row.
    let mut a2 = a.clone();
    a2.expertise = vec!["cntt_chuyen_doi_so".into()];
    a2.secondment = None;
    store.save_staff(&[a2.clone()], t0()).await.unwrap();
    assert_eq!(store.list_staff("H55.X05743").await.unwrap(), vec![a2]);
    let units = store.agency_units("H55.X05746").await.unwrap();
    assert_eq!(
        units,
        [
            ("H55.X05746".to_owned(), "05746".to_owned()),
            ("H55.X05746.TT".to_owned(), "05746".to_owned())
        ]
    );

    let stat = |name: &str, value: &str| UnitStatistic {
        unit_code: "05743".into(),
        name: name.into(),
        value: value.into(),
        source: "Cục Thống kê".into(),
        as_of: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
    };
    store
        .save_unit_statistics(&[stat("population", "25000"), stat("natural_area_km2", "60")])
        .await
        .unwrap();
    store
        .save_unit_statistics(&[stat("population", "26000")])
        .await
        .unwrap();
    let stats = store.unit_statistics("05743").await.unwrap();
    assert_eq!(
        stats,
        vec![stat("natural_area_km2", "60"), stat("population", "26000")]
    );

    assert!(store.last_classification("05743").await.unwrap().is_none());
    let rec = |at, result: &str| ClassificationRecord {
        unit_code: "05743".into(),
        computed_at: at,
        rule_set: "nd-307-2025".into(),
        result: result.into(),
        actor: "officer:qt".into(),
        sheet: serde_json::json!({"result": result}),
    };
    store
        .save_classification(&rec(t0(), "cannot_classify"))
        .await
        .unwrap();
    store
        .save_classification(&rec(t0() + TimeDelta::hours(1), "II"))
        .await
        .unwrap();
    let last = store.last_classification("05743").await.unwrap().unwrap();
    assert_eq!(last, rec(t0() + TimeDelta::hours(1), "II"));
}

/// Officers' actions are grouped by unit, field, officer, Vietnam-time day
/// and office window; dossiers by field with the overdue.
pub async fn workload_aggregates_follow_units_fields_and_windows(store: Arc<dyn Store>) {
    store
        .insert_missing_agencies(&agencies())
        .await
        .expect("agencies");
    store
        .import_catalog(&seed_catalog(), ImportMode::RefuseChanges)
        .await
        .expect("catalog");
    let code = create(store.as_ref(), "H55.X05743.TT", "k1", 2).await;
    create(store.as_ref(), "H55.X05743.TT", "k2", 30).await;
    create(store.as_ref(), "H55.X05746.TT", "k3", 2).await;
    // t0 = 2025-07-15 01:00 UTC = 08:00 Vietnam time, inside 07:30–11:30.
    let q = |root: &str, windows: Vec<(u32, u32)>| WorkloadQuery {
        root: root.into(),
        from: t0() - TimeDelta::days(1),
        to: t0() + TimeDelta::days(1),
        now_key: (t0() + TimeDelta::days(10)).timestamp_millis(),
        windows,
    };
    let groups = store
        .action_groups(&q("H55", vec![(450, 690), (810, 1020)]))
        .await
        .unwrap();
    let total: u64 = groups.iter().map(|g| g.actions).sum();
    assert_eq!(total, 3, "{groups:?}");
    assert!(
        groups
            .iter()
            .all(|g| g.in_window && g.officer == "officer:a1")
    );
    assert!(groups.iter().all(|g| g.field == "ho tich"), "{groups:?}");
    assert!(
        groups
            .iter()
            .all(|g| g.day == NaiveDate::from_ymd_opt(2025, 7, 15).unwrap())
    );
    // 08:00 is outside a window of 09:00–10:00.
    let outside = store
        .action_groups(&q("H55", vec![(540, 600)]))
        .await
        .unwrap();
    assert!(outside.iter().all(|g| !g.in_window));
    let one = store.action_groups(&q("H55.X05743", vec![])).await.unwrap();
    assert_eq!(one.iter().map(|g| g.actions).sum::<u64>(), 2);
    assert!(one.iter().all(|g| g.unit_code == "05743"));

    let handled = store.handled_counts(&q("H55", vec![])).await.unwrap();
    let mut h: Vec<(String, u64)> = handled
        .iter()
        .map(|x| (x.unit_code.clone(), x.dossiers))
        .collect();
    h.sort();
    assert_eq!(h, [("05743".to_owned(), 2), ("05746".to_owned(), 1)]);

    let mut fields = store.field_counts(&q("H55", vec![])).await.unwrap();
    fields.sort_by(|a, b| a.unit_code.cmp(&b.unit_code));
    let got: Vec<(&str, &str, u64, u64)> = fields
        .iter()
        .map(|f| {
            (
                f.unit_code.as_str(),
                f.field.as_str(),
                f.dossiers,
                f.overdue,
            )
        })
        .collect();
    assert_eq!(
        got,
        [("05743", "ho tich", 2, 1), ("05746", "ho tich", 1, 1)]
    );
    // Outside the period: nothing.
    let mut later = q("H55", vec![]);
    later.from = t0() + TimeDelta::days(2);
    later.to = t0() + TimeDelta::days(3);
    assert!(store.field_counts(&later).await.unwrap().is_empty());

    // Spans: an officer's action with the dossier's event before it; a
    // dossier's first event has none.
    assert!(
        store
            .action_spans(&q("H55", vec![]))
            .await
            .unwrap()
            .is_empty()
    );
    let d = crate::dossier_fixtures::state(store.as_ref(), &code).await;
    let hand_over = motcua_domain::dossier::Action::HandOver {
        to: "chuyen-vien-1".into(),
        step_deadline: t0() + TimeDelta::days(3),
    };
    crate::dossier_fixtures::append(store.as_ref(), &d, 1, "span", hand_over, 95)
        .await
        .unwrap();
    let spans = store.action_spans(&q("H55", vec![])).await.unwrap();
    assert_eq!(spans.len(), 1, "{spans:?}");
    let s = &spans[0];
    assert_eq!(
        (s.unit_code.as_str(), s.field.as_str(), s.officer.as_str()),
        ("05743", "ho tich", "officer:a2")
    );
    assert_eq!((s.from, s.at), (t0(), t0() + TimeDelta::minutes(95)));
    assert!(
        store
            .action_spans(&q("H55.X05746", vec![]))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.action_spans(&later).await.unwrap().is_empty());
}
