//! Walks every (status, command) pair, including "no dossier yet".
//!
//! Each row is a fixed-size array over the columns below, and rows are
//! chosen by an exhaustive match over `ActionKind`: adding a status (which
//! changes `LocalStatus::COUNT`) or an action breaks compilation here until
//! the table is extended.

mod dossier_support;

use dossier_support::{canonical, reach, t};
use motcua_domain::dossier::{
    ActionKind, DossierStatus as S, LocalStatus, RefusalCode, SubStatus, decide, evolve, is_allowed,
};

const COLS: usize = LocalStatus::COUNT + 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    To(LocalStatus),
    Refused(RefusalCode),
}

use Expect::{Refused, To};

const N: Expect = Refused(RefusalCode::NotAllowedInStatus);
const X: Expect = Refused(RefusalCode::AlreadyExists);
const D: Expect = Refused(RefusalCode::NoDossier);
/// The transferred dossier must be accepted before progress is reported
/// (the fixture reaches `transferred` without an acceptance).
const A: Expect = Refused(RefusalCode::NotAccepted);

const SUBMITTED: LocalStatus = LocalStatus::plain(S::Submitted);
const RECEIVED: LocalStatus = LocalStatus::plain(S::Received);
const REFUSED: LocalStatus = LocalStatus::plain(S::RefusedAtReception);
const AT_STEP: LocalStatus = LocalStatus::new(S::Processing, SubStatus::AtStep);
const TRANSFERRED: LocalStatus = LocalStatus::new(S::Processing, SubStatus::Transferred);
const SUP_BEFORE: LocalStatus = LocalStatus::new(S::AwaitingSupplement, SubStatus::BeforeReception);
const SUP_DURING: LocalStatus =
    LocalStatus::new(S::AwaitingSupplement, SubStatus::DuringProcessing);
const PAYMENT: LocalStatus = LocalStatus::plain(S::AwaitingPayment);
const WITHDRAWN: LocalStatus = LocalStatus::plain(S::Withdrawn);
const STOPPED: LocalStatus = LocalStatus::plain(S::Stopped);
const READY: LocalStatus = LocalStatus::plain(S::ResultReady);
const RETURNED: LocalStatus = LocalStatus::plain(S::Returned);

/// Column order: no dossier, then `LocalStatus::ALL`.
const COLUMNS: [Option<LocalStatus>; COLS] = [
    None,
    Some(SUBMITTED),
    Some(RECEIVED),
    Some(REFUSED),
    Some(AT_STEP),
    Some(TRANSFERRED),
    Some(SUP_BEFORE),
    Some(SUP_DURING),
    Some(PAYMENT),
    Some(WITHDRAWN),
    Some(STOPPED),
    Some(READY),
    Some(RETURNED),
];

#[rustfmt::skip]
fn row(kind: ActionKind) -> [Expect; COLS] {
    //                                     none          submitted       received        refused  at_step          transferred      sup_before     sup_during     payment        withdrawn stopped ready          returned
    match kind {
        ActionKind::SubmitOnline =>          [To(SUBMITTED), X,              X,              X,       X,               X,               X,             X,             X,             X,        X,      X,             X],
        ActionKind::ReceiveNew =>            [To(RECEIVED),  X,              X,              X,       X,               X,               X,             X,             X,             X,        X,      X,             X],
        ActionKind::RefuseNew =>             [To(REFUSED),   X,              X,              X,       X,               X,               X,             X,             X,             X,        X,      X,             X],
        ActionKind::Receive =>               [D,             To(RECEIVED),   N,              N,       N,               N,               N,             N,             N,             N,        N,      N,             N],
        ActionKind::RefuseReception =>       [D,             To(REFUSED),    N,              N,       N,               N,               To(REFUSED),   N,             N,             N,        N,      N,             N],
        ActionKind::HandOver =>              [D,             N,              To(AT_STEP),    N,       To(AT_STEP),     To(TRANSFERRED), N,             N,             N,             N,        N,      N,             N],
        ActionKind::RequestSupplement =>     [D,             To(SUP_BEFORE), To(SUP_DURING), N,       To(SUP_DURING),  To(SUP_DURING),  N,             N,             N,             N,        N,      N,             N],
        ActionKind::SendSupplement =>        [D,             N,              N,              N,       N,               N,               To(SUP_BEFORE),To(SUP_DURING),N,             N,        N,      N,             N],
        ActionKind::ResumeAfterSupplement => [D,             N,              N,              N,       N,               N,               To(SUBMITTED), To(AT_STEP),   N,             N,        N,      N,             N],
        ActionKind::RequestPayment =>        [D,             N,              To(PAYMENT),    N,       To(PAYMENT),     To(PAYMENT),     N,             N,             N,             N,        N,      To(PAYMENT),   N],
        ActionKind::RecordPayment =>         [D,             To(SUBMITTED),  To(RECEIVED),   N,       To(AT_STEP),     To(TRANSFERRED), N,             N,             To(AT_STEP),   N,        N,      To(READY),     N],
        ActionKind::Transfer =>              [D,             N,              To(TRANSFERRED),N,       To(TRANSFERRED), To(TRANSFERRED), N,             N,             N,             N,        N,      N,             N],
        ActionKind::AcceptTransfer =>        [D,             N,              N,              N,       N,               To(TRANSFERRED), N,             N,             N,             N,        N,      N,             N],
        ActionKind::ReportProgress =>        [D,             N,              To(RECEIVED),   N,       To(AT_STEP),     A,               N,             N,             N,             N,        N,      N,             N],
        ActionKind::DeclineTransfer =>       [D,             N,              N,              N,       N,               To(AT_STEP),     N,             N,             N,             N,        N,      N,             N],
        ActionKind::Stop =>                  [D,             N,              To(STOPPED),    N,       To(STOPPED),     To(STOPPED),     N,             To(STOPPED),   To(STOPPED),   N,        N,      N,             N],
        ActionKind::ApologiseAndExtend =>    [D,             N,              To(RECEIVED),   N,       To(AT_STEP),     To(TRANSFERRED), N,             N,             To(PAYMENT),   N,        N,      N,             N],
        ActionKind::MarkResultReady =>       [D,             N,              To(READY),      N,       To(READY),       To(READY),       N,             N,             N,             N,        N,      N,             N],
        ActionKind::ReturnResult =>          [D,             N,              N,              N,       N,               N,               N,             N,             N,             N,        N,      To(RETURNED),  N],
        ActionKind::Withdraw =>              [D,             To(WITHDRAWN),  To(WITHDRAWN),  N,       To(WITHDRAWN),   To(WITHDRAWN),   To(WITHDRAWN), To(WITHDRAWN), To(WITHDRAWN), N,        N,      N,             N],
        ActionKind::Rate =>                  [D,             N,              N,              N,       N,               N,               N,             N,             N,             N,        N,      N,             To(RETURNED)],
    }
}

#[test]
fn columns_cover_every_local_status_once() {
    let listed: Vec<LocalStatus> = COLUMNS.iter().flatten().copied().collect();
    assert_eq!(listed, LocalStatus::ALL.to_vec());
}

#[test]
fn every_status_and_command_pair_behaves_as_tabled() {
    let now = t(9);
    let mut checked = 0;
    for kind in ActionKind::ALL {
        for (column, expected) in COLUMNS.iter().zip(row(kind)) {
            let state = column.map(reach);
            let command = dossier_support::cmd(canonical(kind));
            let outcome = decide(state.as_ref(), &command, now);
            let label = format!(
                "{kind:?} on {}",
                column.map_or("none".into(), |s| s.to_string())
            );
            match (expected, outcome) {
                (To(status), Ok(events)) => {
                    assert_eq!(events.len(), 1, "{label}");
                    let version = state.as_ref().map_or(0, |d| d.version);
                    let after =
                        evolve(state, &events[0]).unwrap_or_else(|e| panic!("{label}: {e}"));
                    assert_eq!(after.status, status, "{label}");
                    assert_eq!(after.version, version + 1, "{label}");
                    assert_eq!(events[0].at, now, "{label}");
                    assert_eq!(
                        events[0].idempotency_key, command.idempotency_key,
                        "{label}"
                    );
                }
                (Refused(code), Err(refusal)) => {
                    assert_eq!(refusal.code, code, "{label}: {refusal}");
                    assert_reason(&refusal, code, *column, &label);
                }
                (expected, outcome) => panic!("{label}: expected {expected:?}, got {outcome:?}"),
            }
            if let Some(status) = column {
                // A refusal for another reason than the status (e.g. not
                // accepted yet) happens after the table allowed the kind.
                let allowed = !matches!(
                    expected,
                    Refused(RefusalCode::NotAllowedInStatus | RefusalCode::AlreadyExists)
                );
                assert_eq!(is_allowed(kind, *status), allowed, "is_allowed for {label}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, ActionKind::ALL.len() * COLS);
}

fn assert_reason(
    refusal: &motcua_domain::dossier::Refusal,
    code: RefusalCode,
    column: Option<LocalStatus>,
    label: &str,
) {
    match (code, column) {
        (RefusalCode::NotAllowedInStatus, Some(status)) => {
            assert!(
                refusal.vi.starts_with("Không thể thực hiện thao tác này"),
                "{label}: {}",
                refusal.vi
            );
            assert!(
                refusal.vi.contains(status.status.name_vi()),
                "{label}: {}",
                refusal.vi
            );
            assert!(
                refusal.en.contains(status.status.name_en()),
                "{label}: {}",
                refusal.en
            );
        }
        (RefusalCode::AlreadyExists, _) => {
            assert_eq!(refusal.vi, "Hồ sơ đã tồn tại", "{label}");
            assert_eq!(refusal.en, "The dossier already exists", "{label}");
        }
        (RefusalCode::NotAccepted, Some(status)) => {
            assert_eq!(status.sub, SubStatus::Transferred, "{label}");
            assert!(
                refusal.vi.contains("xác nhận tiếp nhận"),
                "{label}: {}",
                refusal.vi
            );
        }
        (RefusalCode::NoDossier, _) => {
            assert_eq!(refusal.vi, "Không tìm thấy hồ sơ", "{label}");
            assert_eq!(refusal.en, "No such dossier", "{label}");
        }
        _ => panic!("{label}: unexpected refusal {refusal}"),
    }
}

#[test]
fn terminal_statuses_refuse_everything_but_rating_after_return() {
    for status in LocalStatus::ALL
        .into_iter()
        .filter(|s| s.status.is_terminal())
    {
        for kind in ActionKind::ALL {
            let allowed = is_allowed(kind, status);
            assert_eq!(
                allowed,
                kind == ActionKind::Rate && status.status == S::Returned,
                "{kind:?} on {status}"
            );
        }
    }
}
