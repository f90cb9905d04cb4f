//! The audit log (nhật ký khai thác dữ liệu): what an entry says, its
//! canonical form, the hash chain, and how personal identifiers are hidden.
//!
//! Each entry stores `hash = SHA-256(prev_hash ‖ canonical content)` where
//! `prev_hash` is the previous entry's hash (64 zeros for the first one), so
//! editing, deleting or reordering any stored entry breaks the chain at a
//! point that [`ChainVerifier`] names. The canonical form is computed from
//! the stored column values ([`AuditColumns`]), so an entry whose columns were
//! edited to nonsense is still checked, not rejected as unreadable.
//!
//! Personal identifiers never enter an entry in clear: an entry carries a
//! keyed hash ([`SubjectKey`]) to find "who looked at my data" and a masked
//! form ([`mask_identifier`]) for display.

mod chain;
mod mask;

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use chain::{ChainBreak, ChainHead, ChainVerifier, StoredEntry, VerifyReport};
pub use mask::{SubjectKey, mask_contact, mask_identifier};

/// The previous hash of the first entry: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Version tag at the start of every canonical form; a new layout gets a new tag.
const CANONICAL_TAG: &str = "motcua-audit-v1";

/// What kind of event an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// A look-up of a citizen's personal data (khai thác dữ liệu dân cư).
    PersonalDataLookup,
    /// An officer logged in.
    Login,
    /// A role or scope was changed.
    PermissionChange,
    /// Data left the system (export, report).
    Export,
    /// A grant of access (phân quyền khai thác) was created.
    GrantCreated,
    /// A grant was revoked.
    GrantRevoked,
    /// An API key was created, rotated or revoked.
    ApiKeyChange,
    /// A payment platform's callback was refused (a forged or stale
    /// signature).
    PaymentCallback,
}

impl AuditAction {
    /// Every action, for tests and documentation.
    pub const ALL: [AuditAction; 8] = [
        Self::PersonalDataLookup,
        Self::Login,
        Self::PermissionChange,
        Self::Export,
        Self::GrantCreated,
        Self::GrantRevoked,
        Self::ApiKeyChange,
        Self::PaymentCallback,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PersonalDataLookup => "personal_data_lookup",
            Self::Login => "login",
            Self::PermissionChange => "permission_change",
            Self::Export => "export",
            Self::GrantCreated => "grant_created",
            Self::GrantRevoked => "grant_revoked",
            Self::ApiKeyChange => "api_key_change",
            Self::PaymentCallback => "payment_callback",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }
}

/// Whether the action was allowed; a refusal carries its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", content = "reason", rename_all = "snake_case")]
pub enum AuditOutcome {
    /// Allowed (được phép).
    Allowed,
    /// Refused (bị từ chối), with a stable reason code such as `grant_expired`.
    Refused(String),
}

/// One entry to append, as the use case builds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When it happened (truncated to microseconds, the precision both engines keep).
    pub occurred_at: DateTime<Utc>,
    /// Who did it: the officer's (or system account's) identifier.
    pub officer_id: String,
    /// What kind of event.
    pub action: AuditAction,
    /// The administrative unit the officer acted for (đơn vị).
    pub unit_code: Option<String>,
    /// The agency the officer acted for (cơ quan).
    pub agency_id: Option<String>,
    /// Keyed hash of the citizen's personal ID, when the entry is about a citizen.
    pub subject_key: Option<String>,
    /// Masked personal ID for display, e.g. `0********789`.
    pub subject_masked: Option<String>,
    /// Which data fields were disclosed (empty when nothing was).
    pub fields: Vec<String>,
    /// The dossier (hồ sơ) the action served.
    pub dossier_code: Option<String>,
    /// The grant (phân quyền) it relied on.
    pub grant_id: Option<String>,
    /// The stated purpose (mục đích).
    pub purpose: Option<String>,
    /// Allowed, or refused with a reason.
    pub outcome: AuditOutcome,
}

impl AuditEntry {
    /// A new entry at `at` with nothing but who, what and the outcome filled in.
    pub fn new(
        at: DateTime<Utc>,
        officer_id: impl Into<String>,
        action: AuditAction,
        outcome: AuditOutcome,
    ) -> Self {
        Self {
            occurred_at: at.trunc_subsecs(6),
            officer_id: officer_id.into(),
            action,
            unit_code: None,
            agency_id: None,
            subject_key: None,
            subject_masked: None,
            fields: Vec::new(),
            dossier_code: None,
            grant_id: None,
            purpose: None,
            outcome,
        }
    }

    /// The values stored in the columns of the log table.
    pub fn columns(&self) -> AuditColumns {
        let (outcome, reason) = match &self.outcome {
            AuditOutcome::Allowed => ("allowed".to_owned(), None),
            AuditOutcome::Refused(reason) => ("refused".to_owned(), Some(reason.clone())),
        };
        AuditColumns {
            occurred_at: self.occurred_at.trunc_subsecs(6),
            officer_id: self.officer_id.clone(),
            action: self.action.as_str().to_owned(),
            unit_code: self.unit_code.clone(),
            agency_id: self.agency_id.clone(),
            subject_key: self.subject_key.clone(),
            subject_masked: self.subject_masked.clone(),
            // Serialising a list of strings cannot fail.
            fields: serde_json::to_string(&self.fields).unwrap_or_else(|_| "[]".to_owned()),
            dossier_code: self.dossier_code.clone(),
            grant_id: self.grant_id.clone(),
            purpose: self.purpose.clone(),
            outcome,
            reason,
        }
    }
}

/// The stored columns of one entry, as text: what the hash covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditColumns {
    /// `occurred_at`.
    pub occurred_at: DateTime<Utc>,
    /// `officer_id`.
    pub officer_id: String,
    /// `action` (see [`AuditAction::as_str`]).
    pub action: String,
    /// `unit_code`.
    pub unit_code: Option<String>,
    /// `agency_id`.
    pub agency_id: Option<String>,
    /// `subject_key`.
    pub subject_key: Option<String>,
    /// `subject_masked`.
    pub subject_masked: Option<String>,
    /// `fields`: a JSON array of field names.
    pub fields: String,
    /// `dossier_code`.
    pub dossier_code: Option<String>,
    /// `grant_id`.
    pub grant_id: Option<String>,
    /// `purpose`.
    pub purpose: Option<String>,
    /// `outcome`: `allowed` or `refused`.
    pub outcome: String,
    /// `reason` of a refusal.
    pub reason: Option<String>,
}

/// The canonical form: fixed key order, no whitespace, instants as RFC 3339
/// UTC with microseconds.
#[derive(Serialize)]
struct Canonical<'a> {
    v: &'static str,
    occurred_at: String,
    officer_id: &'a str,
    action: &'a str,
    unit_code: Option<&'a str>,
    agency_id: Option<&'a str>,
    subject_key: Option<&'a str>,
    subject_masked: Option<&'a str>,
    fields: &'a str,
    dossier_code: Option<&'a str>,
    grant_id: Option<&'a str>,
    purpose: Option<&'a str>,
    outcome: &'a str,
    reason: Option<&'a str>,
}

impl AuditColumns {
    /// The canonical bytes the hash covers.
    pub fn canonical(&self) -> String {
        let c = Canonical {
            v: CANONICAL_TAG,
            occurred_at: self
                .occurred_at
                .to_rfc3339_opts(SecondsFormat::Micros, true),
            officer_id: &self.officer_id,
            action: &self.action,
            unit_code: self.unit_code.as_deref(),
            agency_id: self.agency_id.as_deref(),
            subject_key: self.subject_key.as_deref(),
            subject_masked: self.subject_masked.as_deref(),
            fields: &self.fields,
            dossier_code: self.dossier_code.as_deref(),
            grant_id: self.grant_id.as_deref(),
            purpose: self.purpose.as_deref(),
            outcome: &self.outcome,
            reason: self.reason.as_deref(),
        };
        // A struct of strings always serialises.
        serde_json::to_string(&c).unwrap_or_default()
    }

    /// The field names of `fields`, or an empty list when the column is not a JSON list.
    pub fn field_names(&self) -> Vec<String> {
        serde_json::from_str(&self.fields).unwrap_or_default()
    }
}

/// `SHA-256(prev_hash ‖ canonical)` as 64 lower-case hex digits.
pub fn chain_hash(prev_hash: &str, columns: &AuditColumns) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(columns.canonical().as_bytes());
    hex(&hasher.finalize())
}

/// Lower-case hex of some bytes.
pub fn hex_of(bytes: &[u8]) -> String {
    hex(bytes)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}
