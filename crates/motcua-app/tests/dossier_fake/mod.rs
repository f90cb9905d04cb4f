//! An in-memory fake of the ports the dossier use cases use
//! (`DossierPorts`: dossiers, agencies, the officers of an agency) and the
//! helpers the use-case tests share.
#![allow(dead_code, unused_imports)]

pub use std::collections::HashMap;
pub use std::sync::{Arc, Mutex};

pub use async_trait::async_trait;
pub use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
pub use motcua_app::StoreError;
pub use motcua_app::dossiers::{
    ActionInput, DossierError, DossierService, DossierSettings, NewDossierInput, SeedProcedures,
};
pub use motcua_app::ports::dossiers::{
    Committed, DossierStats, DossierStore, DossierWrite, EventRow, NewDossier, OutboxRecord,
    StatsQuery, StoredAnswer, StoredDossier, WorkListQuery, WorkListRow,
};
pub use motcua_app::ports::{AgencyFilter, AgencyStore, OfficerDirectory, TestClock};
pub use motcua_domain::agency::{Agency, AgencyKind};
pub use motcua_domain::dossier::{Actor, AgencyId};
pub use motcua_domain::identity::{Account, AccountStatus};
pub use serde_json::json;

pub const CENTER: &str = "H55.X05743.TT";
pub const OTHER_CENTER: &str = "H55.X05746.TT";

/// What the fake keeps.
#[derive(Default)]
pub struct Rows {
    pub dossiers: HashMap<String, StoredDossier>,
    events: HashMap<String, Vec<EventRow>>,
    answers: HashMap<(String, String), StoredAnswer>,
    sequences: HashMap<(String, NaiveDate), u32>,
}

/// Dossiers, agencies and officers in memory: only what the dossier use
/// cases call, with the stores' contract (one sequence per agency and day,
/// idempotent answers, a stale version refused).
#[derive(Default)]
pub struct Fake {
    rows: Mutex<Rows>,
    agencies: Vec<Agency>,
    officers: Vec<Account>,
}

impl Fake {
    pub fn new() -> Self {
        let a = |id: &str, kind, unit: &str, parent: Option<&str>| Agency {
            id: id.into(),
            name: format!("Cơ quan {id}"),
            kind,
            unit_code: unit.into(),
            parent_id: parent.map(str::to_owned),
            active: true,
        };
        let officer = |id: &str, agency: &str| Account {
            id: id.into(),
            display_name: format!("Cán bộ {id}"),
            position: None,
            agency_id: agency.into(),
            status: AccountStatus::Active,
            password_hash: None,
            failed_attempts: 0,
            locked_until: None,
            oidc_subject: None,
            email: None,
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        };
        Self {
            rows: Mutex::default(),
            agencies: vec![
                a("H55", AgencyKind::ProvincialCommittee, "19", None),
                a(
                    "H55.X05743",
                    AgencyKind::CommuneCommittee,
                    "05743",
                    Some("H55"),
                ),
                a(
                    CENTER,
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
                    OTHER_CENTER,
                    AgencyKind::CommuneServiceCenter,
                    "05746",
                    Some("H55.X05746"),
                ),
            ],
            officers: vec![officer("cv-1", CENTER)],
        }
    }

    pub fn rows(&self) -> std::sync::MutexGuard<'_, Rows> {
        self.rows.lock().unwrap()
    }

    pub fn events_of(&self, code: &str) -> Vec<EventRow> {
        self.rows().events.get(code).cloned().unwrap_or_default()
    }

    /// Keeps a write's rows; the answer to give.
    pub fn keep(rows: &mut Rows, write: DossierWrite) -> StoredAnswer {
        let code = write.projection.code.clone();
        let answer = StoredAnswer {
            dossier_code: code.clone(),
            fingerprint: write.answer.fingerprint.clone(),
            answer_json: write.answer.answer_json.clone(),
        };
        let verifier_hash = write
            .verifier_hash
            .or_else(|| rows.dossiers.get(&code).map(|d| d.verifier_hash.clone()))
            .unwrap_or_default();
        rows.dossiers.insert(
            code.clone(),
            StoredDossier {
                projection: write.projection,
                verifier_hash,
            },
        );
        rows.events.entry(code).or_default().extend(write.events);
        rows.answers
            .insert((write.answer.actor, write.answer.key), answer.clone());
        answer
    }
}

#[async_trait]
impl DossierStore for Fake {
    async fn create_dossier(&self, new: NewDossier) -> Result<Committed, StoreError> {
        let mut rows = self.rows();
        let asked = (new.actor.clone(), new.idempotency_key.clone());
        if let Some(first) = rows.answers.get(&asked) {
            return Ok(Committed::Replayed(first.clone()));
        }
        let seq = rows.sequences.entry((new.agency, new.day)).or_default();
        *seq += 1;
        let write = (new.build)(*seq)?;
        Ok(Committed::Written(Self::keep(&mut rows, write)))
    }

    async fn append_to_dossier(
        &self,
        code: &str,
        expected_version: u64,
        write: DossierWrite,
    ) -> Result<Committed, StoreError> {
        let mut rows = self.rows();
        let asked = (write.answer.actor.clone(), write.answer.key.clone());
        if let Some(first) = rows.answers.get(&asked) {
            return Ok(Committed::Replayed(first.clone()));
        }
        let stored = rows.dossiers.get(code).ok_or(StoreError::NotFound)?;
        if stored.projection.version != expected_version {
            return Err(StoreError::Conflict(format!(
                "{code} is at version {}",
                stored.projection.version
            )));
        }
        Ok(Committed::Written(Self::keep(&mut rows, write)))
    }

    async fn load_dossier(&self, code: &str) -> Result<Option<StoredDossier>, StoreError> {
        Ok(self.rows().dossiers.get(code).cloned())
    }

    async fn dossier_events(&self, code: &str) -> Result<Vec<EventRow>, StoreError> {
        Ok(self.events_of(code))
    }

    async fn dossier_outbox(&self, _code: &str) -> Result<Vec<OutboxRecord>, StoreError> {
        Ok(Vec::new())
    }

    async fn find_answer(
        &self,
        actor: &str,
        key: &str,
    ) -> Result<Option<StoredAnswer>, StoreError> {
        Ok(self
            .rows()
            .answers
            .get(&(actor.to_owned(), key.to_owned()))
            .cloned())
    }

    async fn work_list(&self, _query: &WorkListQuery) -> Result<Vec<WorkListRow>, StoreError> {
        Ok(Vec::new())
    }

    async fn count_work_list(&self, _query: &WorkListQuery) -> Result<u64, StoreError> {
        Ok(0)
    }

    async fn dossier_stats(&self, _query: &StatsQuery) -> Result<DossierStats, StoreError> {
        Err(StoreError::Other(anyhow::anyhow!(
            "not used by these tests"
        )))
    }

    async fn last_sequence(&self, agency: &str, day: NaiveDate) -> Result<Option<u32>, StoreError> {
        Ok(self
            .rows()
            .sequences
            .get(&(agency.to_owned(), day))
            .copied())
    }
}

#[async_trait]
impl AgencyStore for Fake {
    async fn insert_missing_agencies(&self, _agencies: &[Agency]) -> Result<usize, StoreError> {
        Err(StoreError::Other(anyhow::anyhow!(
            "not used by these tests"
        )))
    }

    async fn upsert_agency(&self, _agency: &Agency) -> Result<(), StoreError> {
        Err(StoreError::Other(anyhow::anyhow!(
            "not used by these tests"
        )))
    }

    async fn get_agency(&self, id: &str) -> Result<Option<Agency>, StoreError> {
        Ok(self.agencies.iter().find(|a| a.id == id).cloned())
    }

    async fn list_agencies(&self, filter: &AgencyFilter) -> Result<(Vec<Agency>, u64), StoreError> {
        let found: Vec<Agency> = self
            .agencies
            .iter()
            .filter(|a| filter.unit_code.as_ref().is_none_or(|u| &a.unit_code == u))
            .filter(|a| filter.kind.is_none_or(|k| a.kind == k))
            .cloned()
            .collect();
        let total = found.len() as u64;
        Ok((
            found.into_iter().take(filter.limit as usize).collect(),
            total,
        ))
    }
}

#[async_trait]
impl OfficerDirectory for Fake {
    async fn officers_under(&self, root: &str) -> Result<Vec<Account>, StoreError> {
        Ok(self
            .officers
            .iter()
            .filter(|o| o.agency_id == root || o.agency_id.starts_with(&format!("{root}.")))
            .cloned()
            .collect())
    }
}

/// Monday 7 December 2026, 09:00 in Vietnam.
pub fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap()
}

pub fn service(fake: &Arc<Fake>, clock: &TestClock) -> DossierService {
    DossierService::new(
        fake.clone(),
        Arc::new(SeedProcedures::new()),
        DossierSettings::default(),
        clock.clock(),
    )
}

pub fn desk_filing() -> NewDossierInput {
    serde_json::from_value(json!({
        "procedure": "1.004873",
        "applicant": {"kind": "organisation", "id": "0100109106", "name": "Công ty A",
                      "phone": "0243 123 4567"},
        "channel": "in_person",
    }))
    .unwrap()
}

pub fn officer() -> Actor {
    Actor::Officer("nva".into())
}

pub fn center() -> AgencyId {
    AgencyId::parse(CENTER).unwrap()
}

pub fn hand_over(to: &str) -> ActionInput {
    serde_json::from_value(json!({"action": "hand_over", "to": to, "step_working_days": 1}))
        .unwrap()
}
