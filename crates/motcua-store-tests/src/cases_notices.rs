//! Conformance cases of notices (issue 15 item 7) and electronic results
//! (item 6): a notice recorded once per event and channel, contacts with
//! their unsubscribe tokens and opt-outs, and the result documents the 766
//! index reads (indicator 4.1).

use std::sync::Arc;

use chrono::TimeDelta;
use motcua_app::ports::Store;
use motcua_app::ports::attachments::AttachmentRow;
use motcua_app::ports::notices::{NoticeOutcome, NoticeRow};
use motcua_app::ports::service_index::FactScope;

use crate::dossier_fixtures::{agencies, create, t0};

fn notice(event: &str, channel: &str, code: &str, minutes: i64) -> NoticeRow {
    NoticeRow {
        event_id: event.into(),
        channel: channel.into(),
        dossier_code: code.into(),
        kind: "received".into(),
        recipient: "a*****yen@example.vn".into(),
        subject: "Hồ sơ đã được tiếp nhận".into(),
        outcome: NoticeOutcome::Sent,
        at: t0() + TimeDelta::minutes(minutes),
    }
}

/// One row per (event, channel): a second record is refused and the first
/// stays; a dossier's notices read back exactly, oldest first.
pub async fn notices_are_recorded_once_per_event_and_channel(store: Arc<dyn Store>) {
    let first = notice("19.X-1.1", "email", "X-1", 5);
    assert!(!store.notice_recorded("19.X-1.1", "email").await.unwrap());
    assert!(store.record_notice(&first).await.unwrap());
    let again = NoticeRow {
        subject: "khác".into(),
        ..first.clone()
    };
    assert!(
        !store.record_notice(&again).await.unwrap(),
        "recorded twice"
    );
    assert!(store.notice_recorded("19.X-1.1", "email").await.unwrap());
    assert!(!store.notice_recorded("19.X-1.1", "sms").await.unwrap());
    let sms = NoticeRow {
        outcome: NoticeOutcome::OptedOut,
        ..notice("19.X-1.1", "sms", "X-1", 1)
    };
    assert!(store.record_notice(&sms).await.unwrap());
    store
        .record_notice(&notice("19.X-2.1", "email", "X-2", 0))
        .await
        .unwrap();
    assert_eq!(
        store.dossier_notices("X-1").await.unwrap(),
        vec![sms, first]
    );
}

/// A contact keeps its first token; an opt-out by link or at filing is
/// kept with its first time; the token finds the contact.
pub async fn notice_contacts_keep_their_token_and_opt_out(store: Arc<dyn Store>) {
    let c = store
        .notice_contact("an@example.vn", "tok-1")
        .await
        .unwrap();
    assert_eq!((c.token.as_str(), c.opted_out_at), ("tok-1", None));
    let again = store
        .notice_contact("an@example.vn", "tok-2")
        .await
        .unwrap();
    assert_eq!(again.token, "tok-1", "the first token stays");
    let found = store.notice_contact_by_token("tok-1").await.unwrap();
    assert_eq!(found.map(|f| f.contact).as_deref(), Some("an@example.vn"));
    assert!(
        store
            .notice_contact_by_token("tok-2")
            .await
            .unwrap()
            .is_none()
    );
    let at = t0();
    store
        .opt_out_contact("an@example.vn", "tok-3", at)
        .await
        .unwrap();
    store
        .opt_out_contact("an@example.vn", "tok-4", at + TimeDelta::days(1))
        .await
        .unwrap();
    let c = store
        .notice_contact("an@example.vn", "tok-5")
        .await
        .unwrap();
    assert_eq!((c.token.as_str(), c.opted_out_at), ("tok-1", Some(at)));
    // Opting out at filing, before any notice.
    store
        .opt_out_contact("0912345678", "tok-6", at)
        .await
        .unwrap();
    let p = store.notice_contact("0912345678", "tok-7").await.unwrap();
    assert_eq!((p.token.as_str(), p.opted_out_at), ("tok-6", Some(at)));
}

fn result_row(code: &str, id: &str, component: &str, minutes: i64) -> AttachmentRow {
    let sha = format!("{:0>64}", id.len() * 3);
    AttachmentRow {
        id: id.to_owned(),
        dossier_code: code.to_owned(),
        component: component.into(),
        object_key: format!("sha256/{}/{sha}", &sha[..2]),
        sha256: sha,
        size_bytes: 100,
        content_type: "application/pdf".into(),
        display_name: "Giấy khai sinh.pdf".into(),
        uploaded_by: "officer:a1".into(),
        uploaded_at: t0() + TimeDelta::minutes(minutes),
    }
}

/// The electronic-result facts: dossiers of the scope's units with a `KQ`
/// attachment, at the first one; other components, other units and other
/// procedures are left out.
pub async fn electronic_results_are_facts_of_the_receiving_unit(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let a = create(&*store, "H55.X05743.TT", "er-1", 10).await;
    let b = create(&*store, "H55.X05743.TT", "er-2", 10).await;
    let other = create(&*store, "H55.X05746.TT", "er-3", 10).await;
    for row in [
        result_row(&a, "r-2", "KQ", 90),
        result_row(&a, "r-1", "KQ", 60),
        result_row(&b, "r-3", "TP1", 30),
        result_row(&other, "r-4", "KQ", 30),
    ] {
        assert!(store.insert_attachment(&row, 1_000_000).await.unwrap());
    }
    let scope = |units: &[&str], procedure: Option<&str>| FactScope {
        units: units.iter().map(|u| (*u).to_owned()).collect(),
        procedure: procedure.map(str::to_owned),
        from: t0() - TimeDelta::days(30),
        to: t0() + TimeDelta::days(30),
    };
    let facts = store
        .electronic_result_facts(&scope(&["05743"], None))
        .await
        .unwrap()
        .expect("recorded");
    assert_eq!(facts.len(), 1, "{facts:?}");
    assert_eq!(facts[0].dossier_code, a);
    assert_eq!(facts[0].attached_at, t0() + TimeDelta::minutes(60));
    let both = store
        .electronic_result_facts(&scope(&["05743", "05746"], Some("1.001193")))
        .await
        .unwrap()
        .expect("recorded");
    assert_eq!(both.len(), 2);
    let none = store
        .electronic_result_facts(&scope(&["05743"], Some("9.999999")))
        .await
        .unwrap()
        .expect("recorded");
    assert!(none.is_empty());
    assert_eq!(
        store
            .electronic_result_facts(&scope(&[], None))
            .await
            .unwrap(),
        Some(Vec::new())
    );
}

/// A feedback's answer and its request for a supplement write their
/// notice's outbox row (`feedback.*`, keyed by the feedback's id, with the
/// sender's contact) in the same transaction (ADR 0032 point 9): one row
/// per announcing event and none for the others; a stale or unknown
/// append, which writes no event, writes no row either.
pub async fn a_feedback_answer_writes_its_notice_to_the_outbox_atomically(store: Arc<dyn Store>) {
    use motcua_app::StoreError;
    use motcua_app::notices::FeedbackNoticePayload;
    use motcua_domain::calendar::WorkingCalendar;
    use motcua_domain::feedback::{
        Classification, DeadlineRules, Feedback, FeedbackCommand as C, FeedbackEvent, Sender,
        Subject, decide, evolve,
    };
    let cal = WorkingCalendar::vietnam().unwrap();
    let rules = DeadlineRules::embedded().unwrap();
    let step = |state: Option<&Feedback>, c: C, minutes: i64| -> (Feedback, Vec<FeedbackEvent>) {
        let at = t0() + TimeDelta::minutes(minutes);
        let events = decide(state, c, at, &rules, &cal).unwrap();
        (events.iter().fold(state.cloned(), evolve).unwrap(), events)
    };
    let id = "PAKN-261201-0A0B0C0D";
    let (f, events) = step(
        None,
        C::Receive {
            id: id.into(),
            unit_code: "26734".into(),
            subject: Subject::General,
            sender: Sender {
                name: "Trần Thị B".into(),
                contact: "b.tran@example.vn".into(),
            },
            text: "Cán bộ hẹn lại nhiều lần".into(),
        },
        0,
    );
    store
        .create_feedback(&f, &events, "hash", t0())
        .await
        .unwrap();
    assert!(
        store.dossier_outbox(id).await.unwrap().is_empty(),
        "a receipt announces nothing"
    );

    let (classified, events) = step(
        Some(&f),
        C::Classify {
            class: Classification::StaffBehaviour,
            by: "officer-1".into(),
        },
        5,
    );
    store
        .append_feedback(&classified, f.version, &events, t0())
        .await
        .unwrap();
    assert!(
        store.dossier_outbox(id).await.unwrap().is_empty(),
        "a classification announces nothing"
    );

    let later = t0() + TimeDelta::hours(2);
    let (answered, events) = step(
        Some(&classified),
        C::Answer {
            text: "Đã nhắc nhở cán bộ".into(),
            by: "officer-1".into(),
        },
        120,
    );
    store
        .append_feedback(&answered, classified.version, &events, later)
        .await
        .unwrap();
    // The same write again is stale, and one for an unknown feedback finds
    // nothing: neither leaves an outbox row.
    assert!(matches!(
        store
            .append_feedback(&answered, classified.version, &events, later)
            .await,
        Err(StoreError::Conflict(_))
    ));
    let mut ghost = answered.clone();
    ghost.id = "PAKN-ghost".into();
    assert!(matches!(
        store
            .append_feedback(&ghost, classified.version, &events, later)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(store.dossier_outbox("PAKN-ghost").await.unwrap().is_empty());

    let rows = store.dossier_outbox(id).await.unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(row.dossier_code, id);
    assert_eq!(row.row.message_type, "feedback.answered");
    assert_eq!(row.row.event_version, u64::from(answered.version));
    let payload: FeedbackNoticePayload = serde_json::from_str(&row.row.payload_json).unwrap();
    assert_eq!(payload.code, id);
    assert_eq!(payload.kind, "feedback_answered");
    assert_eq!(payload.contact, "b.tran@example.vn");
    assert_eq!(payload.text, "Đã nhắc nhở cán bộ");
    // The answer and its row are one write: the stored feedback is the
    // answered one, at the row's version.
    let stored = store.get_feedback(id).await.unwrap().unwrap().feedback;
    assert_eq!(stored.version, answered.version);
    assert_eq!(stored.answer.as_deref(), Some("Đã nhắc nhở cán bộ"));
}
