//! Plain row shapes of the dossier tables, shared by the engines. The
//! application layer fills them from the domain; engines store and read
//! them column by column.

use chrono::{DateTime, Utc};

/// The `dossiers` row: the projection of one dossier's current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierProjection {
    /// Mã hồ sơ (primary key).
    pub code: String,
    /// Procedure code (mã TTHC).
    pub procedure_code: String,
    /// Procedure catalog version.
    pub procedure_version: u32,
    /// Main status key, e.g. `processing`.
    pub status: String,
    /// Sub-status key, e.g. `at_step`.
    pub sub_status: String,
    /// National portal status code 1–10 (`TrangThaiHoSo`).
    pub portal_status: u8,
    /// Whether the legal clock runs (received, processing, awaiting payment):
    /// only such dossiers can be overdue.
    pub clock_running: bool,
    /// Nơi tiếp nhận.
    pub receiving_unit: String,
    /// Cơ quan giải quyết.
    pub deciding_agency: String,
    /// The agency holding the dossier now.
    pub current_agency: String,
    /// Who it was last handed over to (form 06), if anyone.
    pub assignee: Option<String>,
    /// Kênh: 1 in person, 2 online, 3 post.
    pub channel: u8,
    /// 1 citizen, 2 organisation.
    pub applicant_kind: u8,
    /// The applicant's identifier with its middle masked.
    pub applicant_id_masked: String,
    /// The applicant's name.
    pub applicant_name: String,
    /// Last four digits of the applicant's phone (a tracking verifier).
    pub phone_last4: Option<String>,
    /// When filed or received.
    pub submitted_at: DateTime<Utc>,
    /// When received at the desk.
    pub received_at: Option<DateTime<Utc>>,
    /// Ngày hẹn trả.
    pub due_at: Option<DateTime<Utc>>,
    /// Whether it already counts as late (766).
    pub counts_late: bool,
    /// Version (events applied).
    pub version: u64,
    /// The whole `Dossier` as JSON.
    pub state_json: String,
    /// When last written.
    pub updated_at: DateTime<Utc>,
}

impl DossierProjection {
    /// The sort key of the work list: the due instant in epoch
    /// milliseconds, `i64::MAX` when there is none yet.
    pub fn due_key(&self) -> i64 {
        self.due_at.map_or(i64::MAX, |d| d.timestamp_millis())
    }
}

/// One `dossier_events` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// The version the event produces (unique per dossier).
    pub version: u64,
    /// The payload's type, e.g. `received`.
    pub event_type: String,
    /// The whole `Event` as JSON.
    pub event_json: String,
    /// Who acted (`officer:<id>`...).
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The client's idempotency key.
    pub idempotency_key: String,
}

/// An `outbox` row to write with the events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    /// The event version it announces.
    pub event_version: u64,
    /// Message type, e.g. `dossier.received`.
    pub message_type: String,
    /// The JSON payload.
    pub payload_json: String,
    /// When written.
    pub created_at: DateTime<Utc>,
}

/// An `outbox` row as stored (the relay of issue 7 fills the last fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRecord {
    /// Row id, increasing in write order.
    pub id: i64,
    /// The dossier.
    pub dossier_code: String,
    /// The row as written.
    pub row: OutboxRow,
    /// Not to be delivered before.
    pub available_at: DateTime<Utc>,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// Lease of the relay that claimed it.
    pub claimed_until: Option<DateTime<Utc>>,
    /// When delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// Claimed past the sink's cursor, without a delivery row of its own
    /// (ADR 0035): its delivery is recorded by moving the cursor. False
    /// outside a claim.
    pub fresh: bool,
    /// The transaction that wrote the row, on PostgreSQL (0 on SQLite and
    /// outside a claim): with `id`, its place in the delivery order.
    pub txid: i64,
}

impl OutboxRecord {
    /// The row's place in every sink's delivery order.
    pub fn position(&self) -> crate::ports::exchange::OutboxPosition {
        crate::ports::exchange::OutboxPosition {
            txid: self.txid,
            id: self.id,
        }
    }
}

/// The answer kept for an idempotency key (first answer wins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    /// Who asked.
    pub actor: String,
    /// The client's key.
    pub key: String,
    /// A hash of the request, to notice a key reused for another request.
    pub fingerprint: String,
    /// The answer as JSON.
    pub answer_json: String,
}

/// A stored answer, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    /// The dossier it concerns.
    pub dossier_code: String,
    /// The request hash.
    pub fingerprint: String,
    /// The answer as JSON.
    pub answer_json: String,
}

/// Everything one command writes, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierWrite {
    /// The new projection (replaces the row).
    pub projection: DossierProjection,
    /// New events, in order.
    pub events: Vec<EventRow>,
    /// Outbox rows, one per event.
    pub outbox: Vec<OutboxRow>,
    /// The answer to keep for the idempotency key.
    pub answer: IdempotencyRecord,
    /// SHA-256 (hex) of the tracking secret printed as a QR on the receipt;
    /// only set when creating.
    pub verifier_hash: Option<String>,
    /// Attachment rows written in the same transaction (online filing
    /// with uploads); their bytes are already in the object store.
    pub attachments: Vec<super::attachments::AttachmentRow>,
}

/// A dossier as loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDossier {
    /// The projection, including the whole state as JSON.
    pub projection: DossierProjection,
    /// SHA-256 (hex) of the tracking secret.
    pub verifier_hash: String,
}

/// A work-list query, already permission-scoped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkListQuery {
    /// The officer's agency: the list holds dossiers whose current agency or
    /// receiving unit is this agency or below it.
    pub scope_agency: String,
    /// More scope roots (an officer with roles in several agencies): each
    /// adds its own subtree, in the same SQL.
    pub also_scope: Vec<String>,
    /// Only dossiers whose current agency or receiving unit is this one.
    pub agency: Option<String>,
    /// Only this main status key.
    pub status: Option<String>,
    /// Only dossiers handed over to this assignee.
    pub assignee: Option<String>,
    /// Only dossiers of this procedure (mã TTHC).
    pub procedure: Option<String>,
    /// Latest due first (keyset `after` then means "before").
    pub descending: bool,
    /// Only running dossiers due at or before this instant (epoch ms).
    pub due_at_or_before: Option<i64>,
    /// Only running dossiers due strictly before this instant (epoch ms).
    pub overdue_at: Option<i64>,
    /// Only dossiers a register of the period `[from, to)` can list:
    /// received in it, or never received and submitted before its end (a
    /// refusal at reception is listed on its own day, which the caller
    /// reads).
    pub register_period: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Keyset: only rows after this (due key, code).
    pub after: Option<(i64, String)>,
    /// Page size.
    pub limit: u32,
}

/// One work-list line (no state JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkListRow {
    /// Mã hồ sơ.
    pub code: String,
    /// Procedure code.
    pub procedure_code: String,
    /// Main status key.
    pub status: String,
    /// Sub-status key.
    pub sub_status: String,
    /// Portal status 1–10.
    pub portal_status: u8,
    /// Nơi tiếp nhận.
    pub receiving_unit: String,
    /// Cơ quan giải quyết.
    pub deciding_agency: String,
    /// Holder.
    pub current_agency: String,
    /// Assignee.
    pub assignee: Option<String>,
    /// Kênh 1–3.
    pub channel: u8,
    /// Masked identifier.
    pub applicant_id_masked: String,
    /// Applicant name.
    pub applicant_name: String,
    /// When received.
    pub received_at: Option<DateTime<Utc>>,
    /// Due instant.
    pub due_at: Option<DateTime<Utc>>,
    /// Sort key (epoch ms, `i64::MAX` without due date).
    pub due_key: i64,
    /// Counts late already.
    pub counts_late: bool,
    /// Version.
    pub version: u64,
}
