//! The notices section of the officer's dossier page (issue 15 item 7):
//! every notice the applicant was sent (or not sent, and why), by e-mail
//! or SMS, with when, to whom (masked) and about what.

use motcua_domain::format::local_datetime;
use motcua_domain::notice::{NoticeChannel, NoticeKind};

use crate::AppState;
use crate::i18n::Messages;

/// One notice as the page shows it.
pub struct NoticeLine {
    /// When, Vietnam time.
    pub at: String,
    /// E-mail or SMS, in words.
    pub channel: String,
    /// Why, in words.
    pub kind: String,
    /// The recipient, masked.
    pub recipient: String,
    /// What became of it, in words.
    pub outcome: String,
    /// Not sent (opted out, no contact, refused).
    pub not_sent: bool,
}

/// The dossier's notices, oldest first (the caller checked who asks); none
/// when they cannot be read (the page still shows).
pub async fn lines(state: &AppState, t: &Messages, code: &str) -> Vec<NoticeLine> {
    let rows = match state.notices.history(code).await {
        Ok(rows) => rows,
        Err(err) => {
            tracing::warn!(dossier = code, error = %err, "reading the notices of a dossier");
            return Vec::new();
        }
    };
    rows.into_iter()
        .map(|n| NoticeLine {
            at: local_datetime(n.at),
            channel: match NoticeChannel::parse(&n.channel) {
                Some(NoticeChannel::Email) => t.get("desk-notice-email"),
                Some(NoticeChannel::Sms) => t.get("desk-notice-sms"),
                None => n.channel.clone(),
            },
            kind: NoticeKind::parse(&n.kind)
                .map(|k| {
                    t.get(&format!(
                        "desk-notice-kind-{}",
                        k.as_str().replace('_', "-")
                    ))
                })
                .unwrap_or_else(|| n.kind.clone()),
            recipient: n.recipient,
            not_sent: n.outcome != motcua_app::ports::notices::NoticeOutcome::Sent,
            outcome: t.get(&format!(
                "desk-notice-outcome-{}",
                n.outcome.as_str().replace('_', "-")
            )),
        })
        .collect()
}
