//! Liên thông with vertical-sector systems (hệ thống ngành dọc: land
//! registry, tax, civil status...): the agency a dossier was transferred to
//! answers through the API with a `system` API key. It accepts the dossier
//! (its own clock runs from then), reports progress, hands it over inside
//! the agency, returns the result with its document, or declines the
//! dossier back to whoever transferred it.
//!
//! Every call goes through the same write path as the officers' actions:
//! one transaction for the event, the projection, the outbox rows, the
//! idempotent answer and (for a result) the document's attachment row. A
//! replay with the same `Idempotency-Key` answers the first answer and
//! writes nothing; the same key for another request is refused.

use chrono::{DateTime, Utc};
use motcua_domain::clock::working_time_between;
use motcua_domain::dossier::progress::{MAX_NOTE_CHARS, MAX_STEP_CHARS};
use motcua_domain::dossier::{
    Action, Actor, AgencyId, Command, Dossier, Progress, ProgressKind, Refusal, ResultDocument,
    decide,
};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::commands::fingerprint;
use super::error::{DossierError, not_found_text};
use super::write::{ActionAnswer, actor_key, sha256_hex};
use super::{DossierService, DossierView, check_key, replayed};
use crate::attachments::{AttachmentError, AttachmentService, Upload};

/// The component code under which a result document is filed (kết quả).
pub const RESULT_COMPONENT: &str = "KQ";

/// Longest reason, recipient, document name or number, in characters.
const MAX_SHORT_CHARS: usize = 200;

/// A sector system calling: its account and the agencies its `system`
/// role is scoped to. It may act only on dossiers held by one of those
/// agencies or an agency below them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectorCaller {
    /// The API key's account.
    pub account: String,
    /// Agency scope roots of the `system` role.
    pub agencies: Vec<AgencyId>,
}

/// What kind of progress a sector system reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectorProgressKind {
    /// A step is done (`step` required).
    StepDone,
    /// A note (`note` required).
    Note,
    /// Giao/nhận inside the agency (`to` required): a line of form 06.
    HandedOver,
}

/// What a sector system asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum SectorInput {
    /// Tiếp nhận hồ sơ liên thông.
    Accept {},
    /// Báo cáo tiến độ.
    Progress {
        /// What kind.
        kind: SectorProgressKind,
        /// The step's label.
        #[serde(default)]
        step: Option<String>,
        /// A note.
        #[serde(default)]
        note: Option<String>,
        /// The unit or officer receiving the dossier (hand-over).
        #[serde(default)]
        to: Option<String>,
    },
    /// Trả lại hồ sơ liên thông, with a reason.
    Decline {
        /// Lý do.
        reason: String,
    },
    /// Có kết quả: the result document (the file travels beside).
    Result {
        /// Document name, e.g. "Giấy chứng nhận quyền sử dụng đất".
        name: String,
        /// Document number, if any.
        #[serde(default)]
        number: Option<String>,
    },
}

/// The result document's file as sent.
#[derive(Debug, Clone)]
pub struct ResultFile {
    /// The client's file name (display only).
    pub file_name: String,
    /// The declared media type.
    pub declared_type: Option<String>,
    /// The bytes.
    pub bytes: bytes::Bytes,
}

/// Why a sector call failed.
#[derive(Debug, Error)]
pub enum SectorError {
    /// The dossier use case refused or failed.
    #[error(transparent)]
    Dossier(#[from] DossierError),
    /// The result document was refused (type, size) or could not be stored.
    #[error(transparent)]
    Attachment(#[from] AttachmentError),
}

fn too_long(field: &str, max: usize) -> DossierError {
    DossierError::invalid(
        &format!("{field}.length"),
        format!("{field} dài quá {max} ký tự"),
        format!("{field} is longer than {max} characters"),
    )
}

fn check_len(field: &str, value: Option<&str>, max: usize) -> Result<(), DossierError> {
    match value {
        Some(v) if v.chars().count() > max => Err(too_long(field, max)),
        _ => Ok(()),
    }
}

/// Checks lengths at the edge (400); what must be present is the domain's
/// decision (409, with its reason).
fn validate(input: &SectorInput) -> Result<(), DossierError> {
    match input {
        SectorInput::Accept {} => Ok(()),
        SectorInput::Progress { step, note, to, .. } => {
            check_len("step", step.as_deref(), MAX_STEP_CHARS)?;
            check_len("note", note.as_deref(), MAX_NOTE_CHARS)?;
            check_len("to", to.as_deref(), MAX_SHORT_CHARS)
        }
        SectorInput::Decline { reason } => check_len("reason", Some(reason), MAX_NOTE_CHARS),
        SectorInput::Result { name, number } => {
            if name.trim().is_empty() {
                return Err(DossierError::invalid(
                    "name.required",
                    "Phải ghi tên giấy tờ kết quả (name)",
                    "The result document's name is required",
                ));
            }
            check_len("name", Some(name), MAX_SHORT_CHARS)?;
            check_len("number", number.as_deref(), MAX_SHORT_CHARS)
        }
    }
}

impl DossierService {
    /// Acts on a dossier as a sector system. The dossier must be held by an
    /// agency in the caller's scope (404 otherwise, like an unknown code);
    /// a result needs its `file`, stored through `attachments` and recorded
    /// in the same transaction as the result.
    #[tracing::instrument(level = "info", skip_all, fields(dossier = %code))]
    pub async fn sector_act(
        &self,
        caller: &SectorCaller,
        key: &str,
        code: &str,
        expected_version: Option<u64>,
        input: SectorInput,
        file: Option<(&AttachmentService, ResultFile)>,
    ) -> Result<(ActionAnswer, bool), SectorError> {
        check_key(key)?;
        let code = self.parse_code(code)?;
        validate(&input)?;
        let file_facts = file.as_ref().map(|(_, f)| {
            (
                sha256_hex(&f.bytes),
                f.file_name.clone(),
                f.declared_type.clone(),
            )
        });
        let fingerprint = fingerprint(
            &format!("sector\n{}", code.as_str()),
            &(&input, &file_facts),
        )?;
        let actor = Actor::System(caller.account.clone());
        let stored = self
            .store
            .find_answer(&actor_key(&actor), key)
            .await
            .map_err(DossierError::from)?;
        if let Some(stored) = stored {
            return Ok(replayed(&stored, &fingerprint)?);
        }
        let dossier = self.load(code.as_str()).await?;
        if !self.holds(caller, &dossier).await? {
            return Err(DossierError::NotFound(not_found_text()).into());
        }
        if let Some(v) = expected_version
            && v != dossier.version
        {
            return Err(DossierError::Stale(format!(
                "Hồ sơ {code} đang ở phiên bản {}, không phải {v} / dossier {code} is at version {}, not {v}",
                dossier.version, dossier.version
            ))
            .into());
        }
        let now = self.now();
        let (action, rows) = match input {
            SectorInput::Result { name, number } => {
                let Some((attachments, file)) = file else {
                    return Err(DossierError::invalid(
                        "file.required",
                        "Thiếu tệp kết quả (file)",
                        "The result file is missing",
                    )
                    .into());
                };
                let document = |file: Option<String>| ResultDocument {
                    name: name.trim().to_owned(),
                    number: number
                        .as_deref()
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .map(str::to_owned),
                    file,
                };
                // A result comes from an agency that acknowledged the dossier.
                if dossier.awaiting_acceptance() {
                    return Err(DossierError::Refused(Refusal::not_accepted()).into());
                }
                // Ask the rules first, so that a refused result stores no file.
                let probe = Command {
                    actor: actor.clone(),
                    idempotency_key: key.to_owned(),
                    action: Action::MarkResultReady {
                        documents: vec![document(None)],
                    },
                };
                decide(Some(&dossier), &probe, now).map_err(DossierError::Refused)?;
                let row = self
                    .stage_result(attachments, &dossier, file, &actor, now)
                    .await?;
                let link = format!("/api/v1/dossiers/{code}/attachments/{}", row.id);
                let action = Action::MarkResultReady {
                    documents: vec![document(Some(link))],
                };
                (action, vec![row])
            }
            other => (self.sector_action(&dossier, other, now)?, Vec::new()),
        };
        Ok(self
            .commit(&dossier, actor, key, &fingerprint, action, now, rows)
            .await?)
    }

    /// The dossier and its events for the sector system holding it (404
    /// unless an agency in the caller's scope holds it).
    #[tracing::instrument(level = "info", skip_all, fields(dossier = %code))]
    pub async fn sector_view(
        &self,
        caller: &SectorCaller,
        code: &str,
    ) -> Result<DossierView, DossierError> {
        let code = self.parse_code(code)?;
        let dossier = self.load(code.as_str()).await?;
        if !self.holds(caller, &dossier).await? {
            return Err(DossierError::NotFound(not_found_text()));
        }
        self.get(&dossier.current_agency, code.as_str()).await
    }

    /// Whether the caller's scope covers the agency holding the dossier.
    async fn holds(&self, caller: &SectorCaller, d: &Dossier) -> Result<bool, DossierError> {
        for root in &caller.agencies {
            if self.covers(root, &d.current_agency).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Checks and stores the result file; the row is written by the
    /// result's transaction.
    async fn stage_result(
        &self,
        attachments: &AttachmentService,
        dossier: &Dossier,
        file: ResultFile,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<crate::ports::attachments::AttachmentRow, SectorError> {
        let staged = attachments
            .stage(&Upload {
                component: RESULT_COMPONENT.to_owned(),
                file_name: file.file_name,
                declared_type: file.declared_type,
                bytes: file.bytes,
            })
            .await?;
        let limit = attachments.limits().max_dossier_bytes;
        let used: u64 = attachments
            .list(dossier.code.as_str())
            .await?
            .iter()
            .map(|r| r.size_bytes)
            .sum();
        if used.saturating_add(staged.size_bytes) > limit {
            return Err(AttachmentError::DossierFull { limit }.into());
        }
        Ok(staged.into_row(dossier.code.as_str(), &actor_key(actor), now))
    }

    /// The domain action of a sector request other than a result.
    fn sector_action(
        &self,
        d: &Dossier,
        input: SectorInput,
        now: DateTime<Utc>,
    ) -> Result<Action, DossierError> {
        Ok(match input {
            SectorInput::Accept {} => Action::AcceptTransfer {
                agency_due_at: self.due_from_acceptance(d, now)?,
            },
            SectorInput::Progress {
                kind: SectorProgressKind::HandedOver,
                to,
                ..
            } => {
                if d.awaiting_acceptance() {
                    return Err(DossierError::Refused(Refusal::not_accepted()));
                }
                Action::HandOver {
                    to: to.unwrap_or_default().trim().to_owned(),
                    step_deadline: match d.current_clock().and_then(|c| c.due_at).or(d.due_at) {
                        Some(due) => due,
                        None => self.working_days_after(now, 1)?,
                    },
                }
            }
            SectorInput::Progress {
                kind, step, note, ..
            } => Action::ReportProgress {
                progress: Progress {
                    kind: match kind {
                        SectorProgressKind::Note => ProgressKind::Note,
                        _ => ProgressKind::StepDone,
                    },
                    step: step.map(|s| s.trim().to_owned()),
                    note: note.map(|s| s.trim().to_owned()),
                },
            },
            SectorInput::Decline { reason } => Action::DeclineTransfer {
                reason: reason.trim().to_owned(),
            },
            SectorInput::Result { .. } => {
                return Err(DossierError::invalid(
                    "file.required",
                    "Thiếu tệp kết quả (file)",
                    "The result file is missing",
                ));
            }
        })
    }

    /// The accepting agency's due instant: the working days the transfer
    /// gave it (from the transfer to its due instant), counted again from
    /// the acceptance, so that time spent before it acknowledged the
    /// dossier is not charged to it. At least one working day.
    fn due_from_acceptance(
        &self,
        d: &Dossier,
        now: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, DossierError> {
        let allotted = d
            .current_clock()
            .and_then(|c| c.due_at.map(|due| (c.started_at, due)));
        let days = match allotted {
            Some((from, due)) => {
                working_time_between(
                    Self::calendar()?,
                    from,
                    due,
                    self.settings.province.as_deref(),
                )
                .map_err(|e| DossierError::Unexpected(anyhow::anyhow!("{e}")))?
                .working_days
            }
            None => 1,
        };
        self.working_days_after(now, days.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_parse_strictly_and_lengths_are_checked() {
        let accept: SectorInput =
            serde_json::from_value(serde_json::json!({"action": "accept"})).expect("accept");
        assert_eq!(accept, SectorInput::Accept {});
        assert!(
            serde_json::from_value::<SectorInput>(
                serde_json::json!({"action": "accept", "extra": 1})
            )
            .is_err()
        );
        let long = SectorInput::Progress {
            kind: SectorProgressKind::Note,
            step: None,
            note: Some("x".repeat(MAX_NOTE_CHARS + 1)),
            to: None,
        };
        assert!(matches!(
            validate(&long),
            Err(DossierError::Invalid { code, .. }) if code == "note.length"
        ));
        let nameless = SectorInput::Result {
            name: " ".into(),
            number: None,
        };
        assert!(validate(&nameless).is_err());
    }
}
