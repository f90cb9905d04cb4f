//! Accounts, roles and scopes (tài khoản, vai trò, phạm vi).
//!
//! An account holds role assignments; each assignment is scoped to a
//! subtree of administrative units ([`Scope::Unit`]) or of agencies
//! ([`Scope::Agency`]). Sessions and API keys are random secrets of which
//! only a SHA-256 digest is stored.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A role (vai trò).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Tiếp nhận: receives dossiers at the desk.
    Reception,
    /// Chuyên viên: processes dossiers.
    Specialist,
    /// Lãnh đạo: approves and signs.
    Leader,
    /// Quản trị đơn vị: grants access to population data within a unit.
    UnitAdmin,
    /// Quản trị tỉnh: manages agencies and accounts of the province.
    ProvinceAdmin,
    /// Kiểm tra: reads the audit log, nothing else.
    Auditor,
    /// A system account calling the API with a key.
    System,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 7] = [
        Self::Reception,
        Self::Specialist,
        Self::Leader,
        Self::UnitAdmin,
        Self::ProvinceAdmin,
        Self::Auditor,
        Self::System,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reception => "reception",
            Self::Specialist => "specialist",
            Self::Leader => "leader",
            Self::UnitAdmin => "unit_admin",
            Self::ProvinceAdmin => "province_admin",
            Self::Auditor => "auditor",
            Self::System => "system",
        }
    }

    /// Parses the stored spelling (or the Vietnamese words of the desk).
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .or(match raw {
                "tiep_nhan" => Some(Self::Reception),
                "chuyen_vien" => Some(Self::Specialist),
                "lanh_dao" => Some(Self::Leader),
                _ => None,
            })
    }

    /// Roles that work on dossiers (and see work lists).
    pub fn works_on_dossiers(self) -> bool {
        matches!(self, Self::Reception | Self::Specialist | Self::Leader)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a role applies: a subtree of units or of agencies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    /// An administrative unit (mã đơn vị hành chính) and the units below it.
    Unit(String),
    /// An agency (mã định danh cơ quan) and the agencies below it.
    Agency(String),
}

impl Scope {
    /// `unit` or `agency`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Unit(_) => "unit",
            Self::Agency(_) => "agency",
        }
    }

    /// The root's code.
    pub fn id(&self) -> &str {
        match self {
            Self::Unit(s) | Self::Agency(s) => s,
        }
    }

    /// From the stored pair.
    pub fn from_parts(kind: &str, id: &str) -> Option<Self> {
        match kind {
            "unit" => Some(Self::Unit(id.to_owned())),
            "agency" => Some(Self::Agency(id.to_owned())),
            _ => None,
        }
    }

    /// Parses `unit:CODE` or `agency:ID` (the CLI spelling).
    pub fn parse(raw: &str) -> Option<Self> {
        let (kind, id) = raw.trim().split_once(':')?;
        let id = id.trim();
        if id.is_empty() || id.len() > 64 {
            return None;
        }
        Self::from_parts(kind.trim(), id)
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.kind(), self.id())
    }
}

/// One role in one scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RoleAssignment {
    /// The role.
    pub role: Role,
    /// Where it applies.
    pub scope: Scope,
}

/// Whether an account may log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Đang hoạt động.
    Active,
    /// Đã khóa bởi quản trị.
    Disabled,
}

impl AccountStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "active" => Some(Self::Active),
            "disabled" => Some(Self::Disabled),
            _ => None,
        }
    }
}

/// An account (tài khoản cán bộ or system account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    /// Login name, 1–64 of `[A-Za-z0-9._-]`.
    pub id: String,
    /// Họ tên hiển thị.
    pub display_name: String,
    /// Chức vụ (position), e.g. "Công chức Tư pháp - Hộ tịch", when known.
    pub position: Option<String>,
    /// The agency the officer works at.
    pub agency_id: String,
    /// Active or disabled.
    pub status: AccountStatus,
    /// PHC string of the argon2id hash, when a local password is set.
    #[serde(skip)]
    pub password_hash: Option<String>,
    /// Failed log-ins since the last success.
    pub failed_attempts: u32,
    /// Locked out until this instant.
    pub locked_until: Option<DateTime<Utc>>,
    /// The single sign-on identity (`issuer|sub`), when linked.
    pub oidc_subject: Option<String>,
    /// E-mail, used to link a single sign-on identity the first time.
    pub email: Option<String>,
    /// When created.
    pub created_at: DateTime<Utc>,
}

/// Checks an account id: 1–64 of `[A-Za-z0-9._-]`.
pub fn valid_account_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// The lock-out policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Failures in a row that lock the account.
    pub max_failures: u32,
    /// How long the lock lasts.
    pub lock_for: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lock_for: Duration::minutes(15),
        }
    }
}

impl LockoutPolicy {
    /// After one more failure at `now`: the new count and the lock, if any.
    pub fn after_failure(
        &self,
        failed_attempts: u32,
        now: DateTime<Utc>,
    ) -> (u32, Option<DateTime<Utc>>) {
        let n = failed_attempts.saturating_add(1);
        if n >= self.max_failures {
            (0, Some(now + self.lock_for))
        } else {
            (n, None)
        }
    }
}

/// A stored session (phiên đăng nhập); the token itself is never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// Whose.
    pub account_id: String,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// Absolute expiry.
    pub expires_at: DateTime<Utc>,
    /// Last use (idle timeout counts from here).
    pub last_seen_at: DateTime<Utc>,
}

impl SessionRecord {
    /// Whether the session may still be used at `now` with this idle timeout.
    pub fn live_at(&self, now: DateTime<Utc>, idle: Duration) -> bool {
        now < self.expires_at && now < self.last_seen_at + idle
    }
}

/// A stored API key of a system account; the secret is never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKeyRecord {
    /// Key id.
    pub id: String,
    /// The account it acts as.
    pub account_id: String,
    /// The first characters of the secret, shown to tell keys apart.
    pub prefix: String,
    /// SHA-256 of the secret, hex.
    #[serde(skip)]
    pub secret_hash: String,
    /// Roles the key may use (a subset of the account's).
    pub scopes: Vec<RoleAssignment>,
    /// When created or last rotated.
    pub created_at: DateTime<Utc>,
    /// When revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// SHA-256 of a secret token, hex: what sessions and API keys store.
pub fn token_digest(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    crate::audit::hex_of(&digest)
}

/// The visible prefix of an API key secret (`mck_` and 8 characters).
pub fn key_prefix(secret: &str) -> String {
    secret.chars().take(12).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn roles_and_scopes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("lanh_dao"), Some(Role::Leader));
        assert_eq!(Role::parse("king"), None);
        assert_eq!(
            Scope::parse("agency:H55.TT"),
            Some(Scope::Agency("H55.TT".into()))
        );
        assert_eq!(Scope::parse("unit:19").unwrap().to_string(), "unit:19");
        assert_eq!(Scope::parse("planet:3"), None);
        assert_eq!(Scope::parse("unit:"), None);
    }

    #[test]
    fn lockout_after_max_failures() {
        let p = LockoutPolicy::default();
        let now = Utc.with_ymd_and_hms(2026, 12, 5, 8, 0, 0).unwrap();
        assert_eq!(p.after_failure(0, now), (1, None));
        assert_eq!(
            p.after_failure(4, now),
            (0, Some(now + Duration::minutes(15)))
        );
    }

    #[test]
    fn sessions_expire_and_idle_out() {
        let now = Utc.with_ymd_and_hms(2026, 12, 5, 8, 0, 0).unwrap();
        let s = SessionRecord {
            token_hash: token_digest("x"),
            account_id: "a".into(),
            created_at: now,
            expires_at: now + Duration::hours(8),
            last_seen_at: now,
        };
        assert!(s.live_at(now + Duration::minutes(29), Duration::minutes(30)));
        assert!(!s.live_at(now + Duration::minutes(31), Duration::minutes(30)));
        assert!(!s.live_at(now + Duration::hours(9), Duration::hours(10)));
        assert_eq!(token_digest("abc").len(), 64);
    }
}
