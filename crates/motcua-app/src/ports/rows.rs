//! Plain row shapes shared by the engines: each engine reads its columns
//! into these, and the conversion to domain types is written once here.

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::agency::{Agency, AgencyKind};
use motcua_domain::unit::{
    AdministrativeUnit, Era, LineageLink, UnitChange, UnitCode, UnitLevel, UnitType,
};

use super::AppliedChange;

/// A `units` row as text columns.
#[derive(Debug, Clone)]
pub struct UnitRow {
    /// `era` column.
    pub era: String,
    /// `code` column.
    pub code: String,
    /// `name` column.
    pub name: String,
    /// `short_name` column.
    pub short_name: String,
    /// `unit_type` column.
    pub unit_type: String,
    /// `level` column.
    pub level: String,
    /// `parent_code` column.
    pub parent_code: Option<String>,
    /// `province_code` column.
    pub province_code: String,
    /// `valid_from` column (ISO date).
    pub valid_from: Option<String>,
    /// `valid_to` column (ISO date).
    pub valid_to: Option<String>,
}

fn date(raw: Option<&str>) -> Result<Option<NaiveDate>> {
    raw.map(|d| {
        d.parse::<NaiveDate>()
            .with_context(|| format!("bad date {d:?}"))
    })
    .transpose()
}

fn code(raw: &str) -> Result<UnitCode> {
    UnitCode::parse(raw).map_err(anyhow::Error::from)
}

impl UnitRow {
    /// Converts to the domain type, failing loudly on corrupt rows.
    pub fn into_domain(self) -> Result<AdministrativeUnit> {
        Ok(AdministrativeUnit {
            code: code(&self.code)?,
            name: self.name,
            short_name: self.short_name,
            unit_type: self
                .unit_type
                .parse::<UnitType>()
                .map_err(anyhow::Error::msg)?,
            level: self
                .level
                .parse::<UnitLevel>()
                .map_err(anyhow::Error::msg)?,
            parent_code: self.parent_code.as_deref().map(code).transpose()?,
            province_code: code(&self.province_code)?,
            era: match self.era.as_str() {
                "current" => Era::Current,
                "legacy" => Era::Legacy,
                other => anyhow::bail!("bad era {other:?}"),
            },
            valid_from: date(self.valid_from.as_deref())?,
            valid_to: date(self.valid_to.as_deref())?,
        })
    }
}

/// A `unit_lineage` row.
#[derive(Debug, Clone)]
pub struct LineageRow {
    /// `old_code`.
    pub old_code: String,
    /// `old_level`.
    pub old_level: String,
    /// `old_name`.
    pub old_name: String,
    /// `old_district_code`.
    pub old_district_code: String,
    /// `old_province_code`.
    pub old_province_code: String,
    /// `new_code`.
    pub new_code: String,
    /// `new_name`.
    pub new_name: String,
    /// `new_province_code`.
    pub new_province_code: String,
    /// `partial`.
    pub partial: bool,
    /// `targets`.
    pub targets: i64,
    /// `default_target`.
    pub default_target: Option<bool>,
}

impl LineageRow {
    /// Converts to the domain type.
    pub fn into_domain(self) -> Result<LineageLink> {
        Ok(LineageLink {
            old_code: code(&self.old_code)?,
            old_level: self
                .old_level
                .parse::<UnitLevel>()
                .map_err(anyhow::Error::msg)?,
            old_name: self.old_name,
            old_district_code: code(&self.old_district_code)?,
            old_province_code: code(&self.old_province_code)?,
            new_code: code(&self.new_code)?,
            new_name: self.new_name,
            new_province_code: code(&self.new_province_code)?,
            partial: self.partial,
            targets: u8::try_from(self.targets).context("targets out of range")?,
            default_target: self.default_target,
        })
    }
}

/// A `unit_changes` row.
#[derive(Debug, Clone)]
pub struct ChangeRow {
    /// `code`.
    pub code: String,
    /// `level`.
    pub level: String,
    /// `name_before`.
    pub name_before: String,
    /// `type_before`.
    pub type_before: String,
    /// `name_after`.
    pub name_after: String,
    /// `type_after`.
    pub type_after: String,
    /// `legal_basis`.
    pub legal_basis: String,
    /// `effective_on` (ISO date).
    pub effective_on: String,
    /// `applied_at`.
    pub applied_at: DateTime<Utc>,
}

impl ChangeRow {
    /// Converts to the domain type.
    pub fn into_domain(self) -> Result<AppliedChange> {
        let t = |s: &str| s.parse::<UnitType>().map_err(anyhow::Error::msg);
        Ok(AppliedChange {
            change: UnitChange {
                code: code(&self.code)?,
                level: self
                    .level
                    .parse::<UnitLevel>()
                    .map_err(anyhow::Error::msg)?,
                type_before: t(&self.type_before)?,
                type_after: t(&self.type_after)?,
                name_before: self.name_before,
                name_after: self.name_after,
                legal_basis: self.legal_basis,
                effective_on: self.effective_on.parse().context("bad effective_on")?,
            },
            applied_at: self.applied_at,
        })
    }
}

/// An `agencies` row.
#[derive(Debug, Clone)]
pub struct AgencyRow {
    /// `id`.
    pub id: String,
    /// `name`.
    pub name: String,
    /// `kind`.
    pub kind: String,
    /// `unit_code`.
    pub unit_code: String,
    /// `parent_id`.
    pub parent_id: Option<String>,
    /// `active`.
    pub active: bool,
}

impl AgencyRow {
    /// Converts to the domain type.
    pub fn into_domain(self) -> Result<Agency> {
        Ok(Agency {
            kind: AgencyKind::parse(&self.kind)
                .with_context(|| format!("bad agency kind {:?}", self.kind))?,
            id: self.id,
            name: self.name,
            unit_code: self.unit_code,
            parent_id: self.parent_id,
            active: self.active,
        })
    }
}

/// The SQL `LIKE` pattern that finds `folded` as a word prefix inside a
/// `' ' || name_folded` column: `% ha noi%`. `%`, `_` and `\` are escaped
/// (use `ESCAPE '\'`).
pub fn word_prefix_pattern(folded: &str) -> String {
    let escaped: String = folded
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            other => vec![other],
        })
        .collect();
    format!("% {escaped}%")
}

/// A `procedure_versions` row: the indexed key and the JSON body.
#[derive(Debug, Clone)]
pub struct ProcedureRow {
    /// `code`.
    pub code: String,
    /// `version`.
    pub version: i64,
    /// `body`: the JSON of the domain `ProcedureVersion`.
    pub body: String,
}

impl ProcedureRow {
    /// Parses the body, and fails loudly when it disagrees with the key columns.
    pub fn into_domain(self) -> Result<motcua_domain::catalog::ProcedureVersion> {
        let v: motcua_domain::catalog::ProcedureVersion = serde_json::from_str(&self.body)
            .with_context(|| format!("bad JSON of procedure {} v{}", self.code, self.version))?;
        anyhow::ensure!(
            v.procedure.code.as_str() == self.code && i64::from(v.version) == self.version,
            "procedure row {} v{} holds {} v{}",
            self.code,
            self.version,
            v.procedure.code,
            v.version
        );
        Ok(v)
    }

    /// The row of a version (the JSON cannot fail for these plain types).
    pub fn from_domain(v: &motcua_domain::catalog::ProcedureVersion) -> Result<Self> {
        Ok(Self {
            code: v.procedure.code.to_string(),
            version: i64::from(v.version),
            body: serde_json::to_string(v).context("serialising a procedure version")?,
        })
    }
}
