//! The seed catalog shipped in the binary: commune procedures of the fact sheet.

use super::import::parse_catalog;
use super::model::ProcedureVersion;

/// The text of `reference/catalog/commune-procedures.toml`.
pub const SEED_CATALOG_TOML: &str =
    include_str!("../../../../reference/catalog/commune-procedures.toml");

/// The seed catalog, parsed. Empty if the shipped file had problems, which
/// the crate's tests rule out (`catalog_seed` asserts zero diagnostics).
pub fn seed_catalog() -> Vec<ProcedureVersion> {
    parse_catalog("commune-procedures.toml", SEED_CATALOG_TOML).unwrap_or_default()
}
