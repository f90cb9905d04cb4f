//! Converting addresses to the current units (issue 18): the converter's
//! index over the embedded reference data, built once per process.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use motcua_domain::address::{AddressIndex, Conversion};

use crate::refdata;

/// The most addresses one batch may hold.
pub const MAX_BATCH: usize = 10_000;

/// The longest address read, in characters.
pub const MAX_ADDRESS_CHARS: usize = 500;

/// The index with how long it took to build.
struct Built {
    index: Arc<AddressIndex>,
    took: Duration,
}

fn shared() -> &'static Result<Built, String> {
    static INDEX: OnceLock<Result<Built, String>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let started = Instant::now();
        let build = || -> anyhow::Result<AddressIndex> {
            let mut units = refdata::current_units()?;
            units.extend(refdata::legacy_units()?);
            let lineage = refdata::lineage()?;
            let changes =
                refdata::parse_changes("units-2026-changes.csv", refdata::UNITS_2026_CHANGES)?;
            Ok(AddressIndex::new(&units, &lineage, &changes)?)
        };
        build()
            .map(|index| Built {
                index: Arc::new(index),
                took: started.elapsed(),
            })
            .map_err(|e| format!("{e:#}"))
    })
}

/// The address converter over the reference data shipped in the binary,
/// with the 2026 changes applied from their effective dates.
#[derive(Clone, Default)]
pub struct AddressService {
    index: Option<Arc<AddressIndex>>,
}

impl AddressService {
    /// The converter over the embedded reference data; the index is built
    /// on first use (or by [`AddressService::warm`]) and shared.
    pub fn embedded() -> Self {
        Self { index: None }
    }

    /// A converter over an index built elsewhere (tests).
    pub fn with_index(index: Arc<AddressIndex>) -> Self {
        Self { index: Some(index) }
    }

    /// Builds the shared index now; answers how long the build took.
    pub fn warm() -> Result<Duration, String> {
        shared().as_ref().map(|b| b.took).map_err(Clone::clone)
    }

    fn index(&self) -> Result<&AddressIndex, String> {
        match &self.index {
            Some(i) => Ok(i),
            None => shared()
                .as_ref()
                .map(|b| b.index.as_ref())
                .map_err(Clone::clone),
        }
    }

    /// Converts one address (cut to [`MAX_ADDRESS_CHARS`] characters).
    pub fn convert(&self, address: &str, as_of: NaiveDate) -> Result<Conversion, crate::AppError> {
        let index = self
            .index()
            .map_err(|e| crate::AppError::Unexpected(anyhow::anyhow!("{e}")))?;
        Ok(index.convert(cut(address), as_of))
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
        let index = self
            .index()
            .map_err(|e| crate::AppError::Unexpected(anyhow::anyhow!("{e}")))?;
        Ok(addresses
            .iter()
            .map(|a| index.convert(cut(a), as_of))
            .collect())
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
