//! API keys and sessions already checked, trusted for at most a second.
//!
//! Every officer request carries an API key or a session cookie; checking
//! one reads the key or session, the account and its roles (three or four
//! queries). A credential checked less than [`REVALIDATE_AFTER_MS`] ago is
//! answered from memory instead, so a revoked key, an ended session, a
//! disabled account or a changed role is refused within a second in every
//! process sharing the database (issue 21 item 5); the identity service
//! empties the cache at once on its own changes. Only accepted credentials
//! are kept (an unknown key is read again every time), at most
//! [`MAX_ENTRIES`] of them.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};

use crate::identity::Principal;

/// How long an accepted credential is trusted without reading it again.
pub const REVALIDATE_AFTER_MS: i64 = 1_000;

/// Most credentials kept; the cache is emptied when full.
pub const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, Clone)]
struct Entry {
    principal: Principal,
    checked_at: DateTime<Utc>,
    /// When the credential stops working whatever happens (a session's
    /// absolute or idle expiry); `None` for an API key.
    until: Option<DateTime<Utc>>,
}

/// Accepted credentials by the SHA-256 of their secret.
#[derive(Debug, Default)]
pub struct CredentialCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl CredentialCache {
    /// The principal of a credential checked less than a second before
    /// `now` and not expired since.
    pub fn get(&self, digest: &str, now: DateTime<Utc>) -> Option<Principal> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let e = entries.get(digest)?;
        let age = (now - e.checked_at).num_milliseconds();
        let fresh = (0..REVALIDATE_AFTER_MS).contains(&age) && e.until.is_none_or(|u| now < u);
        fresh.then(|| e.principal.clone())
    }

    /// Keeps a credential just checked at `now`, usable until `until`.
    pub fn put(
        &self,
        digest: &str,
        principal: Principal,
        now: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
    ) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            digest.to_owned(),
            Entry {
                principal,
                checked_at: now,
                until,
            },
        );
    }

    /// Forgets one credential (a log-out).
    pub fn forget(&self, digest: &str) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(digest);
    }

    /// Forgets every credential (an account, role or key changed).
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, TimeZone};

    use super::*;

    fn who() -> Principal {
        Principal {
            id: "nva".into(),
            display_name: "Nguyễn Văn A".into(),
            agency_id: "H55".into(),
            roles: Vec::new(),
        }
    }

    #[test]
    fn a_credential_is_trusted_for_less_than_a_second() {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 5, 8, 0, 0).unwrap();
        let ms = TimeDelta::milliseconds;
        let cache = CredentialCache::default();
        assert_eq!(cache.get("k", t0), None);
        cache.put("k", who(), t0, None);
        assert_eq!(cache.get("k", t0 + ms(999)), Some(who()));
        assert_eq!(cache.get("k", t0 + ms(1_000)), None, "read again");
        assert_eq!(cache.get("k", t0 - ms(1)), None, "the clock went back");
        cache.put("s", who(), t0, Some(t0 + ms(500)));
        assert_eq!(cache.get("s", t0 + ms(499)), Some(who()));
        assert_eq!(cache.get("s", t0 + ms(500)), None, "the session expired");
        cache.forget("k");
        assert_eq!(cache.get("k", t0), None);
        cache.put("k", who(), t0, None);
        cache.clear();
        assert_eq!(cache.get("k", t0), None);
    }
}
