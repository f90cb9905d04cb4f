//! Grants of access to the population database (phân quyền khai thác dữ
//! liệu dân cư) and the checks a look-up must pass before it is made.
//!
//! A unit administrator grants an officer access for one administrative unit,
//! one purpose and a period. A look-up needs a live grant of that officer and
//! either an open dossier or a stated purpose; otherwise it is refused with a
//! [`LookupRefusal`], whose code is stored in the audit log.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Longest period one grant may cover.
pub const MAX_GRANT_DAYS: i64 = 366;

/// A grant (phân quyền khai thác).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// Identifier (a UUID).
    pub id: String,
    /// The officer (cán bộ) who may look up.
    pub officer_id: String,
    /// The administrative unit the officer looks up for.
    pub unit_code: String,
    /// Why (mục đích khai thác), e.g. "tiếp nhận hồ sơ thủ tục hành chính".
    pub purpose: String,
    /// Start of the period.
    pub valid_from: DateTime<Utc>,
    /// End of the period (exclusive).
    pub valid_until: DateTime<Utc>,
    /// The unit administrator who granted it.
    pub granted_by: String,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Why a look-up was refused. [`LookupRefusal::code`] is stored in the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LookupRefusal {
    /// No grant was named.
    NoGrant,
    /// The named grant does not exist.
    GrantNotFound,
    /// The grant belongs to another officer.
    GrantOfAnotherOfficer,
    /// The grant's period has not started.
    GrantNotYetValid,
    /// The grant's period has ended.
    GrantExpired,
    /// The grant was revoked.
    GrantRevoked,
    /// Neither an open dossier nor a purpose was stated.
    NoPurpose,
    /// The officer made too many look-ups in a short time.
    RateLimited,
    /// The dossier named is unknown or already closed.
    DossierNotOpen,
    /// The grant's administrative unit does not cover the dossier the
    /// look-up serves (its receiving or current agency), or, without a
    /// dossier, the agency the officer works at.
    GrantOutsideUnit,
}

impl LookupRefusal {
    /// The stable code stored in the audit log.
    pub fn code(self) -> &'static str {
        match self {
            Self::NoGrant => "no_grant",
            Self::GrantNotFound => "grant_not_found",
            Self::GrantOfAnotherOfficer => "grant_of_another_officer",
            Self::GrantNotYetValid => "grant_not_yet_valid",
            Self::GrantExpired => "grant_expired",
            Self::GrantRevoked => "grant_revoked",
            Self::NoPurpose => "no_purpose",
            Self::RateLimited => "rate_limited",
            Self::DossierNotOpen => "dossier_not_open",
            Self::GrantOutsideUnit => "grant_outside_unit",
        }
    }

    /// The explanation for the officer, Vietnamese then English.
    pub fn message(self) -> &'static str {
        match self {
            Self::NoGrant => {
                "Chưa được phân quyền khai thác dữ liệu dân cư / no grant to look up population data"
            }
            Self::GrantNotFound => {
                "Không tìm thấy quyết định phân quyền khai thác / the grant does not exist"
            }
            Self::GrantOfAnotherOfficer => {
                "Phân quyền này cấp cho cán bộ khác / the grant belongs to another officer"
            }
            Self::GrantNotYetValid => {
                "Phân quyền khai thác chưa có hiệu lực / the grant is not valid yet"
            }
            Self::GrantExpired => "Phân quyền khai thác đã hết hạn / the grant has expired",
            Self::GrantRevoked => "Phân quyền khai thác đã bị thu hồi / the grant was revoked",
            Self::NoPurpose => {
                "Phải nêu hồ sơ đang giải quyết hoặc mục đích khai thác / state an open dossier or a purpose"
            }
            Self::DossierNotOpen => {
                "Hồ sơ không tồn tại hoặc đã kết thúc / the dossier is unknown or closed"
            }
            Self::GrantOutsideUnit => {
                "Phân quyền khai thác không thuộc đơn vị hành chính quản lý hồ sơ này / the grant's unit does not cover this dossier"
            }
            Self::RateLimited => {
                "Tra cứu quá nhiều trong thời gian ngắn, vui lòng thử lại sau / too many look-ups, try again later"
            }
        }
    }
}

impl std::fmt::Display for LookupRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl Grant {
    /// Whether `officer_id` may look up under this grant at `now`.
    pub fn check(&self, officer_id: &str, now: DateTime<Utc>) -> Result<(), LookupRefusal> {
        if self.officer_id != officer_id {
            return Err(LookupRefusal::GrantOfAnotherOfficer);
        }
        if self.revoked_at.is_some_and(|at| at <= now) {
            return Err(LookupRefusal::GrantRevoked);
        }
        if now < self.valid_from {
            return Err(LookupRefusal::GrantNotYetValid);
        }
        if now >= self.valid_until {
            return Err(LookupRefusal::GrantExpired);
        }
        Ok(())
    }
}

/// Why a grant request is not acceptable (message in Vietnamese and English).
pub fn check_new_grant(
    officer_id: &str,
    unit_code: &str,
    purpose: &str,
    valid_from: DateTime<Utc>,
    valid_until: DateTime<Utc>,
) -> Result<(), String> {
    if officer_id.trim().is_empty() {
        return Err("Thiếu cán bộ được phân quyền / the officer is missing".into());
    }
    if unit_code.trim().is_empty() {
        return Err("Thiếu đơn vị hành chính / the unit is missing".into());
    }
    if purpose.trim().chars().count() < 5 {
        return Err(
            "Mục đích khai thác phải được nêu rõ (ít nhất 5 ký tự) / the purpose must be stated (at least 5 characters)"
                .into(),
        );
    }
    if valid_until <= valid_from {
        return Err(
            "Thời hạn kết thúc phải sau ngày bắt đầu / the period must end after it starts".into(),
        );
    }
    if valid_until - valid_from > Duration::days(MAX_GRANT_DAYS) {
        return Err(format!(
            "Một lần phân quyền không quá {MAX_GRANT_DAYS} ngày / a grant may cover at most {MAX_GRANT_DAYS} days"
        ));
    }
    Ok(())
}

/// What a look-up serves: an open dossier, a stated purpose, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedPurpose {
    /// The dossier code (mã hồ sơ), trimmed.
    pub dossier_code: Option<String>,
    /// The purpose, trimmed.
    pub purpose: Option<String>,
}

/// Trims both and refuses when neither is given.
pub fn stated_purpose(
    dossier_code: Option<&str>,
    purpose: Option<&str>,
) -> Result<StatedPurpose, LookupRefusal> {
    let clean = |s: Option<&str>| {
        s.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let stated = StatedPurpose {
        dossier_code: clean(dossier_code),
        purpose: clean(purpose),
    };
    if stated.dossier_code.is_none() && stated.purpose.is_none() {
        return Err(LookupRefusal::NoPurpose);
    }
    Ok(stated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn grant() -> Grant {
        let t = |d| Utc.with_ymd_and_hms(2025, 7, d, 0, 0, 0).unwrap();
        Grant {
            id: "g1".into(),
            officer_id: "cb-01".into(),
            unit_code: "05977".into(),
            purpose: "tiếp nhận hồ sơ".into(),
            valid_from: t(1),
            valid_until: t(31),
            granted_by: "admin".into(),
            created_at: t(1),
            revoked_at: None,
        }
    }

    #[test]
    fn a_grant_is_live_only_inside_its_period_for_its_officer() {
        let g = grant();
        let at = |d, h| Utc.with_ymd_and_hms(2025, 7, d, h, 0, 0).unwrap();
        assert_eq!(g.check("cb-01", at(15, 9)), Ok(()));
        assert_eq!(
            g.check("cb-02", at(15, 9)),
            Err(LookupRefusal::GrantOfAnotherOfficer)
        );
        assert_eq!(
            g.check("cb-01", at(1, 0) - Duration::seconds(1)),
            Err(LookupRefusal::GrantNotYetValid)
        );
        assert_eq!(
            g.check("cb-01", at(31, 0)),
            Err(LookupRefusal::GrantExpired)
        );
        let revoked = Grant {
            revoked_at: Some(at(10, 0)),
            ..g
        };
        assert_eq!(revoked.check("cb-01", at(9, 23)), Ok(()));
        assert_eq!(
            revoked.check("cb-01", at(10, 0)),
            Err(LookupRefusal::GrantRevoked)
        );
    }

    #[test]
    fn a_look_up_needs_a_dossier_or_a_purpose() {
        assert_eq!(stated_purpose(None, None), Err(LookupRefusal::NoPurpose));
        assert_eq!(
            stated_purpose(Some("  "), Some("")),
            Err(LookupRefusal::NoPurpose)
        );
        let s = stated_purpose(Some(" H55-250701-0001 "), None).unwrap();
        assert_eq!(s.dossier_code.as_deref(), Some("H55-250701-0001"));
        assert_eq!(s.purpose, None);
    }

    #[test]
    fn new_grants_need_a_purpose_and_a_bounded_period() {
        let t = |d| Utc.with_ymd_and_hms(2025, 7, d, 0, 0, 0).unwrap();
        assert!(check_new_grant("cb", "05977", "tiếp nhận hồ sơ", t(1), t(2)).is_ok());
        assert!(check_new_grant("", "05977", "tiếp nhận hồ sơ", t(1), t(2)).is_err());
        assert!(check_new_grant("cb", "05977", "xem", t(1), t(2)).is_err());
        assert!(check_new_grant("cb", "05977", "tiếp nhận hồ sơ", t(2), t(2)).is_err());
        let far = t(1) + Duration::days(MAX_GRANT_DAYS + 1);
        assert!(check_new_grant("cb", "05977", "tiếp nhận hồ sơ", t(1), far).is_err());
    }

    #[test]
    fn refusal_codes_are_distinct() {
        let all = [
            LookupRefusal::NoGrant,
            LookupRefusal::GrantNotFound,
            LookupRefusal::GrantOfAnotherOfficer,
            LookupRefusal::GrantNotYetValid,
            LookupRefusal::GrantExpired,
            LookupRefusal::GrantRevoked,
            LookupRefusal::NoPurpose,
            LookupRefusal::RateLimited,
            LookupRefusal::DossierNotOpen,
            LookupRefusal::GrantOutsideUnit,
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), all.len());
    }
}
