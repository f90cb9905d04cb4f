//! Old addresses to new units (chuyển đổi địa chỉ).
//!
//! Since 1 July 2025 an address written with the old three tiers
//! ("Phường Thạch Thang, Quận Hải Châu, TP. Đà Nẵng") names units that no
//! longer exist. [`AddressIndex::convert`] reads such a free-text address
//! (or a current one), finds the old commune, district and province it
//! names, and answers the current commune and province on a given day:
//!
//! * **converted**: one current commune;
//! * **ambiguous**: several, each with why (a split old commune, or a name
//!   that more than one unit in scope bears); the official conversion table
//!   does not say which streets went where, so no street is used to choose;
//! * **unchanged**: the address already names current units;
//! * **not_found**: no commune recognised; the closest names are suggested.
//!
//! Reading is deterministic and works on folded text (the crate's
//! [`crate::text::fold`]: no diacritics, any case, `đ` = `d`), with the usual
//! abbreviations (P., Ph., X., TT., Q., H., TX., TP., TPHCM, HCM, HN, "p15",
//! "quan 10"), "Phường 01" = "Phường 1", missing commas and type words, and a
//! missing or wrong district (the commune is then looked for in the whole
//! province, and a warning says so). The index is built once from records
//! passed in; nothing here does I/O. See `docs/decisions/0027-address-converter.md`.

mod index;
mod notes;
mod resolve;
mod tokens;

use chrono::NaiveDate;
use serde::Serialize;

pub use index::{AddressIndex, IndexError};
pub use notes::Note;

use crate::unit::UnitCode;

/// The outcome of one conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The old address maps to exactly one current commune.
    Converted,
    /// Several current communes are possible; see the candidates.
    Ambiguous,
    /// The address already names current units.
    Unchanged,
    /// No commune could be recognised.
    NotFound,
}

impl Status {
    /// Every status, in a stable order.
    pub const ALL: [Status; 4] = [
        Self::Converted,
        Self::Ambiguous,
        Self::Unchanged,
        Self::NotFound,
    ];

    /// The spelling of the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Converted => "converted",
            Self::Ambiguous => "ambiguous",
            Self::Unchanged => "unchanged",
            Self::NotFound => "not_found",
        }
    }
}

/// A unit named by its code and official name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitRef {
    /// Statistics-office code.
    pub code: UnitCode,
    /// Official name (on the conversion day, for current units).
    pub name: String,
}

/// The old units an address names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OldUnits {
    /// The old commune, ward or township.
    pub commune: Option<UnitRef>,
    /// The old district.
    pub district: Option<UnitRef>,
    /// The old province.
    pub province: Option<UnitRef>,
}

/// A possible answer, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// Unit code.
    pub code: UnitCode,
    /// Official name.
    pub name: String,
    /// Why it is a candidate.
    pub why: Note,
}

/// What [`AddressIndex::convert`] answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conversion {
    /// Converted, ambiguous, unchanged or not found.
    pub status: Status,
    /// The house number and street, as typed (what comes before the units).
    pub street: Option<String>,
    /// The old units, when the address is an old one.
    pub old: Option<OldUnits>,
    /// The current commune.
    pub commune: Option<UnitRef>,
    /// The current province.
    pub province: Option<UnitRef>,
    /// Street, commune and province written out, when one commune is known.
    pub formatted: Option<String>,
    /// The possible communes (ambiguous) or the closest names (not found).
    pub candidates: Vec<Candidate>,
    /// What the reader should know: a district ignored, a split, a change.
    pub warnings: Vec<Note>,
}

impl AddressIndex {
    /// Reads `address` and answers the current units on `as_of`.
    pub fn convert(&self, address: &str, as_of: NaiveDate) -> Conversion {
        resolve::convert(self, address, as_of)
    }
}
