//! Conformance cases of the audit log, grants and residents: exact values on
//! both engines, and tampering done with raw SQL behind the store's back.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use motcua_app::StoreError;
use motcua_app::audit::AuditService;
use motcua_app::ports::Store;
use motcua_domain::audit::{
    AuditAction, AuditEntry, AuditOutcome, ChainBreak, ChainHead, GENESIS_HASH, SubjectKey,
    chain_hash,
};
use motcua_domain::dossier::{PersonalId, Sex};
use motcua_domain::grant::Grant;
use motcua_domain::resident::Resident;

use crate::RawSql;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 7, 1, 1, 30, 0).unwrap() + Duration::microseconds(123_456)
}

/// A look-up entry numbered `i`, with every column filled.
pub fn sample_entry(i: i64) -> AuditEntry {
    let mut e = AuditEntry::new(
        t0() + Duration::minutes(i),
        format!("cb-{:02}", i % 3),
        AuditAction::PersonalDataLookup,
        if i % 2 == 0 {
            AuditOutcome::Refused("grant_expired".into())
        } else {
            AuditOutcome::Allowed
        },
    );
    e.unit_code = Some("05977".into());
    e.agency_id = Some("H55.X05977.TT".into());
    e.subject_key = Some(format!("subject-{}", i % 2));
    e.subject_masked = Some("0********789".into());
    e.fields = vec!["full_name".into(), "birth_date".into()];
    e.dossier_code = Some(format!("H55.X05977-250701-{i:04}"));
    e.grant_id = Some("g-1".into());
    e.purpose = Some("Tiếp nhận hồ sơ đăng ký thường trú".into());
    e
}

async fn append_n(store: &dyn Store, n: i64) -> Vec<ChainHead> {
    let mut heads = Vec::new();
    for i in 1..=n {
        heads.push(store.append_audit(&sample_entry(i)).await.expect("append"));
    }
    heads
}

fn audit(store: &Arc<dyn Store>) -> AuditService {
    AuditService::new(store.clone(), SubjectKey::new(Vec::new()))
}

/// Three appends chain from the genesis hash and read back column for column.
pub async fn audit_appends_chain_and_read_back_exactly(store: Arc<dyn Store>) {
    assert_eq!(store.audit_head().await.unwrap(), None);
    let heads = append_n(store.as_ref(), 3).await;
    assert_eq!(
        heads.iter().map(|h| h.seq).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(store.audit_head().await.unwrap().as_ref(), heads.last());
    let page = store.audit_page(0, 10).await.unwrap();
    assert_eq!(page.len(), 3);
    let mut prev = GENESIS_HASH.to_owned();
    for (i, e) in page.iter().enumerate() {
        let expected = sample_entry(i64::try_from(i).unwrap() + 1).columns();
        assert_eq!(e.columns, expected, "entry {} reads back exactly", e.seq);
        assert_eq!(e.prev_hash, prev);
        assert_eq!(e.hash, chain_hash(&prev, &expected));
        assert_eq!(e.hash, heads[i].hash);
        prev = e.hash.clone();
    }
    assert_eq!(page[0].columns.occurred_at, t0() + Duration::minutes(1));
    assert_eq!(page[1].columns.reason.as_deref(), Some("grant_expired"));
    let tail = store.audit_page(2, 10).await.unwrap();
    assert_eq!(tail.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![3]);
    assert_eq!(
        store.audit_seq_of_hash(&heads[1].hash).await.unwrap(),
        Some(2)
    );
    assert_eq!(store.audit_seq_of_hash("nope").await.unwrap(), None);
    let report = audit(&store).verify().await.unwrap().expect("intact chain");
    assert_eq!(report.checked, 3);
}

/// Twenty appends at once: twenty distinct sequence numbers and one chain.
pub async fn audit_concurrent_appends_never_fork(store: Arc<dyn Store>) {
    let tasks: Vec<_> = (1..=20)
        .map(|i| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.append_audit(&sample_entry(i)).await })
        })
        .collect();
    let mut seqs = Vec::new();
    for t in tasks {
        seqs.push(t.await.expect("task").expect("append").seq);
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=20).collect::<Vec<_>>());
    let report = audit(&store).verify().await.unwrap().expect("one chain");
    assert_eq!(report.checked, 20);
    assert_eq!(report.head.map(|h| h.seq), Some(20));
}

/// Entries about one subject, newest first, limited.
pub async fn audit_entries_of_one_subject_newest_first(store: Arc<dyn Store>) {
    append_n(store.as_ref(), 7).await;
    let odd = store.audit_for_subject("subject-1", 10).await.unwrap();
    assert_eq!(
        odd.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![7, 5, 3, 1]
    );
    let limited = store.audit_for_subject("subject-0", 2).await.unwrap();
    assert_eq!(
        limited.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![6, 4]
    );
    assert!(
        store
            .audit_for_subject("subject-9", 10)
            .await
            .unwrap()
            .is_empty()
    );
}

fn grant(id: &str, officer: &str, created_min: i64) -> Grant {
    Grant {
        id: id.into(),
        officer_id: officer.into(),
        unit_code: "05977".into(),
        purpose: "Tiếp nhận hồ sơ thủ tục hành chính".into(),
        valid_from: t0(),
        valid_until: t0() + Duration::days(30),
        granted_by: "qt-xa".into(),
        created_at: t0() + Duration::minutes(created_min),
        revoked_at: None,
    }
}

fn grant_entry(action: AuditAction, id: &str) -> AuditEntry {
    let mut e = AuditEntry::new(t0(), "qt-xa", action, AuditOutcome::Allowed);
    e.grant_id = Some(id.into());
    e.unit_code = Some("05977".into());
    e
}

/// A grant reads back exactly; creation and revocation each append their
/// entry in the same transaction; a failed change appends nothing.
pub async fn grants_round_trip_and_are_audited_atomically(store: Arc<dyn Store>) {
    let g1 = grant("g-1", "cb-01", 0);
    let g2 = grant("g-2", "cb-01", 5);
    let head = store
        .create_grant(&g1, &grant_entry(AuditAction::GrantCreated, "g-1"))
        .await
        .unwrap();
    assert_eq!(head.seq, 1);
    store
        .create_grant(&g2, &grant_entry(AuditAction::GrantCreated, "g-2"))
        .await
        .unwrap();
    store
        .create_grant(
            &grant("g-3", "cb-02", 1),
            &grant_entry(AuditAction::GrantCreated, "g-3"),
        )
        .await
        .unwrap();
    assert_eq!(store.get_grant("g-1").await.unwrap(), Some(g1.clone()));
    assert_eq!(store.get_grant("g-9").await.unwrap(), None);
    assert_eq!(
        store.grants_of_officer("cb-01").await.unwrap(),
        vec![g2.clone(), g1.clone()]
    );
    let dup = store
        .create_grant(&g1, &grant_entry(AuditAction::GrantCreated, "g-1"))
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    assert_eq!(store.audit_head().await.unwrap().map(|h| h.seq), Some(3));

    let at = t0() + Duration::days(2);
    let head = store
        .revoke_grant("g-1", at, &grant_entry(AuditAction::GrantRevoked, "g-1"))
        .await
        .unwrap();
    assert_eq!(head.seq, 4);
    assert_eq!(
        store.get_grant("g-1").await.unwrap().unwrap().revoked_at,
        Some(at)
    );
    let again = store
        .revoke_grant("g-1", at, &grant_entry(AuditAction::GrantRevoked, "g-1"))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let unknown = store
        .revoke_grant("g-9", at, &grant_entry(AuditAction::GrantRevoked, "g-9"))
        .await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");
    assert_eq!(store.audit_head().await.unwrap().map(|h| h.seq), Some(4));
    let actions: Vec<String> = store
        .audit_page(0, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.columns.action)
        .collect();
    assert_eq!(
        actions,
        vec![
            "grant_created",
            "grant_created",
            "grant_created",
            "grant_revoked"
        ]
    );
}

/// A resident with every field set.
pub fn sample_resident(id: &str, name: &str) -> Resident {
    let personal_id = PersonalId::parse(id).expect("valid id");
    Resident {
        sex: personal_id.sex(),
        birth_date: NaiveDate::from_ymd_opt(i32::from(personal_id.birth_year()), 3, 4).unwrap(),
        personal_id,
        full_name: name.into(),
        permanent_unit: "05977".into(),
        temporary_unit: Some("05980".into()),
        household_code: "HK05977-0000001".into(),
        household_relation: "chủ hộ".into(),
    }
}

/// Import writes every row, a second import replaces, reads are exact.
pub async fn residents_import_upsert_and_count(store: Arc<dyn Store>) {
    let a = sample_resident("019085123456", "Nguyễn Văn An");
    let b = Resident {
        temporary_unit: None,
        household_relation: "con".into(),
        ..sample_resident("019305000001", "Nguyễn Thị Bình")
    };
    assert_eq!(b.sex, Sex::Female);
    assert_eq!(
        store
            .import_residents(&[a.clone(), b.clone()])
            .await
            .unwrap(),
        2
    );
    assert_eq!(store.count_residents().await.unwrap(), 2);
    assert_eq!(
        store.get_resident(&a.personal_id).await.unwrap(),
        Some(a.clone())
    );
    assert_eq!(store.get_resident(&b.personal_id).await.unwrap(), Some(b));
    let renamed = Resident {
        full_name: "Nguyễn Văn Ân".into(),
        ..a.clone()
    };
    store
        .import_residents(std::slice::from_ref(&renamed))
        .await
        .unwrap();
    assert_eq!(store.count_residents().await.unwrap(), 2);
    assert_eq!(
        store.get_resident(&a.personal_id).await.unwrap(),
        Some(renamed)
    );
    let nobody = PersonalId::parse("001099000000").unwrap();
    assert_eq!(store.get_resident(&nobody).await.unwrap(), None);
}

/// SQL that removes the append-only triggers, as an intruder with database access would.
fn drop_triggers(store: &dyn Store) -> &'static str {
    if store.engine() == "postgres" {
        "DROP TRIGGER audit_log_append_only ON audit_log"
    } else {
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete"
    }
}

/// The database itself refuses to edit or delete audit entries.
pub async fn audit_log_refuses_update_and_delete(store: Arc<dyn Store>, raw: RawSql) {
    append_n(store.as_ref(), 2).await;
    let update = raw("UPDATE audit_log SET purpose = 'x' WHERE seq = 1".into()).await;
    assert!(update.is_err(), "UPDATE must be refused: {update:?}");
    let delete = raw("DELETE FROM audit_log WHERE seq = 2".into()).await;
    assert!(delete.is_err(), "DELETE must be refused: {delete:?}");
    assert_eq!(store.audit_page(0, 10).await.unwrap().len(), 2);
    assert!(audit(&store).verify().await.unwrap().is_ok());
}

/// One edited row is named as edited.
pub async fn tampered_audit_edit_is_caught(store: Arc<dyn Store>, raw: RawSql) {
    append_n(store.as_ref(), 6).await;
    raw(drop_triggers(store.as_ref()).into()).await.unwrap();
    let n = raw("UPDATE audit_log SET purpose = 'Xem cho biết' WHERE seq = 3".into())
        .await
        .unwrap();
    assert_eq!(n, 1);
    let found = audit(&store).verify().await.unwrap().unwrap_err();
    assert_eq!(found, ChainBreak::Edited { seq: 3 });
}

/// One deleted row is named as deleted.
pub async fn tampered_audit_delete_is_caught(store: Arc<dyn Store>, raw: RawSql) {
    append_n(store.as_ref(), 6).await;
    raw(drop_triggers(store.as_ref()).into()).await.unwrap();
    raw("DELETE FROM audit_log WHERE seq = 4".into())
        .await
        .unwrap();
    let found = audit(&store).verify().await.unwrap().unwrap_err();
    assert_eq!(
        found,
        ChainBreak::Deleted {
            seq: 5,
            from: 4,
            to: 4
        }
    );
    raw("DELETE FROM audit_log WHERE seq >= 4".into())
        .await
        .unwrap();
    let found = audit(&store).verify().await.unwrap().unwrap_err();
    assert_eq!(found, ChainBreak::TailDeleted { from: 4, to: 6 });
}

/// Two rows swapped (their numbers exchanged) are named as reordered.
pub async fn tampered_audit_reorder_is_caught(store: Arc<dyn Store>, raw: RawSql) {
    append_n(store.as_ref(), 5).await;
    raw(drop_triggers(store.as_ref()).into()).await.unwrap();
    for sql in [
        "UPDATE audit_log SET seq = -1 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 4",
        "UPDATE audit_log SET seq = 4 WHERE seq = -1",
    ] {
        raw(sql.into()).await.unwrap();
    }
    let found = audit(&store).verify().await.unwrap().unwrap_err();
    assert_eq!(found, ChainBreak::Reordered { seq: 2, follows: 3 });
}
