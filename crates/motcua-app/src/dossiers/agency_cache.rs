//! A short-lived cache of agencies for the dossier use cases. Every
//! reception reads the receiving unit, its ancestors (permission) and the
//! deciding committee; agencies change rarely, so a copy at most
//! [`TTL`] old is used instead of several queries per request. Changes to
//! agencies reach dossier permissions within that time.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use motcua_domain::agency::Agency;

/// How long a cached agency is trusted.
pub const TTL: Duration = Duration::from_secs(30);

/// Most entries kept; the cache is emptied when full.
const MAX_ENTRIES: usize = 50_000;

type Entries<V> = Mutex<HashMap<String, (Instant, V)>>;

/// Agencies by id (including "no such agency") and the default deciding
/// agency by administrative unit.
#[derive(Debug, Default)]
pub struct AgencyCache {
    by_id: Entries<Option<Agency>>,
    deciding: Entries<String>,
}

fn get<V: Clone>(entries: &Entries<V>, key: &str) -> Option<V> {
    let map = entries
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    map.get(key)
        .filter(|(at, _)| at.elapsed() < TTL)
        .map(|(_, v)| v.clone())
}

fn put<V>(entries: &Entries<V>, key: &str, value: V) {
    let mut map = entries
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(key.to_owned(), (Instant::now(), value));
}

impl AgencyCache {
    /// A cached agency (`Some(None)`: known not to exist).
    pub fn agency(&self, id: &str) -> Option<Option<Agency>> {
        get(&self.by_id, id)
    }

    /// Remembers an agency lookup.
    pub fn put_agency(&self, id: &str, agency: Option<Agency>) {
        put(&self.by_id, id, agency);
    }

    /// The cached default deciding agency of a unit.
    pub fn deciding(&self, unit_code: &str) -> Option<String> {
        get(&self.deciding, unit_code)
    }

    /// Remembers the default deciding agency of a unit.
    pub fn put_deciding(&self, unit_code: &str, agency: String) {
        put(&self.deciding, unit_code, agency);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_agencies_and_their_absence() {
        let cache = AgencyCache::default();
        assert_eq!(cache.agency("H55"), None);
        cache.put_agency("H55", None);
        assert_eq!(cache.agency("H55"), Some(None));
        cache.put_deciding("00001", "H55.X00001".to_owned());
        assert_eq!(cache.deciding("00001").as_deref(), Some("H55.X00001"));
        assert_eq!(cache.deciding("00002"), None);
    }
}
