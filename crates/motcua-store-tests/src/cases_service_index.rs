//! The Decision 766 index reads the dossiers of a unit subtree through one
//! query (`IndexFacts`), and its indicator 2.1 counts the same on-time
//! dossiers as the leader page and the national hub's totals (issue 15
//! item 2: one on-time rule).

use std::sync::Arc;

use chrono::TimeDelta;
use motcua_app::exchange::summary::DossierSummary;
use motcua_app::ports::Store;
use motcua_app::ports::dossiers::StatsQuery;
use motcua_app::ports::national::NationalEventRow;
use motcua_app::ports::service_index::FactScope;
use motcua_domain::dossier::{Action, ResultDocument};
use motcua_domain::service_index::{FactSet, Level, Period, built_in, compute};

use crate::dossier_fixtures::{agencies, append, create, state, t0};

fn result_ready() -> Action {
    Action::MarkResultReady {
        documents: vec![ResultDocument {
            name: "Giấy xác nhận".into(),
            number: Some("1/2025".into()),
            file: None,
        }],
    }
}

fn scope(units: &[&str], from_days: i64, to_days: i64) -> FactScope {
    FactScope {
        units: units.iter().map(|u| (*u).to_owned()).collect(),
        procedure: None,
        from: t0() + TimeDelta::days(from_days),
        to: t0() + TimeDelta::days(to_days),
    }
}

/// The index's dossiers are those of the units asked for, received before
/// the period's end and not closed before its start; 2.1 over them agrees
/// with the leader page and the hub on the finished ones.
pub async fn index_facts_and_one_on_time_rule_for_leader_hub_and_index(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let s = &*store;
    // A: result after 1 h (on time). B: result after 2 days, due 1 day
    // (late). C: open, due in 3 days. D (another commune): result on time.
    let a = create(s, "H55.X05743.TT", "si-a", 1).await;
    let b = create(s, "H55.X05743.TT", "si-b", 1).await;
    let c = create(s, "H55.X05743.TT", "si-c", 3).await;
    let d = create(s, "H55.X05746.TT", "si-d", 1).await;
    for (code, minutes) in [(&a, 60), (&b, 2880), (&d, 120)] {
        let st = state(s, code).await;
        append(
            s,
            &st,
            st.version,
            &format!("{code}-r"),
            result_ready(),
            minutes,
        )
        .await
        .unwrap();
    }

    let mut read = store
        .index_dossier_facts(&scope(&["19", "05743"], -1, 4))
        .await
        .unwrap();
    read.sort_by(|x, y| x.code.cmp(&y.code));
    let codes: Vec<&str> = read.iter().map(|f| f.code.as_str()).collect();
    let mut want = vec![a.as_str(), b.as_str(), c.as_str()];
    want.sort_unstable();
    assert_eq!(codes, want, "only the units asked for");
    assert!(read.iter().all(|f| f.unit_code == "05743"));
    // Each fact is the domain's reduction of the stored state.
    for f in &read {
        let st = state(s, &f.code).await;
        assert_eq!(
            *f,
            motcua_domain::service_index::DossierFact::of(&st, "05743")
        );
    }
    // Received after the period's end: nothing.
    let before = store
        .index_dossier_facts(&scope(&["05743", "05746"], -3, -1))
        .await
        .unwrap();
    assert!(before.is_empty(), "{before:?}");
    // Closed before the period's start: only the open one is left.
    let later = store
        .index_dossier_facts(&scope(&["05743"], 3, 5))
        .await
        .unwrap();
    assert_eq!(
        later.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
        [c.as_str()]
    );
    // One procedure only.
    let mut other_procedure = scope(&["05743"], -1, 4);
    other_procedure.procedure = Some("9.999999".into());
    assert!(
        store
            .index_dossier_facts(&other_procedure)
            .await
            .unwrap()
            .is_empty()
    );
    // Nothing asked: nothing read.
    assert!(
        store
            .index_dossier_facts(&scope(&[], -1, 4))
            .await
            .unwrap()
            .is_empty()
    );

    // One on-time rule. The period: July 2025 (t0 = 15/07), judged an hour
    // after B's result (C, due on the third day, is still on time).
    let end = t0() + TimeDelta::days(2) + TimeDelta::hours(1);
    let all = store
        .index_dossier_facts(&scope(&["19", "05743", "05746"], -14, 16))
        .await
        .unwrap();
    let sets = built_in().unwrap();
    let report = compute(
        &sets[0],
        &FactSet {
            dossiers: all,
            ..FactSet::default()
        },
        Period::parse("2025-07").unwrap(),
        Level::Province,
        end,
    );
    let i21 = report.indicator("2.1").unwrap();
    // 2.1 counts A, D (on time) and C (open, not late) of A B C D.
    assert_eq!(i21.denominator, Some(4));
    assert_eq!(i21.numerator, Some(3.0));
    assert_eq!(
        i21.to_act,
        std::slice::from_ref(&c),
        "the open dossier to act on"
    );
    let finished_on_time_in_index = i21.numerator_items.iter().filter(|x| **x != c).count() as u64;

    // The leader page: results ready in the period, on time.
    let stats = store
        .dossier_stats(&StatsQuery {
            scope_agency: "H55".into(),
            from: t0() - TimeDelta::days(1),
            to: end,
            now_key: end.timestamp_millis(),
        })
        .await
        .unwrap();
    let resolved: u64 = stats.days.iter().map(|x| x.resolved).sum();
    let leader: u64 = stats.days.iter().map(|x| x.resolved_on_time).sum();
    assert_eq!(resolved, 3);
    assert_eq!(leader, finished_on_time_in_index, "leader page vs 2.1");

    // The hub's totals from the portal summaries of the same dossiers.
    let mut rows = Vec::new();
    for code in [&a, &b, &c, &d] {
        let st = state(s, code).await;
        let summary = DossierSummary::of(&st, end);
        rows.push(NationalEventRow {
            event_id: format!("si.{code}"),
            province: "19".into(),
            event_type: "result_ready".into(),
            code: summary.code.clone(),
            version: summary.version,
            procedure_code: summary.procedure_code.clone(),
            receiving_agency: summary.receiving_agency.clone(),
            deciding_agency: summary.deciding_agency.clone(),
            commune: Some("05743".into()),
            status: summary.status.clone(),
            portal_status: summary.portal_status,
            channel: summary.channel,
            started_at: summary.received_at.unwrap_or(summary.submitted_at),
            due_at: summary.due_at,
            finished_at: summary.finished_at,
            on_time: summary.on_time,
            received_at: end,
        });
    }
    store.ingest_national(&rows).await.unwrap();
    let totals = store
        .national_totals(t0() - TimeDelta::days(1), end)
        .await
        .unwrap();
    let hub = totals.iter().find(|x| x.province == "19").unwrap();
    assert_eq!(hub.finished, 3);
    assert_eq!(hub.on_time, finished_on_time_in_index, "hub totals vs 2.1");
    assert_eq!(hub.on_time, 2);
}

/// A dossier whose kept index fact is missing (written before migration
/// 0032) is read from its whole state, the same fact, and the derived fact
/// is kept for the next read.
pub async fn index_facts_missing_are_derived_from_the_state_and_kept(
    store: Arc<dyn Store>,
    raw: crate::RawSql,
) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let s = &*store;
    let a = create(s, "H55.X05743.TT", "sk-a", 1).await;
    let st = state(s, &a).await;
    append(s, &st, st.version, "sk-a-r", result_ready(), 60)
        .await
        .unwrap();
    let kept = store
        .index_dossier_facts(&scope(&["05743"], -1, 4))
        .await
        .unwrap();
    let cleared = raw("UPDATE dossier_index_facts SET fact = NULL".to_owned())
        .await
        .unwrap();
    assert_eq!(cleared, 1);
    let derived = store
        .index_dossier_facts(&scope(&["05743"], -1, 4))
        .await
        .unwrap();
    let whole = motcua_domain::service_index::DossierFact::of(&state(s, &a).await, "05743");
    assert_eq!(derived, std::slice::from_ref(&whole));
    assert_eq!(kept, derived);
    let none_left =
        raw("UPDATE dossier_index_facts SET closed = closed WHERE fact IS NULL".to_owned())
            .await
            .unwrap();
    assert_eq!(none_left, 0, "the derived fact was kept");
    assert_eq!(
        store
            .index_dossier_facts(&scope(&["05743"], -1, 4))
            .await
            .unwrap(),
        [whole]
    );
}
