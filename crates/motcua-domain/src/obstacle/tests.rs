//! Transition tests of the obstacle case.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::*;
use crate::calendar::WorkingCalendar;

fn at(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
}

fn commune() -> Actor {
    Actor {
        officer: "cb.xa1".into(),
        agency: "H55.X19123".into(),
    }
}

fn officer(agency: &str) -> Actor {
    Actor {
        officer: format!("cb.{agency}"),
        agency: agency.into(),
    }
}

fn draft(title: &str) -> Draft {
    Draft {
        title: title.into(),
        description: "Phần mềm một cửa không gửi được hồ sơ sang CSDL hộ tịch".into(),
        category: "HA_TANG_CNTT".into(),
        blocks: Blocks {
            procedures: vec!["1.001193".into()],
            ..Blocks::default()
        },
        since: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        proposal: "Đề nghị Sở KH&CN kết nối lại trục liên thông".into(),
        evidence: String::new(),
        unit_agency: "H55.X19123".into(),
        unit_name: "UBND xã A".into(),
        unit_code: "19123".into(),
        province_root: "H55".into(),
    }
}

fn step(
    state: Option<Obstacle>,
    actor: Actor,
    action: ObstacleAction,
    now: DateTime<Utc>,
) -> Result<(Obstacle, ObstacleEvent), ObstacleRefusal> {
    let e = decide(state.as_ref(), &Command { actor, action }, now)?;
    let o = evolve("VM-1", state, &e)?;
    Ok((o, e))
}

fn rules() -> &'static ObstacleRules {
    ObstacleRules::embedded().unwrap()
}

fn owner(level: Level) -> Owner {
    let set = rules().latest();
    set.owner_at(set.category("HA_TANG_CNTT").unwrap(), level, "H55")
}

#[test]
fn a_case_goes_from_draft_to_resolved_with_one_event_per_step() {
    let (o, _) = step(
        None,
        commune(),
        ObstacleAction::Draft(Box::new(draft("Mất kết nối"))),
        at(2, 2),
    )
    .unwrap();
    assert_eq!(o.status, Status::Drafted);
    let dept = owner(Level::Department);
    let (o, e) = step(
        Some(o),
        commune(),
        ObstacleAction::Submit {
            owner: dept.clone(),
            due_at: at(16, 10),
            figures: vec![],
        },
        at(2, 3),
    )
    .unwrap();
    assert_eq!((o.status, e.version), (Status::Submitted, 2));
    assert_eq!(o.owner.as_ref(), Some(&dept));
    let (o, _) = step(
        Some(o),
        officer("H55.S10"),
        ObstacleAction::Receive,
        at(3, 3),
    )
    .unwrap();
    assert_eq!(o.status, Status::Received);
    let (o, e) = step(
        Some(o),
        officer("H55.S10"),
        ObstacleAction::Answer {
            text: "Đã kết nối lại".into(),
        },
        at(4, 3),
    )
    .unwrap();
    assert_eq!(o.status, Status::Answered);
    assert_eq!(e.actor.agency, "H55.S10");
    assert_eq!(o.answer.as_ref().unwrap().by.agency, "H55.S10");
    assert_eq!(o.due_at, None);
    let (o, _) = step(
        Some(o),
        commune(),
        ObstacleAction::Resolve {
            note: "Đã thông".into(),
        },
        at(5, 3),
    )
    .unwrap();
    assert_eq!((o.status, o.version), (Status::Resolved, 5));
}

#[test]
fn escalation_follows_the_chain_and_stops_at_the_ministry() {
    let (o, _) = step(
        None,
        commune(),
        ObstacleAction::Draft(Box::new(draft("X"))),
        at(2, 2),
    )
    .unwrap();
    let submit = ObstacleAction::Submit {
        owner: owner(Level::Department),
        due_at: at(16, 10),
        figures: vec![],
    };
    let (o, _) = step(Some(o), commune(), submit, at(2, 3)).unwrap();
    // Skipping a level is refused.
    let skip = ObstacleAction::Escalate {
        reason: "Vượt thẩm quyền".into(),
        owner: owner(Level::Ministry),
        due_at: at(20, 10),
    };
    assert_eq!(
        step(Some(o.clone()), officer("H55.S10"), skip, at(3, 3))
            .unwrap_err()
            .code,
        "no_level_above"
    );
    let up = |level| ObstacleAction::Escalate {
        reason: "Vượt thẩm quyền".into(),
        owner: owner(level),
        due_at: at(25, 10),
    };
    let (o, _) = step(Some(o), officer("H55.S10"), up(Level::Province), at(3, 3)).unwrap();
    assert_eq!(o.status, Status::Escalated);
    let (o, _) = step(Some(o), officer("H55"), ObstacleAction::Receive, at(4, 3)).unwrap();
    let (o, _) = step(Some(o), officer("H55"), up(Level::Ministry), at(5, 3)).unwrap();
    assert_eq!(o.owner.as_ref().unwrap().agency, "G93");
    assert_eq!(o.escalations.len(), 2);
    let (o, _) = step(Some(o), officer("G93"), ObstacleAction::Receive, at(6, 3)).unwrap();
    let err = step(Some(o), officer("G93"), up(Level::Ministry), at(6, 4)).unwrap_err();
    assert_eq!(err.code, "no_level_above");
}

#[test]
fn steps_out_of_order_and_blank_texts_are_refused() {
    let (o, _) = step(
        None,
        commune(),
        ObstacleAction::Draft(Box::new(draft("X"))),
        at(2, 2),
    )
    .unwrap();
    for action in [
        ObstacleAction::Receive,
        ObstacleAction::Answer { text: "a".into() },
        ObstacleAction::Resolve {
            note: String::new(),
        },
        ObstacleAction::Merge {
            into: "VM-2".into(),
        },
    ] {
        let err = step(Some(o.clone()), commune(), action, at(2, 3)).unwrap_err();
        assert_eq!(err.code, "not_allowed");
    }
    assert_eq!(
        step(
            Some(o.clone()),
            commune(),
            ObstacleAction::Draft(Box::new(draft("X"))),
            at(2, 3)
        )
        .unwrap_err()
        .code,
        "exists"
    );
    let mut blank = draft("   ");
    blank.title = " ".into();
    assert_eq!(
        step(
            None,
            commune(),
            ObstacleAction::Draft(Box::new(blank)),
            at(2, 3)
        )
        .unwrap_err()
        .code,
        "text_required"
    );
    let past = ObstacleAction::Submit {
        owner: owner(Level::Department),
        due_at: at(1, 1),
        figures: vec![],
    };
    assert_eq!(
        step(Some(o), commune(), past, at(2, 3)).unwrap_err().code,
        "due_in_past"
    );
}

#[test]
fn a_merged_case_receives_the_group_answer_and_replay_rebuilds_it() {
    let mut events = Vec::new();
    let (o, e) = step(
        None,
        commune(),
        ObstacleAction::Draft(Box::new(draft("X"))),
        at(2, 2),
    )
    .unwrap();
    events.push(e);
    let submit = ObstacleAction::Submit {
        owner: owner(Level::Department),
        due_at: at(16, 10),
        figures: vec![],
    };
    let (o, e) = step(Some(o), commune(), submit, at(2, 3)).unwrap();
    events.push(e);
    let (o, e) = step(
        Some(o),
        officer("H55.S10"),
        ObstacleAction::Merge {
            into: "VM-9".into(),
        },
        at(3, 3),
    )
    .unwrap();
    events.push(e);
    assert_eq!(o.status, Status::Merged);
    let answer = Answer {
        text: "Bộ đã nâng cấp trục".into(),
        by: owner(Level::Ministry),
        at: at(9, 3),
        via: None,
    };
    let wrong = ObstacleAction::GroupAnswer {
        from: "VM-8".into(),
        answer: answer.clone(),
    };
    assert_eq!(
        step(Some(o.clone()), officer("G93"), wrong, at(9, 3))
            .unwrap_err()
            .code,
        "bad_group"
    );
    let (o, e) = step(
        Some(o),
        officer("G93"),
        ObstacleAction::GroupAnswer {
            from: "VM-9".into(),
            answer,
        },
        at(9, 3),
    )
    .unwrap();
    events.push(e);
    assert_eq!(o.status, Status::Answered);
    assert_eq!(o.answer.as_ref().unwrap().via.as_deref(), Some("VM-9"));
    assert_eq!(replay("VM-1", &events).unwrap(), Some(o));
    // A reordered history is refused, not read as a case.
    events.swap(1, 2);
    assert!(replay("VM-1", &events).is_err());
}

#[test]
fn the_answer_is_due_on_the_working_day_clock_and_overdue_after() {
    let cal = WorkingCalendar::vietnam().unwrap();
    let set = rules().latest();
    // Friday 06/11/2026 10:00 Vietnam time + 10 working days = Friday 20/11 17:00.
    let from = at(6, 3);
    let due = set.answer_due(&cal, Level::Department, from, None).unwrap();
    assert_eq!(due, Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap());
    let (o, _) = step(
        None,
        commune(),
        ObstacleAction::Draft(Box::new(draft("X"))),
        at(2, 2),
    )
    .unwrap();
    let (o, _) = step(
        Some(o),
        commune(),
        ObstacleAction::Submit {
            owner: owner(Level::Department),
            due_at: due,
            figures: vec![],
        },
        from,
    )
    .unwrap();
    assert!(!o.is_overdue(due));
    assert!(o.is_overdue(due + chrono::Duration::minutes(1)));
}

#[test]
fn the_monthly_report_counts_from_the_history() {
    let mut events = Vec::new();
    let (o, e) = step(
        None,
        commune(),
        ObstacleAction::Draft(Box::new(draft("X"))),
        at(2, 2),
    )
    .unwrap();
    events.push(e);
    let (o, e) = step(
        Some(o),
        commune(),
        ObstacleAction::Submit {
            owner: owner(Level::Department),
            due_at: at(6, 10),
            figures: vec![],
        },
        at(2, 3),
    )
    .unwrap();
    events.push(e);
    let (_, e) = step(
        Some(o),
        officer("H55.S10"),
        ObstacleAction::Receive,
        at(3, 3),
    )
    .unwrap();
    events.push(e);
    let case = ReportCase {
        id: "VM-1".into(),
        events,
        figures_now: vec![],
    };
    let nov = ReportingMonth::parse("2026-11").unwrap();
    let r = MonthlyReport::build(
        rules(),
        ("H55", "Tỉnh"),
        nov,
        std::slice::from_ref(&case),
        at(20, 3),
    );
    assert_eq!((r.new, r.answered, r.open, r.overdue), (1, 0, 1, 1));
    assert_eq!(r.by_category[0].code, "HA_TANG_CNTT");
    assert_eq!(r.by_owner[0].agency, "H55.S10");
    assert_eq!(
        r.lines[0].proposal,
        "Đề nghị Sở KH&CN kết nối lại trục liên thông"
    );
    // October's period knows nothing of it; December's still counts it open.
    let oct = ReportingMonth::parse("2026-10").unwrap();
    let r = MonthlyReport::build(
        rules(),
        ("H55", "Tỉnh"),
        oct,
        std::slice::from_ref(&case),
        at(20, 3),
    );
    assert_eq!((r.new, r.open, r.lines.len()), (0, 0, 0));
    let dec = ReportingMonth::parse("2026-12").unwrap();
    let r = MonthlyReport::build(rules(), ("H55", "Tỉnh"), dec, &[case], at(20, 3))
        .assess("  Cần Sở KH&CN ưu tiên  ");
    assert_eq!((r.new, r.open), (0, 1));
    assert_eq!(r.assessment.as_deref(), Some("Cần Sở KH&CN ưu tiên"));
}
