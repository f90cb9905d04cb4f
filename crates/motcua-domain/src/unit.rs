//! Administrative units (đơn vị hành chính), current and historical.
//!
//! Since 1 July 2025 Vietnam has two tiers: 34 provinces and centrally-run
//! cities (tỉnh, thành phố) and 3,321 communes, wards and special zones
//! (xã, phường, đặc khu). The old three tiers (63 provinces, 696 districts,
//! 10,061 communes) stay queryable as the legacy era, linked to the new units
//! by the statistics office's conversion table.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The day the two-tier structure took effect.
pub fn two_tier_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).expect("a valid constant date")
}

/// A unit code of the statistics office: 2 digits for a province, 3 for an
/// old district, 5 for a commune. Kept as a string so leading zeros survive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

/// Why a unit code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("mã đơn vị hành chính không hợp lệ / invalid unit code {0:?}: expected 2, 3 or 5 digits")]
pub struct InvalidUnitCode(pub String);

impl UnitCode {
    /// Parses a code of 2, 3 or 5 ASCII digits.
    pub fn parse(raw: &str) -> Result<Self, InvalidUnitCode> {
        let ok = matches!(raw.len(), 2 | 3 | 5) && raw.bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidUnitCode(raw.chars().take(40).collect()))
        }
    }

    /// The code as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for UnitCode {
    type Error = InvalidUnitCode;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<UnitCode> for String {
    fn from(value: UnitCode) -> Self {
        value.0
    }
}

/// The tier a unit sits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitLevel {
    /// Cấp tỉnh: province or centrally-run city.
    Province,
    /// Cấp huyện: district (legacy era only; abolished on 1 July 2025).
    District,
    /// Cấp xã: commune, ward, special zone (and legacy township).
    Commune,
}

impl UnitLevel {
    /// The spelling used in data files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::District => "district",
            Self::Commune => "commune",
        }
    }
}

impl FromStr for UnitLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "province" => Ok(Self::Province),
            "district" => Ok(Self::District),
            "commune" => Ok(Self::Commune),
            other => Err(format!(
                "unknown level {other:?}: expected province, district or commune"
            )),
        }
    }
}

/// The type of a unit, spelled as in the official data (`thành phố`, `xã`...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnitType {
    /// Thành phố (centrally-run city, or a legacy provincial city district).
    #[serde(rename = "thành phố")]
    ThanhPho,
    /// Tỉnh: province.
    #[serde(rename = "tỉnh")]
    Tinh,
    /// Xã: rural commune.
    #[serde(rename = "xã")]
    Xa,
    /// Phường: urban ward.
    #[serde(rename = "phường")]
    Phuong,
    /// Đặc khu: special zone (islands).
    #[serde(rename = "đặc khu")]
    DacKhu,
    /// Huyện: rural district (legacy).
    #[serde(rename = "huyện")]
    Huyen,
    /// Quận: urban district (legacy).
    #[serde(rename = "quận")]
    Quan,
    /// Thị xã: town (legacy district level).
    #[serde(rename = "thị xã")]
    ThiXa,
    /// Thị trấn: township (legacy commune level).
    #[serde(rename = "thị trấn")]
    ThiTran,
}

impl UnitType {
    /// Every type, in a stable order.
    pub const ALL: [UnitType; 9] = [
        Self::ThanhPho,
        Self::Tinh,
        Self::Xa,
        Self::Phuong,
        Self::DacKhu,
        Self::Huyen,
        Self::Quan,
        Self::ThiXa,
        Self::ThiTran,
    ];

    /// The official spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ThanhPho => "thành phố",
            Self::Tinh => "tỉnh",
            Self::Xa => "xã",
            Self::Phuong => "phường",
            Self::DacKhu => "đặc khu",
            Self::Huyen => "huyện",
            Self::Quan => "quận",
            Self::ThiXa => "thị xã",
            Self::ThiTran => "thị trấn",
        }
    }
}

impl FromStr for UnitType {
    type Err = String;
    /// Accepts the official spelling, or the same folded ("thanh pho", "dac khu").
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let folded = crate::text::fold(s);
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s || crate::text::fold(t.as_str()) == folded)
            .ok_or_else(|| format!("unknown unit type {s:?}"))
    }
}

/// Which structure a unit belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Era {
    /// The two-tier structure in force since 1 July 2025.
    Current,
    /// The three-tier structure until 30 June 2025.
    Legacy,
}

impl Era {
    /// The spelling stored in databases.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Current => "current",
            Self::Legacy => "legacy",
        }
    }
}

/// One administrative unit with its validity period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdministrativeUnit {
    /// Statistics-office code.
    pub code: UnitCode,
    /// Full official name with its type word ("Phường Ba Đình").
    pub name: String,
    /// Name without the type word ("Ba Đình").
    pub short_name: String,
    /// Official type.
    pub unit_type: UnitType,
    /// Tier.
    pub level: UnitLevel,
    /// Parent unit (province of a commune; district of a legacy commune).
    pub parent_code: Option<UnitCode>,
    /// The province the unit lies in (itself for a province).
    pub province_code: UnitCode,
    /// Current or legacy structure.
    pub era: Era,
    /// First day of validity, when known.
    pub valid_from: Option<NaiveDate>,
    /// Last day of validity (legacy units end on 30 June 2025).
    pub valid_to: Option<NaiveDate>,
}

/// One link of the old-to-new conversion: an old commune (or, for the five
/// island districts without communes, an old district) and one new commune
/// it went (wholly or partly) into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineageLink {
    /// Old unit code: a commune, or an island district.
    pub old_code: UnitCode,
    /// Level of the old unit.
    pub old_level: UnitLevel,
    /// Old unit name.
    pub old_name: String,
    /// Old district of the old unit.
    pub old_district_code: UnitCode,
    /// Old province of the old unit.
    pub old_province_code: UnitCode,
    /// New commune code.
    pub new_code: UnitCode,
    /// New commune name.
    pub new_name: String,
    /// New province code.
    pub new_province_code: UnitCode,
    /// Only part of the old unit went into this new one.
    pub partial: bool,
    /// How many new units the old one was divided among.
    pub targets: u8,
    /// For a split, the target a converter uses when it has no street address.
    pub default_target: Option<bool>,
}

impl LineageLink {
    /// True when the old unit was divided among several new ones.
    pub fn is_split(&self) -> bool {
        self.targets > 1
    }
}

/// An effective-dated change to a current unit (e.g. a xã becoming a
/// phường, or a province becoming a centrally-run city).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitChange {
    /// The unit changed; codes do not change.
    pub code: UnitCode,
    /// Its tier.
    pub level: UnitLevel,
    /// Name before the change.
    pub name_before: String,
    /// Type before the change.
    pub type_before: UnitType,
    /// Name after the change.
    pub name_after: String,
    /// Type after the change.
    pub type_after: UnitType,
    /// The legal basis (resolution number and date).
    pub legal_basis: String,
    /// The day it takes effect.
    pub effective_on: NaiveDate,
}

impl UnitChange {
    /// The new name without its type word ("Phường Bố Hạ" → "Bố Hạ").
    pub fn short_name_after(&self) -> String {
        let type_word = self.type_after.as_str();
        let mut chars = type_word.chars();
        let capitalised: String = chars
            .next()
            .map(|f| f.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        self.name_after
            .strip_prefix(&capitalised)
            .map(|rest| rest.trim().to_owned())
            .unwrap_or_else(|| self.name_after.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_codes_keep_leading_zeros_and_reject_garbage() {
        assert_eq!(UnitCode::parse("01").unwrap().as_str(), "01");
        assert_eq!(UnitCode::parse("00097").unwrap().as_str(), "00097");
        assert!(UnitCode::parse("1").is_err());
        assert!(UnitCode::parse("0009a").is_err());
        assert!(UnitCode::parse("000970").is_err());
        assert!(UnitCode::parse("").is_err());
    }

    #[test]
    fn unit_types_parse_with_or_without_diacritics() {
        assert_eq!("đặc khu".parse::<UnitType>().unwrap(), UnitType::DacKhu);
        assert_eq!("dac khu".parse::<UnitType>().unwrap(), UnitType::DacKhu);
        assert_eq!("thành phố".parse::<UnitType>().unwrap(), UnitType::ThanhPho);
        assert!("quận huyện".parse::<UnitType>().is_err());
    }
}
