//! Liên thông with a vertical-sector agency: the agency a dossier was
//! transferred to accepts it (its clock runs from then), reports progress,
//! returns the result, or declines the dossier back to whoever sent it.

mod dossier_support;

use dossier_support::{agency, canonical, due, ok, reach, run, t};
use motcua_domain::dossier::{
    Action, ActionKind, DossierStatus as S, EventPayload, LocalStatus, Progress, ProgressKind,
    RefusalCode, SubStatus, decide,
};

const SECTOR: &str = "H55.300";

fn transferred() -> motcua_domain::dossier::Dossier {
    let d = reach(LocalStatus::new(S::Processing, SubStatus::AtStep));
    ok(
        Some(d),
        Action::Transfer {
            to_agency: agency(SECTOR),
            agency_due_at: t(100),
        },
        t(4),
    )
}

fn note(text: &str) -> Action {
    Action::ReportProgress {
        progress: Progress {
            kind: ProgressKind::Note,
            step: None,
            note: Some(text.into()),
        },
    }
}

#[test]
fn acceptance_starts_the_agency_clock_once() {
    let d = transferred();
    assert!(d.awaiting_acceptance());
    let refused = run(Some(d.clone()), note("Đang đo đạc"), t(5)).expect_err("not accepted");
    assert_eq!(refused.code, RefusalCode::NotAccepted);
    let d = ok(
        Some(d),
        Action::AcceptTransfer {
            agency_due_at: t(130),
        },
        t(20),
    );
    assert!(!d.awaiting_acceptance());
    assert_eq!(
        d.status,
        LocalStatus::new(S::Processing, SubStatus::Transferred)
    );
    let clock = d.current_clock().expect("the sector's clock");
    assert_eq!(clock.agency.as_str(), SECTOR);
    assert_eq!(clock.started_at, t(4), "handed over at the transfer");
    assert_eq!(clock.accepted_at, Some(t(20)));
    assert_eq!(clock.due_at, Some(t(130)), "due counted from acceptance");
    assert_eq!(d.due_at, Some(due()), "the dossier's own due date holds");
    let again = run(
        Some(d.clone()),
        canonical(ActionKind::AcceptTransfer),
        t(21),
    )
    .expect_err("accepted twice");
    assert_eq!(again.code, RefusalCode::AlreadyAccepted);
    let past = Action::AcceptTransfer {
        agency_due_at: t(3),
    };
    let transferred_again = transferred();
    assert_eq!(
        run(Some(transferred_again), past, t(20))
            .map_err(|r| r.code)
            .err(),
        Some(RefusalCode::DueDateInPast)
    );
}

#[test]
fn progress_is_recorded_without_changing_the_status() {
    let d = ok(
        Some(transferred()),
        canonical(ActionKind::AcceptTransfer),
        t(5),
    );
    let version = d.version;
    let d = ok(Some(d), canonical(ActionKind::ReportProgress), t(6));
    let d = ok(Some(d), note("Chờ kết quả đo đạc thực địa"), t(7));
    assert_eq!(d.version, version + 2);
    assert_eq!(
        d.status,
        LocalStatus::new(S::Processing, SubStatus::Transferred)
    );
    let empty = Action::ReportProgress {
        progress: Progress {
            kind: ProgressKind::StepDone,
            step: Some("  ".into()),
            note: Some("a note is not a step".into()),
        },
    };
    assert_eq!(
        run(Some(d.clone()), empty, t(8)).map_err(|r| r.code).err(),
        Some(RefusalCode::NothingListed)
    );
    let events = decide(
        Some(&d),
        &dossier_support::cmd(canonical(ActionKind::ReportProgress)),
        t(8),
    )
    .expect("decided");
    assert!(matches!(
        &events[0].payload,
        EventPayload::ProgressReported { agency, .. } if agency.as_str() == SECTOR
    ));
    let d = ok(Some(d), canonical(ActionKind::MarkResultReady), t(9));
    assert_eq!(d.status, LocalStatus::plain(S::ResultReady));
    let clock = d
        .agency_clocks
        .iter()
        .rev()
        .find(|c| c.agency.as_str() == SECTOR)
        .expect("sector clock");
    assert_eq!(
        clock.ended_at,
        Some(t(9)),
        "the result ends the sector's clock"
    );
    assert!(!clock.is_late(t(9)));
}

#[test]
fn declining_sends_the_dossier_back_to_whoever_transferred_it() {
    let d = transferred();
    let deciding = d.deciding_agency.clone();
    assert_eq!(
        run(
            Some(d.clone()),
            Action::DeclineTransfer { reason: " ".into() },
            t(5)
        )
        .map_err(|r| r.code)
        .err(),
        Some(RefusalCode::ReasonRequired)
    );
    let back = ok(
        Some(d.clone()),
        canonical(ActionKind::DeclineTransfer),
        t(5),
    );
    assert_eq!(back.current_agency, deciding);
    assert_eq!(
        back.status,
        LocalStatus::new(S::Processing, SubStatus::AtStep)
    );
    let clocks: Vec<_> = back
        .agency_clocks
        .iter()
        .map(|c| (c.agency.as_str().to_owned(), c.ended_at))
        .collect();
    assert_eq!(
        clocks,
        vec![
            (deciding.as_str().to_owned(), Some(t(4))),
            (SECTOR.to_owned(), Some(t(5))),
            (deciding.as_str().to_owned(), None),
        ]
    );
    // A chain A → sector → other: declining at the other returns to the sector.
    let accepted = ok(Some(d), canonical(ActionKind::AcceptTransfer), t(5));
    let onward = ok(
        Some(accepted),
        Action::Transfer {
            to_agency: agency("G01.2"),
            agency_due_at: t(90),
        },
        t(6),
    );
    assert!(onward.awaiting_acceptance());
    let back = ok(Some(onward), canonical(ActionKind::DeclineTransfer), t(7));
    assert_eq!(back.current_agency.as_str(), SECTOR);
    assert_eq!(
        back.status,
        LocalStatus::new(S::Processing, SubStatus::Transferred)
    );
    assert!(
        !back.awaiting_acceptance(),
        "a dossier coming back needs no new acceptance"
    );
    // Declining is only for a dossier at another agency.
    let at_step = reach(LocalStatus::new(S::Processing, SubStatus::AtStep));
    assert_eq!(
        run(Some(at_step), canonical(ActionKind::DeclineTransfer), t(5))
            .map_err(|r| r.code)
            .err(),
        Some(RefusalCode::NotAllowedInStatus)
    );
}
