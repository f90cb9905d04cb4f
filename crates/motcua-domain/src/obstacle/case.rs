//! The case: state, commands, events, `decide` and `evolve`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::rules::Level;

/// Where a case is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written by the unit (not yet sent).
    Drafted,
    /// Sent to the owner at its level, not yet received.
    Submitted,
    /// Received: being handled by the owner agency.
    Received,
    /// Answered by the owner (or through the group's case).
    Answered,
    /// Resolved: the raising unit confirms the answer removed the obstacle.
    Resolved,
    /// Escalated to the level above, not yet received there.
    Escalated,
    /// Closed as a duplicate of the group's case.
    Merged,
}

impl Status {
    /// Every status, in life order.
    pub const ALL: [Status; 7] = [
        Self::Drafted,
        Self::Submitted,
        Self::Received,
        Self::Answered,
        Self::Resolved,
        Self::Escalated,
        Self::Merged,
    ];

    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Drafted => "drafted",
            Self::Submitted => "submitted",
            Self::Received => "received",
            Self::Answered => "answered",
            Self::Resolved => "resolved",
            Self::Escalated => "escalated",
            Self::Merged => "merged",
        }
    }

    /// Parses the API spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Drafted => "Đang soạn",
            Self::Submitted => "Đã gửi",
            Self::Received => "Đang xử lý",
            Self::Answered => "Đã trả lời",
            Self::Resolved => "Đã giải quyết xong",
            Self::Escalated => "Đã chuyển cấp trên",
            Self::Merged => "Gộp vào vướng mắc chung",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Drafted => "Draft",
            Self::Submitted => "Submitted",
            Self::Received => "Being handled",
            Self::Answered => "Answered",
            Self::Resolved => "Resolved",
            Self::Escalated => "Escalated",
            Self::Merged => "Closed as duplicate",
        }
    }

    /// Waiting for an answer from its owner (the answer clock runs).
    pub fn awaits_answer(self) -> bool {
        matches!(self, Self::Submitted | Self::Received | Self::Escalated)
    }
}

/// Who acted: an officer of an agency.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    /// The officer's account id.
    pub officer: String,
    /// The agency the officer acted for.
    pub agency: String,
}

/// The agency that owns a case at a level.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Owner {
    /// Its agency identifier.
    pub agency: String,
    /// Its name.
    pub name: String,
    /// Its level.
    pub level: Level,
}

/// What an obstacle blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocks {
    /// Procedure codes (mã TTHC).
    #[serde(default)]
    pub procedures: Vec<String>,
    /// Dossier codes.
    #[serde(default)]
    pub dossiers: Vec<String>,
    /// Fields (lĩnh vực), free words.
    #[serde(default)]
    pub fields: Vec<String>,
}

/// Live figures from the dossier data for one procedure at the raising
/// unit, computed by the system (never typed in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceFigures {
    /// The procedure.
    pub procedure: String,
    /// When the figures were computed.
    pub as_of: DateTime<Utc>,
    /// Dossiers open (not finished, refused, withdrawn or stopped).
    pub open: u64,
    /// Of those, past their due date with the clock running.
    pub overdue: u64,
    /// Of those, with the clock stopped (waiting for a supplement, a fee…).
    pub paused: u64,
}

/// What the unit writes when it raises an obstacle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// A short title.
    pub title: String,
    /// What happens.
    pub description: String,
    /// The category code (data).
    pub category: String,
    /// What it blocks.
    pub blocks: Blocks,
    /// Since when (Vietnam day).
    pub since: NaiveDate,
    /// The concrete proposal (đề xuất, kiến nghị).
    pub proposal: String,
    /// Evidence in words (documents, letters); the system's figures are separate.
    #[serde(default)]
    pub evidence: String,
    /// The raising agency (a commune's People's Committee or centre).
    pub unit_agency: String,
    /// The raising unit's name, as shown.
    pub unit_name: String,
    /// The administrative unit code of the raising unit.
    pub unit_code: String,
    /// The province's People's Committee agency (the top of its tree).
    pub province_root: String,
}

/// An answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The text.
    pub text: String,
    /// Who answered.
    pub by: Owner,
    /// When.
    pub at: DateTime<Utc>,
    /// The group's case it came through, for a merged case.
    pub via: Option<String>,
}

/// A step the caller asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObstacleAction {
    /// Create the case as a draft.
    Draft(Box<Draft>),
    /// Send it to its first owner, with its answer due date and the
    /// system's figures as of now.
    Submit {
        /// The first owner.
        owner: Owner,
        /// The answer due date.
        due_at: DateTime<Utc>,
        /// Live figures (procedure and IT categories).
        figures: Vec<EvidenceFigures>,
    },
    /// The owner receives it (being handled).
    Receive,
    /// The owner answers.
    Answer {
        /// The answer.
        text: String,
    },
    /// The owner sends it up a level.
    Escalate {
        /// Why.
        reason: String,
        /// The owner above.
        owner: Owner,
        /// Its answer due date.
        due_at: DateTime<Utc>,
    },
    /// The raising unit confirms the answer solved it.
    Resolve {
        /// A note.
        note: String,
    },
    /// The owner closes it as a duplicate of the group's case `into`.
    Merge {
        /// The group's case.
        into: String,
    },
    /// The group's case was answered: the answer reaches this merged case.
    GroupAnswer {
        /// The group's case id.
        from: String,
        /// Its answer.
        answer: Answer,
    },
}

impl ObstacleAction {
    /// The API name of the action.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Draft(_) => "create",
            Self::Submit { .. } => "submit",
            Self::Receive => "receive",
            Self::Answer { .. } => "answer",
            Self::Escalate { .. } => "escalate",
            Self::Resolve { .. } => "resolve",
            Self::Merge { .. } => "merge",
            Self::GroupAnswer { .. } => "group_answer",
        }
    }
}

/// A command: the action and who asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// Who.
    pub actor: Actor,
    /// What.
    pub action: ObstacleAction,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Payload {
    /// Created as a draft.
    Drafted {
        /// The draft.
        draft: Box<Draft>,
    },
    /// Sent to its first owner.
    Submitted {
        /// The owner.
        owner: Owner,
        /// The answer due date.
        due_at: DateTime<Utc>,
        /// Live figures as of submission.
        #[serde(default)]
        figures: Vec<EvidenceFigures>,
    },
    /// Received by its owner.
    Received,
    /// Answered by its owner.
    Answered {
        /// The answer.
        text: String,
    },
    /// Sent up a level.
    Escalated {
        /// Why.
        reason: String,
        /// The owner above.
        owner: Owner,
        /// Its answer due date.
        due_at: DateTime<Utc>,
    },
    /// Confirmed solved by the raising unit.
    Resolved {
        /// A note.
        note: String,
    },
    /// Closed as a duplicate.
    Merged {
        /// The group's case.
        into: String,
    },
    /// The group's answer reached this case.
    GroupAnswered {
        /// The group's case.
        from: String,
        /// The answer.
        answer: Answer,
    },
}

impl Payload {
    /// The type name stored with the event.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Drafted { .. } => "drafted",
            Self::Submitted { .. } => "submitted",
            Self::Received => "received",
            Self::Answered { .. } => "answered",
            Self::Escalated { .. } => "escalated",
            Self::Resolved { .. } => "resolved",
            Self::Merged { .. } => "merged",
            Self::GroupAnswered { .. } => "group_answered",
        }
    }
}

/// One step of a case's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObstacleEvent {
    /// 1 for the draft, then one more per step.
    pub version: u64,
    /// Who.
    pub actor: Actor,
    /// When.
    pub at: DateTime<Utc>,
    /// What.
    pub payload: Payload,
}

/// The case as its events make it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obstacle {
    /// Its id.
    pub id: String,
    /// The number of events applied.
    pub version: u64,
    /// What the unit wrote.
    pub draft: Draft,
    /// Who raised it.
    pub raised_by: Actor,
    /// When the draft was created.
    pub created_at: DateTime<Utc>,
    /// Where it is.
    pub status: Status,
    /// The agency that owes the next step (the raising unit while drafted,
    /// the owner at its level after submission).
    pub owner: Option<Owner>,
    /// When the owner's answer is due.
    pub due_at: Option<DateTime<Utc>>,
    /// When it was first submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// The system's figures as of submission.
    pub figures: Vec<EvidenceFigures>,
    /// The answer, once answered.
    pub answer: Option<Answer>,
    /// The group's case it was merged into.
    pub merged_into: Option<String>,
    /// The reasons of each escalation, in order.
    pub escalations: Vec<String>,
    /// The resolution note.
    pub resolution: Option<String>,
}

impl Obstacle {
    /// Waiting for an answer past its due date at `now`.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.status.awaits_answer() && self.due_at.is_some_and(|d| d < now)
    }

    /// The level it is at (`None` while drafted).
    pub fn level(&self) -> Option<Level> {
        self.owner.as_ref().map(|o| o.level)
    }
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{vi} / {en}")]
pub struct ObstacleRefusal {
    /// A stable code (`not_allowed`, `text_required`, ...).
    pub code: &'static str,
    /// Vietnamese.
    pub vi: String,
    /// English.
    pub en: String,
}

impl ObstacleRefusal {
    fn new(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            code,
            vi: vi.into(),
            en: en.into(),
        }
    }

    fn required(vi: &str, en: &str) -> Self {
        Self::new(
            "text_required",
            format!("Cần nhập {vi}"),
            format!("{en} is required"),
        )
    }
}

/// Whether `action` may apply to a case in `status` (shared by [`decide`]
/// and [`evolve`]).
pub fn is_allowed(action: &str, status: Status) -> bool {
    use Status as S;
    match action {
        "submit" => status == S::Drafted,
        "receive" => matches!(status, S::Submitted | S::Escalated),
        "answer" => status == S::Received,
        "escalate" => matches!(status, S::Submitted | S::Received),
        "resolve" => status == S::Answered,
        "merge" => matches!(status, S::Submitted | S::Received | S::Escalated),
        "group_answer" => status == S::Merged,
        _ => false,
    }
}

fn require(text: &str, vi: &str, en: &str) -> Result<(), ObstacleRefusal> {
    if text.trim().is_empty() {
        Err(ObstacleRefusal::required(vi, en))
    } else {
        Ok(())
    }
}

fn check_draft(d: &Draft) -> Result<(), ObstacleRefusal> {
    require(&d.title, "tiêu đề", "a title")?;
    require(&d.description, "nội dung vướng mắc", "a description")?;
    require(&d.proposal, "đề xuất, kiến nghị", "a proposal")?;
    require(&d.category, "lĩnh vực vướng mắc", "a category")?;
    require(&d.unit_agency, "đơn vị", "the unit")
}

/// Decides the event a command causes on a case (`None` before it exists).
pub fn decide(
    state: Option<&Obstacle>,
    command: &Command,
    now: DateTime<Utc>,
) -> Result<ObstacleEvent, ObstacleRefusal> {
    let name = command.action.name();
    let payload = match (state, &command.action) {
        (None, ObstacleAction::Draft(d)) => {
            check_draft(d)?;
            Payload::Drafted { draft: d.clone() }
        }
        (None, _) => {
            return Err(ObstacleRefusal::new(
                "not_found",
                "Vướng mắc chưa được tạo",
                "the obstacle does not exist",
            ));
        }
        (Some(_), ObstacleAction::Draft(_)) => {
            return Err(ObstacleRefusal::new(
                "exists",
                "Vướng mắc đã tồn tại",
                "the obstacle already exists",
            ));
        }
        (Some(o), _) if !is_allowed(name, o.status) => {
            return Err(ObstacleRefusal::new(
                "not_allowed",
                format!(
                    "Không thể {name} khi vướng mắc ở trạng thái \u{201c}{}\u{201d}",
                    o.status.label_vi()
                ),
                format!("{name} is not allowed from {}", o.status.as_str()),
            ));
        }
        (Some(o), action) => change(o, action, now)?,
    };
    Ok(ObstacleEvent {
        version: state.map_or(1, |o| o.version + 1),
        actor: command.actor.clone(),
        at: now,
        payload,
    })
}

fn change(
    o: &Obstacle,
    action: &ObstacleAction,
    now: DateTime<Utc>,
) -> Result<Payload, ObstacleRefusal> {
    let future = |due: DateTime<Utc>| {
        if due > now {
            Ok(())
        } else {
            Err(ObstacleRefusal::new(
                "due_in_past",
                "Hạn trả lời phải sau thời điểm hiện tại",
                "the answer due date must be in the future",
            ))
        }
    };
    Ok(match action {
        ObstacleAction::Submit {
            owner,
            due_at,
            figures,
        } => {
            future(*due_at)?;
            Payload::Submitted {
                owner: owner.clone(),
                due_at: *due_at,
                figures: figures.clone(),
            }
        }
        ObstacleAction::Receive => Payload::Received,
        ObstacleAction::Answer { text } => {
            require(text, "nội dung trả lời", "an answer")?;
            Payload::Answered { text: text.clone() }
        }
        ObstacleAction::Escalate {
            reason,
            owner,
            due_at,
        } => {
            require(reason, "lý do chuyển cấp trên", "a reason")?;
            let current = o.level();
            if current.and_then(|l| l.next()) != Some(owner.level) {
                return Err(ObstacleRefusal::new(
                    "no_level_above",
                    "Không có cấp trên để chuyển vướng mắc này",
                    "there is no level above to escalate to",
                ));
            }
            future(*due_at)?;
            Payload::Escalated {
                reason: reason.clone(),
                owner: owner.clone(),
                due_at: *due_at,
            }
        }
        ObstacleAction::Resolve { note } => Payload::Resolved { note: note.clone() },
        ObstacleAction::Merge { into } => {
            if into.trim().is_empty() || *into == o.id {
                return Err(ObstacleRefusal::new(
                    "bad_group",
                    "Chọn một vướng mắc khác để gộp vào",
                    "choose another obstacle to merge into",
                ));
            }
            Payload::Merged { into: into.clone() }
        }
        ObstacleAction::GroupAnswer { from, answer } => {
            if o.merged_into.as_deref() != Some(from.as_str()) {
                return Err(ObstacleRefusal::new(
                    "bad_group",
                    "Câu trả lời không thuộc nhóm của vướng mắc này",
                    "the answer is not of this obstacle's group",
                ));
            }
            Payload::GroupAnswered {
                from: from.clone(),
                answer: answer.clone(),
            }
        }
        ObstacleAction::Draft(_) => unreachable_draft()?,
    })
}

fn unreachable_draft() -> Result<Payload, ObstacleRefusal> {
    Err(ObstacleRefusal::new(
        "exists",
        "Vướng mắc đã tồn tại",
        "the obstacle already exists",
    ))
}

/// Applies one event (`state` is `None` before the draft); a wrong version
/// or a transition the table forbids is refused, so a corrupt history is
/// never read as a case.
pub fn evolve(
    id: &str,
    state: Option<Obstacle>,
    e: &ObstacleEvent,
) -> Result<Obstacle, ObstacleRefusal> {
    let expected = state.as_ref().map_or(1, |o| o.version + 1);
    if e.version != expected {
        return Err(ObstacleRefusal::new(
            "version",
            format!("Sai phiên bản sự kiện: cần {expected}, nhận {}", e.version),
            format!("event version {} where {expected} was expected", e.version),
        ));
    }
    let mut o = match (state, &e.payload) {
        (None, Payload::Drafted { draft }) => {
            return Ok(Obstacle {
                id: id.to_owned(),
                version: 1,
                draft: (**draft).clone(),
                raised_by: e.actor.clone(),
                created_at: e.at,
                status: Status::Drafted,
                owner: None,
                due_at: None,
                submitted_at: None,
                figures: Vec::new(),
                answer: None,
                merged_into: None,
                escalations: Vec::new(),
                resolution: None,
            });
        }
        (Some(o), p) if is_allowed(action_of(p), o.status) => o,
        (Some(o), p) => {
            return Err(ObstacleRefusal::new(
                "not_allowed",
                format!("Sự kiện {} không hợp lệ", p.type_name()),
                format!(
                    "event {} not allowed from {}",
                    p.type_name(),
                    o.status.as_str()
                ),
            ));
        }
        (None, _) => {
            return Err(ObstacleRefusal::new(
                "not_found",
                "Sự kiện cho vướng mắc chưa tồn tại",
                "event for an obstacle that does not exist",
            ));
        }
    };
    o.version = e.version;
    match &e.payload {
        Payload::Drafted { .. } => {}
        Payload::Submitted {
            owner,
            due_at,
            figures,
        } => {
            o.status = Status::Submitted;
            o.owner = Some(owner.clone());
            o.due_at = Some(*due_at);
            o.submitted_at = Some(e.at);
            o.figures = figures.clone();
        }
        Payload::Received => o.status = Status::Received,
        Payload::Answered { text } => {
            o.status = Status::Answered;
            o.answer = Some(Answer {
                text: text.clone(),
                by: o.owner.clone().unwrap_or_else(|| Owner {
                    agency: e.actor.agency.clone(),
                    name: e.actor.agency.clone(),
                    level: Level::Department,
                }),
                at: e.at,
                via: None,
            });
            o.due_at = None;
        }
        Payload::Escalated {
            reason,
            owner,
            due_at,
        } => {
            o.status = Status::Escalated;
            o.owner = Some(owner.clone());
            o.due_at = Some(*due_at);
            o.escalations.push(reason.clone());
        }
        Payload::Resolved { note } => {
            o.status = Status::Resolved;
            o.resolution = Some(note.clone());
        }
        Payload::Merged { into } => {
            o.status = Status::Merged;
            o.merged_into = Some(into.clone());
            o.due_at = None;
        }
        Payload::GroupAnswered { answer, from } => {
            o.status = Status::Answered;
            let mut a = answer.clone();
            a.via = Some(from.clone());
            o.answer = Some(a);
        }
    }
    Ok(o)
}

fn action_of(p: &Payload) -> &'static str {
    match p {
        Payload::Drafted { .. } => "create",
        Payload::Submitted { .. } => "submit",
        Payload::Received => "receive",
        Payload::Answered { .. } => "answer",
        Payload::Escalated { .. } => "escalate",
        Payload::Resolved { .. } => "resolve",
        Payload::Merged { .. } => "merge",
        Payload::GroupAnswered { .. } => "group_answer",
    }
}

/// The case its events make, in order.
pub fn replay(id: &str, events: &[ObstacleEvent]) -> Result<Option<Obstacle>, ObstacleRefusal> {
    let mut state = None;
    for e in events {
        state = Some(evolve(id, state, e)?);
    }
    Ok(state)
}
