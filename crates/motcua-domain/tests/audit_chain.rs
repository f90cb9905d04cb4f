//! The audit hash chain: an intact chain verifies; each kind of tampering
//! is reported at the first broken entry.

use chrono::{TimeZone, Utc};
use motcua_domain::audit::{
    AuditAction, AuditColumns, AuditEntry, AuditOutcome, ChainBreak, ChainHead, ChainVerifier,
    GENESIS_HASH, StoredEntry, chain_hash,
};

fn entry(i: i64) -> AuditEntry {
    let at = Utc.with_ymd_and_hms(2025, 7, 1, 8, 0, 0).unwrap() + chrono::Duration::minutes(i);
    let mut e = AuditEntry::new(
        at,
        format!("officer-{}", i % 3),
        AuditAction::PersonalDataLookup,
        if i % 4 == 0 {
            AuditOutcome::Refused("no_grant".into())
        } else {
            AuditOutcome::Allowed
        },
    );
    e.fields = vec!["full_name".into(), "birth_date".into()];
    e.purpose = Some(format!("Tiếp nhận hồ sơ số {i}"));
    e
}

/// A chain of `n` entries as a store would keep it.
fn chain(n: i64) -> Vec<StoredEntry> {
    let mut prev = GENESIS_HASH.to_owned();
    (1..=n)
        .map(|seq| {
            let columns = entry(seq).columns();
            let hash = chain_hash(&prev, &columns);
            let e = StoredEntry {
                seq,
                prev_hash: prev.clone(),
                hash: hash.clone(),
                columns,
            };
            prev = hash;
            e
        })
        .collect()
}

fn head(entries: &[StoredEntry]) -> Option<ChainHead> {
    entries.last().map(|e| ChainHead {
        seq: e.seq,
        hash: e.hash.clone(),
    })
}

#[test]
fn an_intact_chain_verifies() {
    let log = chain(10);
    let report = ChainVerifier::verify_all(&log, head(&log).as_ref()).expect("intact");
    assert_eq!(report.checked, 10);
    assert_eq!(report.head, head(&log));
    let empty = ChainVerifier::verify_all(&[], None).expect("empty log is intact");
    assert_eq!(empty.checked, 0);
}

#[test]
fn the_hash_is_stable_and_covers_every_column() {
    let columns = entry(1).columns();
    let h = chain_hash(GENESIS_HASH, &columns);
    assert_eq!(h.len(), 64);
    assert_eq!(h, chain_hash(GENESIS_HASH, &columns.clone()));
    type Edit = Box<dyn Fn(&mut AuditColumns)>;
    let edits: Vec<Edit> = vec![
        Box::new(|c| c.officer_id.push('x')),
        Box::new(|c| c.action = "export".into()),
        Box::new(|c| c.unit_code = Some("00004".into())),
        Box::new(|c| c.agency_id = Some("H55".into())),
        Box::new(|c| c.subject_key = Some("k".into())),
        Box::new(|c| c.subject_masked = Some("0xx".into())),
        Box::new(|c| c.fields = "[]".into()),
        Box::new(|c| c.dossier_code = Some("D1".into())),
        Box::new(|c| c.grant_id = Some("g".into())),
        Box::new(|c| c.purpose = None),
        Box::new(|c| c.outcome = "refused".into()),
        Box::new(|c| c.reason = Some("x".into())),
        Box::new(|c| c.occurred_at += chrono::Duration::microseconds(1)),
    ];
    for (i, edit) in edits.iter().enumerate() {
        let mut c = columns.clone();
        edit(&mut c);
        assert_ne!(chain_hash(GENESIS_HASH, &c), h, "edit {i} is not covered");
    }
    assert_ne!(
        chain_hash(&"1".repeat(64), &columns),
        h,
        "prev hash is covered"
    );
}

#[test]
fn an_edited_entry_is_named() {
    let mut log = chain(10);
    log[2].columns.purpose = Some("xem cho vui".into());
    let err = ChainVerifier::verify_all(&log, head(&log).as_ref()).unwrap_err();
    assert_eq!(err, ChainBreak::Edited { seq: 3 });
    assert!(err.to_string().contains("entry 3: content edited"), "{err}");
}

#[test]
fn an_edit_with_a_recomputed_hash_breaks_the_next_link() {
    let mut log = chain(10);
    log[2].columns.purpose = Some("xem cho vui".into());
    log[2].hash = chain_hash(&log[2].prev_hash, &log[2].columns);
    let err = ChainVerifier::verify_all(&log, None).unwrap_err();
    assert_eq!(err, ChainBreak::LinkBroken { seq: 4 });
}

#[test]
fn a_deleted_entry_is_named() {
    let mut log = chain(10);
    log.remove(4);
    let err = ChainVerifier::verify_all(&log, head(&log).as_ref()).unwrap_err();
    assert_eq!(
        err,
        ChainBreak::Deleted {
            seq: 6,
            from: 5,
            to: 5
        }
    );
    assert!(err.to_string().contains("entries 5–5 deleted"), "{err}");
}

#[test]
fn deleting_the_first_entries_is_caught() {
    let log = chain(5);
    let err = ChainVerifier::verify_all(&log[2..], head(&log).as_ref()).unwrap_err();
    assert_eq!(
        err,
        ChainBreak::Deleted {
            seq: 3,
            from: 1,
            to: 2
        }
    );
}

#[test]
fn deleting_then_renumbering_is_caught() {
    let mut log = chain(6);
    log.remove(2);
    for (i, e) in log.iter_mut().enumerate() {
        e.seq = i64::try_from(i).unwrap() + 1;
    }
    let err = ChainVerifier::verify_all(&log, None).unwrap_err();
    assert_eq!(err, ChainBreak::LinkBroken { seq: 3 });
}

#[test]
fn swapped_entries_are_reported_as_reordered() {
    let mut log = chain(8);
    // Swap the contents of entries 3 and 6 but keep the numbering.
    let (a, b) = (log[2].clone(), log[5].clone());
    log[2] = StoredEntry { seq: 3, ..b };
    log[5] = StoredEntry { seq: 6, ..a };
    let err = ChainVerifier::verify_all(&log, head(&log).as_ref()).unwrap_err();
    assert_eq!(err, ChainBreak::Reordered { seq: 3, follows: 5 });
    assert!(err.to_string().contains("reordered"), "{err}");
}

#[test]
fn entries_removed_from_the_end_are_caught_by_the_head() {
    let log = chain(6);
    let h = head(&log);
    let err = ChainVerifier::verify_all(&log[..4], h.as_ref()).unwrap_err();
    assert_eq!(err, ChainBreak::TailDeleted { from: 5, to: 6 });
    let err = ChainVerifier::verify_all(&[], h.as_ref()).unwrap_err();
    assert_eq!(err, ChainBreak::TailDeleted { from: 1, to: 6 });
    let err = ChainVerifier::verify_all(&log, None).unwrap_err();
    assert_eq!(err, ChainBreak::HeadMismatch { seq: 6 });
}

#[test]
fn an_edited_sequence_number_is_caught() {
    let mut log = chain(4);
    log[3].seq = 9;
    let err = ChainVerifier::verify_all(&log, None).unwrap_err();
    assert_eq!(err, ChainBreak::Edited { seq: 9 });
}

#[test]
fn actions_round_trip_their_stored_spelling() {
    for a in AuditAction::ALL {
        assert_eq!(AuditAction::parse(a.as_str()), Some(a));
    }
    assert_eq!(AuditAction::parse("delete_everything"), None);
}

#[test]
fn refusals_store_their_reason() {
    let c = entry(4).columns();
    assert_eq!(c.outcome, "refused");
    assert_eq!(c.reason.as_deref(), Some("no_grant"));
    assert_eq!(c.field_names(), vec!["full_name", "birth_date"]);
    let c = entry(1).columns();
    assert_eq!((c.outcome.as_str(), c.reason), ("allowed", None));
}
