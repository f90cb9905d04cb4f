//! Payment, transfer, extension, return, rating and the event stream.

mod dossier_support;

use chrono::TimeDelta;
use dossier_support::{agency, canonical, cmd, due, fee, intake, ok, payment, reach, run, t};
use motcua_domain::dossier::{
    Action, ActionKind, Channel, DossierStatus as S, EvolveError, Form, LocalStatus, PortalStatus,
    RefusalCode, SubStatus, decide, evolve, replay,
};

fn processing() -> motcua_domain::dossier::Dossier {
    reach(LocalStatus::new(S::Processing, SubStatus::AtStep))
}

#[test]
fn payment_waits_until_fees_are_fully_paid() {
    let d = ok(
        Some(processing()),
        Action::RequestPayment {
            fees: vec![fee(20_000), fee(5_000)],
        },
        t(4),
    );
    assert_eq!(d.status, LocalStatus::plain(S::AwaitingPayment));
    assert_eq!(d.portal_status(), Ok(PortalStatus::PAYMENT));
    let d = ok(
        Some(d),
        Action::RecordPayment {
            payment: payment(20_000, t(5)),
        },
        t(5),
    );
    assert_eq!(d.status, LocalStatus::plain(S::AwaitingPayment));
    assert_eq!(d.outstanding_vnd(), 5_000);
    let d = ok(
        Some(d),
        Action::RecordPayment {
            payment: payment(5_000, t(6)),
        },
        t(6),
    );
    assert_eq!(d.status, LocalStatus::new(S::Processing, SubStatus::AtStep));
    let zero = Action::RequestPayment { fees: vec![fee(0)] };
    assert_eq!(
        run(Some(d.clone()), zero, t(7)).map_err(|r| r.code).err(),
        Some(RefusalCode::InvalidAmount)
    );
    let empty = Action::RequestPayment { fees: vec![] };
    assert_eq!(
        run(Some(d), empty, t(7)).map_err(|r| r.code).err(),
        Some(RefusalCode::NothingListed)
    );
}

#[test]
fn result_cannot_be_returned_with_fees_outstanding() {
    let mut filing = intake(Channel::InPerson);
    filing.fees = vec![fee(8_000)];
    let d = ok(
        None,
        Action::ReceiveNew {
            intake: Box::new(filing),
            due_at: due(),
        },
        t(1),
    );
    let d = ok(Some(d), canonical(ActionKind::MarkResultReady), t(2));
    let refusal =
        run(Some(d.clone()), canonical(ActionKind::ReturnResult), t(3)).expect_err("unpaid");
    assert_eq!(refusal.code, RefusalCode::FeesUnpaid);
    assert!(refusal.vi.contains("8.000 đồng"), "{}", refusal.vi);
    let d = ok(
        Some(d),
        Action::RecordPayment {
            payment: payment(8_000, t(3)),
        },
        t(3),
    );
    let d = ok(Some(d), canonical(ActionKind::ReturnResult), t(4));
    assert_eq!(d.portal_status(), Ok(PortalStatus::RETURNED));
    assert_eq!(d.returned_at, Some(t(4)));
}

#[test]
fn transfer_keeps_one_identity_with_a_clock_per_agency() {
    let d = processing();
    let code = d.code.clone();
    let d = ok(
        Some(d),
        Action::Transfer {
            to_agency: agency("H55.300"),
            agency_due_at: t(100),
        },
        t(4),
    );
    assert_eq!(
        d.status,
        LocalStatus::new(S::Processing, SubStatus::Transferred)
    );
    assert_eq!(d.portal_status(), Ok(PortalStatus::PROCESSING));
    let same = Action::Transfer {
        to_agency: agency("H55.300"),
        agency_due_at: t(100),
    };
    assert_eq!(
        run(Some(d.clone()), same, t(5)).map_err(|r| r.code).err(),
        Some(RefusalCode::SameAgency)
    );
    let back = Action::Transfer {
        to_agency: agency("000.00.01.H22"),
        agency_due_at: t(200),
    };
    let d = ok(Some(d), back, t(150));
    assert_eq!(d.code, code);
    assert_eq!(d.status, LocalStatus::new(S::Processing, SubStatus::AtStep));
    let clocks: Vec<_> = d
        .agency_clocks
        .iter()
        .map(|c| (c.agency.as_str(), c.ended_at))
        .collect();
    assert_eq!(
        clocks,
        vec![
            ("000.00.01.H22", Some(t(4))),
            ("H55.300", Some(t(150))),
            ("000.00.01.H22", None)
        ]
    );
    assert!(
        d.agency_clocks[1].is_late(t(150)),
        "the other agency passed its own due instant"
    );
    assert_eq!(
        d.due_at,
        Some(due()),
        "the combined legal clock is unchanged"
    );
}

#[test]
fn apology_extends_and_counts_late_only_after_the_due_date() {
    let d = processing();
    let earlier = Action::ApologiseAndExtend {
        reason: "x".into(),
        new_due_at: due(),
    };
    assert_eq!(
        run(Some(d.clone()), earlier, t(5))
            .map_err(|r| r.code)
            .err(),
        Some(RefusalCode::ExtensionNotLater)
    );
    let blank = Action::ApologiseAndExtend {
        reason: "  ".into(),
        new_due_at: due() + TimeDelta::days(1),
    };
    assert_eq!(
        run(Some(d.clone()), blank, t(5)).map_err(|r| r.code).err(),
        Some(RefusalCode::ReasonRequired)
    );
    // D9: an apology before the due date is not lateness by itself.
    let late_apology = Action::ApologiseAndExtend {
        reason: "Chờ kết quả xác minh".into(),
        new_due_at: due() + TimeDelta::days(5),
    };
    let after_due = ok(Some(d.clone()), late_apology, due() + TimeDelta::hours(1));
    let d = ok(Some(d), canonical(ActionKind::ApologiseAndExtend), t(5));
    assert!(!d.counts_late);
    assert_eq!(d.extensions.len(), 1);
    assert_eq!(d.extensions[0].previous_due_at, Some(due()));
    assert_eq!(d.due_at, Some(due() + TimeDelta::days(5)));
    assert_eq!(d.on_time_due(), Some(due()));
    assert_eq!(d.forms.last().map(|f| f.form), Some(Form::Apology04));
    // An apology issued once the due date has passed: the result after it
    // is late, whatever the new appointment.
    assert!(!after_due.counts_late);
    let after_due = ok(
        Some(after_due),
        canonical(ActionKind::MarkResultReady),
        due() + TimeDelta::hours(2),
    );
    assert!(after_due.counts_late);
    assert!(after_due.on_time(due() + TimeDelta::hours(3)).is_late());
}

#[test]
fn rating_is_allowed_once_after_return() {
    let d = reach(LocalStatus::plain(S::Returned));
    let d = ok(Some(d), canonical(ActionKind::Rate), t(7));
    assert!(d.rating.is_some());
    assert_eq!(
        run(Some(d), canonical(ActionKind::Rate), t(8))
            .map_err(|r| r.code)
            .err(),
        Some(RefusalCode::AlreadyRated)
    );
}

#[test]
fn a_retried_command_is_idempotent() {
    let d = processing();
    let command = cmd(canonical(ActionKind::MarkResultReady));
    let events = decide(Some(&d), &command, t(5)).expect("accepted");
    let d = evolve(Some(d), &events[0]).expect("evolves");
    assert_eq!(decide(Some(&d), &command, t(6)), Ok(Vec::new()));
}

#[test]
fn evolve_rejects_inconsistent_streams() {
    let d = processing();
    let events = decide(Some(&d), &cmd(canonical(ActionKind::Stop)), t(5)).expect("accepted");
    let mut stale = events[0].clone();
    stale.version = d.version;
    assert!(matches!(
        evolve(Some(d.clone()), &stale),
        Err(EvolveError::VersionMismatch { .. })
    ));
    assert_eq!(
        evolve(None, &events[0]).err(),
        Some(EvolveError::VersionMismatch {
            expected: 1,
            found: d.version + 1
        })
    );
    let stopped = evolve(Some(d), &events[0]).expect("evolves");
    let mut again = events[0].clone();
    again.version = stopped.version + 1;
    assert!(matches!(
        evolve(Some(stopped), &again),
        Err(EvolveError::NotAllowed { .. })
    ));
    let mut first = decide(None, &cmd(canonical(ActionKind::Stop)), t(1)).err();
    assert_eq!(first.take().map(|r| r.code), Some(RefusalCode::NoDossier));
}

#[test]
fn replay_rebuilds_the_same_state_and_events_round_trip_through_json() {
    let mut events = Vec::new();
    let mut state = None;
    for (i, kind) in [
        ActionKind::SubmitOnline,
        ActionKind::Receive,
        ActionKind::HandOver,
        ActionKind::MarkResultReady,
        ActionKind::ReturnResult,
        ActionKind::Rate,
    ]
    .into_iter()
    .enumerate()
    {
        let batch =
            decide(state.as_ref(), &cmd(canonical(kind)), t(i as i64 + 1)).expect("accepted");
        for event in batch {
            state = Some(evolve(state, &event).expect("evolves"));
            events.push(event);
        }
    }
    let json = serde_json::to_string(&events).expect("serialise");
    let back: Vec<motcua_domain::dossier::Event> =
        serde_json::from_str(&json).expect("deserialise");
    assert_eq!(back, events);
    assert_eq!(replay(&back).expect("replays"), state);
    let snapshot = serde_json::to_string(&state).expect("serialise state");
    let restored: Option<motcua_domain::dossier::Dossier> =
        serde_json::from_str(&snapshot).expect("deserialise state");
    assert_eq!(restored, state);
}
