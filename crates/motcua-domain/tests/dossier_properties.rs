//! Properties over random command sequences.

mod dossier_support;

use chrono::{DateTime, TimeDelta, Utc};
use dossier_support::{agency, canonical, cmd, fee, payment, t};
use motcua_domain::dossier::{
    Action, ActionKind, Command, Dossier, DossierStatus as S, LocalStatus, MilestoneKind,
    SubStatus, decide, evolve, portal_status,
};
use proptest::prelude::*;

fn action_strategy() -> impl Strategy<Value = Action> {
    let kind = proptest::sample::select(ActionKind::ALL.to_vec());
    (kind, 0u64..40_000, 0usize..3).prop_map(|(kind, amount, which)| match kind {
        ActionKind::RequestPayment => Action::RequestPayment {
            fees: vec![fee(amount)],
        },
        ActionKind::RecordPayment => Action::RecordPayment {
            payment: payment(amount, t(1)),
        },
        ActionKind::Transfer => Action::Transfer {
            to_agency: agency(["H55.300", "000.00.01.H22", "G01.2"][which]),
            agency_due_at: t(200),
        },
        other => canonical(other),
    })
}

/// A creating command followed by random commands, so that most sequences
/// get past "no dossier".
fn sequence_strategy(max: usize) -> impl Strategy<Value = Vec<Action>> {
    let create = prop_oneof![
        Just(canonical(ActionKind::SubmitOnline)),
        Just(canonical(ActionKind::ReceiveNew)),
    ];
    (create, proptest::collection::vec(action_strategy(), 0..max)).prop_map(|(first, rest)| {
        let mut all = vec![first];
        all.extend(rest);
        all
    })
}

fn check_invariants(d: &Dossier) -> Result<(), TestCaseError> {
    prop_assert!(d.status.is_valid(), "invalid pair {}", d.status);
    prop_assert!(portal_status(d.status).is_ok());
    prop_assert_eq!(
        d.is_paused(),
        d.status == LocalStatus::new(S::AwaitingSupplement, SubStatus::DuringProcessing)
    );
    prop_assert!(d.pauses.iter().filter(|p| p.until.is_none()).count() <= 1);
    prop_assert!(
        d.agency_clocks
            .iter()
            .filter(|c| c.ended_at.is_none())
            .count()
            <= 1
    );
    if d.supplement_count >= 2 {
        prop_assert!(d.counts_late);
    }
    // Once ended, the flag is the one on-time rule's verdict (the leader
    // page counts the flag, the portal the verdict).
    let ended = d.received_at.is_some()
        && d.history.iter().any(|m| {
            matches!(
                m.kind,
                MilestoneKind::ResultReady
                    | MilestoneKind::Returned
                    | MilestoneKind::Stopped
                    | MilestoneKind::Withdrawn
            )
        });
    if ended {
        prop_assert_eq!(d.counts_late, d.on_time(DateTime::<Utc>::MAX_UTC).is_late());
    }
    if d.status.status == S::Processing {
        prop_assert_eq!(
            d.status.sub == SubStatus::Transferred,
            d.current_agency != d.deciding_agency
        );
    }
    prop_assert_eq!(d.version as usize, d.idempotency_keys.len());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Accepted commands always produce events that evolve accepts, the
    /// version rises by exactly one per accepted command, refusals change
    /// nothing, and the state stays consistent.
    #[test]
    fn decided_events_always_evolve(actions in sequence_strategy(40)) {
        let mut state: Option<Dossier> = None;
        for (i, action) in actions.into_iter().enumerate() {
            let now = t(i as i64 + 1);
            let command = cmd(action);
            let before = state.clone();
            match decide(state.as_ref(), &command, now) {
                Ok(events) => {
                    prop_assert_eq!(events.len(), 1);
                    let version = state.as_ref().map_or(0, |d| d.version);
                    let was_terminal = state.as_ref().is_some_and(|d| d.status.status.is_terminal());
                    let next = evolve(state.take(), &events[0]);
                    prop_assert!(next.is_ok(), "evolve rejected {:?}: {:?}", events[0], next);
                    let next = next.expect("checked");
                    prop_assert_eq!(next.version, version + 1);
                    if was_terminal {
                        prop_assert_eq!(command.action.kind(), ActionKind::Rate);
                    }
                    check_invariants(&next)?;
                    // A retry with the same key is a no-op.
                    prop_assert_eq!(decide(Some(&next), &command, now + TimeDelta::minutes(1)), Ok(Vec::new()));
                    state = Some(next);
                }
                Err(refusal) => {
                    prop_assert!(!refusal.vi.is_empty() && !refusal.en.is_empty());
                    prop_assert_eq!(&state, &before);
                }
            }
        }
    }

    /// Replaying the recorded events rebuilds the same dossier.
    #[test]
    fn replay_equals_incremental_state(actions in sequence_strategy(30)) {
        let mut state: Option<Dossier> = None;
        let mut log = Vec::new();
        for (i, action) in actions.into_iter().enumerate() {
            let command: Command = cmd(action);
            if let Ok(events) = decide(state.as_ref(), &command, t(i as i64 + 1)) {
                for event in events {
                    state = Some(evolve(state.take(), &event).expect("evolves"));
                    log.push(event);
                }
            }
        }
        prop_assert_eq!(motcua_domain::dossier::replay(&log).expect("replays"), state);
    }
}
