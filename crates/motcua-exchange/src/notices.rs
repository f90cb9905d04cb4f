//! The notice sinks (issue 15 item 7): `notices-email` and `notices-sms`,
//! one lane each, so an SMTP server that is down holds back no SMS and the
//! other way round.
//!
//! For each event the sink asks [`Notices::prepare`] what to do: most
//! events call for no notice and are delivered at once; a retried event
//! whose notice is recorded already is delivered without sending again; a
//! notice with no contact or to a contact who opted out is recorded and
//! delivered; otherwise the message goes to the [`NoticeTransport`] and,
//! once the server or gateway took it, is recorded in the dossier's
//! notice history. A transport that is down or answers a temporary
//! failure leaves the event for a retry with backoff (nothing recorded,
//! nothing lost); a permanent refusal (a malformed or unknown address) is
//! recorded as `refused`, so the dossier's later notices still go.

use std::sync::Arc;

use async_trait::async_trait;
use motcua_app::exchange::CloudEvent;
use motcua_app::notices::{Notices, Outgoing, Prepared, is_feedback_event};
use motcua_app::ports::notices::NoticeOutcome;
use motcua_domain::notice::NoticeChannel;

use crate::sink::{Sink, SinkError};

/// How a transport failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// Worth retrying (down, timeout, 4xx SMTP reply, 5xx or 429 answer).
    Transient(String),
    /// Refused for good (bad address, unknown mailbox): recorded, not
    /// retried.
    Refused(String),
}

/// Sends one message on one channel (SMTP, the SMS gateway).
#[async_trait]
pub trait NoticeTransport: Send + Sync {
    /// Hands `message` over; `Ok` once the server or gateway accepted it.
    async fn send(&self, message: &Outgoing) -> Result<(), TransportError>;
}

/// A notice sink: one channel, one transport.
pub struct NoticeSink {
    name: String,
    channel: NoticeChannel,
    notices: Notices,
    transport: Arc<dyn NoticeTransport>,
}

impl NoticeSink {
    /// The sink of `channel` (named `notices-email` or `notices-sms`).
    pub fn new(
        channel: NoticeChannel,
        notices: Notices,
        transport: Arc<dyn NoticeTransport>,
    ) -> Self {
        Self {
            name: format!("notices-{}", channel.as_str()),
            channel,
            notices,
            transport,
        }
    }

    async fn one(&self, event: &CloudEvent) -> Result<(), SinkError> {
        let store = |e: motcua_app::StoreError| SinkError::transient(format!("notices: {e}"));
        match self
            .notices
            .prepare(event, self.channel)
            .await
            .map_err(store)?
        {
            Prepared::NotANotice | Prepared::AlreadyRecorded => Ok(()),
            Prepared::Skip(row) => {
                self.notices.record_skipped(&row).await.map_err(store)?;
                Ok(())
            }
            Prepared::Send(message) => match self.transport.send(&message).await {
                Ok(()) => {
                    self.notices
                        .record(&message, NoticeOutcome::Sent)
                        .await
                        .map_err(store)?;
                    tracing::info!(dossier = %message.dossier_code, channel = self.channel.as_str(), kind = message.kind.as_str(), "notice sent");
                    Ok(())
                }
                Err(TransportError::Refused(why)) => {
                    tracing::warn!(dossier = %message.dossier_code, channel = self.channel.as_str(), error = %why, "notice refused for good");
                    self.notices
                        .record(&message, NoticeOutcome::Refused)
                        .await
                        .map_err(store)?;
                    Ok(())
                }
                Err(TransportError::Transient(why)) => Err(SinkError::transient(why)),
            },
        }
    }
}

#[async_trait]
impl Sink for NoticeSink {
    fn name(&self) -> &str {
        &self.name
    }

    async fn deliver(&self, events: &[CloudEvent]) -> Vec<Result<(), SinkError>> {
        let mut out = Vec::with_capacity(events.len());
        let mut down: Option<SinkError> = None;
        for event in events {
            // Once the transport is down, the rest of the batch waits for
            // the retry instead of knocking on a closed door each time.
            if let Some(err) = &down {
                out.push(Err(err.clone()));
                continue;
            }
            let result = self.one(event).await;
            if let Err(e) = &result {
                down = Some(e.clone());
            }
            out.push(result);
        }
        out
    }
}

/// Any sink but a notice sink, kept from the feedback notices' events
/// (ADR 0032 point 9): they carry a citizen's contact and are no dossier
/// event, so the hub, NATS, webhooks and the portal are answered "done"
/// for them without seeing them; every other event goes through.
pub struct WithoutFeedbackNotices(pub Arc<dyn Sink>);

#[async_trait]
impl Sink for WithoutFeedbackNotices {
    fn name(&self) -> &str {
        self.0.name()
    }

    fn batch(&self) -> Option<u32> {
        self.0.batch()
    }

    async fn deliver(&self, events: &[CloudEvent]) -> Vec<Result<(), SinkError>> {
        if !events.iter().any(is_feedback_event) {
            return self.0.deliver(events).await;
        }
        let passed: Vec<CloudEvent> = events
            .iter()
            .filter(|e| !is_feedback_event(e))
            .cloned()
            .collect();
        let mut answers = if passed.is_empty() {
            Vec::new()
        } else {
            self.0.deliver(&passed).await
        }
        .into_iter();
        events
            .iter()
            .map(|e| {
                if is_feedback_event(e) {
                    Ok(())
                } else {
                    answers.next().unwrap_or_else(|| {
                        Err(SinkError::transient(format!(
                            "{}: no answer for an event",
                            self.0.name()
                        )))
                    })
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use motcua_app::exchange::DossierSummary;

    use super::*;

    /// Remembers what it was given; refuses the event of dossier `B`.
    #[derive(Default)]
    struct Seen(Mutex<Vec<String>>);

    #[async_trait]
    impl Sink for Seen {
        fn name(&self) -> &str {
            "hub"
        }

        async fn deliver(&self, events: &[CloudEvent]) -> Vec<Result<(), SinkError>> {
            events
                .iter()
                .map(|e| {
                    self.0.lock().unwrap().push(e.subject.clone());
                    if e.subject == "B" {
                        Err(SinkError::transient("down"))
                    } else {
                        Ok(())
                    }
                })
                .collect()
        }
    }

    fn dossier_event(code: &str) -> CloudEvent {
        let summary = DossierSummary {
            code: code.into(),
            version: 1,
            ..DossierSummary::default()
        };
        let at = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        CloudEvent::new("19", None, "received", at, summary, None)
    }

    #[tokio::test]
    async fn other_sinks_never_see_a_feedback_notice_and_keep_their_answers() {
        let payload = serde_json::json!({
            "code": "PAKN-1", "version": 2, "kind": "feedback_answered",
            "at": "2025-07-15T01:00:00Z", "sender_name": "", "contact": "a@b.vn", "text": "x"
        });
        let feedback = motcua_app::notices::feedback_cloud_event(
            "19",
            "feedback.answered",
            "PAKN-1",
            2,
            &payload.to_string(),
        )
        .unwrap();
        assert_eq!(feedback.kind, "vn.motcua.feedback.answered");
        assert_eq!(feedback.id, "19.PAKN-1.2");
        let inner = Arc::new(Seen::default());
        let sink = WithoutFeedbackNotices(inner.clone());
        assert_eq!(sink.name(), "hub");
        let out = sink
            .deliver(&[dossier_event("A"), feedback.clone(), dossier_event("B")])
            .await;
        assert_eq!(out[0], Ok(()));
        assert_eq!(out[1], Ok(()));
        assert!(out[2].is_err());
        assert_eq!(sink.deliver(&[feedback]).await, vec![Ok(())]);
        assert_eq!(*inner.0.lock().unwrap(), vec!["A", "B"]);
    }
}
