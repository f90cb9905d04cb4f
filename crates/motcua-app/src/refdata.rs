//! The reference data shipped inside the binary (see `reference/README.md`),
//! parsed into domain types.

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use motcua_domain::unit::{
    AdministrativeUnit, Era, LineageLink, UnitChange, UnitCode, UnitLevel, UnitType, two_tier_start,
};
use serde::Deserialize;

use crate::ports::ReferenceUnits;

const UNITS_2025: &str = include_str!("../../../reference/units/units-2025.csv");
const UNITS_LEGACY: &str = include_str!("../../../reference/units/units-legacy.csv");
const LINEAGE: &str = include_str!("../../../reference/units/units-legacy-to-2025.csv");
/// The reported 2026 type changes (not applied by default).
pub const UNITS_2026_CHANGES: &str =
    include_str!("../../../reference/units/units-2026-changes.csv");

/// Version of the embedded unit data; bump when a file changes.
pub const UNITS_VERSION: &str = "units-2025.1+legacy-2025-01-04+nso-conversion";

#[derive(Deserialize)]
struct CurrentRow {
    code: String,
    name: String,
    #[serde(rename = "type")]
    unit_type: String,
    level: String,
    parent_code: String,
    short_name: String,
}

#[derive(Deserialize)]
struct LegacyRow {
    code: String,
    name: String,
    #[serde(rename = "type")]
    unit_type: String,
    level: String,
    parent_code: String,
    province_code: String,
}

#[derive(Deserialize)]
struct LineageRow {
    old_province_code: String,
    old_district_code: String,
    old_commune_code: String,
    old_commune_name: String,
    new_province_code: String,
    new_commune_code: String,
    new_commune_name: String,
    nso_partial: String,
    n_targets: u8,
    vau_default: String,
}

#[derive(Deserialize)]
struct ChangeRow {
    code: String,
    level: String,
    name_2025: String,
    type_2025: String,
    name_reported: String,
    type_reported: String,
    legal_basis: String,
}

fn code(raw: &str, what: &str) -> Result<UnitCode> {
    UnitCode::parse(raw).with_context(|| format!("{what}: bad code {raw:?}"))
}

fn opt_code(raw: &str, what: &str) -> Result<Option<UnitCode>> {
    if raw.is_empty() {
        Ok(None)
    } else {
        code(raw, what).map(Some)
    }
}

fn parse_type(raw: &str) -> Result<UnitType> {
    raw.parse::<UnitType>().map_err(anyhow::Error::msg)
}

fn parse_level(raw: &str) -> Result<UnitLevel> {
    raw.parse::<UnitLevel>().map_err(anyhow::Error::msg)
}

fn short_name(name: &str, unit_type: UnitType) -> String {
    let t = unit_type.as_str();
    let lower = name.to_lowercase();
    if lower.starts_with(t) {
        name[t.len()..].trim().to_owned()
    } else {
        name.to_owned()
    }
}

/// Parses the current (2025) units.
pub fn current_units() -> Result<Vec<AdministrativeUnit>> {
    let mut out = Vec::with_capacity(3_355);
    for (i, row) in csv::Reader::from_reader(UNITS_2025.as_bytes())
        .deserialize::<CurrentRow>()
        .enumerate()
    {
        let row = row.with_context(|| format!("units-2025.csv row {}", i + 2))?;
        let level = parse_level(&row.level)?;
        let unit_code = code(&row.code, "units-2025.csv")?;
        let parent = opt_code(&row.parent_code, "units-2025.csv parent")?;
        out.push(AdministrativeUnit {
            province_code: parent.clone().unwrap_or_else(|| unit_code.clone()),
            code: unit_code,
            name: row.name,
            short_name: row.short_name,
            unit_type: parse_type(&row.unit_type)?,
            level,
            parent_code: parent,
            era: Era::Current,
            valid_from: Some(two_tier_start()),
            valid_to: None,
        });
    }
    Ok(out)
}

/// Parses the legacy (three-tier) units.
pub fn legacy_units() -> Result<Vec<AdministrativeUnit>> {
    let last_day = two_tier_start()
        .pred_opt()
        .context("date before 2025-07-01")?;
    let mut out = Vec::with_capacity(10_820);
    for (i, row) in csv::Reader::from_reader(UNITS_LEGACY.as_bytes())
        .deserialize::<LegacyRow>()
        .enumerate()
    {
        let row = row.with_context(|| format!("units-legacy.csv row {}", i + 2))?;
        let unit_type = parse_type(&row.unit_type)?;
        out.push(AdministrativeUnit {
            code: code(&row.code, "units-legacy.csv")?,
            short_name: short_name(&row.name, unit_type),
            name: row.name,
            unit_type,
            level: parse_level(&row.level)?,
            parent_code: opt_code(&row.parent_code, "units-legacy.csv parent")?,
            province_code: code(&row.province_code, "units-legacy.csv province")?,
            era: Era::Legacy,
            valid_from: None,
            valid_to: Some(last_day),
        });
    }
    Ok(out)
}

/// Parses the old-to-new links. The five island districts without
/// communes appear with the district as the old unit.
pub fn lineage() -> Result<Vec<LineageLink>> {
    let mut out = Vec::with_capacity(10_570);
    for (i, row) in csv::Reader::from_reader(LINEAGE.as_bytes())
        .deserialize::<LineageRow>()
        .enumerate()
    {
        let row = row.with_context(|| format!("units-legacy-to-2025.csv row {}", i + 2))?;
        let (old_code, old_level) = if row.old_commune_code.is_empty() {
            (
                code(&row.old_district_code, "lineage district")?,
                UnitLevel::District,
            )
        } else {
            (
                code(&row.old_commune_code, "lineage commune")?,
                UnitLevel::Commune,
            )
        };
        out.push(LineageLink {
            old_code,
            old_level,
            old_name: row.old_commune_name,
            old_district_code: code(&row.old_district_code, "lineage district")?,
            old_province_code: code(&row.old_province_code, "lineage province")?,
            new_code: code(&row.new_commune_code, "lineage new commune")?,
            new_name: row.new_commune_name,
            new_province_code: code(&row.new_province_code, "lineage new province")?,
            partial: row.nso_partial == "1",
            targets: row.n_targets,
            default_target: match row.vau_default.as_str() {
                "1" => Some(true),
                "0" => Some(false),
                _ => None,
            },
        });
    }
    Ok(out)
}

/// The complete reference set.
pub fn reference_units() -> Result<ReferenceUnits> {
    let mut units = current_units()?;
    units.extend(legacy_units()?);
    Ok(ReferenceUnits {
        version: UNITS_VERSION.to_owned(),
        units,
        lineage: lineage()?,
    })
}

/// Parses a change-set file shaped like `units-2026-changes.csv`
/// (`code,level,name_2025,type_2025,name_reported,type_reported,legal_basis`,
/// the basis ending in a `(dd/mm/yyyy)` date). Every bad row is reported.
pub fn parse_changes(file_name: &str, text: &str) -> Result<Vec<UnitChange>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, row) in csv::Reader::from_reader(text.as_bytes())
        .deserialize::<ChangeRow>()
        .enumerate()
    {
        let line = i + 2;
        let parsed = row.map_err(anyhow::Error::from).and_then(|row| {
            Ok(UnitChange {
                code: code(&row.code, "code")?,
                level: parse_level(&row.level)?,
                type_before: parse_type(&row.type_2025)?,
                type_after: parse_type(&row.type_reported)?,
                effective_on: basis_date(&row.legal_basis)?,
                name_before: row.name_2025,
                name_after: row.name_reported,
                legal_basis: row.legal_basis,
            })
        });
        match parsed {
            Ok(change) => out.push(change),
            Err(err) => problems.push(format!("{file_name}:{line}: {err:#}")),
        }
    }
    if !problems.is_empty() {
        bail!(
            "{} dòng lỗi / bad rows:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
    Ok(out)
}

/// Reads the `(dd/mm/yyyy)` date at the end of a legal basis.
fn basis_date(basis: &str) -> Result<NaiveDate> {
    let inside = basis
        .rsplit_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .with_context(|| format!("legal_basis {basis:?} has no (dd/mm/yyyy) date"))?;
    NaiveDate::parse_from_str(inside.trim(), "%d/%m/%Y")
        .with_context(|| format!("legal_basis date {inside:?} is not dd/mm/yyyy"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_units_have_the_official_counts() {
        let units = current_units().unwrap();
        let count = |level: UnitLevel, t: UnitType| {
            units
                .iter()
                .filter(|u| u.level == level && u.unit_type == t)
                .count()
        };
        assert_eq!(
            units
                .iter()
                .filter(|u| u.level == UnitLevel::Province)
                .count(),
            34
        );
        assert_eq!(count(UnitLevel::Province, UnitType::ThanhPho), 6);
        assert_eq!(count(UnitLevel::Province, UnitType::Tinh), 28);
        assert_eq!(count(UnitLevel::Commune, UnitType::Xa), 2_621);
        assert_eq!(count(UnitLevel::Commune, UnitType::Phuong), 687);
        assert_eq!(count(UnitLevel::Commune, UnitType::DacKhu), 13);
    }

    #[test]
    fn legacy_and_lineage_parse_whole() {
        assert_eq!(legacy_units().unwrap().len(), 10_820);
        let links = lineage().unwrap();
        assert_eq!(links.len(), 10_570);
        let mut split: Vec<_> = links
            .iter()
            .filter(|l| l.is_split())
            .map(|l| l.old_code.clone())
            .collect();
        split.sort();
        split.dedup();
        assert_eq!(split.len(), 441);
    }

    #[test]
    fn the_2026_change_set_parses_with_dates() {
        let changes = parse_changes("units-2026-changes.csv", UNITS_2026_CHANGES).unwrap();
        assert_eq!(changes.len(), 25);
        assert!(
            changes
                .iter()
                .all(|c| c.effective_on.format("%Y").to_string() == "2026")
        );
    }

    #[test]
    fn bad_change_rows_are_all_reported() {
        let text = "code,level,name_2025,type_2025,name_reported,type_reported,legal_basis\n\
                    x1,commune,A,xã,B,phường,1/NQ (01/01/2026)\n\
                    07294,commune,A,xã,B,phường,no date\n";
        let err = parse_changes("bad.csv", text).unwrap_err().to_string();
        assert!(
            err.contains("bad.csv:2") && err.contains("bad.csv:3"),
            "{err}"
        );
    }
}
