//! Converting addresses to the current units (issue 18): the converter's
//! index over the embedded reference units and lineage, with the unit
//! changes that apply from their effective dates.
//!
//! Which changes: when serving, those recorded in the store by
//! `motcua units apply-changes` ([`AddressService::over_store`]; none
//! recorded, no changes), rebuilt when the reference-data version moves
//! (ADR 0025); offline (`motcua addresses convert`, which opens no
//! database), the change set shipped in the binary
//! ([`AddressService::embedded`]). See ADR 0027.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use motcua_domain::address::{AddressIndex, Conversion};
use motcua_domain::unit::{AdministrativeUnit, LineageLink, UnitChange};

use crate::ports::Store;
use crate::refdata;

/// The most addresses one batch may hold.
pub const MAX_BATCH: usize = 10_000;

/// The longest address read, in characters.
pub const MAX_ADDRESS_CHARS: usize = 500;

/// How often a store-backed converter reads the reference version again.
const CHECK_EVERY: Duration = Duration::from_secs(1);

/// The index with how long it took to build.
struct Built {
    index: Arc<AddressIndex>,
    took: Duration,
}

/// The units and lineage shipped in the binary, parsed once.
struct Base {
    units: Vec<AdministrativeUnit>,
    lineage: Vec<LineageLink>,
}

fn base() -> &'static Result<Base, String> {
    static BASE: OnceLock<Result<Base, String>> = OnceLock::new();
    BASE.get_or_init(|| {
        let build = || -> anyhow::Result<Base> {
            let mut units = refdata::current_units()?;
            units.extend(refdata::legacy_units()?);
            Ok(Base {
                units,
                lineage: refdata::lineage()?,
            })
        };
        build().map_err(|e| format!("{e:#}"))
    })
}

/// An index over the shipped units and lineage with these changes.
fn build(changes: &[UnitChange]) -> Result<Built, String> {
    let started = Instant::now();
    let base = base().as_ref().map_err(Clone::clone)?;
    let index =
        AddressIndex::new(&base.units, &base.lineage, changes).map_err(|e| e.to_string())?;
    Ok(Built {
        index: Arc::new(index),
        took: started.elapsed(),
    })
}

/// The index with the change set shipped in the binary (offline use).
fn shipped() -> &'static Result<Built, String> {
    static INDEX: OnceLock<Result<Built, String>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let changes = refdata::parse_changes("units-2026-changes.csv", refdata::UNITS_2026_CHANGES)
            .map_err(|e| format!("{e:#}"))?;
        build(&changes)
    })
}

/// The index of one reference-data version.
struct Snapshot {
    version: i64,
    changes: Vec<UnitChange>,
    index: Arc<AddressIndex>,
}

/// A converter that follows the store's recorded changes.
struct Live {
    store: Arc<dyn Store>,
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    /// Milliseconds since `epoch` of the last version check (0: never).
    checked_ms: AtomicU64,
    epoch: Instant,
    refreshing: AtomicBool,
}

#[derive(Clone)]
enum Source {
    Shipped,
    Fixed(Arc<AddressIndex>),
    Store(Arc<Live>),
}

/// The address converter: the index of the current units, the old ones and
/// their lineage, with the unit changes applied from their effective dates.
#[derive(Clone)]
pub struct AddressService {
    source: Source,
}

impl Default for AddressService {
    fn default() -> Self {
        Self::embedded()
    }
}

fn unexpected(e: impl std::fmt::Display) -> crate::AppError {
    crate::AppError::Unexpected(anyhow::anyhow!("{e}"))
}

impl AddressService {
    /// The converter over the embedded reference data and the change set
    /// shipped in the binary (`units-2026-changes.csv`); the index is built
    /// on first use (or by [`AddressService::warm`]) and shared. For
    /// offline use: serving uses [`AddressService::over_store`].
    pub fn embedded() -> Self {
        Self {
            source: Source::Shipped,
        }
    }

    /// The converter with the changes recorded in `store` (`motcua units
    /// apply-changes`; none recorded, no changes). The index is built by
    /// [`AddressService::refresh`] (serve calls it at start-up) and built
    /// again, in the background, when the store's reference version moves
    /// and the recorded changes differ.
    pub fn over_store(store: Arc<dyn Store>) -> Self {
        Self {
            source: Source::Store(Arc::new(Live {
                store,
                snapshot: RwLock::new(None),
                checked_ms: AtomicU64::new(0),
                epoch: Instant::now(),
                refreshing: AtomicBool::new(false),
            })),
        }
    }

    /// A converter over an index built elsewhere (tests).
    pub fn with_index(index: Arc<AddressIndex>) -> Self {
        Self {
            source: Source::Fixed(index),
        }
    }

    /// Builds the shared index of the shipped change set now; answers how
    /// long the build took.
    pub fn warm() -> Result<Duration, String> {
        shipped().as_ref().map(|b| b.took).map_err(Clone::clone)
    }

    /// Reads the store's reference version and, when it moved, its
    /// recorded changes; builds the index again when they differ from the
    /// ones it was built with. Answers how long a build took (zero when
    /// none was needed). Nothing to do unless over a store.
    pub async fn refresh(&self) -> Result<Duration, crate::AppError> {
        let Source::Store(live) = &self.source else {
            return Ok(Duration::ZERO);
        };
        live.refresh().await
    }

    fn index(&self) -> Result<Arc<AddressIndex>, crate::AppError> {
        match &self.source {
            Source::Fixed(i) => Ok(i.clone()),
            Source::Shipped => shipped()
                .as_ref()
                .map(|b| b.index.clone())
                .map_err(unexpected),
            Source::Store(live) => live.index(),
        }
    }

    /// Converts one address (cut to [`MAX_ADDRESS_CHARS`] characters).
    pub fn convert(&self, address: &str, as_of: NaiveDate) -> Result<Conversion, crate::AppError> {
        Ok(self.index()?.convert(cut(address), as_of))
    }

    /// Converts many; refuses more than [`MAX_BATCH`].
    pub fn convert_many(
        &self,
        addresses: &[String],
        as_of: NaiveDate,
    ) -> Result<Vec<Conversion>, crate::AppError> {
        if addresses.len() > MAX_BATCH {
            return Err(crate::AppError::Invalid(format!(
                "tối đa {MAX_BATCH} địa chỉ một lần / at most {MAX_BATCH} addresses per request"
            )));
        }
        let index = self.index()?;
        Ok(addresses
            .iter()
            .map(|a| index.convert(cut(a), as_of))
            .collect())
    }
}

impl Live {
    fn current(&self) -> Option<Arc<Snapshot>> {
        self.snapshot
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// The index to answer with now; when the last version check is older
    /// than [`CHECK_EVERY`], one is started in the background (the answer
    /// meanwhile comes from the index in hand, as the public cache does).
    fn index(self: &Arc<Self>) -> Result<Arc<AddressIndex>, crate::AppError> {
        let Some(snapshot) = self.current() else {
            return Err(unexpected(
                "bộ chuyển địa chỉ chưa sẵn sàng / the address converter is not ready",
            ));
        };
        let checked = self.checked_ms.load(Ordering::Acquire);
        if self.now_ms().saturating_sub(checked) >= CHECK_EVERY.as_millis() as u64
            && let Ok(handle) = tokio::runtime::Handle::try_current()
            && !self.refreshing.swap(true, Ordering::AcqRel)
        {
            let live = self.clone();
            handle.spawn(async move {
                if let Err(err) = live.refresh_inner().await {
                    tracing::warn!(error = %err, "refreshing the address converter failed");
                }
                live.refreshing.store(false, Ordering::Release);
            });
        }
        Ok(snapshot.index.clone())
    }

    async fn refresh(&self) -> Result<Duration, crate::AppError> {
        self.refresh_inner().await
    }

    async fn refresh_inner(&self) -> Result<Duration, crate::AppError> {
        self.checked_ms.store(self.now_ms(), Ordering::Release);
        let version = self.store.reference_version().await?;
        let current = self.current();
        if current.as_ref().is_some_and(|s| s.version == version) {
            return Ok(Duration::ZERO);
        }
        let changes: Vec<UnitChange> = self
            .store
            .recorded_changes()
            .await?
            .into_iter()
            .map(|a| a.change)
            .collect();
        let (index, took) = match current.filter(|s| s.changes == changes) {
            // Agencies or procedures moved the version, not the units.
            Some(same) => (same.index.clone(), Duration::ZERO),
            None => {
                let for_build = changes.clone();
                let built = tokio::task::spawn_blocking(move || build(&for_build))
                    .await
                    .map_err(unexpected)?
                    .map_err(unexpected)?;
                tracing::info!(
                    changes = changes.len(),
                    build_ms = built.took.as_millis() as u64,
                    "address converter index built from the recorded unit changes"
                );
                (built.index, built.took)
            }
        };
        *self
            .snapshot
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(Snapshot {
            version,
            changes,
            index,
        }));
        Ok(took)
    }
}

/// The first [`MAX_ADDRESS_CHARS`] characters.
fn cut(address: &str) -> &str {
    match address.char_indices().nth(MAX_ADDRESS_CHARS) {
        Some((i, _)) => &address[..i],
        None => address,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_index_converts_an_old_address() {
        let day = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        let c = AddressService::embedded()
            .convert("P. Thạch Thang, Q. Hải Châu, Đà Nẵng", day)
            .unwrap();
        assert_eq!(c.commune.unwrap().code.as_str(), "20242");
        assert!(AddressService::warm().is_ok());
    }

    #[test]
    fn batches_above_the_limit_are_refused() {
        let day = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        let many = vec![String::new(); MAX_BATCH + 1];
        assert!(AddressService::embedded().convert_many(&many, day).is_err());
        assert_eq!(cut(&"a".repeat(600)).len(), MAX_ADDRESS_CHARS);
    }
}
