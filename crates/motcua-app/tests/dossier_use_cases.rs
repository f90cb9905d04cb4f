//! The dossier use cases over a small in-memory fake of the ports they use
//! ([`DossierPorts`]: dossiers, agencies, the officers of an agency) and a
//! [`TestClock`]: no database, no HTTP, no sleeping (issue 20, item 2).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use motcua_app::StoreError;
use motcua_app::dossiers::{
    ActionInput, DossierError, DossierService, DossierSettings, NewDossierInput, SeedProcedures,
};
use motcua_app::ports::dossiers::{
    Committed, DossierStats, DossierStore, DossierWrite, EventRow, NewDossier, OutboxRecord,
    StatsQuery, StoredAnswer, StoredDossier, WorkListQuery, WorkListRow,
};
use motcua_app::ports::{AgencyFilter, AgencyStore, OfficerDirectory, TestClock};
use motcua_domain::agency::{Agency, AgencyKind};
use motcua_domain::dossier::{Actor, AgencyId};
use motcua_domain::identity::{Account, AccountStatus};
use serde_json::json;

const CENTER: &str = "H55.X05743.TT";
const OTHER_CENTER: &str = "H55.X05746.TT";

/// What the fake keeps.
#[derive(Default)]
struct Rows {
    dossiers: HashMap<String, StoredDossier>,
    events: HashMap<String, Vec<EventRow>>,
    answers: HashMap<(String, String), StoredAnswer>,
    sequences: HashMap<(String, NaiveDate), u32>,
}

/// Dossiers, agencies and officers in memory: only what the dossier use
/// cases call, with the stores' contract (one sequence per agency and day,
/// idempotent answers, a stale version refused).
#[derive(Default)]
struct Fake {
    rows: Mutex<Rows>,
    agencies: Vec<Agency>,
    officers: Vec<Account>,
}

impl Fake {
    fn new() -> Self {
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

    fn rows(&self) -> std::sync::MutexGuard<'_, Rows> {
        self.rows.lock().unwrap()
    }

    fn events_of(&self, code: &str) -> Vec<EventRow> {
        self.rows().events.get(code).cloned().unwrap_or_default()
    }

    /// Keeps a write's rows; the answer to give.
    fn keep(rows: &mut Rows, write: DossierWrite) -> StoredAnswer {
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
fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap()
}

fn service(fake: &Arc<Fake>, clock: &TestClock) -> DossierService {
    DossierService::new(
        fake.clone(),
        Arc::new(SeedProcedures::new()),
        DossierSettings::default(),
        clock.clock(),
    )
}

fn desk_filing() -> NewDossierInput {
    serde_json::from_value(json!({
        "procedure": "1.004873",
        "applicant": {"kind": "organisation", "id": "0100109106", "name": "Công ty A",
                      "phone": "0243 123 4567"},
        "channel": "in_person",
    }))
    .unwrap()
}

fn officer() -> Actor {
    Actor::Officer("nva".into())
}

fn center() -> AgencyId {
    AgencyId::parse(CENTER).unwrap()
}

fn hand_over(to: &str) -> ActionInput {
    serde_json::from_value(json!({"action": "hand_over", "to": to, "step_working_days": 1}))
        .unwrap()
}

#[tokio::test]
async fn a_desk_reception_is_numbered_and_dated_by_the_clock() {
    let (fake, clock) = (Arc::new(Fake::new()), TestClock::new(monday_morning()));
    let dossiers = service(&fake, &clock);
    let (first, replayed) = dossiers
        .create(officer(), Some(&center()), "k1", desk_filing())
        .await
        .unwrap();
    assert!(!replayed);
    assert_eq!(first.code, format!("{CENTER}-261207-0001"));
    assert_eq!((first.status.as_str(), first.version), ("received", 1));
    let due = first.due_at.expect("a due date from the legal clock");
    assert!(due > monday_morning(), "{due}");
    assert!(first.tracking_secret.is_some());
    assert_eq!(fake.events_of(&first.code)[0].at, monday_morning());

    // The next day the sequence restarts.
    clock.advance(TimeDelta::days(1));
    let (second, _) = dossiers
        .create(officer(), Some(&center()), "k2", desk_filing())
        .await
        .unwrap();
    assert_eq!(second.code, format!("{CENTER}-261208-0001"));
}

#[tokio::test]
async fn the_same_key_answers_the_first_answer_and_writes_nothing() {
    let (fake, clock) = (Arc::new(Fake::new()), TestClock::new(monday_morning()));
    let dossiers = service(&fake, &clock);
    let (first, _) = dossiers
        .create(officer(), Some(&center()), "same", desk_filing())
        .await
        .unwrap();
    clock.advance(TimeDelta::minutes(5));
    let (again, replayed) = dossiers
        .create(officer(), Some(&center()), "same", desk_filing())
        .await
        .unwrap();
    assert!(replayed);
    assert_eq!(
        (again.code, again.due_at),
        (first.code.clone(), first.due_at)
    );
    assert_eq!(fake.rows().dossiers.len(), 1);
    assert_eq!(fake.events_of(&first.code).len(), 1);

    // The same key for another request is refused.
    let mut other = desk_filing();
    other.procedure = "1.001193".into();
    let err = dossiers
        .create(officer(), Some(&center()), "same", other)
        .await
        .unwrap_err();
    assert!(matches!(err, DossierError::KeyReused(_)), "{err:?}");
}

#[tokio::test]
async fn a_hand_over_goes_to_an_officer_of_the_agency_only() {
    let (fake, clock) = (Arc::new(Fake::new()), TestClock::new(monday_morning()));
    let dossiers = service(&fake, &clock);
    let (created, _) = dossiers
        .create(officer(), Some(&center()), "k1", desk_filing())
        .await
        .unwrap();
    let code = created.code.as_str();

    let err = dossiers
        .act(officer(), &center(), "h0", code, None, hand_over("nobody"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DossierError::Invalid { code, .. } if code == "to.unknown"),
        "{err:?}"
    );

    clock.advance(TimeDelta::hours(1));
    let (handed, _) = dossiers
        .act(officer(), &center(), "h1", code, Some(1), hand_over("cv-1"))
        .await
        .unwrap();
    assert_eq!((handed.event.as_str(), handed.version), ("handed_over", 2));
    let events = fake.events_of(code);
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].at, monday_morning() + TimeDelta::hours(1));

    // A view of version 1 is stale now.
    let err = dossiers
        .act(officer(), &center(), "h2", code, Some(1), hand_over("cv-1"))
        .await
        .unwrap_err();
    assert!(matches!(err, DossierError::Stale(_)), "{err:?}");
}

#[tokio::test]
async fn an_officer_of_another_centre_cannot_act() {
    let (fake, clock) = (Arc::new(Fake::new()), TestClock::new(monday_morning()));
    let dossiers = service(&fake, &clock);
    let (created, _) = dossiers
        .create(officer(), Some(&center()), "k1", desk_filing())
        .await
        .unwrap();
    let elsewhere = AgencyId::parse(OTHER_CENTER).unwrap();
    let err = dossiers
        .act(
            officer(),
            &elsewhere,
            "h1",
            &created.code,
            None,
            hand_over("cv-1"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, DossierError::Forbidden(_)), "{err:?}");
    assert_eq!(fake.events_of(&created.code).len(), 1, "nothing written");
}

/// An open span: its name and its `dossier` field, once known.
type OpenSpan = (String, Option<String>);

/// Spans as they close: `name dossier=<code>` (or `name` without one).
#[derive(Clone, Default)]
struct ClosedSpans {
    open: Arc<Mutex<HashMap<u64, OpenSpan>>>,
    closed: Arc<Mutex<Vec<String>>>,
}

/// Reads the `dossier` field of a span.
struct DossierField<'a>(&'a mut Option<String>);

impl tracing::field::Visit for DossierField<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "dossier" {
            *self.0 = Some(value.to_owned());
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "dossier" {
            *self.0 = Some(format!("{value:?}"));
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for ClosedSpans {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut dossier = None;
        attrs.record(&mut DossierField(&mut dossier));
        let name = attrs.metadata().name().to_owned();
        self.open
            .lock()
            .unwrap()
            .insert(id.into_u64(), (name, dossier));
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if let Some((_, dossier)) = self.open.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut DossierField(dossier));
        }
    }

    fn on_close(&self, id: tracing::span::Id, _: tracing_subscriber::layer::Context<'_, S>) {
        if let Some((name, dossier)) = self.open.lock().unwrap().remove(&id.into_u64()) {
            self.closed.lock().unwrap().push(match dossier {
                Some(code) => format!("{name} dossier={code}"),
                None => name,
            });
        }
    }
}

/// Each public dossier use case opens a span with the dossier's code, so
/// every log line inside it says which dossier it is about (issue 20,
/// item 5); a reception learns its code from the answer.
#[tokio::test]
async fn the_use_cases_open_spans_that_name_the_dossier() {
    use tracing_subscriber::layer::SubscriberExt;
    let spans = ClosedSpans::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(spans.clone()));
    let (fake, clock) = (Arc::new(Fake::new()), TestClock::new(monday_morning()));
    let dossiers = service(&fake, &clock);
    let (created, _) = dossiers
        .create(officer(), Some(&center()), "k1", desk_filing())
        .await
        .unwrap();
    let code = created.code.as_str();
    dossiers.get(&center(), code).await.unwrap();
    dossiers
        .act(officer(), &center(), "h1", code, None, hand_over("cv-1"))
        .await
        .unwrap();
    let closed = spans.closed.lock().unwrap().clone();
    for name in ["create_with_attachments", "get", "act"] {
        let expected = format!("{name} dossier={code}");
        assert!(closed.contains(&expected), "{expected} not in {closed:?}");
    }
}
