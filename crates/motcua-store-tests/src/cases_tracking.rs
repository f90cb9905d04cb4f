//! Conformance case of public tracking's one read (issue 21 item 2): the
//! verifier data and version of a dossier with, only when the caller does
//! not have that version, its state and events; a fingerprint that moves
//! with its files (which do not change the version).

use std::sync::Arc;

use chrono::TimeDelta;
use motcua_app::ports::Store;
use motcua_app::ports::attachments::AttachmentRow;
use motcua_domain::dossier::{Action, Event};

use crate::dossier_fixtures::{agencies, append, create, state, t0};

const TT1: &str = "H55.X05743.TT";

/// One read gives what the page needs, or only what checks a kept page.
pub async fn tracking_read_gives_state_and_events_only_for_a_new_version(store: Arc<dyn Store>) {
    store.insert_missing_agencies(&agencies()).await.unwrap();
    assert_eq!(
        store
            .tracking_read("H55.X05743.TT-250715-0099", None)
            .await
            .unwrap(),
        None
    );
    let code = create(&*store, TT1, "k-track", 10).await;
    let stored = store.load_dossier(&code).await.unwrap().unwrap();

    let first = store.tracking_read(&code, None).await.unwrap().unwrap();
    assert_eq!(first.version, 1);
    assert_eq!(first.verifier_hash, stored.verifier_hash);
    assert_eq!(first.phone_last4, stored.projection.phone_last4);
    assert_eq!(
        first
            .state_json
            .as_deref()
            .map(serde_json::from_str::<serde_json::Value>)
            .map(Result::unwrap),
        Some(serde_json::from_str::<serde_json::Value>(&stored.projection.state_json).unwrap())
    );
    assert_eq!(first.events_json.len(), 1);
    let event: Event = serde_json::from_str(&first.events_json[0]).expect("an event");
    assert_eq!(event.version, 1);

    // The caller has version 1: nothing to render from, the same checks.
    let known = store.tracking_read(&code, Some(1)).await.unwrap().unwrap();
    assert_eq!(known.version, 1);
    assert_eq!(known.state_json, None);
    assert!(known.events_json.is_empty());
    assert_eq!(known.freshness, first.freshness);
    assert_eq!(known.verifier_hash, first.verifier_hash);

    // A file: the same version, another fingerprint.
    let sha = format!("{:0>64}", 7);
    let row = AttachmentRow {
        id: "a-1".into(),
        dossier_code: code.clone(),
        component: "TP1".into(),
        object_key: format!("sha256/00/{sha}"),
        sha256: sha,
        size_bytes: 10,
        content_type: "application/pdf".into(),
        display_name: "Tờ khai.pdf".into(),
        uploaded_by: "citizen:anonymous".into(),
        uploaded_at: t0() + TimeDelta::minutes(3),
    };
    assert!(store.insert_attachment(&row, 1_000_000).await.unwrap());
    let with_file = store.tracking_read(&code, Some(1)).await.unwrap().unwrap();
    assert_eq!(with_file.version, 1);
    assert_ne!(with_file.freshness, first.freshness);

    // A new version: its state and every event, in order.
    let d = state(&*store, &code).await;
    let hand_over = Action::HandOver {
        to: "chuyen-vien-1".into(),
        step_deadline: t0() + TimeDelta::days(3),
    };
    append(&*store, &d, 1, "h1", hand_over, 30).await.unwrap();
    let second = store.tracking_read(&code, Some(1)).await.unwrap().unwrap();
    assert_eq!(second.version, 2);
    let versions: Vec<u64> = second
        .events_json
        .iter()
        .map(|e| serde_json::from_str::<Event>(e).unwrap().version)
        .collect();
    assert_eq!(versions, [1, 2]);
    let after = state(&*store, &code).await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(second.state_json.as_deref().unwrap()).unwrap(),
        serde_json::to_value(&after).unwrap()
    );
}
