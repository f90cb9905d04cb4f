//! Fixtures of the dossier cases: dossiers decided by the real domain and
//! turned into rows by the real application code, so the cases store what
//! production stores.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use motcua_app::StoreError;
use motcua_app::dossiers::write::{Request, build_write};
use motcua_app::ports::Store;
use motcua_app::ports::dossiers::{Committed, NewDossier};
use motcua_domain::agency::{Agency, AgencyKind};
use motcua_domain::dossier::{
    Action, Actor, AgencyId, Applicant, ApplicantId, Channel, Command, Component, ComponentState,
    Dossier, DossierCodePattern, Intake, PersonalId, ProcedureRef, decide, evolve, replay,
};

/// 2025-07-15 08:00 in Vietnam.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 7, 15, 1, 0, 0)
        .single()
        .expect("instant")
}

/// The reception day of [`t0`].
pub fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 15).expect("date")
}

/// A small agency tree: province H55, two communes, their centres.
pub fn agencies() -> Vec<Agency> {
    let a = |id: &str, kind, unit: &str, parent: Option<&str>| Agency {
        id: id.into(),
        name: format!("Cơ quan {id}"),
        kind,
        unit_code: unit.into(),
        parent_id: parent.map(str::to_owned),
        active: true,
    };
    vec![
        a("H55", AgencyKind::ProvincialCommittee, "19", None),
        a(
            "H55.X05743",
            AgencyKind::CommuneCommittee,
            "05743",
            Some("H55"),
        ),
        a(
            "H55.X05743.TT",
            AgencyKind::CommuneServiceCenter,
            "05743",
            Some("H55.X05743"),
        ),
        a(
            "H55.X05746",
            AgencyKind::CommuneCommittee,
            "05746",
            Some("H55"),
        ),
        a(
            "H55.X05746.TT",
            AgencyKind::CommuneServiceCenter,
            "05746",
            Some("H55.X05746"),
        ),
    ]
}

fn agency(id: &str) -> AgencyId {
    AgencyId::parse(id).expect("agency id")
}

/// The intake of a desk reception at `receiving`, decided by `deciding`.
pub fn intake(receiving: &str, deciding: &str) -> Intake {
    Intake {
        code: DossierCodePattern::default()
            .format(&agency(receiving), day0(), 1)
            .expect("code"),
        procedure: ProcedureRef {
            code: "1.001193".into(),
            version: 1,
        },
        applicant: Applicant {
            id: ApplicantId::Citizen(PersonalId::parse("022087123456").expect("id")),
            name: "Nguyễn Văn An".into(),
            phone: Some("0912345678".into()),
            address: None,
            email: None,
        },
        receiving_unit: agency(receiving),
        deciding_agency: agency(deciding),
        channel: Channel::InPerson,
        components: vec![Component {
            code: "TP1".into(),
            name: "Tờ khai đăng ký khai sinh".into(),
            required: true,
            state: ComponentState::Submitted { digitised: true },
        }],
        fees: Vec::new(),
        sets: 1,
    }
}

/// A creation of a desk reception due `due_days` after [`t0`].
pub fn new_dossier(receiving: &str, day: NaiveDate, key: &str, due_days: i64) -> NewDossier {
    new_dossier_at(receiving, day, t0(), key, due_days)
}

/// A reception at `at` (code of `day`), due `due_days` after [`t0`].
pub fn new_dossier_at(
    receiving: &str,
    day: NaiveDate,
    at: DateTime<Utc>,
    key: &str,
    due_days: i64,
) -> NewDossier {
    let receiving = receiving.to_owned();
    let key_owned = key.to_owned();
    NewDossier {
        agency: receiving.clone(),
        day,
        actor: "officer:a1".into(),
        idempotency_key: key.into(),
        build: Box::new(move |seq| {
            let mut intake = intake(&receiving, &receiving);
            intake.code = DossierCodePattern::default()
                .format(&agency(&receiving), day, seq)
                .map_err(|e| StoreError::Other(e.into()))?;
            let cmd = Command {
                actor: Actor::Officer("a1".into()),
                idempotency_key: key_owned.clone(),
                action: Action::ReceiveNew {
                    intake: Box::new(intake),
                    due_at: t0() + TimeDelta::days(due_days),
                },
            };
            let events = decide(None, &cmd, at).map_err(|e| StoreError::Other(e.into()))?;
            let dossier = replay(&events)
                .map_err(|e| StoreError::Other(e.into()))?
                .ok_or(StoreError::NotFound)?;
            let request = Request {
                actor: cmd.actor.clone(),
                key: key_owned.clone(),
                fingerprint: "fp".into(),
            };
            build_write(&dossier, &events, &request, Some("secret"), at)
                .map(|(w, _)| w)
                .map_err(|e| StoreError::Other(anyhow::anyhow!("{e}")))
        }),
    }
}

/// Creates a dossier and returns its code.
pub async fn create(store: &dyn Store, receiving: &str, key: &str, due_days: i64) -> String {
    match store
        .create_dossier(new_dossier(receiving, day0(), key, due_days))
        .await
        .expect("create_dossier")
    {
        Committed::Written(a) => a.dossier_code,
        Committed::Replayed(a) => panic!("unexpected replay of {}", a.dossier_code),
    }
}

/// Creates a dossier received at `at` and returns its code.
pub async fn create_at(
    store: &dyn Store,
    receiving: &str,
    at: DateTime<Utc>,
    key: &str,
    due_days: i64,
) -> String {
    let day = motcua_domain::clock::to_local(at).date();
    match store
        .create_dossier(new_dossier_at(receiving, day, at, key, due_days))
        .await
        .expect("create_dossier")
    {
        Committed::Written(a) => a.dossier_code,
        Committed::Replayed(a) => panic!("unexpected replay of {}", a.dossier_code),
    }
}

/// Loads a dossier's state.
pub async fn state(store: &dyn Store, code: &str) -> Dossier {
    let stored = store
        .load_dossier(code)
        .await
        .expect("load_dossier")
        .expect("dossier exists");
    serde_json::from_str(&stored.projection.state_json).expect("state parses")
}

/// Decides `action` on `d` at `t0() + minutes` and appends it at `expected`.
pub async fn append(
    store: &dyn Store,
    d: &Dossier,
    expected: u64,
    key: &str,
    action: Action,
    minutes: i64,
) -> Result<Committed, StoreError> {
    let now = t0() + TimeDelta::minutes(minutes);
    let cmd = Command {
        actor: Actor::Officer("a2".into()),
        idempotency_key: key.into(),
        action,
    };
    let events = decide(Some(d), &cmd, now).expect("decided");
    let mut after = d.clone();
    for e in &events {
        after = evolve(Some(after), e).expect("evolved");
    }
    let request = Request {
        actor: cmd.actor.clone(),
        key: key.into(),
        fingerprint: format!("fp-{key}"),
    };
    let (write, _) = build_write(&after, &events, &request, None, now).expect("write");
    store
        .append_to_dossier(d.code.as_str(), expected, write)
        .await
}
