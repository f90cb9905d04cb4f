//! The national hub's index (chỉ mục hồ sơ toàn quốc): one row per synced
//! dossier with index facts only (no personal data), and the ids of the
//! events received, so a re-delivered event is counted once.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::StoreError;

/// One received event, flattened for the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NationalEventRow {
    /// CloudEvent id (unique).
    pub event_id: String,
    /// Sending province code.
    pub province: String,
    /// Event name, e.g. `received`.
    pub event_type: String,
    /// Mã hồ sơ.
    pub code: String,
    /// Dossier version after the event.
    pub version: u64,
    /// Mã TTHC.
    pub procedure_code: String,
    /// Nơi tiếp nhận.
    pub receiving_agency: String,
    /// Cơ quan giải quyết.
    pub deciding_agency: String,
    /// Commune code, when known.
    pub commune: Option<String>,
    /// Local status key.
    pub status: String,
    /// Portal status 1–10.
    pub portal_status: u8,
    /// Kênh 1–3.
    pub channel: u8,
    /// Start of processing (received, else filed).
    pub started_at: DateTime<Utc>,
    /// Ngày hẹn trả.
    pub due_at: Option<DateTime<Utc>>,
    /// Ngày kết thúc xử lý.
    pub finished_at: Option<DateTime<Utc>>,
    /// 766 verdict once finished.
    pub on_time: Option<bool>,
    /// When the hub received it.
    pub received_at: DateTime<Utc>,
}

/// What an ingest did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IngestReport {
    /// Events new to the hub.
    pub accepted: u32,
    /// Events already received before (nothing changed).
    pub duplicates: u32,
}

/// One province's line of the national dashboard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProvinceTotals {
    /// Province code.
    pub province: String,
    /// Dossiers started in the period.
    pub dossiers: u64,
    /// Of which filed online (kênh 2).
    pub online: u64,
    /// Of which finished.
    pub finished: u64,
    /// Of the finished, on time.
    pub on_time: u64,
    /// Events received from the province, all time.
    pub events: u64,
}

/// One obstacle case as the hub keeps it (issue 16 item 5): the newest
/// version received of each province's case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NationalObstacleRow {
    /// CloudEvent id of the event that brought this version.
    pub event_id: String,
    /// Sending province code.
    pub province: String,
    /// The case id (unique within the province).
    pub id: String,
    /// The case version.
    pub version: u64,
    /// The event name, e.g. `answered`.
    pub event_type: String,
    /// Category key.
    pub category: String,
    /// Status key (`submitted`, `received`, `escalated`, `answered`,
    /// `resolved`, `merged`).
    pub status: String,
    /// The case's title.
    pub title: String,
    /// The raising unit's agency.
    pub unit_agency: String,
    /// The raising unit's name.
    pub unit_name: String,
    /// The raising unit's (commune) code.
    pub commune: String,
    /// The owner agency now.
    pub owner_agency: Option<String>,
    /// The owner's name.
    pub owner_name: Option<String>,
    /// The owner's level.
    pub owner_level: Option<String>,
    /// First submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// The answer is due.
    pub due_at: Option<DateTime<Utc>>,
    /// Answered at.
    pub answered_at: Option<DateTime<Utc>>,
    /// When the hub received this version.
    pub received_at: DateTime<Utc>,
}

/// The hub's index.
#[async_trait]
pub trait NationalStore: Send + Sync {
    /// Records events in one transaction: an event id seen before is a
    /// duplicate and changes nothing; a new one updates its dossier's row
    /// when its version is newer than the stored one.
    async fn ingest_national(&self, rows: &[NationalEventRow]) -> Result<IngestReport, StoreError>;

    /// Per-province totals of dossiers started in `[from, to)`, by code.
    async fn national_totals(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ProvinceTotals>, StoreError>;

    /// Records obstacle events in one transaction, idempotent by event id
    /// like [`NationalStore::ingest_national`]; a case's row keeps its
    /// highest version.
    async fn ingest_national_obstacles(
        &self,
        rows: &[NationalObstacleRow],
    ) -> Result<IngestReport, StoreError>;

    /// Every province's cases still waiting (not answered, resolved or
    /// merged), oldest submission first.
    async fn national_open_obstacles(&self) -> Result<Vec<NationalObstacleRow>, StoreError>;
}
