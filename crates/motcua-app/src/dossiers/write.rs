//! Turning a decided command into the rows one transaction writes: the
//! projection, the events, the outbox messages and the kept answer.

use chrono::{DateTime, Utc};
use motcua_domain::audit::mask_identifier;
use motcua_domain::dossier::{Actor, ApplicantId, Dossier, DossierStatus, Event};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::DossierError;
use crate::ports::attachments::AttachmentRow;
use crate::ports::dossiers::{
    DossierProjection, DossierWrite, EventRow, IdempotencyRecord, OutboxRow,
};

/// What every command answers (and what a replay answers again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionAnswer {
    /// Mã hồ sơ.
    pub code: String,
    /// Version after the command.
    pub version: u64,
    /// Main status key.
    pub status: String,
    /// Sub-status key.
    pub sub_status: String,
    /// Portal status 1–10.
    pub portal_status: u8,
    /// Ngày hẹn trả.
    pub due_at: Option<DateTime<Utc>>,
    /// The event recorded, e.g. `received`.
    pub event: String,
    /// The tracking secret printed as a QR on the receipt (creation only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_secret: Option<String>,
    /// Files written with the command (a result document), if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FiledAttachment>,
}

/// A file written with a command, as its answer names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiledAttachment {
    /// Attachment id (`GET /api/v1/dossiers/{code}/attachments/{id}`).
    pub id: String,
    /// Component code (`KQ` for a result document).
    pub component: String,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// Sniffed media type.
    pub content_type: String,
}

impl From<&AttachmentRow> for FiledAttachment {
    fn from(r: &AttachmentRow) -> Self {
        Self {
            id: r.id.clone(),
            component: r.component.clone(),
            sha256: r.sha256.clone(),
            size_bytes: r.size_bytes,
            content_type: r.content_type.clone(),
        }
    }
}

/// `officer:<id>`, `citizen:<id>`, `system:<name>`: how actors are stored.
pub fn actor_key(actor: &Actor) -> String {
    match actor {
        Actor::Officer(id) => format!("officer:{id}"),
        Actor::Citizen(id) => format!("citizen:{id}"),
        Actor::System(name) => format!("system:{name}"),
    }
}

/// SHA-256 in hex.
pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The last four digits of a phone number.
pub fn phone_last4(phone: &str) -> Option<String> {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 4).then(|| digits[digits.len() - 4..].iter().collect())
}

fn json<T: Serialize>(value: &T) -> Result<String, DossierError> {
    serde_json::to_string(value).map_err(|e| DossierError::Unexpected(e.into()))
}

/// The payload's type tag, e.g. `received`.
pub fn event_type(event: &Event) -> String {
    serde_json::to_value(&event.payload)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The projection of a dossier's state.
pub fn projection(d: &Dossier, now: DateTime<Utc>) -> Result<DossierProjection, DossierError> {
    let portal = d
        .portal_status()
        .map_err(|e| DossierError::Unexpected(e.into()))?;
    let (kind, id) = match &d.applicant.id {
        ApplicantId::Citizen(p) => (1, p.as_str().to_owned()),
        ApplicantId::Organisation(t) => (2, t.as_str().to_owned()),
    };
    Ok(DossierProjection {
        code: d.code.as_str().to_owned(),
        procedure_code: d.procedure.code.clone(),
        procedure_version: d.procedure.version,
        status: d.status.status.key().to_owned(),
        sub_status: d.status.sub.key().to_owned(),
        portal_status: portal.code(),
        clock_running: matches!(
            d.status.status,
            DossierStatus::Received | DossierStatus::Processing | DossierStatus::AwaitingPayment
        ),
        receiving_unit: d.receiving_unit.as_str().to_owned(),
        deciding_agency: d.deciding_agency.as_str().to_owned(),
        current_agency: d.current_agency.as_str().to_owned(),
        assignee: d.control_records.last().map(|r| r.received_by.clone()),
        channel: d.channel.code(),
        applicant_kind: kind,
        applicant_id_masked: mask_identifier(&id),
        applicant_name: d.applicant.name.clone(),
        phone_last4: d.applicant.phone.as_deref().and_then(phone_last4),
        submitted_at: d.submitted_at,
        received_at: d.received_at,
        due_at: d.due_at,
        counts_late: d.counts_late,
        version: d.version,
        state_json: json(d)?,
        updated_at: now,
    })
}

/// Who, which key and what request: the idempotency part of a write.
#[derive(Debug, Clone)]
pub struct Request {
    /// The actor.
    pub actor: Actor,
    /// The client's key.
    pub key: String,
    /// SHA-256 of the request.
    pub fingerprint: String,
}

/// Every row of one command's transaction.
pub fn build_write(
    after: &Dossier,
    events: &[Event],
    request: &Request,
    tracking_secret: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(DossierWrite, ActionAnswer), DossierError> {
    let projection = projection(after, now)?;
    let last_type = events.last().map(event_type).unwrap_or_default();
    let answer = ActionAnswer {
        code: projection.code.clone(),
        version: after.version,
        status: projection.status.clone(),
        sub_status: projection.sub_status.clone(),
        portal_status: projection.portal_status,
        due_at: after.due_at,
        event: last_type,
        tracking_secret: tracking_secret.map(str::to_owned),
        files: Vec::new(),
    };
    let actor = actor_key(&request.actor);
    let mut rows = Vec::with_capacity(events.len());
    let mut outbox = Vec::with_capacity(events.len());
    for e in events {
        let kind = event_type(e);
        rows.push(EventRow {
            version: e.version,
            event_type: kind.clone(),
            event_json: json(e)?,
            actor: actor_key(&e.actor),
            at: e.at,
            idempotency_key: e.idempotency_key.clone(),
        });
        let payload = serde_json::json!({
            "code": projection.code,
            "version": e.version,
            "portal_status": projection.portal_status,
            "procedure": projection.procedure_code,
            "event": e,
            "dossier": crate::exchange::DossierSummary::of(after, e.at),
        });
        outbox.push(OutboxRow {
            event_version: e.version,
            message_type: format!("dossier.{kind}"),
            payload_json: json(&payload)?,
            created_at: now,
        });
    }
    let write = DossierWrite {
        projection,
        events: rows,
        outbox,
        answer: IdempotencyRecord {
            actor,
            key: request.key.clone(),
            fingerprint: request.fingerprint.clone(),
            // Never the tracking secret in clear (F16): a replay derives it
            // again from the code (see `super::secret`).
            answer_json: json(&ActionAnswer {
                tracking_secret: None,
                ..answer.clone()
            })?,
        },
        verifier_hash: tracking_secret.map(|s| sha256_hex(s.as_bytes())),
        attachments: Vec::new(),
    };
    Ok((write, answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_masked_and_phones_cut() {
        // The one rule of `motcua_domain::audit::mask_identifier`.
        assert_eq!(mask_identifier("022087123456"), "0********456");
        assert_eq!(mask_identifier("0101234567-001"), "0**********001");
        assert_eq!(mask_identifier("123"), "***");
        assert_eq!(phone_last4("0912 345 678").as_deref(), Some("5678"));
        assert_eq!(phone_last4("12"), None);
    }
}
