//! Notices to applicants by e-mail and SMS (issue 15 item 7; facts sheet
//! §2.4, §2.10).
//!
//! A notice is never sent from the request that changed the dossier: the
//! event goes to the outbox in the dossier's transaction, and the relay
//! hands it to the sinks `notices-email` and `notices-sms`
//! (`motcua-exchange`), each with its own lane, backoff and dead letters
//! (ADR 0018). An SMTP server or SMS gateway that is down delays notices;
//! it loses none. For each event, [`Notices::prepare`] decides: not a
//! notice (an event that calls for none, or one older than
//! [`NoticeSettings::max_age`], e.g. the history a new sink receives),
//! already recorded (a retried delivery: nothing is sent twice), nothing
//! to send (no contact for the channel, or the contact opted out; recorded
//! in the history all the same), or a message to send; once the server or
//! gateway took it, [`Notices::record`] writes it in the dossier's notice
//! history (`notices`, shown on the officer's dossier page).
//!
//! A feedback (PAKN) is announced the same way (ADR 0032 point 9): the
//! feedback store writes an outbox row `feedback.answered` or
//! `feedback.supplement_requested` ([`feedback_outbox`]) in the
//! transaction of the answer or the request, keyed by the feedback's id;
//! the notice goes to the sender's contact (an e-mail or a phone) and is
//! recorded under the feedback's id, so the officer's feedback page shows
//! it. Only the notice sinks read these rows ([`is_feedback_event`]).
//!
//! Opt-out is per contact (an e-mail address or a phone number): the
//! applicant's choice at filing ([`NoticeService::opt_out`]) or the
//! unsubscribe link at the end of every e-mail
//! (`/thong-bao/huy-dang-ky?t=<token>`, [`NoticeService::unsubscribe`]).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use motcua_domain::audit::mask_contact;
use motcua_domain::dossier::{Dossier, Event, EventPayload};
use motcua_domain::feedback::{Feedback, FeedbackEvent};
use motcua_domain::notice::{NoticeChannel, NoticeFacts, NoticeKind, normalise_contact, render};
use serde::{Deserialize, Serialize};

use crate::StoreError;
use crate::exchange::{CloudEvent, DossierSummary};
use crate::ports::Clock;
use crate::ports::dossier_rows::OutboxRow;
use crate::ports::dossiers::DossierStore;
use crate::ports::notices::{NoticeOutcome, NoticeRow, NoticeStore};

/// How notices are written.
#[derive(Debug, Clone)]
pub struct NoticeSettings {
    /// Base URL of the public pages (`[server] public_url`): the tracking
    /// and unsubscribe links.
    pub public_url: String,
    /// Events older than this are not notified (a sink registered today
    /// receives the whole history: no notice for last year's dossiers).
    pub max_age: chrono::Duration,
}

impl Default for NoticeSettings {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            max_age: chrono::Duration::hours(72),
        }
    }
}

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The exchange event's id.
    pub event_id: String,
    /// The channel.
    pub channel: NoticeChannel,
    /// Why.
    pub kind: NoticeKind,
    /// Mã hồ sơ.
    pub dossier_code: String,
    /// The e-mail address or phone number, as the applicant gave it.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// The text.
    pub body: String,
    /// The contact's unsubscribe link.
    pub unsubscribe_url: String,
}

impl Outgoing {
    /// A stable id of this message (`<event id>.<channel>`): the e-mail's
    /// `Message-ID` and the SMS gateway's idempotency key.
    pub fn message_id(&self) -> String {
        format!("{}.{}", self.event_id, self.channel.as_str())
    }
}

/// What to do with one event on one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    /// The event calls for no notice (or is too old).
    NotANotice,
    /// Already recorded: a retried delivery; nothing to send.
    AlreadyRecorded,
    /// Nothing to send; record this row (no contact, opted out).
    Skip(NoticeRow),
    /// Send this, then [`Notices::record`] it.
    Send(Box<Outgoing>),
}

/// The notices' decisions over the store, for the sinks.
#[derive(Clone)]
pub struct Notices {
    store: Arc<dyn NoticeStore>,
    dossiers: Arc<dyn DossierStore>,
    settings: NoticeSettings,
    clock: Clock,
}

/// A fresh unsubscribe token (128 random bits, hex).
pub fn new_token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl Notices {
    /// Over the notice tables (`store`) and the dossiers, with
    /// `settings`, reading "now" from `clock`.
    pub fn new(
        store: Arc<dyn NoticeStore>,
        dossiers: Arc<dyn DossierStore>,
        settings: NoticeSettings,
        clock: Clock,
    ) -> Self {
        Self {
            store,
            dossiers,
            settings,
            clock,
        }
    }

    fn link(&self, path: &str) -> String {
        format!("{}{path}", self.settings.public_url.trim_end_matches('/'))
    }

    /// What to do with `event` on `channel`.
    pub async fn prepare(
        &self,
        event: &CloudEvent,
        channel: NoticeChannel,
    ) -> Result<Prepared, StoreError> {
        if is_feedback_event(event) {
            return self.prepare_feedback(event, channel).await;
        }
        let Some(change) = &event.data.change else {
            return Ok(Prepared::NotANotice);
        };
        let Ok(domain) = serde_json::from_value::<Event>(change.clone()) else {
            return Ok(Prepared::NotANotice);
        };
        let Some(kind) = NoticeKind::of_event(&domain.payload) else {
            return Ok(Prepared::NotANotice);
        };
        if self.clock.now() - event.time > self.settings.max_age {
            return Ok(Prepared::NotANotice);
        }
        if self
            .store
            .notice_recorded(&event.id, channel.as_str())
            .await?
        {
            return Ok(Prepared::AlreadyRecorded);
        }
        let code = event.subject.clone();
        let stored = self
            .dossiers
            .load_dossier(&code)
            .await?
            .ok_or(StoreError::NotFound)?;
        let dossier: Dossier = serde_json::from_str(&stored.projection.state_json)
            .map_err(|e| StoreError::Other(anyhow::anyhow!("dossier {code} unreadable: {e}")))?;
        let raw = match channel {
            NoticeChannel::Email => dossier.applicant.email.clone(),
            NoticeChannel::Sms => dossier.applicant.phone.clone(),
        }
        .filter(|c| !c.trim().is_empty());
        let facts = facts_of(&dossier, &domain.payload, self.link(&tracking_path(&code)));
        let text = render(kind, channel, &facts, None);
        let row = |recipient: String, outcome| NoticeRow {
            event_id: event.id.clone(),
            channel: channel.as_str().to_owned(),
            dossier_code: code.clone(),
            kind: kind.as_str().to_owned(),
            recipient,
            subject: text.subject.clone(),
            outcome,
            at: self.clock.now_millis(),
        };
        let Some(raw) = raw else {
            return Ok(Prepared::Skip(row(String::new(), NoticeOutcome::NoContact)));
        };
        let contact = self
            .store
            .notice_contact(&normalise_contact(&raw), &new_token())
            .await?;
        if contact.opted_out_at.is_some() {
            return Ok(Prepared::Skip(row(
                mask_contact(&raw),
                NoticeOutcome::OptedOut,
            )));
        }
        let unsubscribe_url = self.link(&format!("/thong-bao/huy-dang-ky?t={}", contact.token));
        let text = render(kind, channel, &facts, Some(&unsubscribe_url));
        Ok(Prepared::Send(Box::new(Outgoing {
            event_id: event.id.clone(),
            channel,
            kind,
            dossier_code: code,
            to: raw.trim().to_owned(),
            subject: text.subject,
            body: text.body,
            unsubscribe_url,
        })))
    }

    /// What to do with a feedback's outbox event on `channel`: the
    /// sender's contact, if it is one of this channel and did not opt out.
    async fn prepare_feedback(
        &self,
        event: &CloudEvent,
        channel: NoticeChannel,
    ) -> Result<Prepared, StoreError> {
        let Some(p) = event
            .data
            .change
            .clone()
            .and_then(|c| serde_json::from_value::<FeedbackNoticePayload>(c).ok())
        else {
            return Ok(Prepared::NotANotice);
        };
        let Some(kind) = NoticeKind::parse(&p.kind) else {
            return Ok(Prepared::NotANotice);
        };
        if self.clock.now() - event.time > self.settings.max_age {
            return Ok(Prepared::NotANotice);
        }
        if self
            .store
            .notice_recorded(&event.id, channel.as_str())
            .await?
        {
            return Ok(Prepared::AlreadyRecorded);
        }
        let facts = NoticeFacts {
            code: p.code.clone(),
            applicant: p.sender_name.clone(),
            tracking_url: self.link(&feedback_path(&p.code)),
            reason: Some(p.text.clone()).filter(|t| !t.trim().is_empty()),
            ..NoticeFacts::default()
        };
        let text = render(kind, channel, &facts, None);
        let row = |recipient: String, outcome| NoticeRow {
            event_id: event.id.clone(),
            channel: channel.as_str().to_owned(),
            dossier_code: p.code.clone(),
            kind: kind.as_str().to_owned(),
            recipient,
            subject: text.subject.clone(),
            outcome,
            at: self.clock.now_millis(),
        };
        let Some(raw) = contact_for(&p.contact, channel) else {
            return Ok(Prepared::Skip(row(String::new(), NoticeOutcome::NoContact)));
        };
        let contact = self
            .store
            .notice_contact(&normalise_contact(&raw), &new_token())
            .await?;
        if contact.opted_out_at.is_some() {
            return Ok(Prepared::Skip(row(
                mask_contact(&raw),
                NoticeOutcome::OptedOut,
            )));
        }
        let unsubscribe_url = self.link(&format!("/thong-bao/huy-dang-ky?t={}", contact.token));
        let text = render(kind, channel, &facts, Some(&unsubscribe_url));
        Ok(Prepared::Send(Box::new(Outgoing {
            event_id: event.id.clone(),
            channel,
            kind,
            dossier_code: p.code,
            to: raw,
            subject: text.subject,
            body: text.body,
            unsubscribe_url,
        })))
    }

    /// Records what became of a message (sent, or refused for good).
    pub async fn record(
        &self,
        sent: &Outgoing,
        outcome: NoticeOutcome,
    ) -> Result<bool, StoreError> {
        self.store
            .record_notice(&NoticeRow {
                event_id: sent.event_id.clone(),
                channel: sent.channel.as_str().to_owned(),
                dossier_code: sent.dossier_code.clone(),
                kind: sent.kind.as_str().to_owned(),
                recipient: mask_contact(&sent.to),
                subject: sent.subject.clone(),
                outcome,
                at: self.clock.now_millis(),
            })
            .await
    }

    /// Records a notice that was not sent.
    pub async fn record_skipped(&self, row: &NoticeRow) -> Result<bool, StoreError> {
        self.store.record_notice(row).await
    }
}

/// The public tracking page of a dossier.
pub fn tracking_path(code: &str) -> String {
    let encoded: String = code
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("/tra-cuu/{encoded}")
}

/// The sender's page of a feedback (the answer, with the sender's token).
pub fn feedback_path(id: &str) -> String {
    tracking_path(id).replacen("/tra-cuu/", "/phan-anh/", 1)
}

/// The outbox message types of feedback notices start with this.
pub const FEEDBACK_MESSAGE_PREFIX: &str = "feedback.";

/// The CloudEvent type of a feedback notice starts with this.
pub const FEEDBACK_EVENT_TYPE_PREFIX: &str = "vn.motcua.feedback.";

/// What a feedback's outbox row carries to the notice sinks (the sender's
/// contact is personal data: no other sink is given these events).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackNoticePayload {
    /// The feedback's id (the row's key, in `outbox.dossier_code`).
    pub code: String,
    /// The feedback's version after the event.
    pub version: u64,
    /// The notice kind (`feedback_answered`, `feedback_supplement_requested`).
    pub kind: String,
    /// When the event happened.
    pub at: DateTime<Utc>,
    /// The sender's name (may be empty).
    pub sender_name: String,
    /// The sender's contact, an e-mail or a phone (may be empty).
    pub contact: String,
    /// The answer, or what is to be supplemented.
    pub text: String,
}

/// The outbox rows announcing `events`, appended to a feedback whose
/// first new event has version `first_version`; `after` is the feedback
/// after them. An answer and a request for a supplement are announced;
/// other events are not. The store writes them in the events'
/// transaction.
pub fn feedback_outbox(
    after: &Feedback,
    events: &[FeedbackEvent],
    first_version: u32,
    now: DateTime<Utc>,
) -> Result<Vec<OutboxRow>, StoreError> {
    let mut rows = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let (kind, text) = match e {
            FeedbackEvent::Answered { text, .. } => (NoticeKind::FeedbackAnswered, text),
            FeedbackEvent::SupplementRequested { what, .. } => {
                (NoticeKind::FeedbackSupplementRequested, what)
            }
            _ => continue,
        };
        let version = u64::from(first_version) + u64::try_from(i).unwrap_or(u64::MAX);
        let payload = FeedbackNoticePayload {
            code: after.id.clone(),
            version,
            kind: kind.as_str().to_owned(),
            at: e.at(),
            sender_name: after.sender.name.clone(),
            contact: after.sender.contact.clone(),
            text: text.clone(),
        };
        rows.push(OutboxRow {
            event_version: version,
            message_type: format!(
                "{FEEDBACK_MESSAGE_PREFIX}{}",
                kind.as_str().trim_start_matches("feedback_")
            ),
            payload_json: serde_json::to_string(&payload)
                .map_err(|e| StoreError::Other(anyhow::anyhow!("feedback notice: {e}")))?,
            created_at: now,
        });
    }
    Ok(rows)
}

/// The CloudEvent of a feedback's outbox row (`vn.motcua.feedback.<…>`,
/// id `<province>.<feedback id>.<version>`), for the notice sinks.
pub fn feedback_cloud_event(
    province: &str,
    message_type: &str,
    key: &str,
    version: u64,
    payload_json: &str,
) -> Result<CloudEvent, String> {
    let p: FeedbackNoticePayload = serde_json::from_str(payload_json)
        .map_err(|e| format!("feedback outbox payload unreadable: {e}"))?;
    if p.code != key || p.version != version {
        return Err("outbox payload disagrees with its row".to_owned());
    }
    let name = message_type
        .strip_prefix(FEEDBACK_MESSAGE_PREFIX)
        .unwrap_or(message_type);
    let summary = DossierSummary {
        code: p.code.clone(),
        version,
        ..DossierSummary::default()
    };
    let at = p.at;
    let change = serde_json::to_value(&p).map_err(|e| e.to_string())?;
    let mut event = CloudEvent::new(province, None, name, at, summary, Some(change));
    event.kind = format!("{FEEDBACK_EVENT_TYPE_PREFIX}{name}");
    Ok(event)
}

/// Whether `event` is a feedback notice's (only the notice sinks take it).
pub fn is_feedback_event(event: &CloudEvent) -> bool {
    event.kind.starts_with(FEEDBACK_EVENT_TYPE_PREFIX)
}

/// The sender's contact if it is one of `channel`: an e-mail address for
/// e-mail, a phone number (9 to 15 digits) for SMS.
fn contact_for(contact: &str, channel: NoticeChannel) -> Option<String> {
    let c = contact.trim();
    let is_email = c.contains('@');
    let digits = c.chars().filter(char::is_ascii_digit).count();
    let ok = match channel {
        NoticeChannel::Email => is_email,
        NoticeChannel::Sms => !is_email && (9..=15).contains(&digits),
    };
    ok.then(|| c.to_owned())
}

/// What a notice of `payload` says about `dossier`.
fn facts_of(dossier: &Dossier, payload: &EventPayload, tracking_url: String) -> NoticeFacts {
    let mut f = NoticeFacts {
        code: dossier.code.as_str().to_owned(),
        applicant: dossier.applicant.name.clone(),
        procedure: dossier.procedure.code.clone(),
        tracking_url,
        due_at: dossier.due_at,
        ..NoticeFacts::default()
    };
    match payload {
        EventPayload::Received { due_at, .. } => f.due_at = Some(*due_at),
        EventPayload::SupplementRequested {
            reason, missing, ..
        } => {
            f.reason = Some(reason.clone());
            f.missing = missing.clone();
        }
        EventPayload::Extended {
            reason,
            previous_due_at,
            new_due_at,
        } => {
            f.reason = Some(reason.clone());
            f.previous_due_at = *previous_due_at;
            f.due_at = Some(*new_due_at);
        }
        _ => {}
    }
    f
}

/// A contact as the unsubscribe page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactView {
    /// Masked.
    pub masked: String,
    /// When it opted out, if it did.
    pub opted_out_at: Option<DateTime<Utc>>,
}

/// The notices' use cases for the pages: a dossier's notice history, the
/// unsubscribe link, the opt-out chosen at filing.
#[derive(Clone)]
pub struct NoticeService {
    store: Arc<dyn NoticeStore>,
    clock: Clock,
}

impl NoticeService {
    /// Over `store`, reading "now" from `clock`.
    pub fn new(store: Arc<dyn NoticeStore>, clock: Clock) -> Self {
        Self { store, clock }
    }

    /// The dossier's notices, oldest first (the caller checked who asks).
    pub async fn history(&self, dossier_code: &str) -> Result<Vec<NoticeRow>, StoreError> {
        self.store.dossier_notices(dossier_code).await
    }

    /// The contact of an unsubscribe token, masked.
    pub async fn contact(&self, token: &str) -> Result<Option<ContactView>, StoreError> {
        if !valid_token(token) {
            return Ok(None);
        }
        Ok(self
            .store
            .notice_contact_by_token(token)
            .await?
            .map(|c| ContactView {
                masked: mask_contact(&c.contact),
                opted_out_at: c.opted_out_at,
            }))
    }

    /// Opts out the contact of `token`; `None` for an unknown token.
    pub async fn unsubscribe(&self, token: &str) -> Result<Option<ContactView>, StoreError> {
        if !valid_token(token) {
            return Ok(None);
        }
        let Some(c) = self.store.notice_contact_by_token(token).await? else {
            return Ok(None);
        };
        self.store
            .opt_out_contact(&c.contact, &new_token(), self.clock.now_millis())
            .await?;
        self.contact(token).await
    }

    /// The applicant's choice at filing: no notices to these contacts.
    pub async fn opt_out(&self, contacts: &[&str]) -> Result<(), StoreError> {
        for c in contacts.iter().filter(|c| !c.trim().is_empty()) {
            self.store
                .opt_out_contact(&normalise_contact(c), &new_token(), self.clock.now_millis())
                .await?;
        }
        Ok(())
    }
}

/// Tokens are ours (32 hex digits): anything else is not looked up.
fn valid_token(token: &str) -> bool {
    token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_32_hex_digits_and_paths_are_encoded() {
        let t = new_token();
        assert!(valid_token(&t), "{t}");
        assert!(!valid_token("../../etc"));
        assert_ne!(new_token(), t);
        assert_eq!(
            tracking_path("H55.X05743-250715-0001"),
            "/tra-cuu/H55.X05743-250715-0001"
        );
        assert_eq!(tracking_path("a b/c"), "/tra-cuu/a%20b%2Fc");
        assert_eq!(feedback_path("PAKN-1"), "/phan-anh/PAKN-1");
    }

    #[test]
    fn a_feedback_contact_belongs_to_one_channel() {
        assert_eq!(
            contact_for(" an@example.vn ", NoticeChannel::Email).as_deref(),
            Some("an@example.vn")
        );
        assert_eq!(contact_for("an@example.vn", NoticeChannel::Sms), None);
        assert_eq!(
            contact_for("0912 345 678", NoticeChannel::Sms).as_deref(),
            Some("0912 345 678")
        );
        assert_eq!(contact_for("0912345678", NoticeChannel::Email), None);
        assert_eq!(contact_for("Phường 3", NoticeChannel::Sms), None);
    }
}
