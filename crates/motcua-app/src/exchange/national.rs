//! The national hub's intake (tiếp nhận đồng bộ từ các tỉnh): checks the
//! sender and its signature, validates the events and indexes them
//! idempotently; and the dashboard totals.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::cloudevent::{CloudEvent, province_of_source};
use super::signature::{self, SignatureError, SigningKey};
use crate::AppError;
use crate::ports::national::{IngestReport, NationalEventRow, NationalStore, ProvinceTotals};

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
            rows.push(row_of(&e, now));
        }
        Ok(self
            .store
            .ingest_national(&rows)
            .await
            .map_err(AppError::from)?)
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
