//! Accounts, log-in, sessions and API keys (tài khoản, đăng nhập, phiên,
//! khóa API). Every log-in attempt, permission change and API-key change is
//! audited in the same transaction as the change.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use motcua_domain::audit::{AuditAction, AuditEntry, AuditOutcome};
use motcua_domain::identity::{
    Account, AccountStatus, ApiKeyRecord, LockoutPolicy, Role, RoleAssignment, SessionRecord,
    key_prefix, token_digest, valid_account_id,
};
use serde::Serialize;

use crate::AppError;
use crate::ports::AccountStore;
use crate::ports::Clock;
use crate::ports::accounts::LoginCounters;
use crate::rate_limit::RateLimiter;

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;

/// Session lifetimes.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// Absolute lifetime of a session.
    pub lifetime: Duration,
    /// A session unused this long ends.
    pub idle: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            lifetime: Duration::hours(10),
            idle: Duration::minutes(30),
        }
    }
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Login name.
    pub id: String,
    /// Họ tên.
    pub display_name: String,
    /// Chức vụ (position), if any.
    pub position: Option<String>,
    /// Agency the officer works at.
    pub agency_id: String,
    /// E-mail. It links a single sign-on identity only when the provider
    /// says it is verified and an administrator approved that link
    /// ([`IdentityService::allow_sso_email`]).
    pub email: Option<String>,
    /// Initial password, if the account logs in locally.
    pub password: Option<String>,
}

/// A position as stored: trimmed, `None` when empty.
fn clean_position(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
}

/// Who is acting, with their roles: what the web layer builds from a
/// session, an API key or the development login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// Account id.
    pub id: String,
    /// Họ tên (the id itself for the development login).
    pub display_name: String,
    /// Agency the account works at.
    pub agency_id: String,
    /// Roles and their scopes.
    pub roles: Vec<RoleAssignment>,
}

/// A successful log-in: the session token to put in the cookie (shown once).
#[derive(Debug, Clone)]
pub struct LoggedIn {
    /// Who.
    pub principal: Principal,
    /// The secret token.
    pub token: String,
    /// When the session ends at the latest.
    pub expires_at: DateTime<Utc>,
}

/// Why a log-in failed. Only failures on existing accounts are audited, at
/// most once per account and throttle window (and always when they lock
/// the account); the log-in page shows the same message for every reason
/// but [`LoginRefusal::Throttled`], so that it tells nobody which accounts
/// exist or are locked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginRefusal {
    /// Unknown account or wrong password (not told apart).
    BadCredentials,
    /// Locked after too many failures, until this instant.
    Locked(DateTime<Utc>),
    /// The account is disabled.
    Disabled,
    /// Too many attempts from this client or for this account; try again later.
    Throttled,
}

impl LoginRefusal {
    /// The stable reason code stored in the audit log.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadCredentials => "bad_credentials",
            Self::Locked(_) => "locked",
            Self::Disabled => "disabled",
            Self::Throttled => "throttled",
        }
    }
}

/// A new or rotated API key: the secret is shown once.
#[derive(Debug, Clone)]
pub struct IssuedKey {
    /// The stored record.
    pub record: ApiKeyRecord,
    /// The secret (`mck_...`).
    pub secret: String,
}

/// The identity use cases.
#[derive(Clone)]
pub struct IdentityService {
    store: Arc<dyn AccountStore>,
    clock: Clock,
    lockout: LockoutPolicy,
    sessions: SessionPolicy,
    per_account: Arc<RateLimiter>,
    per_client: Arc<RateLimiter>,
    /// Recent failures per (account name, client): 5 in 15 minutes lock
    /// that pair only, so nobody locks an officer out from elsewhere.
    pair_failures: Arc<FailureWindow>,
    /// Recent failures per client, whatever the account: 30 in 15 minutes
    /// throttle the client.
    client_failures: Arc<FailureWindow>,
    /// One audited failure per account and window.
    failure_audits: Arc<RateLimiter>,
    /// Refused log-ins that wrote no audit row (throttled, unknown
    /// accounts, repeated failures within a window).
    unaudited: Arc<AtomicU64>,
    /// Accepted API keys and sessions, trusted for up to a second.
    credentials: Arc<crate::credential_cache::CredentialCache>,
}

fn random_token(prefix: &str) -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Unexpected(anyhow::anyhow!("{e}")))?;
    Ok(format!("{prefix}{}", motcua_domain::audit::hex_of(&bytes)))
}

/// Hashes a password with argon2id (default parameters, random salt).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::Invalid(format!(
            "Mật khẩu phải có ít nhất {MIN_PASSWORD_LEN} ký tự / a password needs at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AppError::Unexpected(anyhow::anyhow!("{e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("argon2: {e}")))
}

/// Checks a password against a stored PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// [`hash_password`] on a blocking thread: argon2 takes tens of
/// milliseconds of CPU and must not hold an async worker (review F28).
pub async fn hash_password_blocking(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("argon2 task: {e}")))?
}

/// [`verify_password`] on a blocking thread (review F28).
pub async fn verify_password_blocking(password: &str, phc: &str) -> bool {
    let (password, phc) = (password.to_owned(), phc.to_owned());
    tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .unwrap_or(false)
}

/// A fixed hash checked for unknown and password-less accounts, so that
/// timing does not tell which accounts exist (review F24).
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1m7kNa7J9hUZxvqVvD4yK0z6mAUl0cYQy8m4J3u0xkI";

/// The stored form of a single sign-on identity: `issuer|sub`.
pub fn sso_subject(issuer: &str, subject: &str) -> String {
    format!("{issuer}|{subject}")
}

fn not_found_account(err: crate::StoreError, id: &str) -> AppError {
    match err {
        crate::StoreError::NotFound => {
            AppError::NotFound(format!("Không có tài khoản {id} / no account {id}"))
        }
        other => other.into(),
    }
}

fn entry(now: DateTime<Utc>, who: &str, action: AuditAction, outcome: AuditOutcome) -> AuditEntry {
    let who: String = who.chars().filter(|c| !c.is_control()).take(64).collect();
    AuditEntry::new(now, who, action, outcome)
}

/// Failures from one client that lock one account for that client only.
pub const CLIENT_LOCK_FAILURES: usize = 5;
/// Failures from one client, over any accounts, that throttle the client.
pub const CLIENT_THROTTLE_FAILURES: usize = 30;
/// Failures in a row, from any clients, that lock the account itself.
pub const ACCOUNT_LOCK_FAILURES: u32 = 50;

/// Recent failed log-ins per key, in process memory (a sliding window).
#[derive(Debug)]
struct FailureWindow {
    max: usize,
    window: Duration,
    recent: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl FailureWindow {
    fn new(max: usize, window: Duration) -> Self {
        Self {
            max,
            window,
            recent: Mutex::new(HashMap::new()),
        }
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<DateTime<Utc>>>> {
        // A poisoned lock only means another thread panicked mid-update.
        self.recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Until when `key` is blocked (`max` failures within the window).
    fn blocked_until(&self, key: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut recent = self.guard();
        let times = recent.get_mut(key)?;
        while times.front().is_some_and(|t| *t <= now - self.window) {
            times.pop_front();
        }
        if times.is_empty() {
            recent.remove(key);
            return None;
        }
        (times.len() >= self.max).then(|| times[times.len() - self.max] + self.window)
    }

    /// Counts a failure; true when it is the one that blocks `key`.
    fn record(&self, key: &str, now: DateTime<Utc>) -> bool {
        let mut recent = self.guard();
        if recent.len() > 100_000 {
            // Bounded memory: forget keys with no failure in the window.
            let edge = now - self.window;
            recent.retain(|_, t| t.back().is_some_and(|last| *last > edge));
        }
        let times = recent.entry(key.to_owned()).or_default();
        while times.front().is_some_and(|t| *t <= now - self.window) {
            times.pop_front();
        }
        times.push_back(now);
        times.len() == self.max
    }

    /// Forgets the failures of `key`.
    fn clear(&self, key: &str) {
        self.guard().remove(key);
    }

    /// Forgets the failures of every key starting with `prefix`.
    fn clear_prefix(&self, prefix: &str) {
        self.guard().retain(|k, _| !k.starts_with(prefix));
    }
}

/// The key of one account name tried from one client.
fn pair_key(account: &str, client: &str) -> String {
    format!("{account}\u{0}{client}")
}

impl IdentityService {
    /// The audit entry of an allowed administrator change by `by`, now.
    fn permission_change(&self, by: &str, purpose: String) -> AuditEntry {
        let mut e = entry(
            self.clock.now_micros(),
            by,
            AuditAction::PermissionChange,
            AuditOutcome::Allowed,
        );
        e.purpose = Some(purpose);
        e
    }

    /// Over `store`; 5 failures from one client lock that account for that
    /// client only, for 15 minutes; 30 failures from one client (any
    /// accounts) throttle the client for 15 minutes; only 50 failures in a
    /// row, from whatever clients, lock the account itself for 15 minutes
    /// (review F24: one attacker cannot lock an officer out). At most 10
    /// attempts a minute per account and 30 per client address; at most
    /// one audited failure a minute per account.
    pub fn new(store: Arc<dyn AccountStore>, clock: Clock) -> Self {
        Self {
            store,
            clock,
            lockout: LockoutPolicy {
                max_failures: ACCOUNT_LOCK_FAILURES,
                lock_for: Duration::minutes(15),
            },
            sessions: SessionPolicy::default(),
            per_account: Arc::new(RateLimiter::new(10, Duration::minutes(1))),
            per_client: Arc::new(RateLimiter::new(30, Duration::minutes(1))),
            pair_failures: Arc::new(FailureWindow::new(
                CLIENT_LOCK_FAILURES,
                Duration::minutes(15),
            )),
            client_failures: Arc::new(FailureWindow::new(
                CLIENT_THROTTLE_FAILURES,
                Duration::minutes(15),
            )),
            failure_audits: Arc::new(RateLimiter::new(1, Duration::minutes(1))),
            unaudited: Arc::new(AtomicU64::new(0)),
            credentials: Arc::default(),
        }
    }

    /// Refused log-ins that wrote no audit row since the start (throttled,
    /// unknown accounts, repeated failures within a throttle window).
    pub fn unaudited_refusals(&self) -> u64 {
        self.unaudited.load(Ordering::Relaxed)
    }

    fn count_unaudited(&self) {
        self.unaudited.fetch_add(1, Ordering::Relaxed);
    }

    /// The session lifetimes in force.
    pub fn session_policy(&self) -> SessionPolicy {
        self.sessions
    }

    /// Creates an account (audited as a permission change by `by`).
    #[tracing::instrument(level = "info", skip_all, fields(account = %new.id))]
    pub async fn create_account(&self, new: NewAccount, by: &str) -> Result<Account, AppError> {
        let id = new.id.trim();
        if !valid_account_id(id) {
            return Err(AppError::Invalid(
                "Tên tài khoản gồm 1–64 ký tự A-Z a-z 0-9 . _ - / an account id is 1–64 of A-Z a-z 0-9 . _ -".into(),
            ));
        }
        if new.display_name.trim().is_empty() {
            return Err(AppError::Invalid(
                "Thiếu họ tên / the name is missing".into(),
            ));
        }
        motcua_domain::dossier::AgencyId::parse(&new.agency_id)
            .map_err(|e| AppError::Invalid(e.to_string()))?;
        let password_hash = match new.password.as_deref() {
            Some(p) => Some(hash_password_blocking(p).await?),
            None => None,
        };
        let now = self.clock.now_micros();
        let account = Account {
            id: id.to_owned(),
            display_name: new.display_name.trim().to_owned(),
            position: clean_position(new.position.as_deref()),
            agency_id: new.agency_id.trim().to_owned(),
            status: AccountStatus::Active,
            password_hash,
            failed_attempts: 0,
            locked_until: None,
            oidc_subject: None,
            email: new
                .email
                .map(|e| e.trim().to_owned())
                .filter(|e| !e.is_empty()),
            created_at: now,
        };
        let mut e = entry(
            now,
            by,
            AuditAction::PermissionChange,
            AuditOutcome::Allowed,
        );
        e.agency_id = Some(account.agency_id.clone());
        e.purpose = Some(format!("tạo tài khoản / account created: {}", account.id));
        self.store.create_account(&account, &e).await?;
        Ok(account)
    }

    /// Changes an account's name and position (chức vụ), audited; an
    /// empty position removes it.
    #[tracing::instrument(level = "info", skip_all, fields(account = %id))]
    pub async fn set_profile(
        &self,
        id: &str,
        display_name: &str,
        position: Option<&str>,
        by: &str,
    ) -> Result<(), AppError> {
        let name = display_name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(AppError::Invalid(
                "Họ tên phải có từ 1 đến 200 ký tự / the name must be 1 to 200 characters".into(),
            ));
        }
        let position = clean_position(position);
        if position.as_ref().is_some_and(|p| p.chars().count() > 200) {
            return Err(AppError::Invalid(
                "Chức vụ tối đa 200 ký tự / the position is at most 200 characters".into(),
            ));
        }
        let e = self.permission_change(
            by,
            format!("đổi họ tên, chức vụ / name and position set: {id}"),
        );
        self.store
            .set_account_profile(id, name, position.as_deref(), &e)
            .await
            .map_err(|err| not_found_account(err, id))?;
        self.credentials.clear();
        Ok(())
    }

    /// Sets a new password (audited), clearing failures and any lock, and
    /// ends every session of the account (review F23).
    #[tracing::instrument(level = "info", skip_all, fields(account = %id))]
    pub async fn set_password(&self, id: &str, password: &str, by: &str) -> Result<(), AppError> {
        let hash = hash_password_blocking(password).await?;
        let e = self.permission_change(by, format!("đặt mật khẩu / password set: {id}"));
        self.store
            .set_password_hash(id, &hash, &e)
            .await
            .map_err(|err| match err {
                crate::StoreError::NotFound => {
                    AppError::NotFound(format!("Không có tài khoản {id} / no account {id}"))
                }
                other => other.into(),
            })?;
        self.credentials.clear();
        // A new password also ends this process's per-client locks.
        let id_key: String = id.trim().chars().take(64).collect();
        self.pair_failures.clear_prefix(&pair_key(&id_key, ""));
        Ok(())
    }

    /// Disables (`active = false`) or re-enables an account (audited);
    /// disabling ends its sessions at once (review F23).
    #[tracing::instrument(level = "info", skip_all, fields(account = %id))]
    pub async fn set_active(&self, id: &str, active: bool, by: &str) -> Result<(), AppError> {
        let now = self.clock.now_micros();
        let (status, verb) = if active {
            (AccountStatus::Active, "mở lại tài khoản / account enabled")
        } else {
            (AccountStatus::Disabled, "khóa tài khoản / account disabled")
        };
        let mut e = entry(
            now,
            by,
            AuditAction::PermissionChange,
            AuditOutcome::Allowed,
        );
        e.purpose = Some(format!("{verb}: {id}"));
        self.store
            .set_account_status(id, status, &e)
            .await
            .map_err(|err| not_found_account(err, id))?;
        self.credentials.clear();
        Ok(())
    }

    /// Links an account to a single sign-on identity: the provider's
    /// `issuer` (exactly as in `[auth.oidc] issuer`) and its `subject`
    /// (`sub`). Audited.
    #[tracing::instrument(level = "info", skip_all, fields(account = %id))]
    pub async fn link_sso(
        &self,
        id: &str,
        issuer: &str,
        subject: &str,
        by: &str,
    ) -> Result<(), AppError> {
        let (issuer, subject) = (issuer.trim(), subject.trim());
        if issuer.is_empty() || subject.is_empty() || issuer.contains('|') {
            return Err(AppError::Invalid(
                "Cần nhà cung cấp (issuer) và định danh (subject) / an issuer and a subject are needed"
                    .into(),
            ));
        }
        let linked = sso_subject(issuer, subject);
        let e = self.permission_change(
            by,
            format!("gắn đăng nhập một lần / single sign-on linked: {id} ← {linked}"),
        );
        self.store
            .set_sso_link(id, Some(&linked), false, &e)
            .await
            .map_err(|err| not_found_account(err, id))?;
        Ok(())
    }

    /// Approves linking the account by its e-mail: the first single sign-on
    /// whose ID token carries this e-mail **verified** by the provider links
    /// the provider's subject to the account, and uses up the approval.
    /// Audited. Refused for an account without an e-mail or already linked.
    #[tracing::instrument(level = "info", skip_all, fields(account = %id))]
    pub async fn allow_sso_email(&self, id: &str, by: &str) -> Result<(), AppError> {
        let Some(account) = self.store.get_account(id).await? else {
            return Err(AppError::NotFound(format!(
                "Không có tài khoản {id} / no account {id}"
            )));
        };
        if account.email.is_none() {
            return Err(AppError::Invalid(format!(
                "Tài khoản {id} chưa có e-mail / account {id} has no e-mail"
            )));
        }
        if account.oidc_subject.is_some() {
            return Err(AppError::Conflict(format!(
                "Tài khoản {id} đã gắn đăng nhập một lần; gỡ trước (unlink-sso) / \
                 account {id} is already linked; unlink it first (unlink-sso)"
            )));
        }
        let e = self.permission_change(
            by,
            format!("cho phép gắn theo e-mail đã xác minh / verified e-mail link approved: {id}"),
        );
        self.store
            .set_sso_link(id, None, true, &e)
            .await
            .map_err(|err| not_found_account(err, id))?;
        Ok(())
    }

    /// Removes an account's single sign-on link and any e-mail approval (audited).
    #[tracing::instrument(level = "info", skip_all, fields(account = %id))]
    pub async fn unlink_sso(&self, id: &str, by: &str) -> Result<(), AppError> {
        let e = self.permission_change(
            by,
            format!("gỡ đăng nhập một lần / single sign-on unlinked: {id}"),
        );
        self.store
            .set_sso_link(id, None, false, &e)
            .await
            .map_err(|err| not_found_account(err, id))?;
        Ok(())
    }

    /// Whether an active account holds an administrator role
    /// (`province_admin` or `unit_admin`): without one, `motcua serve`
    /// tells the operator how to create the first.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn has_administrator(&self) -> Result<bool, AppError> {
        for (a, roles) in self.list().await? {
            if a.status == AccountStatus::Active
                && roles
                    .iter()
                    .any(|r| matches!(r.role, Role::ProvinceAdmin | Role::UnitAdmin))
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Adds a role in a scope (audited).
    #[tracing::instrument(level = "info", skip_all, fields(account = %id))]
    pub async fn grant_role(
        &self,
        id: &str,
        assignment: RoleAssignment,
        by: &str,
    ) -> Result<(), AppError> {
        self.change_role(id, assignment, by, true).await
    }

    /// Removes a role in a scope (audited).
    #[tracing::instrument(level = "info", skip_all, fields(account = %id))]
    pub async fn revoke_role(
        &self,
        id: &str,
        assignment: RoleAssignment,
        by: &str,
    ) -> Result<(), AppError> {
        self.change_role(id, assignment, by, false).await
    }

    async fn change_role(
        &self,
        id: &str,
        a: RoleAssignment,
        by: &str,
        add: bool,
    ) -> Result<(), AppError> {
        let now = self.clock.now_micros();
        let mut e = entry(
            now,
            by,
            AuditAction::PermissionChange,
            AuditOutcome::Allowed,
        );
        let verb = if add {
            "cấp / granted"
        } else {
            "thu hồi / revoked"
        };
        e.purpose = Some(format!("{verb} {} {} → {id}", a.role, a.scope));
        if let motcua_domain::identity::Scope::Unit(u) = &a.scope {
            e.unit_code = Some(u.clone());
        } else {
            e.agency_id = Some(a.scope.id().to_owned());
        }
        let done = if add {
            self.store.grant_role(id, &a, &e).await
        } else {
            self.store.revoke_role(id, &a, &e).await
        };
        self.credentials.clear();
        done.map_err(|err| match err {
            crate::StoreError::NotFound => AppError::NotFound(format!(
                "Không có tài khoản hoặc vai trò này: {id} / no such account or role: {id}"
            )),
            other => other.into(),
        })?;
        Ok(())
    }

    /// Every account with its roles.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn list(&self) -> Result<Vec<(Account, Vec<RoleAssignment>)>, AppError> {
        let mut out = Vec::new();
        for a in self.store.list_accounts().await? {
            let roles = self.store.roles_of(&a.id).await?;
            out.push((a, roles));
        }
        Ok(out)
    }

    /// The principal of an account, when it exists and is active.
    #[tracing::instrument(level = "debug", skip_all, fields(account = %id))]
    pub async fn principal(&self, id: &str) -> Result<Option<Principal>, AppError> {
        let Some(a) = self.store.get_account(id).await? else {
            return Ok(None);
        };
        if a.status != AccountStatus::Active {
            return Ok(None);
        }
        let roles = self.store.roles_of(&a.id).await?;
        Ok(Some(Principal {
            display_name: a.display_name,
            id: a.id,
            agency_id: a.agency_id,
            roles,
        }))
    }

    /// Logs in with a password from `client` (an address, for throttling).
    ///
    /// Throttled attempts and attempts on unknown accounts are only counted
    /// ([`Self::unaudited_refusals`]), never audited, so that nobody can
    /// flood the audit log (review F9); failures on an existing account are
    /// audited at most once a minute, and always when they lock it. Every
    /// attempt that is not throttled runs exactly one argon2 verification,
    /// on a blocking thread, whatever the account (review F24, F28).
    #[tracing::instrument(level = "info", skip_all, fields(account = %id))]
    pub async fn login(
        &self,
        id: &str,
        password: &str,
        client: &str,
    ) -> Result<Result<LoggedIn, LoginRefusal>, AppError> {
        let now = self.clock.now_micros();
        let id = id.trim();
        let id_key: String = id.chars().take(64).collect();
        let pair = pair_key(&id_key, client);
        // This client failed too often on this name: refused before any
        // other count, the same for every name (known or not), and only
        // for this client; the officer elsewhere still logs in (F24).
        if let Some(until) = self.pair_failures.blocked_until(&pair, now) {
            self.count_unaudited();
            return Ok(Err(LoginRefusal::Locked(until)));
        }
        if self.client_failures.blocked_until(client, now).is_some()
            || !self.per_client.try_acquire(client, now)
            || !self.per_account.try_acquire(&id_key, now)
        {
            self.count_unaudited();
            return Ok(Err(LoginRefusal::Throttled));
        }
        let account = if valid_account_id(id) {
            self.store.get_account(id).await?
        } else {
            None
        };
        let stored = account.as_ref().and_then(|a| a.password_hash.as_deref());
        let verified = verify_password_blocking(password, stored.unwrap_or(DUMMY_HASH)).await
            && stored.is_some();
        let pair_blocked = if verified {
            false
        } else {
            self.client_failures.record(client, now);
            self.pair_failures.record(&pair, now)
        };
        let Some(account) = account else {
            self.count_unaudited();
            return Ok(Err(LoginRefusal::BadCredentials));
        };
        let refusal_entry = |reason: &str| {
            let mut e = entry(
                now,
                &account.id,
                AuditAction::Login,
                AuditOutcome::Refused(reason.to_owned()),
            );
            e.agency_id = Some(account.agency_id.clone());
            e.purpose = Some("mật khẩu / password".into());
            e
        };
        let keep = LoginCounters {
            failed_attempts: account.failed_attempts,
            locked_until: account.locked_until,
        };
        let early = if let Some(until) = account.locked_until.filter(|u| *u > now) {
            Some(LoginRefusal::Locked(until))
        } else if account.status != AccountStatus::Active {
            Some(LoginRefusal::Disabled)
        } else {
            None
        };
        if let Some(refusal) = early {
            if self.failure_audits.try_acquire(&account.id, now) {
                self.store
                    .record_login(Some(&account.id), &keep, &refusal_entry(refusal.code()))
                    .await?;
            } else {
                self.count_unaudited();
            }
            return Ok(Err(refusal));
        }
        if !verified {
            let (failed, locked) = self.lockout.after_failure(account.failed_attempts, now);
            let counters = LoginCounters {
                failed_attempts: failed,
                locked_until: locked,
            };
            // A failure that locks the account, or this client out of it,
            // is always audited.
            let audit = locked.is_some()
                || pair_blocked
                || self.failure_audits.try_acquire(&account.id, now);
            if audit {
                let reason = if locked.is_some() {
                    "bad_credentials_locked"
                } else if pair_blocked {
                    "bad_credentials_client_locked"
                } else {
                    LoginRefusal::BadCredentials.code()
                };
                self.store
                    .record_login(Some(&account.id), &counters, &refusal_entry(reason))
                    .await?;
            } else {
                self.count_unaudited();
                self.store
                    .set_login_counters(&account.id, &counters)
                    .await?;
            }
            return Ok(Err(match locked {
                Some(until) => LoginRefusal::Locked(until),
                None => LoginRefusal::BadCredentials,
            }));
        }
        let mut e = entry(now, &account.id, AuditAction::Login, AuditOutcome::Allowed);
        e.agency_id = Some(account.agency_id.clone());
        e.purpose = Some("mật khẩu / password".into());
        let counters = LoginCounters {
            failed_attempts: 0,
            locked_until: None,
        };
        self.store
            .record_login(Some(&account.id), &counters, &e)
            .await?;
        self.pair_failures.clear(&pair);
        self.open_session(&account, now).await.map(Ok)
    }

    /// Logs in an account identified by single sign-on: `subject` is
    /// `issuer|sub` ([`sso_subject`]), `verified_email` the ID token's
    /// e-mail **only when** the provider marked it verified. The account
    /// linked to the subject logs in; otherwise the not yet linked account
    /// whose e-mail an administrator approved for linking
    /// ([`Self::allow_sso_email`]) is linked now (using up the approval).
    /// Nothing else ever links (review F5). Audited either way.
    #[tracing::instrument(level = "info", skip_all, fields(account = tracing::field::Empty))]
    pub async fn login_sso(
        &self,
        subject: &str,
        verified_email: Option<&str>,
    ) -> Result<Option<LoggedIn>, AppError> {
        let now = self.clock.now_micros();
        let found = self
            .store
            .find_account_for_sso(subject, verified_email)
            .await?;
        let usable = found.as_ref().filter(|a| {
            a.status == AccountStatus::Active && a.locked_until.is_none_or(|u| u <= now)
        });
        let Some(account) = usable.cloned() else {
            let mut e = entry(
                now,
                found.as_ref().map_or("sso", |a| a.id.as_str()),
                AuditAction::Login,
                AuditOutcome::Refused("sso_no_account".into()),
            );
            e.purpose = Some("đăng nhập một lần / single sign-on".into());
            let keep = LoginCounters {
                failed_attempts: 0,
                locked_until: None,
            };
            self.store.record_login(None, &keep, &e).await?;
            return Ok(None);
        };
        tracing::Span::current().record("account", account.id.as_str());
        let mut purpose = "đăng nhập một lần / single sign-on".to_owned();
        if account.oidc_subject.as_deref() != Some(subject) {
            self.store.link_sso_subject(&account.id, subject).await?;
            purpose.push_str(&format!(
                "; gắn theo e-mail đã xác minh, được phép / linked by an approved verified e-mail: {subject}"
            ));
        }
        let mut e = entry(now, &account.id, AuditAction::Login, AuditOutcome::Allowed);
        e.agency_id = Some(account.agency_id.clone());
        e.purpose = Some(purpose);
        let counters = LoginCounters {
            failed_attempts: 0,
            locked_until: None,
        };
        self.store
            .record_login(Some(&account.id), &counters, &e)
            .await?;
        self.open_session(&account, now).await.map(Some)
    }

    async fn open_session(
        &self,
        account: &Account,
        now: DateTime<Utc>,
    ) -> Result<LoggedIn, AppError> {
        let token = random_token("")?;
        let record = SessionRecord {
            token_hash: token_digest(&token),
            account_id: account.id.clone(),
            created_at: now,
            expires_at: now + self.sessions.lifetime,
            last_seen_at: now,
        };
        self.store.create_session(&record).await?;
        let roles = self.store.roles_of(&account.id).await?;
        Ok(LoggedIn {
            principal: Principal {
                id: account.id.clone(),
                display_name: account.display_name.clone(),
                agency_id: account.agency_id.clone(),
                roles,
            },
            token,
            expires_at: record.expires_at,
        })
    }

    /// The principal of a live session token (and marks it used). A
    /// session checked less than a second ago is answered from memory
    /// ([`crate::credential_cache`]).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn session(&self, token: &str) -> Result<Option<Principal>, AppError> {
        if token.len() != 64 {
            return Ok(None);
        }
        let now = self.clock.now_micros();
        let digest = token_digest(token);
        if let Some(p) = self.credentials.get(&digest, now) {
            return Ok(Some(p));
        }
        let Some(s) = self.store.get_session(&digest).await? else {
            return Ok(None);
        };
        if !s.live_at(now, self.sessions.idle) {
            self.store.delete_session(&digest).await?;
            return Ok(None);
        }
        if now - s.last_seen_at > Duration::seconds(30) {
            self.store.touch_session(&digest, now).await?;
        }
        let principal = self.principal(&s.account_id).await?;
        if let Some(p) = &principal {
            let until = s.expires_at.min(s.last_seen_at + self.sessions.idle);
            self.credentials.put(&digest, p.clone(), now, Some(until));
        }
        Ok(principal)
    }

    /// Ends a session.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn logout(&self, token: &str) -> Result<(), AppError> {
        let digest = token_digest(token);
        self.store.delete_session(&digest).await?;
        self.credentials.forget(&digest);
        Ok(())
    }

    /// Issues an API key for an account, limited to `scopes` (all the
    /// account's roles when empty). Audited.
    #[tracing::instrument(level = "info", skip_all, fields(account = %account_id, key = tracing::field::Empty))]
    pub async fn create_api_key(
        &self,
        account_id: &str,
        scopes: Vec<RoleAssignment>,
        by: &str,
    ) -> Result<IssuedKey, AppError> {
        if self.store.get_account(account_id).await?.is_none() {
            return Err(AppError::NotFound(format!(
                "Không có tài khoản {account_id} / no account {account_id}"
            )));
        }
        let now = self.clock.now_micros();
        let secret = random_token("mck_")?;
        let record = ApiKeyRecord {
            id: uuid::Uuid::now_v7().to_string(),
            account_id: account_id.to_owned(),
            prefix: key_prefix(&secret),
            secret_hash: token_digest(&secret),
            scopes,
            created_at: now,
            revoked_at: None,
        };
        tracing::Span::current().record("key", record.id.as_str());
        let mut e = entry(now, by, AuditAction::ApiKeyChange, AuditOutcome::Allowed);
        e.purpose = Some(format!(
            "tạo khóa / key created {} ({}) → {account_id}",
            record.id, record.prefix
        ));
        self.store.create_api_key(&record, &e).await?;
        Ok(IssuedKey { record, secret })
    }

    /// Replaces a key's secret (audited); the old secret stops working.
    #[tracing::instrument(level = "info", skip_all, fields(key = %id))]
    pub async fn rotate_api_key(&self, id: &str, by: &str) -> Result<IssuedKey, AppError> {
        let now = self.clock.now_micros();
        let secret = random_token("mck_")?;
        let prefix = key_prefix(&secret);
        let mut e = entry(now, by, AuditAction::ApiKeyChange, AuditOutcome::Allowed);
        e.purpose = Some(format!("xoay khóa / key rotated {id} ({prefix})"));
        self.store
            .rotate_api_key(id, &prefix, &token_digest(&secret), now, &e)
            .await?;
        self.credentials.clear();
        let record = self
            .store
            .get_api_key(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no API key {id}")))?;
        Ok(IssuedKey { record, secret })
    }

    /// Revokes a key (audited).
    #[tracing::instrument(level = "info", skip_all, fields(key = %id))]
    pub async fn revoke_api_key(&self, id: &str, by: &str) -> Result<(), AppError> {
        let now = self.clock.now_micros();
        let mut e = entry(now, by, AuditAction::ApiKeyChange, AuditOutcome::Allowed);
        e.purpose = Some(format!("thu hồi khóa / key revoked {id}"));
        self.store.revoke_api_key(id, now, &e).await?;
        self.credentials.clear();
        Ok(())
    }

    /// The principal an API key acts as: the account's roles, narrowed to
    /// the key's scopes when it has any. `None` for unknown or revoked keys.
    /// A key accepted less than a second ago is answered from memory
    /// ([`crate::credential_cache`]): a revocation is honoured within a
    /// second in every process, at once in this one.
    #[tracing::instrument(level = "debug", skip_all, fields(key = tracing::field::Empty))]
    pub async fn api_key(&self, secret: &str) -> Result<Option<Principal>, AppError> {
        if !secret.starts_with("mck_") || secret.len() > 200 {
            return Ok(None);
        }
        let now = self.clock.now_micros();
        let digest = token_digest(secret);
        if let Some(p) = self.credentials.get(&digest, now) {
            return Ok(Some(p));
        }
        let Some(key) = self.store.api_key_by_hash(&digest).await? else {
            return Ok(None);
        };
        tracing::Span::current().record("key", key.id.as_str());
        if key.revoked_at.is_some() {
            return Ok(None);
        }
        let Some(mut p) = self.principal(&key.account_id).await? else {
            return Ok(None);
        };
        if !key.scopes.is_empty() {
            p.roles.retain(|r| key.scopes.contains(r));
        }
        self.credentials.put(&digest, p.clone(), now, None);
        Ok(Some(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("mat-khau-dai-1").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mat-khau-dai-1", &h));
        assert!(!verify_password("mat-khau-dai-2", &h));
        assert!(hash_password("ngan").is_err());
        assert!(!verify_password("x", DUMMY_HASH));
    }
}
