//! The identity use cases (log-in, lockout, sessions) over a small
//! in-memory fake of the one port they use ([`AccountStore`]) and a
//! [`TestClock`]: lock-outs and idle sessions end by moving the clock, not
//! by waiting (issue 20, item 2).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use motcua_app::StoreError;
use motcua_app::identity::{IdentityService, LoginRefusal, NewAccount};
use motcua_app::ports::accounts::LoginCounters;
use motcua_app::ports::{AccountStore, TestClock};
use motcua_domain::audit::{AuditEntry, ChainHead};
use motcua_domain::identity::{
    Account, AccountStatus, ApiKeyRecord, RoleAssignment, SessionRecord,
};

/// Accounts, sessions and the audit entries written, in memory.
#[derive(Default)]
struct Fake {
    accounts: Mutex<HashMap<String, Account>>,
    sessions: Mutex<HashMap<String, SessionRecord>>,
    keys: Mutex<HashMap<String, ApiKeyRecord>>,
    audited: Mutex<Vec<AuditEntry>>,
    /// Sessions and API keys read from the "database".
    credential_reads: std::sync::atomic::AtomicUsize,
}

impl Fake {
    fn audit(&self, entry: &AuditEntry) -> ChainHead {
        let mut audited = self.audited.lock().unwrap();
        audited.push(entry.clone());
        ChainHead {
            seq: audited.len() as i64,
            hash: format!("h{}", audited.len()),
        }
    }

    /// Revokes a key in the "database" only, as another process would.
    fn revoke_key(&self, id: &str, at: DateTime<Utc>) {
        for k in self.keys.lock().unwrap().values_mut() {
            if k.id == id {
                k.revoked_at = Some(at);
            }
        }
    }

    fn reads(&self) -> usize {
        self.credential_reads
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    fn counters(&self, id: &str, counters: &LoginCounters) {
        if let Some(a) = self.accounts.lock().unwrap().get_mut(id) {
            a.failed_attempts = counters.failed_attempts;
            a.locked_until = counters.locked_until;
        }
    }
}

fn unused<T>() -> Result<T, StoreError> {
    Err(StoreError::Other(anyhow::anyhow!(
        "not used by these tests"
    )))
}

#[async_trait]
impl AccountStore for Fake {
    async fn create_account(&self, a: &Account, e: &AuditEntry) -> Result<ChainHead, StoreError> {
        self.accounts
            .lock()
            .unwrap()
            .insert(a.id.clone(), a.clone());
        Ok(self.audit(e))
    }
    async fn get_account(&self, id: &str) -> Result<Option<Account>, StoreError> {
        Ok(self.accounts.lock().unwrap().get(id).cloned())
    }
    async fn find_account_for_sso(
        &self,
        _subject: &str,
        _email: Option<&str>,
    ) -> Result<Option<Account>, StoreError> {
        unused()
    }
    async fn link_sso_subject(&self, _id: &str, _subject: &str) -> Result<(), StoreError> {
        unused()
    }
    async fn set_sso_link(
        &self,
        _id: &str,
        _subject: Option<&str>,
        _email_approved: bool,
        _e: &AuditEntry,
    ) -> Result<ChainHead, StoreError> {
        unused()
    }
    async fn set_account_status(
        &self,
        _id: &str,
        _status: AccountStatus,
        _e: &AuditEntry,
    ) -> Result<ChainHead, StoreError> {
        unused()
    }
    async fn set_login_counters(&self, id: &str, c: &LoginCounters) -> Result<(), StoreError> {
        self.counters(id, c);
        Ok(())
    }
    async fn list_accounts(&self) -> Result<Vec<Account>, StoreError> {
        unused()
    }
    async fn set_account_profile(
        &self,
        _id: &str,
        _name: &str,
        _position: Option<&str>,
        _e: &AuditEntry,
    ) -> Result<ChainHead, StoreError> {
        unused()
    }
    async fn accounts_by_ids(&self, _ids: &[String]) -> Result<Vec<Account>, StoreError> {
        unused()
    }
    async fn officers_in_agency_subtree(&self, _root: &str) -> Result<Vec<Account>, StoreError> {
        unused()
    }
    async fn set_password_hash(
        &self,
        _id: &str,
        _hash: &str,
        _e: &AuditEntry,
    ) -> Result<ChainHead, StoreError> {
        unused()
    }
    async fn record_login(
        &self,
        id: Option<&str>,
        c: &LoginCounters,
        e: &AuditEntry,
    ) -> Result<ChainHead, StoreError> {
        if let Some(id) = id {
            self.counters(id, c);
        }
        Ok(self.audit(e))
    }
    async fn grant_role(
        &self,
        _id: &str,
        _a: &RoleAssignment,
        _e: &AuditEntry,
    ) -> Result<ChainHead, StoreError> {
        unused()
    }
    async fn revoke_role(
        &self,
        _id: &str,
        _a: &RoleAssignment,
        _e: &AuditEntry,
    ) -> Result<ChainHead, StoreError> {
        unused()
    }
    async fn roles_of(&self, _id: &str) -> Result<Vec<RoleAssignment>, StoreError> {
        Ok(Vec::new())
    }
    async fn create_session(&self, s: &SessionRecord) -> Result<(), StoreError> {
        self.sessions
            .lock()
            .unwrap()
            .insert(s.token_hash.clone(), s.clone());
        Ok(())
    }
    async fn get_session(&self, hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        self.credential_reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(self.sessions.lock().unwrap().get(hash).cloned())
    }
    async fn touch_session(&self, hash: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        if let Some(s) = self.sessions.lock().unwrap().get_mut(hash) {
            s.last_seen_at = at;
        }
        Ok(())
    }
    async fn delete_session(&self, hash: &str) -> Result<(), StoreError> {
        self.sessions.lock().unwrap().remove(hash);
        Ok(())
    }
    async fn create_api_key(
        &self,
        k: &ApiKeyRecord,
        e: &AuditEntry,
    ) -> Result<ChainHead, StoreError> {
        self.keys
            .lock()
            .unwrap()
            .insert(k.secret_hash.clone(), k.clone());
        Ok(self.audit(e))
    }
    async fn api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        self.credential_reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(self.keys.lock().unwrap().get(hash).cloned())
    }
    async fn get_api_key(&self, _id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        unused()
    }
    async fn rotate_api_key(
        &self,
        _id: &str,
        _prefix: &str,
        _hash: &str,
        _at: DateTime<Utc>,
        _e: &AuditEntry,
    ) -> Result<ChainHead, StoreError> {
        unused()
    }
    async fn revoke_api_key(
        &self,
        id: &str,
        at: DateTime<Utc>,
        e: &AuditEntry,
    ) -> Result<ChainHead, StoreError> {
        self.revoke_key(id, at);
        Ok(self.audit(e))
    }
}

fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap()
}

/// The service with one account, `nva`, whose password is `đúng-mật-khẩu-1`.
async fn with_account() -> (Arc<Fake>, TestClock, IdentityService) {
    let (fake, clock) = (Arc::new(Fake::default()), TestClock::new(monday_morning()));
    let ids = IdentityService::new(fake.clone(), clock.clock());
    let created = ids
        .create_account(
            NewAccount {
                id: "nva".into(),
                display_name: "Nguyễn Văn A".into(),
                position: None,
                agency_id: "H55.X05743.TT".into(),
                email: None,
                password: Some("đúng-mật-khẩu-1".into()),
            },
            "admin",
        )
        .await
        .unwrap();
    assert_eq!(created.created_at, monday_morning());
    (fake, clock, ids)
}

#[tokio::test]
async fn five_failures_lock_that_client_out_until_the_clock_passes_the_lock() {
    let (fake, clock, ids) = with_account().await;
    for _ in 0..5 {
        let refused = ids.login("nva", "sai", "10.0.0.1").await.unwrap();
        assert_eq!(refused.err(), Some(LoginRefusal::BadCredentials));
    }
    assert_eq!(fake.accounts.lock().unwrap()["nva"].failed_attempts, 5);
    let locked = ids
        .login("nva", "đúng-mật-khẩu-1", "10.0.0.1")
        .await
        .unwrap();
    assert_eq!(
        locked.err(),
        Some(LoginRefusal::Locked(
            monday_morning() + TimeDelta::minutes(15)
        ))
    );
    // The officer at another desk still logs in.
    let elsewhere = ids
        .login("nva", "đúng-mật-khẩu-1", "10.0.0.2")
        .await
        .unwrap();
    assert!(elsewhere.is_ok());
    // Fifteen minutes later the first desk may try again.
    clock.advance(TimeDelta::minutes(15) + TimeDelta::seconds(1));
    let back = ids
        .login("nva", "đúng-mật-khẩu-1", "10.0.0.1")
        .await
        .unwrap();
    assert!(back.is_ok());
    assert_eq!(fake.accounts.lock().unwrap()["nva"].failed_attempts, 0);
}

#[tokio::test]
async fn an_idle_session_ends_after_thirty_minutes_on_the_clock() {
    let (fake, clock, ids) = with_account().await;
    let logged_in = ids
        .login("nva", "đúng-mật-khẩu-1", "10.0.0.1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        logged_in.expires_at,
        monday_morning() + TimeDelta::hours(10)
    );
    clock.advance(TimeDelta::minutes(29));
    let who = ids.session(&logged_in.token).await.unwrap();
    assert_eq!(who.map(|p| p.id), Some("nva".to_owned()));
    // Used at 29 minutes: idle counts from there.
    clock.advance(TimeDelta::minutes(29));
    assert!(ids.session(&logged_in.token).await.unwrap().is_some());
    clock.advance(TimeDelta::minutes(31));
    assert!(ids.session(&logged_in.token).await.unwrap().is_none());
    assert!(fake.sessions.lock().unwrap().is_empty(), "deleted");
}

/// An API key revoked by another process (straight in the database) is
/// still answered from memory for less than a second, then refused; one
/// revoked through this service is refused at once (issue 21 item 5).
#[tokio::test]
async fn a_revoked_api_key_is_refused_within_a_second() {
    let (fake, clock, ids) = with_account().await;
    let key = ids
        .create_api_key("nva", Vec::new(), "admin")
        .await
        .unwrap();
    let who = ids.api_key(&key.secret).await.unwrap();
    assert_eq!(who.map(|p| p.id), Some("nva".to_owned()));
    let reads = fake.reads();
    fake.revoke_key(&key.record.id, clock.clock().now());
    clock.advance(TimeDelta::milliseconds(999));
    assert!(ids.api_key(&key.secret).await.unwrap().is_some(), "cached");
    assert_eq!(fake.reads(), reads, "answered from memory");
    clock.advance(TimeDelta::milliseconds(1));
    assert_eq!(ids.api_key(&key.secret).await.unwrap(), None);
    // Revoked here: refused on the very next request.
    let other = ids
        .create_api_key("nva", Vec::new(), "admin")
        .await
        .unwrap();
    assert!(ids.api_key(&other.secret).await.unwrap().is_some());
    ids.revoke_api_key(&other.record.id, "admin").await.unwrap();
    assert_eq!(ids.api_key(&other.secret).await.unwrap(), None);
}

/// A session ended by another process is refused within a second; a
/// log-out through this service at once.
#[tokio::test]
async fn an_ended_session_is_refused_within_a_second() {
    let (fake, clock, ids) = with_account().await;
    let login = || async {
        ids.login("nva", "đúng-mật-khẩu-1", "10.0.0.1")
            .await
            .unwrap()
            .unwrap()
    };
    let first = login().await;
    assert!(ids.session(&first.token).await.unwrap().is_some());
    let reads = fake.reads();
    fake.sessions.lock().unwrap().clear();
    clock.advance(TimeDelta::milliseconds(999));
    assert!(ids.session(&first.token).await.unwrap().is_some(), "cached");
    assert_eq!(fake.reads(), reads, "answered from memory");
    clock.advance(TimeDelta::milliseconds(1));
    assert_eq!(ids.session(&first.token).await.unwrap(), None);
    let second = login().await;
    assert!(ids.session(&second.token).await.unwrap().is_some());
    ids.logout(&second.token).await.unwrap();
    assert_eq!(ids.session(&second.token).await.unwrap(), None);
}
