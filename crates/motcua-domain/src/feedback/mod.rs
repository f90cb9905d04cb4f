//! Citizens' feedback and complaints (phản ánh, kiến nghị — PAKN).
//!
//! A feedback is about a dossier, a procedure, or nothing in particular
//! (general), and is addressed to a unit (commune or province). Its life:
//!
//! ```text
//! received ──► refused
//!    │  ▲
//!    │  └── supplemented (the sender answers)
//!    ▼
//! supplement_requested
//! received ──► answered ──► published
//! ```
//!
//! An officer of the unit classifies it (about the rules/procedure or about
//! staff behaviour, indicator 5.1), refuses it, asks the sender for more,
//! answers it and publishes the answer. The sender rates the answer (like or
//! dislike) and may complain again about it (follow-up, indicator 5.3).
//!
//! **Deadlines** (one-stop rules §2.9) are data with effective dates
//! ([`DeadlineRules`], `reference/feedback/deadlines.toml`) on the
//! working-day clock of dossiers: refuse within 2 working days, request a
//! supplement within 5, answer within 15 — each counted from the receipt,
//! the answer's again from the sender's supplement — and publish the answer
//! within 2 working days of it.
//!
//! **Personal data.** The sender's name and contact are kept for the
//! officers of the unit; a published answer carries only the summary the
//! officer wrote for publication, never the sender or the original text.
//!
//! [`decide`] is pure: a state and a command give events or a
//! [`FeedbackRefusal`]; [`evolve`] folds events into the state.

mod deadlines;
mod decide;

pub use deadlines::{
    DEADLINES_TOML, DeadlineFileError, DeadlineRules, DeadlineSet, Due, working_days_after,
};
pub use decide::{FeedbackRefusal, decide, evolve, replay};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest text of a feedback, an answer or a follow-up, in characters.
pub const MAX_TEXT: usize = 4000;

/// Where a feedback is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackStatus {
    /// Received (or received again after a supplement), to be handled.
    Received,
    /// The sender was asked for more information.
    SupplementRequested,
    /// Refused (will not be handled), with a reason.
    Refused,
    /// Answered.
    Answered,
    /// The answer is public.
    Published,
}

impl FeedbackStatus {
    /// Every status.
    pub const ALL: [Self; 5] = [
        Self::Received,
        Self::SupplementRequested,
        Self::Refused,
        Self::Answered,
        Self::Published,
    ];

    /// The stored and API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::SupplementRequested => "supplement_requested",
            Self::Refused => "refused",
            Self::Answered => "answered",
            Self::Published => "published",
        }
    }

    /// From [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Handled: refused, answered or published.
    pub fn is_handled(self) -> bool {
        matches!(self, Self::Refused | Self::Answered | Self::Published)
    }
}

/// What a feedback is about, as an officer classifies it (indicator 5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// About the rules, the procedure (quy định hành chính, TTHC).
    Rules,
    /// About staff behaviour (hành vi của cán bộ, công chức).
    StaffBehaviour,
}

impl Classification {
    /// Both.
    pub const ALL: [Self; 2] = [Self::Rules, Self::StaffBehaviour];

    /// The stored and API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rules => "rules",
            Self::StaffBehaviour => "staff_behaviour",
        }
    }

    /// From [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// What the feedback is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Subject {
    /// A dossier (the sender proved it with the dossier's verifier).
    Dossier {
        /// The dossier code.
        code: String,
        /// Its procedure.
        procedure: String,
    },
    /// A procedure of the catalog.
    Procedure {
        /// The procedure code.
        code: String,
    },
    /// Nothing in particular.
    General,
}

impl Subject {
    /// `dossier`, `procedure` or `general`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Dossier { .. } => "dossier",
            Self::Procedure { .. } => "procedure",
            Self::General => "general",
        }
    }

    /// The dossier code, if any.
    pub fn dossier_code(&self) -> Option<&str> {
        match self {
            Self::Dossier { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The procedure, directly or through the dossier.
    pub fn procedure_code(&self) -> Option<&str> {
        match self {
            Self::Dossier { procedure, .. } | Self::Procedure { code: procedure } => {
                Some(procedure)
            }
            Self::General => None,
        }
    }
}

/// The sender (personal data: shown only to officers of the unit, audited).
/// Both fields may be empty: anonymous feedback is allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sender {
    /// Full name.
    pub name: String,
    /// Phone or e-mail.
    pub contact: String,
}

impl Sender {
    /// Neither a name nor a contact.
    pub fn is_anonymous(&self) -> bool {
        self.name.trim().is_empty() && self.contact.trim().is_empty()
    }
}

/// The sender's rating of the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reaction {
    /// Hài lòng.
    Like,
    /// Không hài lòng.
    Dislike,
}

impl Reaction {
    /// The stored and API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Like => "like",
            Self::Dislike => "dislike",
        }
    }

    /// From [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Like, Self::Dislike]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// A command on a feedback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedbackCommand {
    /// A new feedback.
    Receive {
        /// Its identifier.
        id: String,
        /// The unit addressed.
        unit_code: String,
        /// What it is about.
        subject: Subject,
        /// Who sent it.
        sender: Sender,
        /// What they wrote.
        text: String,
    },
    /// An officer classifies it.
    Classify {
        /// The class.
        class: Classification,
        /// The officer.
        by: String,
    },
    /// An officer refuses it.
    Refuse {
        /// Why.
        reason: String,
        /// The officer.
        by: String,
    },
    /// An officer asks the sender for more.
    RequestSupplement {
        /// What is needed.
        what: String,
        /// The officer.
        by: String,
    },
    /// The sender answers a supplement request.
    Supplement {
        /// What they add.
        text: String,
    },
    /// An officer answers.
    Answer {
        /// The answer.
        text: String,
        /// The officer.
        by: String,
    },
    /// An officer publishes the answer, with the question as it may be
    /// shown publicly (written without personal data).
    Publish {
        /// The question as published.
        summary: String,
        /// The officer.
        by: String,
    },
    /// The sender rates the answer.
    Rate {
        /// Like or dislike.
        reaction: Reaction,
    },
    /// The sender complains again about the answer.
    FollowUp {
        /// What they write.
        text: String,
    },
}

impl FeedbackCommand {
    /// The officer actions' API names.
    pub const OFFICER_ACTIONS: [&'static str; 5] = [
        "classify",
        "refuse",
        "request_supplement",
        "answer",
        "publish",
    ];
}

/// What happened to a feedback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FeedbackEvent {
    /// Received.
    Received {
        /// Identifier.
        id: String,
        /// Unit addressed.
        unit_code: String,
        /// About.
        subject: Subject,
        /// Sender.
        sender: Sender,
        /// Text.
        text: String,
        /// When.
        at: DateTime<Utc>,
        /// Deadlines from this receipt.
        due: Due,
    },
    /// Classified.
    Classified {
        /// Class.
        class: Classification,
        /// Officer.
        by: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// Refused.
    Refused {
        /// Why.
        reason: String,
        /// Officer.
        by: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// A supplement was requested.
    SupplementRequested {
        /// What.
        what: String,
        /// Officer.
        by: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// The sender supplemented: received again, with new deadlines.
    Supplemented {
        /// What they added.
        text: String,
        /// When.
        at: DateTime<Utc>,
        /// Deadlines from this receipt.
        due: Due,
    },
    /// Answered.
    Answered {
        /// The answer.
        text: String,
        /// Officer.
        by: String,
        /// When.
        at: DateTime<Utc>,
        /// Publish by.
        publish_by: DateTime<Utc>,
    },
    /// Published.
    Published {
        /// The question as published.
        summary: String,
        /// Officer.
        by: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// Rated by the sender (a later rating replaces an earlier one).
    Rated {
        /// Like or dislike.
        reaction: Reaction,
        /// When.
        at: DateTime<Utc>,
    },
    /// Followed up by the sender.
    FollowedUp {
        /// What they wrote.
        text: String,
        /// When.
        at: DateTime<Utc>,
    },
}

impl FeedbackEvent {
    /// When it happened.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Received { at, .. }
            | Self::Classified { at, .. }
            | Self::Refused { at, .. }
            | Self::SupplementRequested { at, .. }
            | Self::Supplemented { at, .. }
            | Self::Answered { at, .. }
            | Self::Published { at, .. }
            | Self::Rated { at, .. }
            | Self::FollowedUp { at, .. } => *at,
        }
    }

    /// The event's name (`received`, `classified`…).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Received { .. } => "received",
            Self::Classified { .. } => "classified",
            Self::Refused { .. } => "refused",
            Self::SupplementRequested { .. } => "supplement_requested",
            Self::Supplemented { .. } => "supplemented",
            Self::Answered { .. } => "answered",
            Self::Published { .. } => "published",
            Self::Rated { .. } => "rated",
            Self::FollowedUp { .. } => "followed_up",
        }
    }
}

/// A feedback as its events leave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// Identifier.
    pub id: String,
    /// Unit addressed.
    pub unit_code: String,
    /// About.
    pub subject: Subject,
    /// Sender (personal data).
    pub sender: Sender,
    /// What the sender wrote.
    pub text: String,
    /// First received.
    pub received_at: DateTime<Utc>,
    /// Status.
    pub status: FeedbackStatus,
    /// Class, once classified.
    pub classification: Option<Classification>,
    /// Deadlines of the last receipt.
    pub due: Due,
    /// What the officer asked for, while or after asking.
    pub supplement_request: Option<String>,
    /// What the sender added, in order.
    pub supplements: Vec<String>,
    /// Why it was refused.
    pub refusal_reason: Option<String>,
    /// The answer.
    pub answer: Option<String>,
    /// When it was handled (refused or answered).
    pub handled_at: Option<DateTime<Utc>>,
    /// Publish the answer by.
    pub publish_by: Option<DateTime<Utc>>,
    /// The question as published.
    pub public_summary: Option<String>,
    /// When published.
    pub published_at: Option<DateTime<Utc>>,
    /// The sender's rating.
    pub reaction: Option<Reaction>,
    /// The sender's follow-up complaint.
    pub follow_up: Option<String>,
    /// How many events.
    pub version: u32,
}

impl Feedback {
    /// The deadline that judges its handling: to refuse when refused, else
    /// to answer (indicator 5.2).
    pub fn handling_due(&self) -> DateTime<Utc> {
        if self.status == FeedbackStatus::Refused {
            self.due.refuse_by
        } else {
            self.due.answer_by
        }
    }

    /// The next deadline an officer must meet, if any: to answer while
    /// received, to publish while answered.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        match self.status {
            FeedbackStatus::Received => Some(self.due.answer_by),
            FeedbackStatus::Answered => self.publish_by,
            _ => None,
        }
    }

    /// Whether the next deadline has passed at `now`.
    pub fn overdue_at(&self, now: DateTime<Utc>) -> bool {
        self.next_due().is_some_and(|d| now > d)
    }

    /// Handled after its deadline.
    pub fn handled_late(&self) -> bool {
        self.handled_at.is_some_and(|h| h > self.handling_due())
    }
}
