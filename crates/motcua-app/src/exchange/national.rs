//! The national hub's intake (tiếp nhận đồng bộ từ các tỉnh): checks the
//! sender and its signature, validates the events and indexes them
//! idempotently; and the dashboard totals.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use motcua_domain::unit::UnitLevel;

use super::cloudevent::{CloudEvent, province_of_source};
use super::signature::{self, SignatureError, SigningKey};
use crate::AppError;
use crate::ports::national::{
    IngestReport, NationalEventRow, NationalObstacleRow, NationalStore, ProvinceTotals,
};

/// Most events in one sync request.
pub const MAX_BATCH: usize = 1000;

/// Why an intake was refused.
#[derive(Debug)]
pub enum IntakeError {
    /// Unknown sender, missing headers or a bad signature (401).
    Unauthenticated(String),
    /// An event from another province than the sender (403).
    Forbidden(String),
    /// A malformed body or event (400).
    Invalid(String),
    /// Anything else.
    App(AppError),
}

impl From<AppError> for IntakeError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

/// The signed headers of a sync request.
#[derive(Debug, Clone, Default)]
pub struct SignedHeaders {
    /// `motcua-sender`: the province code.
    pub sender: Option<String>,
    /// `webhook-id`.
    pub id: Option<String>,
    /// `webhook-timestamp`.
    pub timestamp: Option<String>,
    /// `webhook-signature`.
    pub signature: Option<String>,
}

/// The hub: province keys and the index.
#[derive(Clone)]
pub struct NationalService {
    store: Arc<dyn NationalStore>,
    keys: Arc<BTreeMap<String, Vec<SigningKey>>>,
}

impl NationalService {
    /// Over a store, with each province's keys (several during a rotation).
    pub fn new(store: Arc<dyn NationalStore>, keys: BTreeMap<String, Vec<SigningKey>>) -> Self {
        Self {
            store,
            keys: Arc::new(keys),
        }
    }

    /// Checks and indexes one request body: a CloudEvent or a batch
    /// (JSON array) of them.
    pub async fn intake(
        &self,
        headers: &SignedHeaders,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<IngestReport, IntakeError> {
        let unauth = |m: &str| IntakeError::Unauthenticated(m.to_owned());
        let sender = headers
            .sender
            .as_deref()
            .ok_or_else(|| unauth("thiếu tiêu đề motcua-sender / motcua-sender header missing"))?;
        let keys = self.keys.get(sender).ok_or_else(|| {
            unauth("bên gửi không được đăng ký / unknown sender (no key for this province)")
        })?;
        signature::verify(
            keys,
            headers.id.as_deref().unwrap_or_default(),
            headers.timestamp.as_deref().unwrap_or_default(),
            headers.signature.as_deref().unwrap_or_default(),
            body,
            now.timestamp(),
        )
        .map_err(|e| match e {
            SignatureError::Malformed(h) => unauth(&format!(
                "tiêu đề {h} sai hoặc thiếu / header {h} missing or malformed"
            )),
            SignatureError::Stale => {
                unauth("dấu thời gian quá cũ hoặc quá mới / timestamp outside tolerance")
            }
            SignatureError::Mismatch => unauth("chữ ký không khớp / signature mismatch"),
        })?;
        let events = parse_events(body).map_err(IntakeError::Invalid)?;
        if events.len() > MAX_BATCH {
            return Err(IntakeError::Invalid(format!(
                "quá {MAX_BATCH} sự kiện / more than {MAX_BATCH} events"
            )));
        }
        let mut rows = Vec::with_capacity(events.len());
        let mut obstacles = Vec::new();
        for e in events {
            e.check()
                .map_err(|m| IntakeError::Invalid(format!("{}: {m}", e.id)))?;
            if province_of_source(&e.source) != Some(sender) || e.data.province != sender {
                return Err(IntakeError::Forbidden(format!(
                    "sự kiện {} không thuộc tỉnh gửi / event {} is not from the sender",
                    e.id, e.id
                )));
            }
            // An event's identity includes its province, bound by the
            // signature: a province cannot pre-claim another's ids.
            if !e.id.starts_with(&format!("{sender}.")) {
                return Err(IntakeError::Forbidden(format!(
                    "mã sự kiện {} phải bắt đầu bằng mã tỉnh gửi {sender}. / \
                     event id {} must start with the sender's code {sender}.",
                    e.id, e.id
                )));
            }
            match obstacle_row_of(&e, now) {
                Some(o) => obstacles.push(o),
                None => rows.push(row_of(&e, now)),
            }
        }
        let mut report = IngestReport::default();
        if !rows.is_empty() {
            report = self
                .store
                .ingest_national(&rows)
                .await
                .map_err(AppError::from)?;
        }
        if !obstacles.is_empty() {
            let more = self
                .store
                .ingest_national_obstacles(&obstacles)
                .await
                .map_err(AppError::from)?;
            report.accepted += more.accepted;
            report.duplicates += more.duplicates;
        }
        Ok(report)
    }

    /// Every province's open obstacle cases (issue 16 item 5): counts by
    /// category and by owner, the oldest unanswered, and one tile per
    /// province with its open cases per commune.
    pub async fn obstacles(&self, now: DateTime<Utc>) -> Result<NationalObstacles, AppError> {
        let open = self.store.national_open_obstacles().await?;
        Ok(NationalObstacles::build(open, now))
    }

    /// Per-province totals for dossiers started in `[from, to)`.
    pub async fn totals(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ProvinceTotals>, AppError> {
        if from >= to {
            return Err(AppError::Invalid(
                "khoảng thời gian rỗng / empty period".to_owned(),
            ));
        }
        Ok(self.store.national_totals(from, to).await?)
    }

    /// Whether any province key is configured (the hub role).
    pub fn has_senders(&self) -> bool {
        !self.keys.is_empty()
    }
}

fn parse_events(body: &[u8]) -> Result<Vec<CloudEvent>, String> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    let parsed = if first == Some(&b'[') {
        serde_json::from_slice::<Vec<CloudEvent>>(body)
    } else {
        serde_json::from_slice::<CloudEvent>(body).map(|e| vec![e])
    };
    parsed.map_err(|e| format!("sự kiện không hợp lệ / invalid CloudEvent: {e}"))
}

fn obstacle_row_of(e: &CloudEvent, now: DateTime<Utc>) -> Option<NationalObstacleRow> {
    let o = e.data.obstacle.as_ref()?;
    let version =
        e.id.rsplit('.')
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or(o.version);
    Some(NationalObstacleRow {
        event_id: e.id.clone(),
        province: e.data.province.clone(),
        id: o.id.clone(),
        version: version.max(o.version),
        event_type: e.data.event.clone(),
        category: o.category.clone(),
        status: o.status.clone(),
        title: o.title.clone(),
        unit_agency: o.unit_agency.clone(),
        unit_name: o.unit_name.clone(),
        commune: o.unit_code.clone(),
        owner_agency: o.owner_agency.clone(),
        owner_name: o.owner_name.clone(),
        owner_level: o.owner_level.clone(),
        submitted_at: o.submitted_at,
        due_at: o.due_at,
        answered_at: o.answered_at,
        received_at: now,
    })
}

/// One line of a count: a key, its label and how many open cases.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CountLine {
    /// The key (category key or owner agency).
    pub key: String,
    /// What to show (the category key or the owner's name).
    pub label: String,
    /// Open cases.
    pub open: u64,
}

/// One province's tile of the national grid.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProvinceTile {
    /// Statistics code.
    pub code: String,
    /// Short name.
    pub name: String,
    /// Open cases received from it.
    pub open: u64,
    /// Its communes (xã, phường, đặc khu) in the 2025 list.
    pub communes: u64,
    /// Open cases per 100 communes.
    pub per_100_communes: f64,
    /// Colour band 0 (none) to 4 (most), for the grid.
    pub band: u8,
}

/// The hub's national picture of open obstacles.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NationalObstacles {
    /// Open cases in all.
    pub open: u64,
    /// Of which past their answer due date.
    pub overdue: u64,
    /// By category, most first.
    pub by_category: Vec<CountLine>,
    /// By owner agency, most first.
    pub by_owner: Vec<CountLine>,
    /// By province, most first.
    pub by_province: Vec<CountLine>,
    /// The oldest unanswered cases (at most 20), oldest submission first.
    pub oldest: Vec<NationalObstacleRow>,
    /// The 34 provinces, by code.
    pub tiles: Vec<ProvinceTile>,
}

impl NationalObstacles {
    /// From the open cases.
    pub fn build(open: Vec<NationalObstacleRow>, now: DateTime<Utc>) -> Self {
        fn lines(counts: BTreeMap<String, (String, u64)>) -> Vec<CountLine> {
            let mut v: Vec<CountLine> = counts
                .into_iter()
                .map(|(key, (label, open))| CountLine { key, label, open })
                .collect();
            v.sort_by(|a, b| b.open.cmp(&a.open).then(a.key.cmp(&b.key)));
            v
        }
        let mut cat = BTreeMap::new();
        let mut own = BTreeMap::new();
        let mut prov: BTreeMap<String, (String, u64)> = BTreeMap::new();
        for r in &open {
            cat.entry(r.category.clone())
                .or_insert((r.category.clone(), 0))
                .1 += 1;
            let key = r.owner_agency.clone().unwrap_or_default();
            own.entry(key)
                .or_insert((r.owner_name.clone().unwrap_or_default(), 0))
                .1 += 1;
            prov.entry(r.province.clone())
                .or_insert((r.province.clone(), 0))
                .1 += 1;
        }
        let units = crate::refdata::current_units().unwrap_or_default();
        let mut communes: BTreeMap<String, u64> = BTreeMap::new();
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        for u in &units {
            match u.level {
                UnitLevel::Province => {
                    names.insert(u.code.to_string(), u.short_name.clone());
                }
                UnitLevel::Commune => {
                    *communes.entry(u.province_code.to_string()).or_default() += 1;
                }
                UnitLevel::District => {}
            }
        }
        let mut tiles: Vec<ProvinceTile> = names
            .iter()
            .map(|(code, name)| {
                let open = prov.get(code).map_or(0, |p| p.1);
                let n = communes.get(code).copied().unwrap_or(0);
                let per = if n == 0 {
                    0.0
                } else {
                    open as f64 * 100.0 / n as f64
                };
                let band = match per {
                    p if p <= 0.0 => 0,
                    p if p < 1.0 => 1,
                    p if p < 5.0 => 2,
                    p if p < 20.0 => 3,
                    _ => 4,
                };
                ProvinceTile {
                    code: code.clone(),
                    name: name.clone(),
                    open,
                    communes: n,
                    per_100_communes: (per * 10.0).round() / 10.0,
                    band,
                }
            })
            .collect();
        tiles.sort_by(|a, b| a.code.cmp(&b.code));
        for (code, (label, _)) in prov.iter_mut() {
            if let Some(n) = names.get(code) {
                *label = n.clone();
            }
        }
        let overdue = open
            .iter()
            .filter(|r| r.due_at.is_some_and(|d| d < now))
            .count() as u64;
        Self {
            open: open.len() as u64,
            overdue,
            by_category: lines(cat),
            by_owner: lines(own),
            by_province: lines(prov),
            oldest: open.into_iter().take(20).collect(),
            tiles,
        }
    }
}

fn row_of(e: &CloudEvent, now: DateTime<Utc>) -> NationalEventRow {
    let d = &e.data.dossier;
    NationalEventRow {
        event_id: e.id.clone(),
        province: e.data.province.clone(),
        event_type: e.data.event.clone(),
        code: d.code.clone(),
        version: d.version,
        procedure_code: d.procedure_code.clone(),
        receiving_agency: d.receiving_agency.clone(),
        deciding_agency: d.deciding_agency.clone(),
        commune: e.data.commune.clone(),
        status: d.status.clone(),
        portal_status: d.portal_status,
        channel: d.channel,
        started_at: d.received_at.unwrap_or(d.submitted_at),
        due_at: d.due_at,
        finished_at: d.finished_at,
        on_time: d.on_time,
        received_at: now,
    }
}
