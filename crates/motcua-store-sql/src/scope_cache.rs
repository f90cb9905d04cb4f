//! The agencies of a work-list scope, kept per reference version.
//!
//! A work list is permission-scoped to the subtree of the officer's
//! agencies (a recursive walk of `agencies.parent_id`). The tree changes a
//! few times a year, and every change bumps the reference version in the
//! same transaction (migration 0025), so an engine reads that one row per
//! work list and walks the tree only when the version moved or the roots
//! are new: a province officer's 290 agencies are read once, not per
//! request (issue 21 item 5, ADR 0025).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Most scopes kept; the cache is emptied when full.
const MAX_ENTRIES: usize = 4096;

/// The agencies of one scope, sorted, with the same list as a JSON array
/// (for SQLite's `json_each`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeSet {
    /// The agency ids, sorted.
    pub ids: Vec<String>,
    /// `ids` as a JSON array of strings.
    pub json: String,
}

/// Scopes by their roots, valid for one reference version.
#[derive(Debug, Default)]
pub struct ScopeCache {
    inner: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    version: i64,
    scopes: HashMap<String, Arc<ScopeSet>>,
}

/// One key for a root and the further roots (ids never hold a newline).
fn key(root: &str, also: &[String]) -> String {
    let mut k = root.to_owned();
    for a in also {
        k.push('\n');
        k.push_str(a);
    }
    k
}

impl ScopeCache {
    /// The scope of these roots read at reference version `version`, when
    /// kept.
    pub fn get(&self, version: i64, root: &str, also: &[String]) -> Option<Arc<ScopeSet>> {
        let entries = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.version != version {
            return None;
        }
        entries.scopes.get(&key(root, also)).cloned()
    }

    /// The scope of these roots at the latest version this cache knows,
    /// with that version: a store may read a page with it and keep the page
    /// only when the same statement saw the same version.
    pub fn latest(&self, root: &str, also: &[String]) -> Option<(i64, Arc<ScopeSet>)> {
        let entries = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let scope = entries.scopes.get(&key(root, also)).cloned()?;
        Some((entries.version, scope))
    }

    /// Keeps a scope read after the version was `version`. A newer version
    /// empties the cache; a scope of an older one is not kept.
    pub fn put(&self, version: i64, root: &str, also: &[String], scope: Arc<ScopeSet>) {
        let mut entries = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if version < entries.version {
            return;
        }
        if version > entries.version || entries.scopes.len() >= MAX_ENTRIES {
            entries.scopes.clear();
            entries.version = version;
        }
        entries.scopes.insert(key(root, also), scope);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ids: &[&str]) -> Arc<ScopeSet> {
        Arc::new(ScopeSet {
            ids: ids.iter().map(|s| (*s).to_owned()).collect(),
            json: String::new(),
        })
    }

    #[test]
    fn a_scope_is_kept_for_its_version_only() {
        let cache = ScopeCache::default();
        let more = vec!["H56".to_owned()];
        assert_eq!(cache.get(3, "H55", &[]), None);
        cache.put(3, "H55", &[], set(&["H55", "H55.X1"]));
        assert_eq!(cache.get(3, "H55", &[]), Some(set(&["H55", "H55.X1"])));
        assert_eq!(cache.get(3, "H55", &more), None, "other roots, other scope");
        assert_eq!(cache.get(4, "H55", &[]), None, "the tree moved");
        cache.put(4, "H55", &more, set(&["H55", "H56"]));
        assert_eq!(cache.get(3, "H55", &[]), None);
        cache.put(3, "H55", &[], set(&["old"]));
        assert_eq!(cache.get(4, "H55", &[]), None, "an older read is not kept");
        assert_eq!(cache.get(4, "H55", &more), Some(set(&["H55", "H56"])));
        assert_eq!(cache.latest("H55", &more), Some((4, set(&["H55", "H56"]))));
        assert_eq!(cache.latest("H55", &[]), None);
    }
}
