//! `decide` and `evolve` of a feedback.

use chrono::{DateTime, Utc};

use super::{
    DeadlineRules, Feedback, FeedbackCommand as C, FeedbackEvent as E, FeedbackStatus as S,
    MAX_TEXT,
};
use crate::calendar::WorkingCalendar;

/// Why a command on a feedback was refused (Vietnamese / English).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedbackRefusal {
    /// The command needs an existing feedback.
    #[error("Không có phản ánh, kiến nghị này / no such feedback")]
    NoFeedback,
    /// A new feedback over an existing one.
    #[error("Phản ánh, kiến nghị đã tồn tại / the feedback already exists")]
    AlreadyExists,
    /// Not in this status.
    #[error("Không thực hiện được khi phản ánh ở trạng thái {0} / not allowed in status {0}")]
    NotAllowed(&'static str),
    /// A text is empty or too long.
    #[error("{0}: cần từ 1 đến 4000 ký tự / {0}: 1 to 4000 characters are needed")]
    BadText(&'static str),
    /// The sender already followed up.
    #[error("Đã gửi khiếu nại tiếp / a follow-up was already sent")]
    AlreadyFollowedUp,
    /// The working calendar cannot count the deadline.
    #[error("Không tính được thời hạn / the deadline cannot be computed: {0}")]
    Clock(String),
}

fn text(field: &'static str, t: &str) -> Result<String, FeedbackRefusal> {
    let t = t.trim();
    if t.is_empty() || t.chars().count() > MAX_TEXT {
        Err(FeedbackRefusal::BadText(field))
    } else {
        Ok(t.to_owned())
    }
}

fn only(state: &Feedback, allowed: &[S]) -> Result<(), FeedbackRefusal> {
    if allowed.contains(&state.status) {
        Ok(())
    } else {
        Err(FeedbackRefusal::NotAllowed(state.status.as_str()))
    }
}

/// The events a command causes on `state` at `now`, or why not.
pub fn decide(
    state: Option<&Feedback>,
    command: C,
    now: DateTime<Utc>,
    rules: &DeadlineRules,
    cal: &WorkingCalendar,
) -> Result<Vec<E>, FeedbackRefusal> {
    let clock = |e: crate::clock::ClockError| FeedbackRefusal::Clock(e.to_string());
    let state = match (state, command) {
        (
            None,
            C::Receive {
                id,
                unit_code,
                subject,
                sender,
                text: t,
            },
        ) => {
            return Ok(vec![E::Received {
                id,
                unit_code,
                subject,
                sender,
                text: text("text", &t)?,
                at: now,
                due: rules.due_from(cal, now).map_err(clock)?,
            }]);
        }
        (Some(_), C::Receive { .. }) => return Err(FeedbackRefusal::AlreadyExists),
        (None, _) => return Err(FeedbackRefusal::NoFeedback),
        (Some(s), command) => (s, command),
    };
    let (f, command) = state;
    let event = match command {
        C::Receive { .. } => unreachable!("handled above"),
        C::Classify { class, by } => {
            only(
                f,
                &[
                    S::Received,
                    S::SupplementRequested,
                    S::Answered,
                    S::Published,
                ],
            )?;
            E::Classified { class, by, at: now }
        }
        C::Refuse { reason, by } => {
            only(f, &[S::Received, S::SupplementRequested])?;
            E::Refused {
                reason: text("reason", &reason)?,
                by,
                at: now,
            }
        }
        C::RequestSupplement { what, by } => {
            only(f, &[S::Received])?;
            E::SupplementRequested {
                what: text("what", &what)?,
                by,
                at: now,
            }
        }
        C::Supplement { text: t } => {
            only(f, &[S::SupplementRequested])?;
            E::Supplemented {
                text: text("text", &t)?,
                at: now,
                due: rules.due_from(cal, now).map_err(clock)?,
            }
        }
        C::Answer { text: t, by } => {
            only(f, &[S::Received])?;
            E::Answered {
                text: text("answer", &t)?,
                by,
                at: now,
                publish_by: rules.publish_by(cal, f.received_at, now).map_err(clock)?,
            }
        }
        C::Publish { summary, by } => {
            only(f, &[S::Answered])?;
            E::Published {
                summary: text("summary", &summary)?,
                by,
                at: now,
            }
        }
        C::Rate { reaction } => {
            only(f, &[S::Answered, S::Published])?;
            E::Rated { reaction, at: now }
        }
        C::FollowUp { text: t } => {
            only(f, &[S::Answered, S::Published])?;
            if f.follow_up.is_some() {
                return Err(FeedbackRefusal::AlreadyFollowedUp);
            }
            E::FollowedUp {
                text: text("text", &t)?,
                at: now,
            }
        }
    };
    Ok(vec![event])
}

/// Folds one event into the state (`None` before the first).
pub fn evolve(state: Option<Feedback>, event: &E) -> Option<Feedback> {
    if let E::Received {
        id,
        unit_code,
        subject,
        sender,
        text,
        at,
        due,
    } = event
    {
        return Some(Feedback {
            id: id.clone(),
            unit_code: unit_code.clone(),
            subject: subject.clone(),
            sender: sender.clone(),
            text: text.clone(),
            received_at: *at,
            status: S::Received,
            classification: None,
            due: *due,
            supplement_request: None,
            supplements: Vec::new(),
            refusal_reason: None,
            answer: None,
            handled_at: None,
            publish_by: None,
            public_summary: None,
            published_at: None,
            reaction: None,
            follow_up: None,
            version: 1,
        });
    }
    let mut f = state?;
    f.version += 1;
    match event {
        E::Received { .. } => {}
        E::Classified { class, .. } => f.classification = Some(*class),
        E::Refused { reason, at, .. } => {
            f.status = S::Refused;
            f.refusal_reason = Some(reason.clone());
            f.handled_at = Some(*at);
        }
        E::SupplementRequested { what, .. } => {
            f.status = S::SupplementRequested;
            f.supplement_request = Some(what.clone());
        }
        E::Supplemented { text, due, .. } => {
            f.status = S::Received;
            f.supplements.push(text.clone());
            f.due = *due;
        }
        E::Answered {
            text,
            at,
            publish_by,
            ..
        } => {
            f.status = S::Answered;
            f.answer = Some(text.clone());
            f.handled_at = Some(*at);
            f.publish_by = Some(*publish_by);
        }
        E::Published { summary, at, .. } => {
            f.status = S::Published;
            f.public_summary = Some(summary.clone());
            f.published_at = Some(*at);
        }
        E::Rated { reaction, .. } => f.reaction = Some(*reaction),
        E::FollowedUp { text, .. } => f.follow_up = Some(text.clone()),
    }
    Some(f)
}

/// The state after all `events`, oldest first.
pub fn replay<'a>(events: impl IntoIterator<Item = &'a E>) -> Option<Feedback> {
    events.into_iter().fold(None, evolve)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::feedback::{Classification, Reaction, Sender, Subject};

    fn cal() -> WorkingCalendar {
        WorkingCalendar::vietnam().unwrap()
    }

    fn rules() -> DeadlineRules {
        DeadlineRules::embedded().unwrap()
    }

    /// Local (UTC+7) time as UTC.
    fn at(d: u32, m: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, m, d, h, 0, 0).unwrap() - chrono::TimeDelta::hours(7)
    }

    fn run(state: Option<Feedback>, c: C, now: DateTime<Utc>) -> Result<Feedback, FeedbackRefusal> {
        let events = decide(state.as_ref(), c, now, &rules(), &cal())?;
        Ok(events.iter().fold(state, evolve).unwrap())
    }

    fn received(now: DateTime<Utc>) -> Feedback {
        run(
            None,
            C::Receive {
                id: "PAKN-1".into(),
                unit_code: "26734".into(),
                subject: Subject::Procedure {
                    code: "1.001612".into(),
                },
                sender: Sender {
                    name: "Nguyễn Văn A".into(),
                    contact: "0912345678".into(),
                },
                text: "  Thủ tục yêu cầu giấy tờ không có trong quy định.  ".into(),
            },
            now,
        )
        .unwrap()
    }

    fn by() -> String {
        "officer-1".into()
    }

    #[test]
    fn a_receipt_gets_the_three_deadlines_in_working_days() {
        // Tuesday 1 December 2026, 09:00: day 0 is that day.
        let f = received(at(1, 12, 9));
        assert_eq!(f.status, S::Received);
        assert_eq!(f.text, "Thủ tục yêu cầu giấy tờ không có trong quy định.");
        // 2 working days: Thursday 3 December, 17:00 local.
        assert_eq!(f.due.refuse_by, at(3, 12, 17));
        // 5 working days: Tuesday 8 December.
        assert_eq!(f.due.supplement_by, at(8, 12, 17));
        // 15 working days: Tuesday 22 December.
        assert_eq!(f.due.answer_by, at(22, 12, 17));
        assert_eq!(f.next_due(), Some(at(22, 12, 17)));
        assert!(!f.overdue_at(at(22, 12, 16)));
        assert!(f.overdue_at(at(23, 12, 8)));
    }

    #[test]
    fn answer_then_publish_within_two_working_days_of_the_answer() {
        let f = received(at(1, 12, 9));
        // Friday 4 December: publish by Tuesday 8 December.
        let f = run(
            Some(f),
            C::Answer {
                text: "Đã chấn chỉnh bộ phận một cửa.".into(),
                by: by(),
            },
            at(4, 12, 10),
        )
        .unwrap();
        assert_eq!(f.status, S::Answered);
        assert_eq!(f.handled_at, Some(at(4, 12, 10)));
        assert_eq!(f.publish_by, Some(at(8, 12, 17)));
        assert!(!f.handled_late());
        let f = run(
            Some(f),
            C::Publish {
                summary: "Phản ánh về giấy tờ yêu cầu thêm".into(),
                by: by(),
            },
            at(7, 12, 9),
        )
        .unwrap();
        assert_eq!(f.status, S::Published);
        assert_eq!(f.version, 3);
        assert_eq!(f.next_due(), None);
    }

    #[test]
    fn a_supplement_request_waits_for_the_sender_and_restarts_the_answer_clock() {
        let f = received(at(1, 12, 9));
        let f = run(
            Some(f),
            C::RequestSupplement {
                what: "Số hồ sơ".into(),
                by: by(),
            },
            at(2, 12, 9),
        )
        .unwrap();
        assert_eq!(f.status, S::SupplementRequested);
        assert_eq!(f.next_due(), None);
        // Officers cannot answer while waiting.
        assert_eq!(
            run(
                Some(f.clone()),
                C::Answer {
                    text: "x".into(),
                    by: by()
                },
                at(3, 12, 9)
            ),
            Err(FeedbackRefusal::NotAllowed("supplement_requested"))
        );
        // Monday 7 December: received again; 15 working days → 28 December.
        let f = run(
            Some(f),
            C::Supplement {
                text: "Hồ sơ 000.00.26.H55-261201-0001".into(),
            },
            at(7, 12, 9),
        )
        .unwrap();
        assert_eq!(f.status, S::Received);
        assert_eq!(f.supplements.len(), 1);
        assert_eq!(f.due.answer_by, at(28, 12, 17));
        assert_eq!(f.received_at, at(1, 12, 9));
    }

    #[test]
    fn a_refusal_is_judged_by_the_two_day_deadline() {
        let f = received(at(1, 12, 9));
        let late = run(
            Some(f.clone()),
            C::Refuse {
                reason: "Nội dung không thuộc thẩm quyền".into(),
                by: by(),
            },
            at(4, 12, 9),
        )
        .unwrap();
        assert_eq!(late.status, S::Refused);
        assert_eq!(late.handling_due(), at(3, 12, 17));
        assert!(late.handled_late());
        let on_time = run(
            Some(f),
            C::Refuse {
                reason: "Trùng nội dung".into(),
                by: by(),
            },
            at(3, 12, 16),
        )
        .unwrap();
        assert!(!on_time.handled_late());
        // Nothing more can be done but classify… not even that once refused.
        assert_eq!(
            run(
                Some(on_time),
                C::Classify {
                    class: Classification::Rules,
                    by: by()
                },
                at(3, 12, 16)
            ),
            Err(FeedbackRefusal::NotAllowed("refused"))
        );
    }

    #[test]
    fn the_sender_rates_and_follows_up_once_after_the_answer() {
        let f = received(at(1, 12, 9));
        assert_eq!(
            run(
                Some(f.clone()),
                C::Rate {
                    reaction: Reaction::Like
                },
                at(2, 12, 9)
            ),
            Err(FeedbackRefusal::NotAllowed("received"))
        );
        let f = run(
            Some(f),
            C::Answer {
                text: "Trả lời".into(),
                by: by(),
            },
            at(2, 12, 9),
        )
        .unwrap();
        let f = run(
            Some(f),
            C::Rate {
                reaction: Reaction::Like,
            },
            at(3, 12, 9),
        )
        .unwrap();
        let f = run(
            Some(f),
            C::Rate {
                reaction: Reaction::Dislike,
            },
            at(3, 12, 10),
        )
        .unwrap();
        assert_eq!(f.reaction, Some(Reaction::Dislike));
        let f = run(
            Some(f),
            C::FollowUp {
                text: "Chưa thỏa đáng".into(),
            },
            at(3, 12, 11),
        )
        .unwrap();
        assert_eq!(f.follow_up.as_deref(), Some("Chưa thỏa đáng"));
        assert_eq!(
            run(
                Some(f),
                C::FollowUp {
                    text: "Lần nữa".into()
                },
                at(3, 12, 12)
            ),
            Err(FeedbackRefusal::AlreadyFollowedUp)
        );
    }

    #[test]
    fn classification_texts_and_existence_are_checked() {
        let f = received(at(1, 12, 9));
        let f2 = run(
            Some(f.clone()),
            C::Classify {
                class: Classification::StaffBehaviour,
                by: by(),
            },
            at(1, 12, 10),
        )
        .unwrap();
        assert_eq!(f2.classification, Some(Classification::StaffBehaviour));
        assert_eq!(f2.status, S::Received);
        assert_eq!(
            run(
                Some(f.clone()),
                C::Answer {
                    text: "   ".into(),
                    by: by()
                },
                at(1, 12, 10)
            ),
            Err(FeedbackRefusal::BadText("answer"))
        );
        assert_eq!(
            run(
                None,
                C::Answer {
                    text: "x".into(),
                    by: by()
                },
                at(1, 12, 10)
            ),
            Err(FeedbackRefusal::NoFeedback)
        );
        assert_eq!(
            decide(
                Some(&f),
                C::Receive {
                    id: "x".into(),
                    unit_code: "x".into(),
                    subject: Subject::General,
                    sender: Sender::default(),
                    text: "x".into()
                },
                at(1, 12, 10),
                &rules(),
                &cal()
            ),
            Err(FeedbackRefusal::AlreadyExists)
        );
        assert_eq!(
            run(
                Some(f),
                C::Publish {
                    summary: "x".into(),
                    by: by()
                },
                at(1, 12, 10)
            ),
            Err(FeedbackRefusal::NotAllowed("received"))
        );
    }

    #[test]
    fn events_round_trip_through_json_and_replay() {
        let f = received(at(1, 12, 9));
        let events = decide(
            Some(&f),
            C::Answer {
                text: "Trả lời".into(),
                by: by(),
            },
            at(2, 12, 9),
            &rules(),
            &cal(),
        )
        .unwrap();
        let first = E::Received {
            id: f.id.clone(),
            unit_code: f.unit_code.clone(),
            subject: f.subject.clone(),
            sender: f.sender.clone(),
            text: f.text.clone(),
            at: f.received_at,
            due: f.due,
        };
        let all: Vec<E> = std::iter::once(first).chain(events).collect();
        let json = serde_json::to_string(&all).unwrap();
        let back: Vec<E> = serde_json::from_str(&json).unwrap();
        let state = replay(&back).unwrap();
        assert_eq!(state.status, S::Answered);
        assert_eq!(state.version, 2);
    }
}
