//! The applicant's supplement sent from the tracking page (issue 14 item
//! 1): an event of its own, allowed only while a supplement is awaited,
//! that leaves the legal status and the paused clock alone until an
//! officer records the supplement, and that a retry with the same key
//! (the stored file's id) does not append twice.

mod dossier_support;

use dossier_support::{canonical, cmd, ok, reach, t};
use motcua_domain::dossier::{
    Action, ActionKind, Actor, Command, Dossier, DossierStatus as S, EventPayload, LocalStatus,
    RefusalCode, SubStatus, SuppliedFile, decide, evolve,
};

fn sent(id: &str) -> Action {
    Action::SendSupplement {
        files: vec![SuppliedFile {
            id: id.into(),
            component: "TP2".into(),
        }],
    }
}

fn holder(key: &str, action: Action) -> Command {
    Command {
        actor: Actor::Citizen("holder-000.00.01.H22-250715-0001".into()),
        idempotency_key: key.into(),
        action,
    }
}

fn apply(d: Dossier, command: &Command, hours: i64) -> Dossier {
    let events = decide(Some(&d), command, t(hours)).expect("accepted");
    assert_eq!(events.len(), 1);
    evolve(Some(d), &events[0]).expect("evolves")
}

#[test]
fn sending_keeps_the_status_and_the_paused_clock_and_marks_the_sub_state() {
    for sub in [SubStatus::DuringProcessing, SubStatus::BeforeReception] {
        let before = reach(LocalStatus::new(S::AwaitingSupplement, sub));
        assert_eq!(before.supplement_sent_at(), None);
        let after = apply(before.clone(), &holder("supplement-sent-f1", sent("f1")), 9);
        assert_eq!(
            after.status, before.status,
            "{sub:?}: the legal status stays"
        );
        assert_eq!(after.due_at, before.due_at, "{sub:?}: the due date stays");
        assert_eq!(after.pauses, before.pauses, "{sub:?}: the pause stays open");
        assert_eq!(after.portal_status(), before.portal_status());
        assert_eq!(after.supplement_sent_at(), Some(t(9)), "{sub:?}");
        assert_eq!(after.supplement_sent[0].files[0].id, "f1");
        assert_eq!(after.version, before.version + 1);
        // A second file is a second event; both wait for the officer.
        let more = apply(after, &holder("supplement-sent-f2", sent("f2")), 10);
        assert_eq!(more.supplement_sent.len(), 2);
        assert_eq!(more.supplement_sent_at(), Some(t(10)));
    }
}

#[test]
fn sending_is_refused_unless_a_supplement_is_awaited() {
    for status in LocalStatus::ALL
        .into_iter()
        .filter(|s| s.status != S::AwaitingSupplement)
    {
        let d = reach(status);
        let refusal = decide(Some(&d), &holder("k", sent("f1")), t(9)).expect_err("refused");
        assert_eq!(refusal.code, RefusalCode::NotAllowedInStatus, "{status}");
    }
    let refusal = decide(None, &holder("k", sent("f1")), t(9)).expect_err("no dossier");
    assert_eq!(refusal.code, RefusalCode::NoDossier);
}

#[test]
fn sending_nothing_is_refused() {
    let d = reach(LocalStatus::new(
        S::AwaitingSupplement,
        SubStatus::DuringProcessing,
    ));
    for files in [
        Vec::new(),
        vec![SuppliedFile {
            id: " ".into(),
            component: "TP2".into(),
        }],
    ] {
        let refusal = decide(
            Some(&d),
            &holder("k", Action::SendSupplement { files }),
            t(9),
        )
        .expect_err("refused");
        assert_eq!(refusal.code, RefusalCode::NothingListed);
    }
}

#[test]
fn the_same_file_sent_twice_appends_once() {
    let d = reach(LocalStatus::new(
        S::AwaitingSupplement,
        SubStatus::DuringProcessing,
    ));
    let command = holder("supplement-sent-f1", sent("f1"));
    let after = apply(d, &command, 9);
    let again = decide(Some(&after), &command, t(10)).expect("a replay is not an error");
    assert!(again.is_empty(), "no second event for the same file");
}

#[test]
fn the_officer_recording_the_supplement_clears_the_mark_and_resumes_the_clock() {
    let d = reach(LocalStatus::new(
        S::AwaitingSupplement,
        SubStatus::DuringProcessing,
    ));
    let d = apply(d, &holder("supplement-sent-f1", sent("f1")), 9);
    let resumed = ok(Some(d), canonical(ActionKind::ResumeAfterSupplement), t(11));
    assert_eq!(resumed.status.status, S::Processing);
    assert_eq!(resumed.supplement_sent_at(), None);
    assert!(
        resumed
            .pauses
            .last()
            .is_some_and(|p| p.until == Some(t(11)))
    );
    // A withdrawal also ends the wait.
    let d = reach(LocalStatus::new(
        S::AwaitingSupplement,
        SubStatus::BeforeReception,
    ));
    let d = apply(d, &holder("supplement-sent-f2", sent("f2")), 9);
    let withdrawn = ok(Some(d), canonical(ActionKind::Withdraw), t(10));
    assert!(withdrawn.supplement_sent.is_empty());
}

#[test]
fn states_written_before_the_sub_state_existed_still_load() {
    let d = reach(LocalStatus::new(
        S::AwaitingSupplement,
        SubStatus::DuringProcessing,
    ));
    let json = serde_json::to_string(&d).expect("json");
    assert!(
        !json.contains("supplement_sent"),
        "nothing written when empty"
    );
    let back: Dossier = serde_json::from_str(&json).expect("loads");
    assert_eq!(back, d);
    let d = apply(d, &holder("supplement-sent-f1", sent("f1")), 9);
    let json = serde_json::to_string(&d).expect("json");
    let back: Dossier = serde_json::from_str(&json).expect("loads");
    assert_eq!(back.supplement_sent_at(), Some(t(9)));
}

#[test]
fn the_event_is_named_supplement_sent() {
    let d = reach(LocalStatus::new(
        S::AwaitingSupplement,
        SubStatus::DuringProcessing,
    ));
    let events = decide(Some(&d), &cmd(sent("f1")), t(9)).expect("accepted");
    let value = serde_json::to_value(&events[0].payload).expect("json");
    assert_eq!(value["type"], "supplement_sent");
    assert!(matches!(
        events[0].payload,
        EventPayload::SupplementSent { .. }
    ));
    assert_eq!(events[0].payload.action_kind(), ActionKind::SendSupplement);
    assert_eq!(events[0].payload.form(), None);
}
