//! Citizens' feedback and complaints (phản ánh, kiến nghị — PAKN): the use
//! cases over [`motcua_domain::feedback`].
//!
//! - A citizen sends feedback to a unit (anonymous allowed), about a
//!   dossier (proven by the web layer with the dossier's verifier), a
//!   procedure, or in general; the answer is a token, the feedback's own
//!   verifier (only its SHA-256 is stored).
//! - With the token the sender reads the answer, supplements when asked,
//!   rates the answer (like / dislike) and follows up.
//! - Officers of the unit (the policy's [`Capability::HandleFeedback`])
//!   list, read and act. Reading a feedback whose sender left a name or a
//!   contact writes an audit entry (`personal_data_lookup`, purpose
//!   `feedback:<id>`) before the answer is returned, as desk look-ups do.
//! - Published answers are public without personal data: the summary the
//!   officer wrote, the answer, the masked dossier code.

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use motcua_domain::audit::{AuditAction, AuditEntry, AuditOutcome, mask_identifier};
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::feedback::{
    Classification, DeadlineRules, Feedback, FeedbackCommand, FeedbackEvent, FeedbackRefusal,
    FeedbackStatus, Reaction, Sender, Subject, decide, evolve,
};
use motcua_domain::identity::RoleAssignment;
use motcua_domain::unit::{Era, UnitCode};

use crate::StoreError;
use crate::authz::ScopeResolver;
use crate::dossiers::write::sha256_hex;
use crate::policy::{Capability, Denied, Policy};
use crate::ports::feedback::{FeedbackFilter, FeedbackPorts};
use crate::ports::{Clock, UnitFilter};

/// Longest sender name or contact, in characters.
pub const MAX_SENDER_FIELD: usize = 200;

/// Largest page of a list.
pub const MAX_PAGE: u32 = 200;

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    /// Bad input (400).
    #[error("{0}")]
    Invalid(String),
    /// Unknown, a wrong token, or out of the officer's scope (404).
    #[error("Không tìm thấy phản ánh, kiến nghị / feedback not found")]
    NotFound,
    /// The domain refused the command (409).
    #[error("{0}")]
    Refused(#[from] FeedbackRefusal),
    /// A concurrent change won (409).
    #[error("Phản ánh vừa được thay đổi, hãy thử lại / the feedback just changed, retry")]
    Conflict,
    /// The policy said no.
    #[error("{}", .0.message())]
    Denied(Denied),
    /// Anything else (500).
    #[error(transparent)]
    Unexpected(anyhow::Error),
}

impl From<StoreError> for FeedbackError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(_) => Self::Conflict,
            StoreError::Other(e) => Self::Unexpected(e),
        }
    }
}

impl From<Denied> for FeedbackError {
    fn from(d: Denied) -> Self {
        match d {
            Denied::Hidden | Denied::OutOfScope => Self::NotFound,
            other => Self::Denied(other),
        }
    }
}

/// What the citizen's feedback is about, as the web layer proved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum About {
    /// A dossier whose verifier the sender gave: its code, procedure and
    /// receiving agency (the feedback goes to that agency's unit).
    Dossier {
        /// Dossier code.
        code: String,
        /// Procedure code.
        procedure: String,
        /// The receiving agency.
        agency: String,
    },
    /// A procedure, to a unit.
    Procedure {
        /// Procedure code.
        code: String,
        /// Unit addressed.
        unit_code: String,
    },
    /// In general, to a unit.
    General {
        /// Unit addressed.
        unit_code: String,
    },
}

/// A new feedback.
#[derive(Debug, Clone)]
pub struct NewFeedback {
    /// About what, to which unit.
    pub about: About,
    /// Who (may be empty).
    pub sender: Sender,
    /// What.
    pub text: String,
}

/// The answer to a sender: the feedback's id and its token (shown once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// Identifier.
    pub id: String,
    /// The sender's token.
    pub token: String,
    /// The feedback.
    pub feedback: Feedback,
}

/// Who acts as an officer.
#[derive(Debug, Clone)]
pub struct OfficerRef<'a> {
    /// Account id.
    pub id: &'a str,
    /// Agency they act for.
    pub agency: &'a str,
    /// Roles.
    pub roles: &'a [RoleAssignment],
}

/// A published answer: no sender, no original text, the dossier masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedAnswer {
    /// Identifier.
    pub id: String,
    /// Unit addressed.
    pub unit_code: String,
    /// `dossier`, `procedure` or `general`.
    pub about: &'static str,
    /// Procedure, if any.
    pub procedure_code: Option<String>,
    /// Dossier code masked by `mask_identifier`.
    pub dossier_masked: Option<String>,
    /// Classification, if any.
    pub classification: Option<Classification>,
    /// The question as the officer published it.
    pub summary: String,
    /// The answer.
    pub answer: String,
    /// Received.
    pub received_at: DateTime<Utc>,
    /// Published.
    pub published_at: DateTime<Utc>,
}

impl PublishedAnswer {
    /// The public view of a published feedback; `None` when not published.
    pub fn of(f: &Feedback) -> Option<Self> {
        Some(Self {
            id: f.id.clone(),
            unit_code: f.unit_code.clone(),
            about: f.subject.kind(),
            procedure_code: f.subject.procedure_code().map(str::to_owned),
            dossier_masked: f.subject.dossier_code().map(mask_identifier),
            classification: f.classification,
            summary: f.public_summary.clone()?,
            answer: f.answer.clone()?,
            received_at: f.received_at,
            published_at: f.published_at?,
        })
    }
}

/// An officer's action on a feedback, by API name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficerAction {
    /// `classify` with `classification`.
    Classify(Classification),
    /// `refuse` with `reason`.
    Refuse(String),
    /// `request_supplement` with `text`.
    RequestSupplement(String),
    /// `answer` with `text`.
    Answer(String),
    /// `publish` with `summary`.
    Publish(String),
}

impl OfficerAction {
    /// From the API's action name and fields; `Invalid` otherwise.
    pub fn parse(
        action: &str,
        classification: Option<&str>,
        text: Option<&str>,
    ) -> Result<Self, FeedbackError> {
        let text = || text.unwrap_or_default().to_owned();
        Ok(match action {
            "classify" => Self::Classify(
                classification
                    .and_then(Classification::parse)
                    .ok_or_else(|| {
                        FeedbackError::Invalid("classification: rules | staff_behaviour".to_owned())
                    })?,
            ),
            "refuse" => Self::Refuse(text()),
            "request_supplement" => Self::RequestSupplement(text()),
            "answer" => Self::Answer(text()),
            "publish" => Self::Publish(text()),
            other => {
                return Err(FeedbackError::Invalid(format!(
                    "Thao tác không hợp lệ / unknown action: {other} \
                     (classify | refuse | request_supplement | answer | publish)"
                )));
            }
        })
    }

    fn command(self, by: &str) -> FeedbackCommand {
        let by = by.to_owned();
        match self {
            Self::Classify(class) => FeedbackCommand::Classify { class, by },
            Self::Refuse(reason) => FeedbackCommand::Refuse { reason, by },
            Self::RequestSupplement(what) => FeedbackCommand::RequestSupplement { what, by },
            Self::Answer(text) => FeedbackCommand::Answer { text, by },
            Self::Publish(summary) => FeedbackCommand::Publish { summary, by },
        }
    }
}

/// What the sender may do with the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderAction {
    /// Add what was asked.
    Supplement(String),
    /// Like or dislike the answer.
    Rate(Reaction),
    /// Complain again about the answer.
    FollowUp(String),
}

/// The feedback use cases.
#[derive(Clone)]
pub struct FeedbackService {
    store: Arc<dyn FeedbackPorts>,
    policy: Policy,
    clock: Clock,
}

/// The embedded deadlines, parsed once (`cargo test -p motcua-domain`
/// checks the file).
fn deadline_rules() -> Result<&'static DeadlineRules, FeedbackError> {
    static RULES: OnceLock<Result<DeadlineRules, String>> = OnceLock::new();
    RULES
        .get_or_init(|| DeadlineRules::embedded().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| FeedbackError::Unexpected(anyhow::anyhow!("{e}")))
}

fn calendar() -> Result<&'static WorkingCalendar, FeedbackError> {
    static CALENDAR: OnceLock<Result<WorkingCalendar, String>> = OnceLock::new();
    CALENDAR
        .get_or_init(|| WorkingCalendar::vietnam().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| FeedbackError::Unexpected(anyhow::anyhow!("{e}")))
}

fn random_hex(bytes: usize) -> Result<String, FeedbackError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| FeedbackError::Unexpected(anyhow::anyhow!("{e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

fn clean(field: &str, value: &str, max: usize) -> Result<String, FeedbackError> {
    let v: String = value.chars().filter(|c| !c.is_control()).collect();
    let v = v.trim();
    if v.chars().count() > max {
        return Err(FeedbackError::Invalid(format!(
            "{field}: tối đa {max} ký tự / at most {max} characters"
        )));
    }
    Ok(v.to_owned())
}

impl FeedbackService {
    /// Over a store, with the embedded deadlines; "now" from `clock`.
    pub fn new(store: Arc<dyn FeedbackPorts>, clock: Clock) -> Self {
        Self {
            policy: Policy::new(ScopeResolver::new(store.clone())),
            store,
            clock,
        }
    }

    /// The deadline rules in force.
    pub fn rules(&self) -> Result<&'static DeadlineRules, FeedbackError> {
        deadline_rules()
    }

    /// Now.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now_millis()
    }

    fn decide(
        &self,
        state: Option<&Feedback>,
        c: FeedbackCommand,
    ) -> Result<(Vec<FeedbackEvent>, Feedback, DateTime<Utc>), FeedbackError> {
        let now = self.now();
        let events = decide(state, c, now, deadline_rules()?, calendar()?)?;
        let next = events
            .iter()
            .fold(state.cloned(), evolve)
            .ok_or_else(|| FeedbackError::Unexpected(anyhow::anyhow!("no state")))?;
        Ok((events, next, now))
    }

    async fn known_unit(&self, code: &str) -> Result<String, FeedbackError> {
        let bad =
            || FeedbackError::Invalid(format!("Không có đơn vị {code} / unknown unit {code}"));
        let parsed = UnitCode::parse(code.trim()).map_err(|_| bad())?;
        match self.store.get_unit(Era::Current, &parsed).await? {
            Some(u) => Ok(u.code.as_str().to_owned()),
            None => Err(bad()),
        }
    }

    /// A citizen sends feedback.
    pub async fn submit(&self, input: NewFeedback) -> Result<Sent, FeedbackError> {
        let (subject, unit) = match input.about {
            About::Dossier {
                code,
                procedure,
                agency,
            } => {
                let unit = self
                    .store
                    .get_agency(&agency)
                    .await?
                    .map(|a| a.unit_code)
                    .ok_or_else(|| FeedbackError::Invalid(format!("agency: {agency}")))?;
                (Subject::Dossier { code, procedure }, unit)
            }
            About::Procedure { code, unit_code } => {
                let code = clean("procedure", &code, 64)?;
                if code.is_empty() {
                    return Err(FeedbackError::Invalid(
                        "procedure: bắt buộc / required".into(),
                    ));
                }
                (Subject::Procedure { code }, unit_code)
            }
            About::General { unit_code } => (Subject::General, unit_code),
        };
        let unit_code = self.known_unit(&unit).await?;
        let sender = Sender {
            name: clean("name", &input.sender.name, MAX_SENDER_FIELD)?,
            contact: clean("contact", &input.sender.contact, MAX_SENDER_FIELD)?,
        };
        let local = motcua_domain::clock::to_local(self.now());
        let id = format!(
            "PAKN-{}-{}",
            local.format("%y%m%d"),
            random_hex(4)?.to_uppercase()
        );
        let token = random_hex(16)?;
        let (events, f, now) = self.decide(
            None,
            FeedbackCommand::Receive {
                id: id.clone(),
                unit_code,
                subject,
                sender,
                text: input.text,
            },
        )?;
        self.store
            .create_feedback(&f, &events, &sha256_hex(token.as_bytes()), now)
            .await?;
        Ok(Sent {
            id,
            token,
            feedback: f,
        })
    }

    async fn with_token(&self, id: &str, token: &str) -> Result<Feedback, FeedbackError> {
        let stored = self
            .store
            .get_feedback(id)
            .await?
            .ok_or(FeedbackError::NotFound)?;
        let given = sha256_hex(token.trim().as_bytes());
        // Constant-time enough: both are hex digests of the same length.
        let same = given.len() == stored.token_hash.len()
            && given
                .bytes()
                .zip(stored.token_hash.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same && !token.trim().is_empty() {
            Ok(stored.feedback)
        } else {
            Err(FeedbackError::NotFound)
        }
    }

    /// The sender's view (their own feedback, with the token).
    pub async fn for_sender(&self, id: &str, token: &str) -> Result<Feedback, FeedbackError> {
        self.with_token(id, token).await
    }

    /// The sender supplements, rates or follows up.
    pub async fn sender_act(
        &self,
        id: &str,
        token: &str,
        action: SenderAction,
    ) -> Result<Feedback, FeedbackError> {
        let f = self.with_token(id, token).await?;
        let c = match action {
            SenderAction::Supplement(text) => FeedbackCommand::Supplement { text },
            SenderAction::Rate(reaction) => FeedbackCommand::Rate { reaction },
            SenderAction::FollowUp(text) => FeedbackCommand::FollowUp { text },
        };
        let (events, next, now) = self.decide(Some(&f), c)?;
        self.store
            .append_feedback(&next, f.version, &events, now)
            .await?;
        Ok(next)
    }

    /// The unit and the units below it (communes of a province).
    async fn subtree(&self, unit: &str) -> Result<Vec<String>, FeedbackError> {
        let code =
            UnitCode::parse(unit).map_err(|_| FeedbackError::Invalid(format!("unit: {unit}")))?;
        let mut out = vec![code.as_str().to_owned()];
        let mut frontier = vec![code];
        while let Some(parent) = frontier.pop() {
            if out.len() > 20_000 {
                break;
            }
            let page = self
                .store
                .list_units(&UnitFilter {
                    era: Era::Current,
                    level: None,
                    unit_type: None,
                    parent: Some(parent),
                    query_folded: None,
                    limit: 5000,
                    offset: 0,
                })
                .await?;
            for u in page.items {
                out.push(u.code.as_str().to_owned());
                frontier.push(u.code);
            }
        }
        Ok(out)
    }

    /// An officer's inbox: feedback addressed to `unit` and below, by next
    /// deadline. Without `unit`, the unit of the officer's agency.
    pub async fn inbox(
        &self,
        who: &OfficerRef<'_>,
        unit: Option<&str>,
        status: Option<FeedbackStatus>,
        limit: u32,
        offset: u32,
    ) -> Result<(String, Vec<Feedback>), FeedbackError> {
        crate::policy::require(who.roles, Capability::HandleFeedback)
            .map_err(FeedbackError::Denied)?;
        let unit = match unit.map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => u.to_owned(),
            None => self
                .store
                .get_agency(who.agency)
                .await?
                .map(|a| a.unit_code)
                .ok_or_else(|| FeedbackError::Invalid("unit: bắt buộc / required".into()))?,
        };
        match self
            .policy
            .in_unit(who.roles, Capability::HandleFeedback, &unit)
            .await
        {
            Ok(()) => {}
            Err(Denied::OutOfScope) => {
                return Err(FeedbackError::Denied(Denied::OutOfScope));
            }
            Err(other) => return Err(other.into()),
        }
        let units = self.subtree(&unit).await?;
        let list = self
            .store
            .list_feedback(&FeedbackFilter {
                units,
                status,
                limit: limit.clamp(1, MAX_PAGE),
                offset,
            })
            .await?;
        Ok((unit, list))
    }

    async fn officer_load(
        &self,
        who: &OfficerRef<'_>,
        id: &str,
    ) -> Result<Feedback, FeedbackError> {
        crate::policy::require(who.roles, Capability::HandleFeedback)
            .map_err(FeedbackError::Denied)?;
        let f = self
            .store
            .get_feedback(id)
            .await?
            .ok_or(FeedbackError::NotFound)?
            .feedback;
        self.policy
            .in_unit(who.roles, Capability::HandleFeedback, &f.unit_code)
            .await?;
        Ok(f)
    }

    /// One feedback with its events for an officer of its unit; the read
    /// of the sender's personal data is audited first.
    pub async fn for_officer(
        &self,
        who: &OfficerRef<'_>,
        id: &str,
    ) -> Result<(Feedback, Vec<FeedbackEvent>), FeedbackError> {
        let f = self.officer_load(who, id).await?;
        if !f.sender.is_anonymous() {
            let mut entry = AuditEntry::new(
                self.clock.now_micros(),
                who.id,
                AuditAction::PersonalDataLookup,
                AuditOutcome::Allowed,
            );
            entry.agency_id = Some(who.agency.to_owned());
            entry.unit_code = Some(f.unit_code.clone());
            if !f.sender.contact.is_empty() {
                entry.subject_masked = Some(mask_identifier(&f.sender.contact));
            }
            entry.fields = ["sender_name", "sender_contact"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect();
            entry.dossier_code = f.subject.dossier_code().map(str::to_owned);
            entry.purpose = Some(format!("feedback:{}", f.id));
            self.store.append_audit(&entry).await?;
        }
        let events = self.store.feedback_events(id).await?;
        Ok((f, events))
    }

    /// An officer acts on a feedback of their unit.
    pub async fn officer_act(
        &self,
        who: &OfficerRef<'_>,
        id: &str,
        action: OfficerAction,
    ) -> Result<Feedback, FeedbackError> {
        let f = self.officer_load(who, id).await?;
        let (events, next, now) = self.decide(Some(&f), action.command(who.id))?;
        self.store
            .append_feedback(&next, f.version, &events, now)
            .await?;
        Ok(next)
    }

    /// Published answers, newest first; of `unit` and below when given.
    pub async fn published(
        &self,
        unit: Option<&str>,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<PublishedAnswer>, FeedbackError> {
        let units = match unit.map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => self.subtree(u).await?,
            None => Vec::new(),
        };
        Ok(self
            .store
            .published_feedback(&units, limit.clamp(1, MAX_PAGE), offset)
            .await?
            .iter()
            .filter_map(PublishedAnswer::of)
            .collect())
    }
}
