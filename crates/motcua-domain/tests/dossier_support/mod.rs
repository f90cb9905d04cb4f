//! Fixtures shared by the dossier tests: an intake, canonical commands and
//! a way to bring a dossier into any local status.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use motcua_domain::dossier::{
    Action, ActionKind, Actor, AgencyId, Applicant, ApplicantId, Channel, Command, Component,
    ComponentState, DataSource, Dossier, DossierCode, DossierStatus as S, FeeKind, FeeLine, Intake,
    LocalStatus, Payment, PaymentMethod, PersonalId, ProcedureRef, Progress, ProgressKind, Rating,
    Refusal, ResultDocument, ReturnMethod, SubStatus, SuppliedFile, decide, evolve,
};

/// 2025-07-15 08:00 Vietnam time, plus `hours`.
pub fn t(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 7, 15, 1, 0, 0)
        .single()
        .expect("instant")
        + TimeDelta::hours(hours)
}

/// The due date used by fixtures: 10 days after the start.
pub fn due() -> DateTime<Utc> {
    t(240)
}

pub fn agency(s: &str) -> AgencyId {
    AgencyId::parse(s).expect("agency")
}

pub fn component(code: &str, name: &str, required: bool, state: ComponentState) -> Component {
    Component {
        code: code.into(),
        name: name.into(),
        required,
        state,
    }
}

pub fn intake(channel: Channel) -> Intake {
    Intake {
        code: DossierCode::parse("000.00.01.H22-250715-0001").expect("code"),
        procedure: ProcedureRef {
            code: "1.001193".into(),
            version: 3,
        },
        applicant: Applicant {
            id: ApplicantId::Citizen(PersonalId::parse("022087123456").expect("id")),
            name: "Nguyễn Văn An".into(),
            phone: Some("0912345678".into()),
            address: None,
            email: None,
        },
        receiving_unit: agency("000.00.01.H22"),
        deciding_agency: agency("000.00.01.H22"),
        channel,
        components: vec![
            component(
                "TK",
                "Tờ khai đăng ký khai sinh",
                true,
                ComponentState::Submitted { digitised: true },
            ),
            component(
                "CCCD",
                "Giấy tờ tùy thân",
                true,
                ComponentState::waived(DataSource::PopulationDatabase),
            ),
            component("UQ", "Văn bản ủy quyền", false, ComponentState::Missing),
        ],
        fees: Vec::new(),
        sets: 1,
    }
}

static KEYS: AtomicU64 = AtomicU64::new(1);

pub fn cmd(action: Action) -> Command {
    Command {
        actor: Actor::Officer("canbo-01".into()),
        idempotency_key: format!("key-{}", KEYS.fetch_add(1, Ordering::Relaxed)),
        action,
    }
}

/// decide + evolve; panics on a refusal or an evolve error (tests only).
pub fn run(state: Option<Dossier>, action: Action, now: DateTime<Utc>) -> Result<Dossier, Refusal> {
    let events = decide(state.as_ref(), &cmd(action), now)?;
    let mut state = state;
    for event in &events {
        state = Some(evolve(state, event).expect("decided events evolve"));
    }
    Ok(state.expect("a dossier after an accepted command"))
}

pub fn ok(state: Option<Dossier>, action: Action, now: DateTime<Utc>) -> Dossier {
    run(state, action, now).unwrap_or_else(|r| panic!("refused: {r}"))
}

pub fn fee(amount: u64) -> FeeLine {
    FeeLine {
        code: "LP01".into(),
        name: "Lệ phí".into(),
        amount_vnd: amount,
        kind: FeeKind::Levy,
    }
}

pub fn payment(amount: u64, at: DateTime<Utc>) -> Payment {
    Payment {
        amount_vnd: amount,
        method: PaymentMethod::NationalPortal,
        reference: "GD-1".into(),
        paid_at: at,
    }
}

/// The canonical, otherwise valid command of each kind used by the table.
pub fn canonical(kind: ActionKind) -> Action {
    match kind {
        ActionKind::SubmitOnline => Action::SubmitOnline {
            intake: Box::new(intake(Channel::Online)),
        },
        ActionKind::ReceiveNew => Action::ReceiveNew {
            intake: Box::new(intake(Channel::InPerson)),
            due_at: due(),
        },
        ActionKind::RefuseNew => Action::RefuseNew {
            intake: Box::new(intake(Channel::InPerson)),
            reason: "Thủ tục không thuộc thẩm quyền của xã".into(),
        },
        ActionKind::Receive => Action::Receive {
            checked: Vec::new(),
            due_at: due(),
        },
        ActionKind::RefuseReception => Action::RefuseReception {
            reason: "Không thuộc thẩm quyền".into(),
        },
        ActionKind::HandOver => Action::HandOver {
            to: "Phòng Tư pháp".into(),
            step_deadline: t(48),
        },
        ActionKind::RequestSupplement => Action::RequestSupplement {
            reason: "Thiếu giấy chứng sinh".into(),
            missing: vec!["Giấy chứng sinh".into()],
        },
        ActionKind::SendSupplement => Action::SendSupplement {
            files: vec![SuppliedFile {
                id: "tep-1".into(),
                component: "TP2".into(),
            }],
        },
        ActionKind::ResumeAfterSupplement => Action::ResumeAfterSupplement {
            components: Vec::new(),
            new_due_at: Some(due()),
            on_time_due_at: None,
        },
        ActionKind::RequestPayment => Action::RequestPayment {
            fees: vec![fee(20_000)],
        },
        ActionKind::RecordPayment => Action::RecordPayment {
            payment: payment(20_000, t(10)),
        },
        ActionKind::Transfer => Action::Transfer {
            to_agency: agency("H55.300"),
            agency_due_at: t(120),
        },
        ActionKind::AcceptTransfer => Action::AcceptTransfer {
            agency_due_at: t(130),
        },
        ActionKind::ReportProgress => Action::ReportProgress {
            progress: Progress {
                kind: ProgressKind::StepDone,
                step: Some("Thẩm định hồ sơ".into()),
                note: None,
            },
        },
        ActionKind::DeclineTransfer => Action::DeclineTransfer {
            reason: "Không thuộc thẩm quyền của cơ quan".into(),
        },
        ActionKind::Stop => Action::Stop {
            reason: "Theo đề nghị của cơ quan có thẩm quyền".into(),
        },
        ActionKind::ApologiseAndExtend => Action::ApologiseAndExtend {
            reason: "Cần xác minh thêm".into(),
            new_due_at: due() + TimeDelta::days(5),
        },
        ActionKind::MarkResultReady => Action::MarkResultReady {
            documents: vec![ResultDocument {
                name: "Giấy khai sinh".into(),
                number: Some("123".into()),
                file: None,
            }],
        },
        ActionKind::ReturnResult => Action::ReturnResult {
            method: ReturnMethod::AtDesk,
        },
        ActionKind::Withdraw => Action::Withdraw {
            reason: "Không còn nhu cầu".into(),
        },
        ActionKind::Rate => Action::Rate {
            rating: Rating::VerySatisfied,
            comment: None,
        },
    }
}

/// A dossier in `status`, reached by a realistic path of commands between
/// `t(1)` and `t(8)`.
pub fn reach(status: LocalStatus) -> Dossier {
    let submitted = || ok(None, canonical(ActionKind::SubmitOnline), t(1));
    let received = || ok(Some(submitted()), canonical(ActionKind::Receive), t(2));
    let processing = || ok(Some(received()), canonical(ActionKind::HandOver), t(3));
    let ready = || {
        ok(
            Some(processing()),
            canonical(ActionKind::MarkResultReady),
            t(5),
        )
    };
    let d = match (status.status, status.sub) {
        (S::Submitted, _) => submitted(),
        (S::Received, _) => received(),
        (S::RefusedAtReception, _) => ok(
            Some(submitted()),
            canonical(ActionKind::RefuseReception),
            t(2),
        ),
        (S::Processing, SubStatus::Transferred) => ok(
            Some(processing()),
            Action::Transfer {
                to_agency: agency("H55.999"),
                agency_due_at: t(100),
            },
            t(4),
        ),
        (S::Processing, _) => processing(),
        (S::AwaitingSupplement, SubStatus::BeforeReception) => ok(
            Some(submitted()),
            canonical(ActionKind::RequestSupplement),
            t(2),
        ),
        (S::AwaitingSupplement, _) => ok(
            Some(processing()),
            canonical(ActionKind::RequestSupplement),
            t(4),
        ),
        (S::AwaitingPayment, _) => ok(
            Some(processing()),
            canonical(ActionKind::RequestPayment),
            t(4),
        ),
        (S::Withdrawn, _) => ok(Some(submitted()), canonical(ActionKind::Withdraw), t(2)),
        (S::Stopped, _) => ok(Some(processing()), canonical(ActionKind::Stop), t(4)),
        (S::ResultReady, _) => ready(),
        (S::Returned, _) => ok(Some(ready()), canonical(ActionKind::ReturnResult), t(6)),
    };
    assert_eq!(d.status, status, "fixture path");
    d
}
