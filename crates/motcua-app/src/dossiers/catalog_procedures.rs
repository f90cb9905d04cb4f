//! [`ProcedureLookup`] served by the catalog store, so that procedures
//! imported with `motcua catalog import` can be filed as dossiers. The seed
//! catalog answers for codes the store does not know (or when it cannot be
//! read). Answers are kept for [`TTL`]: a reception does not query the
//! catalog every time, and an import reaches new dossiers within that time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::NaiveDate;
use motcua_domain::catalog::ProcedureCode;

use super::procedures::{ProcedureFacts, ProcedureLookup, SeedProcedures, facts};
use crate::ports::catalog::CatalogStore;

/// How long a looked-up procedure is reused.
pub const TTL: Duration = Duration::from_secs(30);

/// Most (code, day) entries kept; emptied when full.
const MAX_ENTRIES: usize = 10_000;

type Cache = Mutex<HashMap<(String, NaiveDate), (Instant, Option<ProcedureFacts>)>>;

/// Procedures from the catalog store, the seed catalog as fallback.
pub struct CatalogProcedures {
    store: Arc<dyn CatalogStore>,
    seed: SeedProcedures,
    cache: Cache,
}

impl std::fmt::Debug for CatalogProcedures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatalogProcedures").finish_non_exhaustive()
    }
}

impl CatalogProcedures {
    /// A lookup over `store`'s catalog.
    pub fn new(store: Arc<dyn CatalogStore>) -> Self {
        Self {
            store,
            seed: SeedProcedures::new(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    async fn stored(&self, code: &str, day: NaiveDate) -> Option<ProcedureFacts> {
        let parsed = ProcedureCode::parse(code).ok()?;
        match self.store.versions_of(&parsed).await {
            Ok(versions) if !versions.is_empty() => versions
                .iter()
                .find(|v| v.is_valid_on(day))
                .or(versions.last())
                .map(facts),
            // Unknown to the store, or the store unreadable: the seed answers.
            Ok(_) | Err(_) => None,
        }
    }
}

#[async_trait]
impl ProcedureLookup for CatalogProcedures {
    async fn procedure(&self, code: &str, day: NaiveDate) -> Option<ProcedureFacts> {
        let key = (code.to_owned(), day);
        {
            let cache = self
                .cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((at, hit)) = cache.get(&key)
                && at.elapsed() < TTL
            {
                return hit.clone();
            }
        }
        let found = match self.stored(code, day).await {
            Some(f) => Some(f),
            None => self.seed.procedure(code, day).await,
        };
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.len() >= MAX_ENTRIES {
            cache.clear();
        }
        cache.insert(key, (Instant::now(), found.clone()));
        found
    }

    async fn codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = match self.store.all_procedure_versions().await {
            Ok(versions) => versions
                .iter()
                .map(|v| v.procedure.code.as_str().to_owned())
                .collect(),
            Err(_) => Vec::new(),
        };
        codes.extend(self.seed.codes().await);
        codes.sort();
        codes.dedup();
        codes
    }
}
