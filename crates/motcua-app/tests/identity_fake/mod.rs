//! An in-memory fake of the one port the identity use cases use
//! ([`AccountStore`]) and the helpers their tests share.
#![allow(dead_code, unused_imports)]
pub use std::collections::HashMap;
pub use std::sync::{Arc, Mutex};

pub use async_trait::async_trait;
pub use chrono::{DateTime, TimeDelta, TimeZone, Utc};
pub use motcua_app::StoreError;
pub use motcua_app::identity::{IdentityService, LoginRefusal, NewAccount};
pub use motcua_app::ports::accounts::LoginCounters;
pub use motcua_app::ports::{AccountStore, TestClock};
pub use motcua_domain::audit::{AuditEntry, ChainHead};
pub use motcua_domain::identity::{
    Account, AccountStatus, ApiKeyRecord, RoleAssignment, SessionRecord,
};

/// Accounts, sessions and the audit entries written, in memory.
#[derive(Default)]
pub struct Fake {
    pub accounts: Mutex<HashMap<String, Account>>,
    pub sessions: Mutex<HashMap<String, SessionRecord>>,
    pub keys: Mutex<HashMap<String, ApiKeyRecord>>,
    pub audited: Mutex<Vec<AuditEntry>>,
    /// Sessions and API keys read from the "database".
    pub credential_reads: std::sync::atomic::AtomicUsize,
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
    pub fn revoke_key(&self, id: &str, at: DateTime<Utc>) {
        for k in self.keys.lock().unwrap().values_mut() {
            if k.id == id {
                k.revoked_at = Some(at);
            }
        }
    }

    pub fn reads(&self) -> usize {
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

pub fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap()
}

/// The service with one account, `nva`, whose password is `đúng-mật-khẩu-1`.
pub async fn with_account() -> (Arc<Fake>, TestClock, IdentityService) {
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
