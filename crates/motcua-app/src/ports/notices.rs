//! Notices to applicants (issue 15 item 7): what was sent for which event
//! on which channel (the dossier's notice history, and the guard that keeps
//! a retried delivery from sending twice), and each contact's unsubscribe
//! token and opt-out.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreError;

/// What became of a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeOutcome {
    /// Handed to the SMTP server or the SMS gateway, which accepted it.
    Sent,
    /// Not sent: the applicant opted out of this channel's contact.
    OptedOut,
    /// Not sent: the dossier has no e-mail (or phone) for this channel.
    NoContact,
    /// Refused for good by the SMTP server or the gateway (a malformed or
    /// unknown address): recorded, not retried.
    Refused,
}

impl NoticeOutcome {
    /// `sent`, `opted_out` or `no_contact`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::OptedOut => "opted_out",
            Self::NoContact => "no_contact",
            Self::Refused => "refused",
        }
    }

    /// The outcome of a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sent" => Some(Self::Sent),
            "opted_out" => Some(Self::OptedOut),
            "no_contact" => Some(Self::NoContact),
            "refused" => Some(Self::Refused),
            _ => None,
        }
    }
}

/// One `notices` row: one event's notice on one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRow {
    /// The exchange event's id (`<province>.<code>.<version>`), or another
    /// stable id for a notice that is not a dossier event.
    pub event_id: String,
    /// `email` or `sms`.
    pub channel: String,
    /// Mã hồ sơ.
    pub dossier_code: String,
    /// `received`, `supplement_requested`, `apology`, `result_ready`,
    /// `feedback_answered`.
    pub kind: String,
    /// The recipient, masked (`a*****yen@example.vn`, `0******678`); empty
    /// when there was none.
    pub recipient: String,
    /// The subject line.
    pub subject: String,
    /// What became of it.
    pub outcome: NoticeOutcome,
    /// When.
    pub at: DateTime<Utc>,
}

/// A contact (normalised e-mail or phone) and its unsubscribe token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeContact {
    /// The normalised contact.
    pub contact: String,
    /// The token of its unsubscribe link.
    pub token: String,
    /// When it opted out, if it did.
    pub opted_out_at: Option<DateTime<Utc>>,
}

/// The notices' tables.
#[async_trait]
pub trait NoticeStore: Send + Sync {
    /// The contact's row, created with `new_token` when it has none.
    async fn notice_contact(
        &self,
        contact: &str,
        new_token: &str,
    ) -> Result<NoticeContact, StoreError>;
    /// The contact whose unsubscribe token is `token`.
    async fn notice_contact_by_token(
        &self,
        token: &str,
    ) -> Result<Option<NoticeContact>, StoreError>;
    /// Opts a contact out from `at` (created with `new_token` when it has no
    /// row yet); an earlier opt-out is kept.
    async fn opt_out_contact(
        &self,
        contact: &str,
        new_token: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Whether a notice of `event_id` on `channel` is already recorded.
    async fn notice_recorded(&self, event_id: &str, channel: &str) -> Result<bool, StoreError>;
    /// Records a notice; false when one of that event and channel was
    /// recorded already (the first stays).
    async fn record_notice(&self, row: &NoticeRow) -> Result<bool, StoreError>;
    /// The dossier's notices, oldest first.
    async fn dossier_notices(&self, dossier_code: &str) -> Result<Vec<NoticeRow>, StoreError>;
}
