//! `/api/v1/units`: the administrative-unit registry.

use axum::Json;
use axum::extract::State;
use motcua_app::ports::{AppliedChange, UnitFilter};
use motcua_app::units::{LegacySuccessors, MAX_PAGE, UnitDetail};
use motcua_domain::text::fold;
use motcua_domain::unit::{AdministrativeUnit, Era, LineageLink, UnitCode, UnitLevel, UnitType};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;

/// Query parameters of the unit list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// `province` or `commune` (`district` with `era=legacy`).
    pub level: Option<String>,
    /// Type as spelled in the data: `thành phố`, `tỉnh`, `xã`, `phường`, `đặc khu`
    /// (legacy: `huyện`, `quận`, `thị xã`, `thị trấn`); diacritics optional.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub unit_type: Option<String>,
    /// Code of the parent unit.
    pub parent: Option<String>,
    /// Free text, with or without diacritics; a code matches too.
    pub q: Option<String>,
    /// `current` (default) or `legacy`.
    pub era: Option<String>,
    /// Page size, 1 to 5,000 (default 100).
    pub limit: Option<u32>,
    /// Rows to skip (default 0).
    pub offset: Option<u32>,
    /// `code` (default; search results by relevance) or `name` (Vietnamese
    /// alphabetical order: A Ă Â B C D Đ E Ê …).
    pub sort: Option<String>,
}

/// An administrative unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDto {
    /// Statistics-office code.
    pub code: String,
    /// Full name with type word.
    pub name: String,
    /// Name without type word.
    pub short_name: String,
    /// Type, as spelled in the data.
    #[serde(rename = "type")]
    pub unit_type: String,
    /// `province`, `district` or `commune`.
    pub level: String,
    /// Parent unit code.
    pub parent_code: Option<String>,
    /// Province code.
    pub province_code: String,
    /// `current` or `legacy`.
    pub era: String,
    /// First day of validity (YYYY-MM-DD).
    pub valid_from: Option<String>,
    /// Last day of validity (YYYY-MM-DD).
    pub valid_to: Option<String>,
}

impl From<AdministrativeUnit> for UnitDto {
    fn from(u: AdministrativeUnit) -> Self {
        Self {
            code: u.code.to_string(),
            name: u.name,
            short_name: u.short_name,
            unit_type: u.unit_type.as_str().to_owned(),
            level: u.level.as_str().to_owned(),
            parent_code: u.parent_code.map(String::from),
            province_code: u.province_code.to_string(),
            era: u.era.as_str().to_owned(),
            valid_from: u.valid_from.map(|d| d.to_string()),
            valid_to: u.valid_to.map(|d| d.to_string()),
        }
    }
}

/// One page of units.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitPageDto {
    /// The units.
    pub items: Vec<UnitDto>,
    /// How many match in all.
    pub total: u64,
    /// The page size used.
    pub limit: u32,
    /// The offset used.
    pub offset: u32,
}

/// A link from an old unit to a new one.
#[derive(Debug, Serialize, ToSchema)]
pub struct LineageDto {
    /// Old unit code.
    pub old_code: String,
    /// Old unit level (`commune`, or `district` for island districts).
    pub old_level: String,
    /// Old unit name.
    pub old_name: String,
    /// Old district code.
    pub old_district_code: String,
    /// Old province code.
    pub old_province_code: String,
    /// New commune code.
    pub new_code: String,
    /// New commune name.
    pub new_name: String,
    /// New province code.
    pub new_province_code: String,
    /// Only part of the old unit went here.
    pub partial: bool,
    /// Number of new units the old one went into.
    pub targets: u8,
    /// For splits: the default target when no street address is known.
    pub default_target: Option<bool>,
}

impl From<LineageLink> for LineageDto {
    fn from(l: LineageLink) -> Self {
        Self {
            old_code: l.old_code.to_string(),
            old_level: l.old_level.as_str().to_owned(),
            old_name: l.old_name,
            old_district_code: l.old_district_code.to_string(),
            old_province_code: l.old_province_code.to_string(),
            new_code: l.new_code.to_string(),
            new_name: l.new_name,
            new_province_code: l.new_province_code.to_string(),
            partial: l.partial,
            targets: l.targets,
            default_target: l.default_target,
        }
    }
}

/// An applied, effective-dated change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeDto {
    /// Name before.
    pub name_before: String,
    /// Type before.
    pub type_before: String,
    /// Name after.
    pub name_after: String,
    /// Type after.
    pub type_after: String,
    /// Legal basis.
    pub legal_basis: String,
    /// Effective date (YYYY-MM-DD).
    pub effective_on: String,
    /// When it was applied here.
    pub applied_at: String,
}

impl From<AppliedChange> for ChangeDto {
    fn from(a: AppliedChange) -> Self {
        let c = a.change;
        Self {
            name_before: c.name_before,
            type_before: c.type_before.as_str().to_owned(),
            name_after: c.name_after,
            type_after: c.type_after.as_str().to_owned(),
            legal_basis: c.legal_basis,
            effective_on: c.effective_on.to_string(),
            applied_at: a.applied_at.to_rfc3339(),
        }
    }
}

/// A unit with its parent, children count and lineage.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDetailDto {
    /// The unit.
    #[serde(flatten)]
    pub unit: UnitDto,
    /// Its parent.
    pub parent: Option<UnitDto>,
    /// Number of children.
    pub children_count: u64,
    /// Old units that formed it (current communes).
    pub predecessors: Vec<LineageDto>,
    /// New units it went into (legacy units).
    pub successors: Vec<LineageDto>,
    /// Changes applied to it.
    pub changes: Vec<ChangeDto>,
}

impl From<UnitDetail> for UnitDetailDto {
    fn from(d: UnitDetail) -> Self {
        Self {
            unit: d.unit.into(),
            parent: d.parent.map(Into::into),
            children_count: d.children_count,
            predecessors: d.predecessors.into_iter().map(Into::into).collect(),
            successors: d.successors.into_iter().map(Into::into).collect(),
            changes: d.changes.into_iter().map(Into::into).collect(),
        }
    }
}

/// Where an old unit went.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegacyDto {
    /// The old unit, when listed.
    pub unit: Option<UnitDto>,
    /// True when divided among several new units.
    pub split: bool,
    /// The new units.
    pub successors: Vec<LineageDto>,
}

impl From<LegacySuccessors> for LegacyDto {
    fn from(l: LegacySuccessors) -> Self {
        Self {
            unit: l.unit.map(Into::into),
            split: l.split,
            successors: l.successors.into_iter().map(Into::into).collect(),
        }
    }
}

fn parse_code(raw: &str) -> Result<UnitCode, Problem> {
    UnitCode::parse(raw).map_err(|e| Problem::bad_request(e.to_string()))
}

fn parse_filter(q: UnitQuery) -> Result<(UnitFilter, bool), Problem> {
    let by_name = match q.sort.as_deref() {
        None | Some("code") => false,
        Some("name") => true,
        Some(other) => {
            return Err(Problem::bad_request(format!(
                "sort {other:?}: dùng/use code | name"
            )));
        }
    };
    let era = match q.era.as_deref() {
        None | Some("current") => Era::Current,
        Some("legacy") => Era::Legacy,
        Some(other) => {
            return Err(Problem::bad_request(format!(
                "era {other:?}: dùng/use current | legacy"
            )));
        }
    };
    let level = q
        .level
        .as_deref()
        .map(|l| l.parse::<UnitLevel>().map_err(Problem::bad_request))
        .transpose()?;
    let unit_type = q
        .unit_type
        .as_deref()
        .map(|t| t.parse::<UnitType>().map_err(Problem::bad_request))
        .transpose()?;
    let limit = q.limit.unwrap_or(100);
    if limit == 0 || limit > MAX_PAGE {
        return Err(Problem::bad_request(format!(
            "limit phải từ 1 đến {MAX_PAGE} / limit must be between 1 and {MAX_PAGE}, got {limit}"
        )));
    }
    let query_folded = q.q.as_deref().map(fold).filter(|f| !f.is_empty());
    if query_folded.as_ref().is_some_and(|f| f.len() > 200) {
        return Err(Problem::bad_request("q quá dài / q too long (max 200)"));
    }
    Ok((
        UnitFilter {
            era,
            level,
            unit_type,
            parent: q.parent.as_deref().map(parse_code).transpose()?,
            query_folded,
            limit,
            offset: q.offset.unwrap_or(0),
        },
        by_name,
    ))
}

/// `GET /api/v1/units`: list and search units.
#[utoipa::path(get, path = "/api/v1/units", operation_id = "listUnits", tag = "units", params(UnitQuery), responses(
    (status = 200, body = UnitPageDto),
    (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<UnitQuery>,
) -> Result<Json<UnitPageDto>, Problem> {
    let (filter, by_name) = parse_filter(query)?;
    let page = if by_name {
        state.units.list_by_name(&filter).await?
    } else {
        state.units.list(&filter).await?
    };
    Ok(Json(UnitPageDto {
        items: page.items.into_iter().map(Into::into).collect(),
        total: page.total,
        limit: filter.limit,
        offset: filter.offset,
    }))
}

/// `GET /api/v1/units/{code}`: one unit with parent, children count and lineage.
#[utoipa::path(get, path = "/api/v1/units/{code}", operation_id = "getUnit", tag = "units",
    params(("code" = String, Path, description = "2- or 5-digit code")),
    responses((status = 200, body = UnitDetailDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn detail(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<UnitDetailDto>, Problem> {
    let code = parse_code(&code)?;
    Ok(Json(state.units.detail(&code).await?.into()))
}

/// `GET /api/v1/units/legacy/{old_code}`: the current unit(s) an old one went into.
#[utoipa::path(get, path = "/api/v1/units/legacy/{old_code}", operation_id = "getLegacyUnit", tag = "units",
    params(("old_code" = String, Path, description = "old commune code (5 digits) or island district (3 digits)")),
    responses((status = 200, body = LegacyDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn legacy(
    State(state): State<AppState>,
    ApiPath(old_code): ApiPath<String>,
) -> Result<Json<LegacyDto>, Problem> {
    let code = parse_code(&old_code)?;
    Ok(Json(state.units.legacy(&code).await?.into()))
}
