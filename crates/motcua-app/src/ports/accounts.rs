//! Accounts, role assignments, sessions and API keys. Every change that the
//! audit log must record is written with its entry in one transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::audit::{AuditEntry, ChainHead};
use motcua_domain::identity::{
    Account, AccountStatus, ApiKeyRecord, RoleAssignment, SessionRecord,
};

use crate::StoreError;

/// What a log-in attempt changes on the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginCounters {
    /// Failures in a row after this attempt.
    pub failed_attempts: u32,
    /// The lock, if any, after this attempt.
    pub locked_until: Option<DateTime<Utc>>,
}

/// The identity store.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates an account and appends its audit entry; an existing id is a
    /// [`StoreError::Conflict`].
    async fn create_account(
        &self,
        account: &Account,
        audit: &AuditEntry,
    ) -> Result<ChainHead, StoreError>;
    /// One account.
    async fn get_account(&self, id: &str) -> Result<Option<Account>, StoreError>;
    /// The account linked to a single sign-on subject (`issuer|sub`), or
    /// else, when `email` is given, the not yet linked account with this
    /// e-mail (case-insensitive) whose e-mail link an administrator approved.
    async fn find_account_for_sso(
        &self,
        subject: &str,
        email: Option<&str>,
    ) -> Result<Option<Account>, StoreError>;
    /// Links a single sign-on subject to an account and uses up its e-mail
    /// approval.
    async fn link_sso_subject(&self, account_id: &str, subject: &str) -> Result<(), StoreError>;
    /// An administrator's setting of an account's single sign-on link: the
    /// linked subject (`None` unlinks) and whether a verified e-mail may link
    /// it, with its audit entry; [`StoreError::NotFound`] for an unknown account.
    async fn set_sso_link(
        &self,
        account_id: &str,
        subject: Option<&str>,
        email_approved: bool,
        audit: &AuditEntry,
    ) -> Result<ChainHead, StoreError>;
    /// Enables or disables an account with its audit entry; disabling also
    /// deletes its sessions. [`StoreError::NotFound`] for an unknown account.
    async fn set_account_status(
        &self,
        account_id: &str,
        status: AccountStatus,
        audit: &AuditEntry,
    ) -> Result<ChainHead, StoreError>;
    /// Replaces the log-in counters of an account without an audit entry (a
    /// failure already audited in this throttle window).
    async fn set_login_counters(
        &self,
        account_id: &str,
        counters: &LoginCounters,
    ) -> Result<(), StoreError>;
    /// Every account, by id.
    async fn list_accounts(&self) -> Result<Vec<Account>, StoreError>;
    /// Replaces an account's name and position (chức vụ) with its audit
    /// entry; [`StoreError::NotFound`] for an unknown account.
    async fn set_account_profile(
        &self,
        account_id: &str,
        display_name: &str,
        position: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<ChainHead, StoreError>;
    /// The accounts among `ids` (unknown ids are left out), by id: one
    /// query for every name on a page. At most 1,000 ids are read.
    async fn accounts_by_ids(&self, ids: &[String]) -> Result<Vec<Account>, StoreError>;
    /// The active officers (accounts with a reception, specialist or leader
    /// role) whose agency is `root` or an agency below it, by id.
    async fn officers_in_agency_subtree(&self, root: &str) -> Result<Vec<Account>, StoreError>;
    /// Replaces the password hash (clearing failures and lock) with its audit
    /// entry, and deletes the account's sessions.
    async fn set_password_hash(
        &self,
        account_id: &str,
        hash: &str,
        audit: &AuditEntry,
    ) -> Result<ChainHead, StoreError>;
    /// Records a log-in attempt: new counters and the `login` audit entry,
    /// in one transaction. An unknown account only gets the entry.
    async fn record_login(
        &self,
        account_id: Option<&str>,
        counters: &LoginCounters,
        audit: &AuditEntry,
    ) -> Result<ChainHead, StoreError>;
    /// Adds a role assignment with its `permission_change` entry; adding
    /// one that exists changes nothing but is still audited.
    async fn grant_role(
        &self,
        account_id: &str,
        assignment: &RoleAssignment,
        audit: &AuditEntry,
    ) -> Result<ChainHead, StoreError>;
    /// Removes a role assignment with its entry; [`StoreError::NotFound`] when absent.
    async fn revoke_role(
        &self,
        account_id: &str,
        assignment: &RoleAssignment,
        audit: &AuditEntry,
    ) -> Result<ChainHead, StoreError>;
    /// An account's role assignments, sorted.
    async fn roles_of(&self, account_id: &str) -> Result<Vec<RoleAssignment>, StoreError>;
    /// Stores a new session.
    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError>;
    /// A session by token digest.
    async fn get_session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError>;
    /// Marks a session used at `at`.
    async fn touch_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// Deletes a session (log-out); absent is fine.
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// Stores a new API key with its `api_key_change` entry.
    async fn create_api_key(
        &self,
        key: &ApiKeyRecord,
        audit: &AuditEntry,
    ) -> Result<ChainHead, StoreError>;
    /// An API key by secret digest (revoked ones too).
    async fn api_key_by_hash(&self, secret_hash: &str) -> Result<Option<ApiKeyRecord>, StoreError>;
    /// An API key by id.
    async fn get_api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError>;
    /// Replaces a live key's secret; [`StoreError::NotFound`] for an unknown
    /// key, [`StoreError::Conflict`] for a revoked one.
    async fn rotate_api_key(
        &self,
        id: &str,
        prefix: &str,
        secret_hash: &str,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<ChainHead, StoreError>;
    /// Revokes a key; [`StoreError::NotFound`] / [`StoreError::Conflict`] as for rotation.
    async fn revoke_api_key(
        &self,
        id: &str,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<ChainHead, StoreError>;
}
