//! Conformance cases of accounts, roles, sessions and API keys: exact
//! values on both engines, and each audited change landing in the chain
//! with its row or not at all.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use motcua_app::StoreError;
use motcua_app::ports::Store;
use motcua_app::ports::accounts::LoginCounters;
use motcua_domain::audit::{AuditAction, AuditEntry, AuditOutcome};
use motcua_domain::identity::{
    Account, AccountStatus, ApiKeyRecord, Role, RoleAssignment, Scope, SessionRecord, token_digest,
};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 7, 1, 1, 30, 0).unwrap() + Duration::microseconds(250_000)
}

fn entry(action: AuditAction, who: &str) -> AuditEntry {
    AuditEntry::new(t0(), who, action, AuditOutcome::Allowed)
}

/// An account with every field set.
pub fn sample_account(id: &str) -> Account {
    Account {
        id: id.into(),
        display_name: "Nguyễn Văn An".into(),
        position: Some("Công chức Tư pháp - Hộ tịch".into()),
        agency_id: "H55.X05977.TT".into(),
        status: AccountStatus::Active,
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
        failed_attempts: 0,
        locked_until: None,
        oidc_subject: None,
        email: Some("An.Nguyen@ThaiNguyen.gov.vn".into()),
        created_at: t0(),
    }
}

fn role(role: Role, scope: Scope) -> RoleAssignment {
    RoleAssignment { role, scope }
}

/// Accounts, roles and log-in counters round-trip exactly; every change
/// is audited in its transaction.
pub async fn accounts_roles_and_logins_round_trip(store: Arc<dyn Store>) {
    let a = sample_account("nva");
    let head = store
        .create_account(&a, &entry(AuditAction::PermissionChange, "admin"))
        .await
        .unwrap();
    assert_eq!(head.seq, 1);
    assert_eq!(store.get_account("nva").await.unwrap(), Some(a.clone()));
    assert_eq!(store.get_account("nobody").await.unwrap(), None);
    let dup = store
        .create_account(&a, &entry(AuditAction::PermissionChange, "admin"))
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    store
        .create_account(
            &Account {
                email: None,
                ..sample_account("ttb")
            },
            &entry(AuditAction::PermissionChange, "admin"),
        )
        .await
        .unwrap();
    let ids: Vec<String> = store
        .list_accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids, vec!["nva", "ttb"]);

    let reception = role(Role::Reception, Scope::Agency("H55.X05977.TT".into()));
    let admin = role(Role::UnitAdmin, Scope::Unit("05977".into()));
    for r in [&reception, &admin, &reception] {
        store
            .grant_role("nva", r, &entry(AuditAction::PermissionChange, "admin"))
            .await
            .unwrap();
    }
    assert_eq!(
        store.roles_of("nva").await.unwrap(),
        vec![reception.clone(), admin.clone()]
    );
    let unknown = store
        .grant_role(
            "nobody",
            &admin,
            &entry(AuditAction::PermissionChange, "admin"),
        )
        .await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");
    store
        .revoke_role(
            "nva",
            &admin,
            &entry(AuditAction::PermissionChange, "admin"),
        )
        .await
        .unwrap();
    let again = store
        .revoke_role(
            "nva",
            &admin,
            &entry(AuditAction::PermissionChange, "admin"),
        )
        .await;
    assert!(matches!(again, Err(StoreError::NotFound)), "{again:?}");
    assert_eq!(store.roles_of("nva").await.unwrap(), vec![reception]);

    let locked = t0() + Duration::minutes(15);
    store
        .record_login(
            Some("nva"),
            &LoginCounters {
                failed_attempts: 0,
                locked_until: Some(locked),
            },
            &entry(AuditAction::Login, "nva"),
        )
        .await
        .unwrap();
    let read = store.get_account("nva").await.unwrap().unwrap();
    assert_eq!((read.failed_attempts, read.locked_until), (0, Some(locked)));
    store
        .record_login(
            None,
            &LoginCounters {
                failed_attempts: 3,
                locked_until: None,
            },
            &entry(AuditAction::Login, "ghost"),
        )
        .await
        .unwrap();
    store
        .set_password_hash(
            "nva",
            "$argon2id$new",
            &entry(AuditAction::PermissionChange, "admin"),
        )
        .await
        .unwrap();
    let read = store.get_account("nva").await.unwrap().unwrap();
    assert_eq!(read.password_hash.as_deref(), Some("$argon2id$new"));
    assert_eq!((read.failed_attempts, read.locked_until), (0, None));
    let missing = store
        .set_password_hash(
            "nobody",
            "x",
            &entry(AuditAction::PermissionChange, "admin"),
        )
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");

    // Single sign-on: an e-mail links only once an administrator approved it
    // (review F5); then by e-mail (any case), then by the linked subject.
    let unapproved = store
        .find_account_for_sso("https://idp|42", Some("an.nguyen@thainguyen.gov.vn"))
        .await
        .unwrap();
    assert_eq!(unapproved, None);
    store
        .set_sso_link(
            "nva",
            None,
            true,
            &entry(AuditAction::PermissionChange, "admin"),
        )
        .await
        .unwrap();
    let by_mail = store
        .find_account_for_sso("https://idp|42", Some("an.nguyen@thainguyen.gov.vn"))
        .await
        .unwrap();
    assert_eq!(by_mail.map(|a| a.id), Some("nva".to_owned()));
    store
        .link_sso_subject("nva", "https://idp|42")
        .await
        .unwrap();
    let by_sub = store
        .find_account_for_sso("https://idp|42", None)
        .await
        .unwrap();
    assert_eq!(
        by_sub.and_then(|a| a.oidc_subject),
        Some("https://idp|42".to_owned())
    );
    assert_eq!(
        store
            .find_account_for_sso("https://idp|43", None)
            .await
            .unwrap(),
        None
    );

    let actions: Vec<String> = store
        .audit_page(0, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.columns.action)
        .collect();
    // 2 accounts, 3 grants (the repeated one too), 1 revocation, 1 password,
    // 1 e-mail approval; refusals (unknown account, absent role) append nothing.
    assert_eq!(actions.len(), 10, "{actions:?}");
    assert_eq!(
        actions.iter().filter(|a| *a == "permission_change").count(),
        8
    );
    assert_eq!(actions.iter().filter(|a| *a == "login").count(), 2);
}

/// Sessions and API keys: stored as digests, rotated, revoked.
pub async fn sessions_and_api_keys_round_trip(store: Arc<dyn Store>) {
    store
        .create_account(
            &sample_account("sys"),
            &entry(AuditAction::PermissionChange, "admin"),
        )
        .await
        .unwrap();
    let s = SessionRecord {
        token_hash: token_digest("token-1"),
        account_id: "sys".into(),
        created_at: t0(),
        expires_at: t0() + Duration::hours(10),
        last_seen_at: t0(),
    };
    store.create_session(&s).await.unwrap();
    assert_eq!(
        store.get_session(&s.token_hash).await.unwrap(),
        Some(s.clone())
    );
    let later = t0() + Duration::minutes(5);
    store.touch_session(&s.token_hash, later).await.unwrap();
    assert_eq!(
        store
            .get_session(&s.token_hash)
            .await
            .unwrap()
            .map(|x| x.last_seen_at),
        Some(later)
    );
    store.delete_session(&s.token_hash).await.unwrap();
    store.delete_session(&s.token_hash).await.unwrap();
    assert_eq!(store.get_session(&s.token_hash).await.unwrap(), None);

    let k = ApiKeyRecord {
        id: "k-1".into(),
        account_id: "sys".into(),
        prefix: "mck_0123abcd".into(),
        secret_hash: token_digest("mck_secret-1"),
        scopes: vec![role(Role::System, Scope::Agency("H55".into()))],
        created_at: t0(),
        revoked_at: None,
    };
    store
        .create_api_key(&k, &entry(AuditAction::ApiKeyChange, "admin"))
        .await
        .unwrap();
    assert_eq!(
        store.api_key_by_hash(&k.secret_hash).await.unwrap(),
        Some(k.clone())
    );
    let at = t0() + Duration::days(1);
    store
        .rotate_api_key(
            "k-1",
            "mck_9999ffff",
            &token_digest("mck_secret-2"),
            at,
            &entry(AuditAction::ApiKeyChange, "admin"),
        )
        .await
        .unwrap();
    assert_eq!(store.api_key_by_hash(&k.secret_hash).await.unwrap(), None);
    let rotated = store
        .api_key_by_hash(&token_digest("mck_secret-2"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            rotated.prefix.as_str(),
            rotated.created_at,
            rotated.scopes.len()
        ),
        ("mck_9999ffff", at, 1)
    );
    store
        .revoke_api_key("k-1", at, &entry(AuditAction::ApiKeyChange, "admin"))
        .await
        .unwrap();
    assert_eq!(
        store.get_api_key("k-1").await.unwrap().unwrap().revoked_at,
        Some(at)
    );
    let revoked = store
        .rotate_api_key(
            "k-1",
            "x",
            "y",
            at,
            &entry(AuditAction::ApiKeyChange, "admin"),
        )
        .await;
    assert!(
        matches!(revoked, Err(StoreError::Conflict(_))),
        "{revoked:?}"
    );
    let unknown = store
        .revoke_api_key("k-9", at, &entry(AuditAction::ApiKeyChange, "admin"))
        .await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");
    // account + create + rotate + revoke; refusals append nothing.
    assert_eq!(store.audit_head().await.unwrap().map(|h| h.seq), Some(4));
}

/// Single sign-on links set by an administrator, the e-mail approval used up
/// by the first link, and sessions ended by a new password or by disabling
/// the account (review F5, F23).
pub async fn sso_links_and_session_revocation(store: Arc<dyn Store>) {
    store
        .create_account(
            &sample_account("nva"),
            &entry(AuditAction::PermissionChange, "admin"),
        )
        .await
        .unwrap();
    let admin = || entry(AuditAction::PermissionChange, "admin");
    store
        .set_sso_link("nva", None, true, &admin())
        .await
        .unwrap();
    store
        .link_sso_subject("nva", "https://idp|42")
        .await
        .unwrap();
    store
        .set_sso_link("nva", None, false, &admin())
        .await
        .unwrap();
    // Unlinked, and the approval was used up: the e-mail no longer matches.
    assert_eq!(
        store
            .find_account_for_sso("https://idp|42", Some("an.nguyen@thainguyen.gov.vn"))
            .await
            .unwrap(),
        None
    );
    store
        .set_sso_link("nva", Some("https://idp|7"), false, &admin())
        .await
        .unwrap();
    let linked = store
        .find_account_for_sso("https://idp|7", None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(linked.oidc_subject.as_deref(), Some("https://idp|7"));
    let unknown = store.set_sso_link("nobody", None, true, &admin()).await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");

    let session = |token: &str| SessionRecord {
        token_hash: token_digest(token),
        account_id: "nva".into(),
        created_at: t0(),
        expires_at: t0() + Duration::hours(10),
        last_seen_at: t0(),
    };
    store.create_session(&session("s-1")).await.unwrap();
    store
        .set_password_hash("nva", "$argon2id$new", &admin())
        .await
        .unwrap();
    assert_eq!(store.get_session(&token_digest("s-1")).await.unwrap(), None);
    store.create_session(&session("s-2")).await.unwrap();
    store
        .set_account_status("nva", AccountStatus::Disabled, &admin())
        .await
        .unwrap();
    assert_eq!(store.get_session(&token_digest("s-2")).await.unwrap(), None);
    assert_eq!(
        store.get_account("nva").await.unwrap().unwrap().status,
        AccountStatus::Disabled
    );
    store
        .set_account_status("nva", AccountStatus::Active, &admin())
        .await
        .unwrap();
    let missing = store
        .set_account_status("nobody", AccountStatus::Disabled, &admin())
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");

    store
        .set_login_counters(
            "nva",
            &LoginCounters {
                failed_attempts: 2,
                locked_until: None,
            },
        )
        .await
        .unwrap();
    let read = store.get_account("nva").await.unwrap().unwrap();
    assert_eq!(
        (read.failed_attempts, read.status),
        (2, AccountStatus::Active)
    );
    // account + 3 links + password + 2 status changes; counters are not audited.
    assert_eq!(store.audit_head().await.unwrap().map(|h| h.seq), Some(7));
}

/// Names and positions: a profile change is audited with its row, names are
/// read for many ids in one query, and the officers of an agency subtree are
/// the active accounts with a dossier role in that agency or below it.
pub async fn account_profiles_names_and_officers_of_a_subtree(store: Arc<dyn Store>) {
    use motcua_domain::agency::{Agency, AgencyKind};
    let agency = |id: &str, parent: Option<&str>, kind| Agency {
        id: id.into(),
        name: format!("Cơ quan {id}"),
        kind,
        unit_code: "05977".into(),
        parent_id: parent.map(str::to_owned),
        active: true,
    };
    for a in [
        agency("H55", None, AgencyKind::ProvincialCommittee),
        agency("H55.X05977", Some("H55"), AgencyKind::CommuneCommittee),
        agency(
            "H55.X05977.TT",
            Some("H55.X05977"),
            AgencyKind::CommuneServiceCenter,
        ),
        agency("H55.X05978", Some("H55"), AgencyKind::CommuneCommittee),
    ] {
        store.upsert_agency(&a).await.unwrap();
    }
    let admin = entry(AuditAction::PermissionChange, "admin");
    let officer = |id: &str, agency: &str| Account {
        agency_id: agency.into(),
        position: None,
        ..sample_account(id)
    };
    for a in [
        officer("cv.xa", "H55.X05977"),
        officer("cb.tt", "H55.X05977.TT"),
        officer("cb.khac", "H55.X05978"),
        officer("nghi.viec", "H55.X05977"),
        officer("kiem.tra", "H55.X05977"),
    ] {
        store.create_account(&a, &admin).await.unwrap();
    }
    let scope = Scope::Agency("H55.X05977".into());
    for (id, r) in [
        ("cv.xa", Role::Specialist),
        ("cb.tt", Role::Reception),
        ("cb.khac", Role::Leader),
        ("nghi.viec", Role::Specialist),
        ("kiem.tra", Role::Auditor),
    ] {
        store
            .grant_role(id, &role(r, scope.clone()), &admin)
            .await
            .unwrap();
    }
    store
        .set_account_status("nghi.viec", AccountStatus::Disabled, &admin)
        .await
        .unwrap();

    // A profile change, audited; an unknown account is NotFound.
    let before = store.get_account("cv.xa").await.unwrap().unwrap();
    assert_eq!(before.position, None);
    store
        .set_account_profile("cv.xa", "Trần Thị Bình", Some("Chuyên viên"), &admin)
        .await
        .unwrap();
    let after = store.get_account("cv.xa").await.unwrap().unwrap();
    assert_eq!(after.display_name, "Trần Thị Bình");
    assert_eq!(after.position.as_deref(), Some("Chuyên viên"));
    assert_eq!(
        Account {
            display_name: before.display_name.clone(),
            position: None,
            ..after.clone()
        },
        before
    );
    let missing = store.set_account_profile("nobody", "X", None, &admin).await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");

    // Names for many ids at once; unknown ids are left out.
    let ids: Vec<String> = ["cb.tt", "nobody", "cv.xa"].map(String::from).to_vec();
    let found: Vec<(String, String)> = store
        .accounts_by_ids(&ids)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.id, a.display_name))
        .collect();
    assert_eq!(
        found,
        vec![
            ("cb.tt".into(), "Nguyễn Văn An".into()),
            ("cv.xa".into(), "Trần Thị Bình".into()),
        ]
    );
    assert!(store.accounts_by_ids(&[]).await.unwrap().is_empty());

    // The subtree: the commune and its centre; not the other commune, not
    // a disabled account, not an auditor.
    let ids = |v: Vec<Account>| v.into_iter().map(|a| a.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store
            .officers_in_agency_subtree("H55.X05977")
            .await
            .unwrap()),
        vec!["cb.tt", "cv.xa"]
    );
    assert_eq!(
        ids(store
            .officers_in_agency_subtree("H55.X05977.TT")
            .await
            .unwrap()),
        vec!["cb.tt"]
    );
    assert_eq!(
        ids(store.officers_in_agency_subtree("H55").await.unwrap()),
        vec!["cb.khac", "cb.tt", "cv.xa"]
    );
    assert!(
        store
            .officers_in_agency_subtree("H99")
            .await
            .unwrap()
            .is_empty()
    );
}
