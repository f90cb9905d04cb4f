//! Reception, hand-over and supplements: behaviour beyond the status table.

mod dossier_support;

use chrono::TimeDelta;
use dossier_support::{agency, canonical, component, due, intake, ok, reach, run, t};
use motcua_domain::dossier::{
    Action, ActionKind, Channel, ComponentState, DossierStatus as S, Form, LocalStatus,
    PortalStatus, RefusalCode, SubStatus, Timeliness,
};

fn processing() -> motcua_domain::dossier::Dossier {
    reach(LocalStatus::new(S::Processing, SubStatus::AtStep))
}

#[test]
fn reception_requires_a_complete_checklist() {
    let mut filing = intake(Channel::InPerson);
    filing.components[0].state = ComponentState::Missing;
    let refusal = run(
        None,
        Action::ReceiveNew {
            intake: Box::new(filing),
            due_at: due(),
        },
        t(1),
    )
    .expect_err("incomplete");
    assert_eq!(refusal.code, RefusalCode::ChecklistIncomplete);
    assert_eq!(
        refusal.vi,
        "Hồ sơ chưa đủ thành phần bắt buộc: Tờ khai đăng ký khai sinh"
    );
    assert_eq!(
        refusal.en,
        "The dossier lacks required components: Tờ khai đăng ký khai sinh"
    );

    // Online: the officer's check at the desk completes the checklist.
    let mut online = intake(Channel::Online);
    online.components[0].state = ComponentState::Missing;
    let d = ok(
        None,
        Action::SubmitOnline {
            intake: Box::new(online),
        },
        t(1),
    );
    let refusal =
        run(Some(d.clone()), canonical(ActionKind::Receive), t(2)).expect_err("incomplete");
    assert_eq!(refusal.code, RefusalCode::ChecklistIncomplete);
    let checked = vec![component(
        "TK",
        "Tờ khai đăng ký khai sinh",
        true,
        ComponentState::Presented,
    )];
    let d = ok(
        Some(d),
        Action::Receive {
            checked,
            due_at: due(),
        },
        t(2),
    );
    assert_eq!(d.status, LocalStatus::plain(S::Received));
    assert_eq!(d.due_at, Some(due()));
    assert_eq!(d.forms.last().map(|f| f.form), Some(Form::Receipt01));
    assert_eq!(d.portal_status(), Ok(PortalStatus::RECEIVED));
}

#[test]
fn channels_must_fit_the_entry_point() {
    let refusal = run(
        None,
        Action::SubmitOnline {
            intake: Box::new(intake(Channel::Post)),
        },
        t(1),
    )
    .expect_err("post");
    assert_eq!(refusal.code, RefusalCode::WrongChannel);
    let action = Action::ReceiveNew {
        intake: Box::new(intake(Channel::Online)),
        due_at: due(),
    };
    assert_eq!(
        run(None, action, t(1)).map_err(|r| r.code).err(),
        Some(RefusalCode::WrongChannel)
    );
    let action = Action::ReceiveNew {
        intake: Box::new(intake(Channel::Post)),
        due_at: due(),
    };
    assert!(run(None, action, t(1)).is_ok());
}

#[test]
fn due_dates_must_be_in_the_future() {
    let action = Action::ReceiveNew {
        intake: Box::new(intake(Channel::InPerson)),
        due_at: t(1),
    };
    assert_eq!(
        run(None, action, t(1)).map_err(|r| r.code).err(),
        Some(RefusalCode::DueDateInPast)
    );
}

#[test]
fn handover_records_form_06_with_timeliness() {
    let d = reach(LocalStatus::plain(S::Received));
    let d = ok(
        Some(d),
        Action::HandOver {
            to: "Phòng Tư pháp".into(),
            step_deadline: t(48),
        },
        t(3),
    );
    let d = ok(
        Some(d),
        Action::HandOver {
            to: "Lãnh đạo UBND".into(),
            step_deadline: t(4),
        },
        t(4),
    );
    let d = ok(
        Some(d),
        Action::HandOver {
            to: "Bộ phận một cửa".into(),
            step_deadline: t(5),
        },
        t(6),
    );
    let lines: Vec<_> = d
        .control_records
        .iter()
        .map(|r| (r.step, r.timeliness))
        .collect();
    assert_eq!(
        lines,
        vec![
            (1, Timeliness::Early),
            (2, Timeliness::OnTime),
            (3, Timeliness::Late)
        ]
    );
    assert_eq!(d.step, 3);
    assert_eq!(
        d.forms
            .iter()
            .filter(|f| f.form == Form::ProcessControl06)
            .count(),
        3
    );
    let refusal = run(
        Some(d),
        Action::HandOver {
            to: " ".into(),
            step_deadline: t(50),
        },
        t(7),
    )
    .expect_err("blank");
    assert_eq!(refusal.code, RefusalCode::NothingListed);
}

#[test]
fn supplement_pauses_and_resumes_the_clock() {
    let d = ok(
        Some(processing()),
        canonical(ActionKind::RequestSupplement),
        t(4),
    );
    assert!(d.is_paused());
    assert_eq!(
        d.forms.last().map(|f| f.form),
        Some(Form::SupplementRequest02)
    );
    assert_eq!(d.portal_status(), Ok(PortalStatus::SUPPLEMENT));
    let missing_due = Action::ResumeAfterSupplement {
        components: Vec::new(),
        new_due_at: None,
        on_time_due_at: None,
    };
    assert_eq!(
        run(Some(d.clone()), missing_due, t(6))
            .map_err(|r| r.code)
            .err(),
        Some(RefusalCode::DueDateRequired)
    );
    let new_due = due() + TimeDelta::hours(2);
    let d = ok(
        Some(d),
        Action::ResumeAfterSupplement {
            components: Vec::new(),
            new_due_at: Some(new_due),
            on_time_due_at: None,
        },
        t(6),
    );
    assert!(!d.is_paused());
    assert_eq!(d.paused_for(t(100)), TimeDelta::hours(2));
    assert_eq!(d.due_at, Some(new_due));
    assert_eq!(d.original_due_at, Some(due()));
    assert_eq!(d.status, LocalStatus::new(S::Processing, SubStatus::AtStep));
    assert!(!d.counts_late);
    let d = ok(Some(d), canonical(ActionKind::RequestSupplement), t(7));
    assert!(
        d.counts_late,
        "a second supplement request counts as late (766)"
    );
}

#[test]
fn supplement_before_reception_does_not_pause_a_clock() {
    let d = reach(LocalStatus::new(
        S::AwaitingSupplement,
        SubStatus::BeforeReception,
    ));
    assert!(!d.is_paused());
    let d = ok(
        Some(d),
        Action::ResumeAfterSupplement {
            components: Vec::new(),
            new_due_at: None,
            on_time_due_at: None,
        },
        t(3),
    );
    assert_eq!(d.status, LocalStatus::plain(S::Submitted));
    assert_eq!(d.due_at, None);
}

#[test]
fn phi_dia_gioi_keeps_receiving_and_deciding_units_apart() {
    let mut filing = intake(Channel::InPerson);
    filing.receiving_unit = agency("H55.242");
    let d = ok(
        None,
        Action::ReceiveNew {
            intake: Box::new(filing),
            due_at: due(),
        },
        t(1),
    );
    let d = ok(Some(d), canonical(ActionKind::HandOver), t(2));
    assert_eq!(d.receiving_unit.as_str(), "H55.242");
    assert_eq!(d.current_agency.as_str(), "000.00.01.H22");
    assert_eq!(d.status.sub, SubStatus::AtStep);
}

#[test]
fn stop_and_refusal_issue_their_forms() {
    let d = ok(Some(processing()), canonical(ActionKind::Stop), t(5));
    assert_eq!(d.forms.last().map(|f| f.form), Some(Form::StopNotice05));
    let d = reach(LocalStatus::plain(S::RefusedAtReception));
    assert_eq!(d.forms.last().map(|f| f.form), Some(Form::Refusal03));
    let blank = Action::RefuseReception {
        reason: String::new(),
    };
    let submitted = reach(LocalStatus::plain(S::Submitted));
    assert_eq!(
        run(Some(submitted), blank, t(2)).map_err(|r| r.code).err(),
        Some(RefusalCode::ReasonRequired)
    );
}

#[test]
fn a_walk_in_filing_refused_at_the_desk_is_created_refused_with_form_03() {
    // Even with papers missing: the refusal is the outcome of the check.
    let mut filing = intake(Channel::InPerson);
    filing.components[0].state = ComponentState::Missing;
    let reason = "Thủ tục không thuộc thẩm quyền giải quyết của xã";
    let events = motcua_domain::dossier::decide(
        None,
        &dossier_support::cmd(Action::RefuseNew {
            intake: Box::new(filing.clone()),
            reason: reason.into(),
        }),
        t(1),
    )
    .expect("refused at the desk");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].payload.action_kind(), ActionKind::RefuseNew);
    let d = motcua_domain::dossier::replay(&events)
        .expect("replays")
        .expect("a dossier");
    assert_eq!(d.status, LocalStatus::plain(S::RefusedAtReception));
    assert_eq!(d.channel, Channel::InPerson);
    assert_eq!(d.code, filing.code);
    assert_eq!(d.received_at, None, "never received");
    assert_eq!(d.due_at, None);
    assert_eq!(d.forms.last().map(|f| f.form), Some(Form::Refusal03));
    assert_eq!(d.portal_status().expect("portal").code(), 3);
    // The event round-trips through JSON; an older refusal (no intake) too.
    let json = serde_json::to_string(&events[0]).expect("json");
    let back: motcua_domain::dossier::Event = serde_json::from_str(&json).expect("event");
    assert_eq!(back, events[0]);
    let old: motcua_domain::dossier::EventPayload =
        serde_json::from_str(r#"{"type":"reception_refused","reason":"Sai thủ tục"}"#)
            .expect("old refusal");
    assert_eq!(old.action_kind(), ActionKind::RefuseReception);
    // Blank reason, online channel, an existing dossier: refused.
    let blank = Action::RefuseNew {
        intake: Box::new(intake(Channel::Post)),
        reason: "  ".into(),
    };
    assert_eq!(
        run(None, blank, t(1)).map_err(|r| r.code).err(),
        Some(RefusalCode::ReasonRequired)
    );
    let online = Action::RefuseNew {
        intake: Box::new(intake(Channel::Online)),
        reason: reason.into(),
    };
    assert_eq!(
        run(None, online, t(1)).map_err(|r| r.code).err(),
        Some(RefusalCode::WrongChannel)
    );
    let again = Action::RefuseNew {
        intake: Box::new(intake(Channel::InPerson)),
        reason: reason.into(),
    };
    assert_eq!(
        run(Some(d), again, t(2)).map_err(|r| r.code).err(),
        Some(RefusalCode::AlreadyExists)
    );
}
