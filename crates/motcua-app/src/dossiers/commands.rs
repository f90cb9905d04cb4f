//! The write use cases: create a dossier, act on one.

use chrono::{DateTime, Utc};
use motcua_domain::agency::{Agency, AgencyKind};
use motcua_domain::dossier::{
    Action, Actor, AgencyId, ApplicantId, Channel, Command, Dossier, Intake, ProcedureRef, decide,
    evolve, replay,
};
use serde::Serialize;

use super::error::DossierError;
use super::input::{ActionInput, IntakeOutcome, NewDossierInput, checked_checklist};
use super::write::{ActionAnswer, FiledAttachment, Request, actor_key, build_write, sha256_hex};
use super::{DossierService, check_key, local_day, replayed};
use crate::StoreError;
use crate::attachments::StagedAttachment;
use crate::ports::AgencyFilter;
use crate::ports::attachments::AttachmentRow;
use crate::ports::dossiers::{Committed, NewDossier};

pub(super) fn fingerprint<T: Serialize>(scope: &str, input: &T) -> Result<String, DossierError> {
    let body = serde_json::to_string(input).map_err(|e| DossierError::Unexpected(e.into()))?;
    Ok(sha256_hex(format!("{scope}\n{body}").as_bytes()))
}

fn unknown_agency(id: &str) -> DossierError {
    DossierError::invalid(
        "agency.unknown",
        format!("Không có cơ quan {id}"),
        format!("No agency {id}"),
    )
}

fn internal(e: DossierError) -> StoreError {
    StoreError::Other(anyhow::anyhow!("{e}"))
}

impl DossierService {
    pub(super) async fn agency(&self, id: &str) -> Result<(AgencyId, Agency), DossierError> {
        let parsed = AgencyId::parse(id)?;
        let agency = self
            .cached_agency(parsed.as_str())
            .await?
            .ok_or_else(|| unknown_agency(id))?;
        Ok((parsed, agency))
    }

    /// The default deciding agency: the commune committee of the receiving
    /// unit, or its police when the police alone decide the procedure; else
    /// the receiving agency itself.
    async fn default_deciding(
        &self,
        receiving: &Agency,
        by_police: bool,
    ) -> Result<String, DossierError> {
        let (kind, cache_key) = if by_police {
            (
                AgencyKind::CommunePolice,
                format!("{}#police", receiving.unit_code),
            )
        } else {
            (AgencyKind::CommuneCommittee, receiving.unit_code.clone())
        };
        if let Some(hit) = self.agencies.deciding(&cache_key) {
            return Ok(hit);
        }
        let (found, _) = self
            .store
            .list_agencies(&AgencyFilter {
                unit_code: Some(receiving.unit_code.clone()),
                kind: Some(kind),
                limit: 1,
                ..AgencyFilter::default()
            })
            .await?;
        let deciding = found
            .into_iter()
            .next()
            .map_or_else(|| receiving.id.clone(), |a| a.id);
        self.agencies.put_deciding(&cache_key, deciding.clone());
        Ok(deciding)
    }

    /// Creates a dossier: online submission (status 1, anyone) or desk or
    /// postal reception (status 2, an officer). Returns the answer and
    /// whether it was replayed.
    pub async fn create(
        &self,
        actor: Actor,
        officer: Option<&AgencyId>,
        key: &str,
        input: NewDossierInput,
    ) -> Result<(ActionAnswer, bool), DossierError> {
        self.create_with_attachments(actor, officer, key, input, Vec::new())
            .await
    }

    /// Creates a dossier like [`Self::create`], writing the metadata rows of
    /// files already stored (see `crate::attachments`) in the same
    /// transaction as the dossier: either the dossier and its attachments
    /// land together or nothing does (the stored bytes, addressed by their
    /// hash, are then simply unused).
    #[tracing::instrument(level = "info", skip_all, fields(dossier = tracing::field::Empty))]
    pub async fn create_with_attachments(
        &self,
        actor: Actor,
        officer: Option<&AgencyId>,
        key: &str,
        input: NewDossierInput,
        attachments: Vec<StagedAttachment>,
    ) -> Result<(ActionAnswer, bool), DossierError> {
        check_key(key)?;
        let fingerprint = if attachments.is_empty() {
            fingerprint("create", &input)?
        } else {
            let files: Vec<(&str, &str)> = attachments
                .iter()
                .map(|a| (a.component.as_str(), a.sha256.as_str()))
                .collect();
            fingerprint("create+attachments", &(&input, files))?
        };
        let actor_text = actor_key(&actor);
        // The store checks the key again inside the creating transaction, so
        // a fresh reception needs no read first (it is the hot path: every
        // reception at every desk). Only a refused request looks for a kept
        // answer: a replay gets the first answer even if the same request
        // would be refused now (a procedure withdrawn since, say).
        let done = match self
            .decide_and_create(actor, officer, key, input, attachments, &fingerprint)
            .await
        {
            Err(err) if !matches!(err, DossierError::KeyReused(_)) => {
                match self.store.find_answer(&actor_text, key).await? {
                    Some(stored) => self.with_secret(replayed(&stored, &fingerprint)?).await,
                    None => Err(err),
                }
            }
            done => done,
        };
        // The code is made inside the store's transaction: the span learns
        // it from the answer.
        if let Ok((answer, _)) = &done {
            tracing::Span::current().record("dossier", answer.code.as_str());
        }
        done
    }

    /// [`Self::create_with_attachments`] once its fingerprint is known:
    /// validates, decides and writes; the store answers the kept answer
    /// instead when the key was used before.
    async fn decide_and_create(
        &self,
        actor: Actor,
        officer: Option<&AgencyId>,
        key: &str,
        input: NewDossierInput,
        attachments: Vec<StagedAttachment>,
        fingerprint: &str,
    ) -> Result<(ActionAnswer, bool), DossierError> {
        let actor_text = actor_key(&actor);
        let fingerprint = fingerprint.to_owned();
        let now = self.now();
        let day = local_day(now);
        let facts = self
            .procedures
            .procedure(&input.procedure, day)
            .await
            .ok_or_else(|| {
                DossierError::invalid(
                    "procedure.unknown",
                    format!("Không có thủ tục {}", input.procedure),
                    format!("No procedure {}", input.procedure),
                )
            })?;
        let applicant = input.applicant.validate()?;
        let sets = input.checked_sets()?;
        // `reused` at the desk: the officer's own look-up of this applicant,
        // under a grant, within the last hour.
        let reuse = match (&actor, &applicant.id, input.components.wants_reuse()) {
            (Actor::Officer(officer), ApplicantId::Citizen(id), true) => match &self.reuse {
                Some(records) => {
                    records
                        .reuse_at_desk(officer, id, now - chrono::TimeDelta::hours(1))
                        .await?
                }
                None => None,
            },
            _ => None,
        };
        let sent = input.components.inputs(&facts, &[], reuse.as_ref())?;
        if input.channel != Channel::Online && officer.is_none() {
            return Err(DossierError::Forbidden(
                "Chỉ cán bộ mới tiếp nhận hồ sơ trực tiếp hoặc qua bưu chính / \
                 only an officer receives in-person or postal dossiers"
                    .into(),
            ));
        }
        let receiving_text = match (&input.receiving_unit, officer) {
            (Some(r), _) => r.clone(),
            (None, Some(o)) => o.as_str().to_owned(),
            (None, None) => {
                return Err(DossierError::invalid(
                    "receiving_unit.required",
                    "Phải chọn nơi tiếp nhận (receiving_unit)",
                    "receiving_unit is required",
                ));
            }
        };
        let (receiving, receiving_agency) = self.agency(&receiving_text).await?;
        if let Some(o) = officer
            && !self.covers(o, &receiving).await?
        {
            return Err(DossierError::Forbidden(format!(
                "Cán bộ của {o} không tiếp nhận tại {receiving} / an officer of {o} cannot receive at {receiving}"
            )));
        }
        let deciding_text = match &input.deciding_agency {
            Some(d) => d.clone(),
            None => {
                self.default_deciding(&receiving_agency, facts.decided_by_police)
                    .await?
            }
        };
        let (deciding, deciding_agency) = self.agency(&deciding_text).await?;
        // A refusal at the desk: a walk-in or postal filing only, with its
        // reason (a filing outside the procedure's reach is one reason to
        // refuse, so the boundary rule below does not apply to it).
        let refusal = match (input.outcome, input.channel) {
            (IntakeOutcome::Received, _) => None,
            (IntakeOutcome::Refused, Channel::Online) => {
                return Err(DossierError::invalid(
                    "outcome.online",
                    "Hồ sơ trực tuyến được nộp trước, rồi từ chối bằng thao tác refuse",
                    "An online filing is submitted first, then refused with the refuse action",
                ));
            }
            (IntakeOutcome::Refused, _) => {
                let reason = input.refusal_reason.as_deref().map(str::trim).unwrap_or("");
                if reason.is_empty() || reason.chars().count() > 2_000 {
                    return Err(DossierError::invalid(
                        "refusal_reason",
                        "Phải ghi lý do từ chối tiếp nhận (tối đa 2.000 ký tự)",
                        "A refusal needs its reason (at most 2,000 characters)",
                    ));
                }
                Some(reason.to_owned())
            }
        };
        if refusal.is_none() && input.refusal_reason.is_some() {
            return Err(DossierError::invalid(
                "refusal_reason.without_refusal",
                "Lý do từ chối chỉ đi kèm \"outcome\": \"refused\"",
                "refusal_reason goes with \"outcome\": \"refused\" only",
            ));
        }
        if refusal.is_none()
            && deciding_agency.unit_code != receiving_agency.unit_code
            && !facts.boundary_free
        {
            return Err(DossierError::invalid(
                "procedure.not_boundary_free",
                format!(
                    "Thủ tục {} không được tiếp nhận ngoài địa giới của cơ quan giải quyết",
                    facts.code
                ),
                format!(
                    "Procedure {} cannot be filed outside the deciding agency's commune",
                    facts.code
                ),
            ));
        }
        let intake = Intake {
            code: self.settings.pattern.format(&receiving, day, 1)?,
            procedure: ProcedureRef {
                code: facts.code.clone(),
                version: facts.version,
            },
            applicant,
            receiving_unit: receiving.clone(),
            deciding_agency: deciding,
            channel: input.channel,
            components: checked_checklist(&facts, &sent, None)?,
            fees: Vec::new(),
            sets,
        };
        if let Some(bad) = attachments
            .iter()
            .find(|a| !intake.components.iter().any(|c| c.code == a.component))
        {
            return Err(DossierError::invalid(
                "component.code",
                format!("Thủ tục không có thành phần hồ sơ mã {}", bad.component),
                format!("The procedure has no component {}", bad.component),
            ));
        }
        let uploader = actor_text.clone();
        let due_at = match (input.channel, &refusal) {
            (Channel::Online, _) | (_, Some(_)) => None,
            _ => Some(self.due_at_reception(&facts, now, input.due_at)?),
        };
        let action_for = move |intake: Intake| match (due_at, &refusal) {
            (_, Some(reason)) => Action::RefuseNew {
                intake: Box::new(intake),
                reason: reason.clone(),
            },
            (None, None) => Action::SubmitOnline {
                intake: Box::new(intake),
            },
            (Some(due_at), None) => Action::ReceiveNew {
                intake: Box::new(intake),
                due_at,
            },
        };
        let command = |intake: Intake| Command {
            actor: actor.clone(),
            idempotency_key: key.to_owned(),
            action: action_for(intake),
        };
        // Decide once before numbering, so a refusal consumes no sequence.
        decide(None, &command(intake.clone()), now).map_err(DossierError::Refused)?;
        let tracking_key = self.tracking_key.clone();
        let request = Request {
            actor: actor.clone(),
            key: key.to_owned(),
            fingerprint: fingerprint.clone(),
        };
        let pattern = self.settings.pattern.clone();
        let command_template = command(intake.clone());
        let build = Box::new(move |seq: u32| {
            let code = pattern
                .format(&receiving, day, seq)
                .map_err(|e| StoreError::Conflict(format!("{e}")))?;
            let secret = tracking_key.secret(code.as_str());
            let mut cmd = command_template.clone();
            match &mut cmd.action {
                Action::SubmitOnline { intake }
                | Action::ReceiveNew { intake, .. }
                | Action::RefuseNew { intake, .. } => {
                    intake.code = code;
                }
                _ => {}
            }
            let events = decide(None, &cmd, now).map_err(|r| internal(DossierError::Refused(r)))?;
            let dossier = replay(&events)
                .map_err(|e| StoreError::Other(e.into()))?
                .ok_or_else(|| StoreError::Other(anyhow::anyhow!("no event decided")))?;
            build_write(&dossier, &events, &request, Some(&secret), now)
                .map(|(mut write, _)| {
                    write.attachments = attachments
                        .iter()
                        .map(|a| a.clone().into_row(&write.projection.code, &uploader, now))
                        .collect();
                    write
                })
                .map_err(internal)
        });
        let committed = self
            .store
            .create_dossier(NewDossier {
                agency: intake.receiving_unit.as_str().to_owned(),
                day,
                actor: actor_text,
                idempotency_key: key.to_owned(),
                build,
            })
            .await?;
        match committed {
            Committed::Written(a) => {
                // The kept answer holds no secret: the caller gets it here.
                let mut answer: ActionAnswer = serde_json::from_str(&a.answer_json)
                    .map_err(|e| DossierError::Unexpected(e.into()))?;
                answer.tracking_secret = Some(self.tracking_key.secret(&answer.code));
                Ok((answer, false))
            }
            Committed::Replayed(a) => self.with_secret(replayed(&a, &fingerprint)?).await,
        }
    }

    /// A replayed creation answer with its tracking secret derived again
    /// (kept answers hold none; one kept before that still has its own).
    async fn with_secret(
        &self,
        (mut answer, was_replayed): (ActionAnswer, bool),
    ) -> Result<(ActionAnswer, bool), DossierError> {
        if answer.tracking_secret.is_none()
            && let Some(stored) = self.store.load_dossier(&answer.code).await?
        {
            answer.tracking_secret = self.derived_secret(&answer.code, &stored.verifier_hash);
        }
        Ok((answer, was_replayed))
    }

    /// Acts on a dossier as an officer. `expected_version` (from `If-Match`)
    /// makes a stale view a conflict.
    #[tracing::instrument(level = "info", skip_all, fields(dossier = %code))]
    pub async fn act(
        &self,
        actor: Actor,
        officer: &AgencyId,
        key: &str,
        code: &str,
        expected_version: Option<u64>,
        input: ActionInput,
    ) -> Result<(ActionAnswer, bool), DossierError> {
        self.act_within(actor, Some(officer), key, code, expected_version, input)
            .await
    }

    /// Acts on a dossier; `scope` is the acting officer's agency, checked
    /// against the dossier, or `None` when the caller was checked already
    /// (the holder of the tracking secret).
    pub(super) async fn act_within(
        &self,
        actor: Actor,
        scope: Option<&AgencyId>,
        key: &str,
        code: &str,
        expected_version: Option<u64>,
        input: ActionInput,
    ) -> Result<(ActionAnswer, bool), DossierError> {
        check_key(key)?;
        let code = self.parse_code(code)?;
        let fingerprint = fingerprint(code.as_str(), &input)?;
        let actor_text = actor_key(&actor);
        if let Some(stored) = self.store.find_answer(&actor_text, key).await? {
            return replayed(&stored, &fingerprint);
        }
        let dossier = self.load(code.as_str()).await?;
        if let Some(officer) = scope {
            self.check_scope(officer, &dossier).await?;
        }
        if let Some(v) = expected_version
            && v != dossier.version
        {
            return Err(DossierError::Stale(format!(
                "Hồ sơ {code} đang ở phiên bản {}, không phải {v} / dossier {code} is at version {}, not {v}",
                dossier.version, dossier.version
            )));
        }
        let now = self.now();
        let action = self.to_action(&dossier, input, now).await?;
        self.commit(&dossier, actor, key, &fingerprint, action, now, Vec::new())
            .await
    }

    /// Decides `action` on `dossier` and writes the events, projection,
    /// outbox rows, answer and `attachments` in one transaction. A write
    /// beaten by the same key (a concurrent retry) answers the first
    /// answer; one beaten by another change is stale.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn commit(
        &self,
        dossier: &Dossier,
        actor: Actor,
        key: &str,
        fingerprint: &str,
        action: Action,
        now: DateTime<Utc>,
        attachments: Vec<AttachmentRow>,
    ) -> Result<(ActionAnswer, bool), DossierError> {
        let code = dossier.code.as_str();
        let actor_text = actor_key(&actor);
        let cmd = Command {
            actor: actor.clone(),
            idempotency_key: key.to_owned(),
            action,
        };
        let events = decide(Some(dossier), &cmd, now).map_err(DossierError::Refused)?;
        if events.is_empty() {
            return Err(DossierError::KeyReused(
                "Idempotency-Key này đã được dùng cho hồ sơ này / this Idempotency-Key was already used on this dossier".into(),
            ));
        }
        let mut after = dossier.clone();
        for e in &events {
            after = evolve(Some(after), e).map_err(|e| DossierError::Unexpected(e.into()))?;
        }
        let request = Request {
            actor,
            key: key.to_owned(),
            fingerprint: fingerprint.to_owned(),
        };
        let (mut write, mut answer) = build_write(&after, &events, &request, None, now)?;
        if !attachments.is_empty() {
            answer.files = attachments.iter().map(FiledAttachment::from).collect();
            write.answer.answer_json =
                serde_json::to_string(&answer).map_err(|e| DossierError::Unexpected(e.into()))?;
            write.attachments = attachments;
        }
        match self
            .store
            .append_to_dossier(code, dossier.version, write)
            .await
        {
            Ok(Committed::Written(_)) => Ok((answer, false)),
            Ok(Committed::Replayed(a)) => replayed(&a, fingerprint),
            Err(StoreError::Conflict(msg)) => match self.store.find_answer(&actor_text, key).await?
            {
                Some(a) => replayed(&a, fingerprint),
                None => Err(DossierError::Stale(msg)),
            },
            Err(e) => Err(e.into()),
        }
    }
}
