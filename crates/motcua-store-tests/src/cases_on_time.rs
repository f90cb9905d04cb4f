//! One on-time rule (Decision 766, indicator 2.1) for every count of it:
//! the leader page's on-time results (SQL over the dossier projection), the
//! portal summary's verdict and the national hub's totals (SQL over the
//! summaries) all agree with `Dossier::on_time` on one set of dossiers,
//! including the review's cases D9 (apology before the due date) and D11
//! (pause across closing time).

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use motcua_app::exchange::summary::DossierSummary;
use motcua_app::ports::Store;
use motcua_app::ports::dossiers::StatsQuery;
use motcua_app::ports::national::NationalEventRow;
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::dossier::{Action, Dossier, ResultDocument};

use crate::dossier_fixtures::{agencies, append, create, state, t0};

const TT1: &str = "H55.X05743.TT";

fn at(minutes: i64) -> DateTime<Utc> {
    t0() + TimeDelta::minutes(minutes)
}

fn result_ready() -> Action {
    Action::MarkResultReady {
        documents: vec![ResultDocument {
            name: "Giấy xác nhận".into(),
            number: Some("1/2025".into()),
            file: None,
        }],
    }
}

fn request_supplement() -> Action {
    Action::RequestSupplement {
        reason: "Thiếu giấy tờ".into(),
        missing: vec!["Bản sao CCCD".into()],
    }
}

fn extend(to: DateTime<Utc>) -> Action {
    Action::ApologiseAndExtend {
        reason: "Cần xác minh thêm".into(),
        new_due_at: to,
    }
}

/// Applies `steps` (minutes after t0, action) to a new dossier due one day
/// after t0 (Wed 16/07/2025 08:00, given explicitly), computing the due
/// dates after a supplement with the domain's clock rule as the
/// application does; returns the final state.
async fn run(store: &dyn Store, key: &str, steps: Vec<(i64, Option<Action>)>) -> Dossier {
    let code = create(store, TT1, key, 1).await;
    let cal = WorkingCalendar::vietnam().expect("calendar");
    for (i, (minutes, action)) in steps.into_iter().enumerate() {
        let d = state(store, &code).await;
        let action = action.unwrap_or_else(|| {
            let resumed = d
                .due_after_supplement(&cal, None, None, at(minutes))
                .expect("clock");
            Action::ResumeAfterSupplement {
                components: Vec::new(),
                new_due_at: resumed.map(|r| r.due_at),
                on_time_due_at: resumed.map(|r| r.on_time_due_at),
            }
        });
        append(store, &d, d.version, &format!("{key}-{i}"), action, minutes)
            .await
            .expect("appended");
    }
    state(store, &code).await
}

/// The leader page, the hub's totals and the portal summary count the
/// same on-time dossiers as the domain's one rule.
pub async fn on_time_rule_is_one_for_leader_hub_and_portal(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let store = &*store;
    let due = t0() + TimeDelta::days(1);
    let later = t0() + TimeDelta::days(3);
    let dossiers = [
        // A: result an hour after reception.
        (
            "a",
            run(store, "a", vec![(60, Some(result_ready()))]).await,
            true,
        ),
        // B: result a day after the due date.
        (
            "b",
            run(store, "b", vec![(2880, Some(result_ready()))]).await,
            false,
        ),
        // C (D11): supplement Tue 16:00 → Wed 08:00 moves the due date one
        // working day (Thu 08:00); result Thu 07:00 is on time, although
        // "original due + 16 h of waiting" would call it late.
        (
            "c",
            run(
                store,
                "c",
                vec![
                    (480, Some(request_supplement())),
                    (1440, None),
                    (2820, Some(result_ready())),
                ],
            )
            .await,
            true,
        ),
        // D: two supplement requests are late whatever the dates.
        (
            "d",
            run(
                store,
                "d",
                vec![
                    (60, Some(request_supplement())),
                    (120, None),
                    (180, Some(request_supplement())),
                    (240, None),
                    (300, Some(result_ready())),
                ],
            )
            .await,
            false,
        ),
        // E (D9, review F): apology and extension, result before the
        // original due date: on time.
        (
            "e",
            run(
                store,
                "e",
                vec![(120, Some(extend(later))), (300, Some(result_ready()))],
            )
            .await,
            true,
        ),
        // F (review G): apology after the due date, result before the new
        // appointment: late.
        (
            "f",
            run(
                store,
                "f",
                vec![(1500, Some(extend(later))), (1560, Some(result_ready()))],
            )
            .await,
            false,
        ),
    ];
    let end = t0() + TimeDelta::days(4);
    let mut rows = Vec::new();
    for (name, d, expected) in &dossiers {
        let verdict = d.on_time(end).is_on_time();
        assert_eq!(verdict, *expected, "{name}: the domain rule");
        assert_eq!(
            d.counts_late, !verdict,
            "{name}: counts_late is the verdict"
        );
        let summary = DossierSummary::of(d, end);
        assert_eq!(summary.on_time, Some(verdict), "{name}: portal summary");
        rows.push(NationalEventRow {
            event_id: format!("19.{name}"),
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
    // D11: the due date shown to staff is the one the verdict used.
    assert_eq!(dossiers[2].1.due_at, Some(due + TimeDelta::days(1)));
    assert_eq!(dossiers[2].1.on_time_due(), dossiers[2].1.due_at);
    let domain = dossiers
        .iter()
        .filter(|(_, d, _)| d.on_time(end).is_on_time())
        .count() as u64;
    assert_eq!(domain, 3);

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
    let resolved: u64 = stats.days.iter().map(|c| c.resolved).sum();
    let leader: u64 = stats.days.iter().map(|c| c.resolved_on_time).sum();
    assert_eq!(resolved, 6);
    assert_eq!(leader, domain, "leader page vs the domain rule");

    // The hub's totals, from the same summaries.
    store.ingest_national(&rows).await.unwrap();
    let totals = store
        .national_totals(t0() - TimeDelta::days(1), end)
        .await
        .unwrap();
    let hub = totals
        .iter()
        .find(|t| t.province == "19")
        .expect("province 19");
    assert_eq!(hub.finished, 6);
    assert_eq!(hub.on_time, domain, "hub totals vs the domain rule");
}
