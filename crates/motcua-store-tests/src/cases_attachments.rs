//! Conformance cases of attachment metadata: rows written with a new
//! dossier in its transaction, rows added later under the per-dossier
//! limit, and exact read-back.

use std::sync::Arc;

use chrono::TimeDelta;
use motcua_app::StoreError;
use motcua_app::ports::Store;
use motcua_app::ports::attachments::AttachmentRow;
use motcua_app::ports::dossiers::Committed;

use crate::dossier_fixtures::{agencies, create, day0, new_dossier, state, t0};

const TT1: &str = "H55.X05743.TT";

fn row(code: &str, id: &str, size: u64, minutes: i64) -> AttachmentRow {
    let sha = format!("{:0>64}", id.len() * 7);
    AttachmentRow {
        id: id.to_owned(),
        dossier_code: code.to_owned(),
        component: "TP1".into(),
        object_key: format!("sha256/{}/{sha}", &sha[..2]),
        sha256: sha,
        size_bytes: size,
        content_type: "application/pdf".into(),
        display_name: "Tờ khai đăng ký khai sinh.pdf".into(),
        uploaded_by: "citizen:anonymous".into(),
        uploaded_at: t0() + TimeDelta::minutes(minutes),
    }
}

/// Rows given with a new dossier land in its transaction; later rows are
/// refused past the dossier's total; everything reads back exactly.
pub async fn attachments_round_trip_and_respect_the_dossier_limit(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    // With the dossier, in the same transaction.
    let mut new = new_dossier(TT1, day0(), "k-att", 10);
    let build = new.build;
    new.build = Box::new(move |seq| {
        let mut write = build(seq)?;
        let code = write.projection.code.clone();
        write.attachments = vec![row(&code, "a-1", 1_000, 0)];
        Ok(write)
    });
    let code = match store.create_dossier(new).await.unwrap() {
        Committed::Written(a) => a.dossier_code,
        Committed::Replayed(_) => panic!("unexpected replay"),
    };
    let listed = store.list_attachments(&code).await.unwrap();
    assert_eq!(listed, vec![row(&code, "a-1", 1_000, 0)]);

    // Later, under a 3,000-byte dossier limit: 1,000 + 1,500 fits, + 600 does not.
    assert!(
        store
            .insert_attachment(&row(&code, "a-22", 1_500, 5), 3_000)
            .await
            .unwrap()
    );
    assert!(
        !store
            .insert_attachment(&row(&code, "a-333", 600, 6), 3_000)
            .await
            .unwrap()
    );
    assert!(
        store
            .insert_attachment(&row(&code, "a-4444", 500, 7), 3_000)
            .await
            .unwrap()
    );
    let ids: Vec<String> = store
        .list_attachments(&code)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids, ["a-1", "a-22", "a-4444"]);
    assert_eq!(
        store.get_attachment(&code, "a-22").await.unwrap(),
        Some(row(&code, "a-22", 1_500, 5))
    );
    assert_eq!(store.get_attachment(&code, "a-333").await.unwrap(), None);

    // Another dossier sees none of them; an unknown dossier is NotFound.
    let other = create(&*store, TT1, "k-other", 10).await;
    assert!(store.list_attachments(&other).await.unwrap().is_empty());
    assert_eq!(store.get_attachment(&other, "a-22").await.unwrap(), None);
    assert!(matches!(
        store
            .insert_attachment(&row("H55.X05743.TT-250715-0099", "a-5", 1, 0), 3_000)
            .await,
        Err(StoreError::NotFound)
    ));
}

/// A dossier whose creation fails leaves no attachment row behind.
pub async fn attachments_of_a_failed_creation_are_not_written(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let first = create(&*store, TT1, "k-first", 10).await;
    // The same key again: replayed, so neither dossier nor attachment is written.
    let mut again = new_dossier(TT1, day0(), "k-first", 10);
    let build = again.build;
    again.build = Box::new(move |seq| {
        let mut write = build(seq)?;
        let code = write.projection.code.clone();
        write.attachments = vec![row(&code, "a-x", 10, 0)];
        Ok(write)
    });
    assert!(matches!(
        store.create_dossier(again).await.unwrap(),
        Committed::Replayed(_)
    ));
    assert!(store.list_attachments(&first).await.unwrap().is_empty());
    assert!(
        store
            .list_attachments("H55.X05743.TT-250715-0002")
            .await
            .unwrap()
            .is_empty()
    );
}

/// A result document's row rides with the result's append (inbound sector
/// API): written with the event, not written again by a replay of the same
/// key, and not written by a stale append.
pub async fn attachments_ride_with_an_append(store: Arc<dyn Store>) {
    use motcua_app::dossiers::write::{Request, build_write};
    use motcua_domain::dossier::{Action, Actor, Command, ResultDocument, decide, evolve};

    store.insert_missing_agencies(&agencies()).await.unwrap();
    let code = create(&*store, TT1, "k-res", 10).await;
    let d = state(&*store, &code).await;
    let write_with = |key: &str, id: &str, minutes: i64| {
        let now = t0() + TimeDelta::minutes(minutes);
        let cmd = Command {
            actor: Actor::System("he-thong-dat-dai".into()),
            idempotency_key: key.into(),
            action: Action::MarkResultReady {
                documents: vec![ResultDocument {
                    name: "Giấy chứng nhận".into(),
                    number: None,
                    file: Some(format!("/api/v1/dossiers/{code}/attachments/{id}")),
                }],
            },
        };
        let events = decide(Some(&d), &cmd, now).expect("decided");
        let after = evolve(Some(d.clone()), &events[0]).expect("evolved");
        let request = Request {
            actor: cmd.actor.clone(),
            key: key.into(),
            fingerprint: format!("fp-{key}"),
        };
        let (mut write, _) = build_write(&after, &events, &request, None, now).expect("write");
        let mut r = row(&code, id, 2_000, minutes);
        r.component = "KQ".into();
        r.uploaded_by = "system:he-thong-dat-dai".into();
        write.attachments = vec![r];
        write
    };
    let done = store
        .append_to_dossier(&code, 1, write_with("r1", "kq-1", 30))
        .await
        .unwrap();
    assert!(matches!(done, Committed::Written(_)));
    let rows = store.list_attachments(&code).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].id.as_str(), rows[0].component.as_str()),
        ("kq-1", "KQ")
    );
    // The same key again (a retried upload with a fresh row id): replayed.
    let again = store
        .append_to_dossier(&code, 1, write_with("r1", "kq-2", 31))
        .await
        .unwrap();
    assert_eq!(again, Committed::Replayed(done.answer().clone()));
    // Another key at the old version: stale, and its row is not written.
    let stale = store
        .append_to_dossier(&code, 1, write_with("r2", "kq-3", 32))
        .await
        .unwrap_err();
    assert!(matches!(stale, StoreError::Conflict(_)), "{stale:?}");
    let ids: Vec<String> = store
        .list_attachments(&code)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids, ["kq-1"]);
    assert_eq!(store.dossier_events(&code).await.unwrap().len(), 2);
    assert_eq!(store.dossier_outbox(&code).await.unwrap().len(), 2);
}
