//! The Decision 766 index engine: a worked example per computed indicator,
//! each number checked by hand (in the comments), at province and commune
//! level; unconnected sources and empty denominators; and the index's
//! dossier facts judged by the same on-time rule as the dossier itself.

mod dossier_support;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use dossier_support::{reach, t};
use motcua_domain::dossier::{
    DossierStatus as S, LocalStatus, Milestone, MilestoneKind as K, SubStatus,
};
use motcua_domain::service_index::engine::{ItemKind, points_of};
use motcua_domain::service_index::facts::{ElectronicResultFact, FeedbackFact, PaymentFact};
use motcua_domain::service_index::{
    DossierFact, FactSet, IndexReport, Level, Period, built_in, compute, rank,
};

fn m(kind: K, at: DateTime<Utc>) -> Milestone {
    Milestone { kind, at }
}

fn june(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, day, 3, 0, 0)
        .single()
        .unwrap()
}

fn fact(code: &str, procedure: &str, due: DateTime<Utc>, history: Vec<Milestone>) -> DossierFact {
    DossierFact {
        code: code.into(),
        procedure_code: procedure.into(),
        unit_code: "05743".into(),
        online: false,
        received_at: history.iter().find(|m| m.kind == K::Received).map(|m| m.at),
        on_time_due: Some(due),
        history,
        fees_vnd: 0,
        digitised: false,
        reused: false,
        citizen_data_store: false,
        population_data: false,
        disliked: false,
    }
}

fn feedback(
    id: &str,
    dossier: Option<&str>,
    received: i64,
    classified: bool,
    due: i64,
    handled: Option<i64>,
    disliked: bool,
) -> FeedbackFact {
    FeedbackFact {
        id: id.into(),
        unit_code: "05743".into(),
        dossier_code: dossier.map(Into::into),
        procedure_code: None,
        received_at: t(received),
        classified,
        due_at: Some(t(due)),
        handled_at: handled.map(t),
        disliked,
        follow_up: false,
    }
}

/// The example: period July 2025, judged at t(200) = 23/07/2025 16:00.
///
/// - D1 received t0, due t100, result t50: on time; online, digitised,
///   population data reused; electronic result.
/// - D2 received t0, due t100, result t150: late; fee 50,000 (not paid).
/// - D3 received t0, due t400, open: on time so far; online, digitised,
///   fee paid online.
/// - D4 received t0, due t150, open: late at t200.
/// - D5 received 10/06, result 20/06: ended before July, not counted.
/// - D6 received 25/06, due t300, open: carried over, on time; disliked.
/// - D7 received t10, two supplement requests, result t60: late.
fn example() -> FactSet {
    let d1 = DossierFact {
        online: true,
        digitised: true,
        reused: true,
        population_data: true,
        ..fact(
            "D1",
            "1.001193",
            t(100),
            vec![m(K::Received, t(0)), m(K::ResultReady, t(50))],
        )
    };
    let d2 = DossierFact {
        fees_vnd: 50_000,
        ..fact(
            "D2",
            "1.001193",
            t(100),
            vec![m(K::Received, t(0)), m(K::ResultReady, t(150))],
        )
    };
    let d3 = DossierFact {
        online: true,
        digitised: true,
        fees_vnd: 50_000,
        ..fact("D3", "2.000815", t(400), vec![m(K::Received, t(0))])
    };
    let d4 = fact("D4", "1.001193", t(150), vec![m(K::Received, t(0))]);
    let d5 = fact(
        "D5",
        "1.001193",
        june(15),
        vec![m(K::Received, june(10)), m(K::ResultReady, june(20))],
    );
    let d6 = DossierFact {
        disliked: true,
        ..fact("D6", "1.001193", t(300), vec![m(K::Received, june(25))])
    };
    let d7 = fact(
        "D7",
        "1.001193",
        t(200),
        vec![
            m(K::Received, t(10)),
            m(K::SupplementRequested, t(20)),
            m(K::SupplementCompleted, t(30)),
            m(K::SupplementRequested, t(40)),
            m(K::SupplementCompleted, t(50)),
            m(K::ResultReady, t(60)),
        ],
    );
    FactSet {
        dossiers: vec![d1, d2, d3, d4, d5, d6, d7],
        payments: Some(vec![PaymentFact {
            dossier_code: "D3".into(),
            procedure_code: "2.000815".into(),
            unit_code: "05743".into(),
            settled_at: t(5),
            amount_vnd: 50_000,
            channel: 1,
        }]),
        electronic_results: Some(vec![ElectronicResultFact {
            dossier_code: "D1".into(),
            attached_at: t(50),
        }]),
        feedback: Some(vec![
            // F1 about D2: classified, due t50, answered t40.
            feedback("F1", Some("D2"), 5, true, 50, Some(40), false),
            // F2: not classified, due t60, answered t70 (late).
            feedback("F2", None, 10, false, 60, Some(70), false),
            // F3: classified, due t300, open (on time at t200).
            feedback("F3", None, 20, true, 300, None, false),
            // F4: classified, answered on time, the answer disliked.
            feedback("F4", None, 30, true, 100, Some(90), true),
        ]),
    }
}

fn report(facts: &FactSet, level: Level) -> IndexReport {
    let sets = built_in().unwrap();
    compute(
        &sets[0],
        facts,
        Period::parse("2025-07").unwrap(),
        level,
        t(200),
    )
}

/// (numerator, denominator, ratio, points) of one indicator.
fn row(r: &IndexReport, id: &str) -> (Option<f64>, Option<u64>, Option<f64>, Option<f64>) {
    let i = r.indicator(id).unwrap_or_else(|| panic!("{id}"));
    (i.numerator, i.denominator, i.ratio, i.points)
}

#[test]
fn worked_example_per_indicator_at_province_level() {
    let r = report(&example(), Level::Province);
    // 2.1: handled in July = D1 D2 D3 D4 D6 D7 (D5 ended in June); on time
    // D1 D3 D6 → 3/6 = 50 %; no threshold: 50 × 20 / 100 = 10.
    assert_eq!(row(&r, "2.1"), (Some(3.0), Some(6), Some(50.0), Some(10.0)));
    let i21 = r.indicator("2.1").unwrap();
    assert_eq!(i21.numerator_items, ["D1", "D3", "D6"]);
    assert_eq!(i21.denominator_items, ["D1", "D2", "D3", "D4", "D6", "D7"]);
    // What raises it: the open dossiers still on time, nearest due first.
    assert_eq!(i21.to_act, ["D6", "D3"]);
    // 20 points / 6 dossiers = 3.33 per dossier kept on time.
    assert_eq!(i21.gain_per_item, Some(3.33));
    // 2.2: finished and received in July: D1 50 h, D2 150 h, D7 t10 → t60
    // = 50 h − 20 h of supplement = 30 h; 230 h = 9.583 days → 9.58; / 3 =
    // 3.19 days; no points.
    assert_eq!(row(&r, "2.2"), (Some(9.58), Some(3), Some(3.19), None));
    // 3.3: received in July D1 D2 D3 D4 D7, online D1 D3 → 2/5 = 40 %;
    // information only.
    assert_eq!(row(&r, "3.3"), (Some(2.0), Some(5), Some(40.0), None));
    // 3.5b: fee procedures 1.001193 (D2) and 2.000815 (D3); paid online:
    // 2.000815 → 1/2 = 50 % < 80: 50 × 2 / 80 = 1.25.
    assert_eq!(
        row(&r, "3.5b"),
        (Some(1.0), Some(2), Some(50.0), Some(1.25))
    );
    assert_eq!(r.indicator("3.5b").unwrap().item_kind, ItemKind::Procedure);
    // 3.6: fee dossiers D2 D3, paid D3 → 50 % < 100: 50 × 6 / 100 = 3.
    assert_eq!(row(&r, "3.6"), (Some(1.0), Some(2), Some(50.0), Some(3.0)));
    // 4.1: results in July D1 D2 D7, electronic D1 → 33.33 %: 33.33 × 6 /
    // 100 = 1.9998 → 2.00.
    assert_eq!(row(&r, "4.1"), (Some(1.0), Some(3), Some(33.33), Some(2.0)));
    // 4.2: digitised D1 D3 of 5 → 40 % < 80: 40 × 4 / 80 = 2.
    assert_eq!(row(&r, "4.2"), (Some(2.0), Some(5), Some(40.0), Some(2.0)));
    assert_eq!(
        r.indicator("4.2").unwrap().to_act,
        ["D4"],
        "open and not digitised"
    );
    // 4.3: reused D1 of 5 → 20 % < 80: 20 × 2 / 80 = 0.5.
    assert_eq!(row(&r, "4.3"), (Some(1.0), Some(5), Some(20.0), Some(0.5)));
    // 4.4: none of 5 → 0 % → 0 points (a real zero, not N/A).
    assert_eq!(row(&r, "4.4"), (Some(0.0), Some(5), Some(0.0), Some(0.0)));
    // 4.5b: population data D1 of 5 → 20 % × 2 / 100 = 0.4.
    assert_eq!(row(&r, "4.5b"), (Some(1.0), Some(5), Some(20.0), Some(0.4)));
    // 5.1: classified F1 F3 F4 of 4 → 75 %, information only.
    assert_eq!(row(&r, "5.1"), (Some(3.0), Some(4), Some(75.0), None));
    // 5.2: on time F1 F3 F4 (F2 answered after its due) → 75 × 6 / 100 = 4.5.
    assert_eq!(row(&r, "5.2"), (Some(3.0), Some(4), Some(75.0), Some(4.5)));
    // 5.3: satisfied F1 F3 (F2 late, F4 disliked) → 50 × 6 / 100 = 3.
    assert_eq!(row(&r, "5.3"), (Some(2.0), Some(4), Some(50.0), Some(3.0)));
    // 5.4: of 2.1's six, late D2 D4 D7, feedback D2, disliked D6 → D1 D3
    // left: 33.33 % < 90: 33.33 × 6 / 90 = 2.222 → 2.22.
    assert_eq!(
        row(&r, "5.4"),
        (Some(2.0), Some(6), Some(33.33), Some(2.22))
    );
    // Not computed, with the reason in Vietnamese.
    for id in [
        "1.1", "1.2", "1.3", "1.4", "3.0", "3.1", "3.2", "3.5a", "4.2b", "4.5a",
    ] {
        let i = r.indicator(id).unwrap();
        assert!(!i.computed, "{id}");
        assert_eq!((i.numerator, i.points), (None, None), "{id}");
        assert!(
            i.explanation.starts_with("Không tính được: "),
            "{id}: {}",
            i.explanation
        );
    }
    // Total 10 + 1.25 + 3 + 2 + 2 + 0.5 + 0 + 0.4 + 4.5 + 3 + 2.22 = 28.87
    // of 20 + 2 + 6 + 6 + 4 + 2 + 4 + 2 + 6 + 6 + 6 = 64.
    assert_eq!(
        (r.total, r.max_total, r.rule_max_total),
        (28.87, 64.0, 100.0)
    );
    assert_eq!(r.score_percent(), Some(45.11));
}

#[test]
fn a_commune_gets_full_points_where_an_indicator_does_not_apply() {
    let r = report(&example(), Level::Commune);
    for (id, points) in [("3.0", 12.0), ("4.5a", 2.0), ("4.5b", 2.0)] {
        let i = r.indicator(id).unwrap();
        assert!(!i.applicable && i.computed, "{id}");
        assert_eq!(i.points, Some(points), "{id}");
        assert!(
            i.explanation.starts_with("Không áp dụng cho cấp xã"),
            "{id}"
        );
    }
    // 3.1 and 3.2 have no maximum: nothing to give.
    assert_eq!(r.indicator("3.1").unwrap().points, None);
    // 28.87 − 0.4 + 12 + 2 + 2 = 44.47 of 64 + 12 + 2 = 78.
    assert_eq!((r.total, r.max_total), (44.47, 78.0));
}

#[test]
fn an_unconnected_source_is_not_computed_never_zero() {
    let facts = FactSet {
        payments: None,
        feedback: None,
        electronic_results: None,
        ..example()
    };
    let r = report(&facts, Level::Province);
    for id in ["3.5b", "3.6", "4.1", "5.1", "5.2", "5.3", "5.4"] {
        let i = r.indicator(id).unwrap();
        assert!(!i.computed, "{id}");
        assert_eq!((i.numerator, i.ratio, i.points), (None, None, None), "{id}");
        assert!(
            i.explanation.starts_with("Chưa kết nối nguồn dữ liệu"),
            "{id}"
        );
    }
    // 10 + 2 + 0.5 + 0 + 0.4 of 20 + 4 + 2 + 4 + 2.
    assert_eq!((r.total, r.max_total), (12.9, 32.0));
}

#[test]
fn a_zero_denominator_is_not_applicable_and_not_imputed() {
    let r = report(&FactSet::default(), Level::Province);
    let i = r.indicator("2.1").unwrap();
    assert!(i.computed);
    assert_eq!(
        (i.numerator, i.denominator, i.ratio, i.points),
        (Some(0.0), Some(0), None, None)
    );
    assert!(i.explanation.contains("N/A"), "{}", i.explanation);
    assert_eq!((r.total, r.max_total, r.score_percent()), (0.0, 0.0, None));
}

#[test]
fn ratio_to_points_follows_the_threshold_rule() {
    // Facts sheet §3.3.
    assert_eq!(points_of(85.0, 2.0, Some(80.0)), 2.0);
    assert_eq!(points_of(80.0, 2.0, Some(80.0)), 2.0);
    assert_eq!(points_of(40.0, 4.0, Some(80.0)), 2.0);
    assert_eq!(points_of(64.0, 20.0, None), 12.8);
    assert_eq!(points_of(33.33, 6.0, Some(90.0)), 2.22);
}

#[test]
fn periods_choose_the_dossiers() {
    // The reporting month of July (15/06–14/07): D5 (ended 20/06) and D6
    // count; D1–D4 and D7 were received on 15/07, after it.
    let sets = built_in().unwrap();
    let r = compute(
        &sets[0],
        &example(),
        Period::parse("2025-07-BC").unwrap(),
        Level::Province,
        t(200),
    );
    let i = r.indicator("2.1").unwrap();
    assert_eq!(i.denominator_items, ["D5", "D6"]);
    // D5: result 20/06 ≥ due 15/06 → late; D6 open at 14/07 24:00, due t300 → on time.
    assert_eq!(i.numerator_items, ["D6"]);
}

#[test]
fn communes_are_ranked_by_their_share_of_the_points() {
    let mut facts = example();
    for d in &mut facts.dossiers {
        if d.code == "D2" || d.code == "D4" {
            d.unit_code = "05746".into();
        }
    }
    if let Some(p) = &mut facts.payments {
        p.clear();
    }
    let lines = rank(
        ["05743", "05746"]
            .iter()
            .map(|u| ((*u).to_owned(), report(&facts.restrict(u), Level::Commune)))
            .collect(),
    );
    assert_eq!(lines[0].unit, "05743");
    assert_eq!(lines[1].unit, "05746");
    assert_eq!((lines[0].rank, lines[1].rank), (1, 2));
    // 05746 handled D2 (late) and D4 (late): 0 on time.
    assert_eq!(
        row(&lines[1].report, "2.1"),
        (Some(0.0), Some(2), Some(0.0), Some(0.0))
    );
}

#[test]
fn the_index_judges_a_dossier_by_the_dossiers_own_on_time_rule() {
    let statuses = [
        LocalStatus::new(S::Received, SubStatus::None),
        LocalStatus::new(S::Processing, SubStatus::AtStep),
        LocalStatus::new(S::AwaitingSupplement, SubStatus::DuringProcessing),
        LocalStatus::new(S::ResultReady, SubStatus::None),
        LocalStatus::new(S::Returned, SubStatus::None),
        LocalStatus::new(S::Stopped, SubStatus::None),
        LocalStatus::new(S::Withdrawn, SubStatus::None),
        LocalStatus::new(S::RefusedAtReception, SubStatus::None),
    ];
    for status in statuses {
        let d = reach(status);
        let f = DossierFact::of(&d, "05743");
        assert_eq!(f.code, d.code.as_str());
        assert_eq!(f.on_time_due, d.on_time_due());
        for end in [t(3), t(7), t(100), t(10_000)] {
            assert_eq!(f.on_time(end), d.on_time(end), "{status:?} at {end}");
        }
    }
    let _ = TimeDelta::zero();
}

#[test]
fn splitting_by_unit_is_restricting_to_each_unit() {
    let mut facts = example();
    for d in &mut facts.dossiers {
        if d.code == "D2" || d.code == "D3" {
            d.unit_code = "05746".into();
        }
    }
    let split = facts.by_unit();
    assert_eq!(split.len(), 2);
    for (unit, part) in &split {
        assert_eq!(*part, facts.restrict(unit), "{unit}");
    }
}

#[test]
fn a_fact_from_stored_parts_is_the_fact_of_the_whole_state() {
    use motcua_domain::dossier::parts::{ComponentState, DataReuse, DataSource};
    use motcua_domain::service_index::dossier_fact::StateParts;
    let mut from_parts = 0;
    for status in [
        LocalStatus::new(S::Processing, SubStatus::AtStep),
        LocalStatus::new(S::Returned, SubStatus::None),
        LocalStatus::new(S::AwaitingPayment, SubStatus::None),
    ] {
        let mut d = reach(status);
        d.rating = Some(motcua_domain::dossier::Rating::Dissatisfied);
        d.components.push(dossier_support::component(
            "TP9",
            "CCCD",
            true,
            ComponentState::Waived {
                source: DataSource::PopulationDatabase,
                reuse: Some(DataReuse {
                    looked_up_at: t(1),
                    officer: "a".into(),
                    grant_id: "g".into(),
                }),
            },
        ));
        let json = serde_json::to_value(&d).unwrap();
        let text = |k: &str| json[k].to_string();
        let (history, components, fees) = (text("history"), text("components"), text("fees"));
        let parts = StateParts {
            code: d.code.as_str(),
            procedure_code: &d.procedure.code,
            unit_code: "05743",
            channel: d.channel.code(),
            received_at: d.received_at,
            on_time_due_at: d.on_time_due_at,
            history: &history,
            components: &components,
            fees: &fees,
            rating: json["rating"].as_str(),
        };
        let whole = DossierFact::of(&d, "05743");
        assert!(whole.population_data && whole.reused && whole.disliked);
        match DossierFact::from_parts(&parts).unwrap() {
            Some(f) => {
                assert_eq!(f, whole, "{status:?}");
                from_parts += 1;
            }
            None => assert!(d.on_time_due_at.is_none(), "{status:?}"),
        }
    }
    assert_eq!(from_parts, 3, "received dossiers carry on_time_due_at");
}
