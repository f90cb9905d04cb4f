//! `/api/v1/procedures`: the procedure catalog (thủ tục hành chính) — list
//! and search, the version in force, a given version, and QR codes of the
//! public page.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use motcua_app::catalog::{MAX_PROCEDURE_PAGE, ProcedureHit, ProcedureQuery};
use motcua_domain::catalog::{ProcedureCode, ProcedureVersion};
use motcua_domain::legal_time::TimeLimit;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;
use crate::qr;

/// Query parameters of the procedure list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProcedureQueryParams {
    /// Free text: name, field or code prefix (`khai sinh`, `ho tich`, `1.0011`);
    /// diacritics optional. Results are ranked best first.
    pub q: Option<String>,
    /// Only this field (lĩnh vực), e.g. `Hộ tịch` or `ho tich`.
    pub field: Option<String>,
    /// Versions in force on this day, `YYYY-MM-DD` (default: today in Vietnam).
    pub on: Option<String>,
    /// Page size, 1 to 1,000 (default 50).
    pub limit: Option<u32>,
    /// Items to skip (default 0).
    pub offset: Option<u32>,
}

/// A legal time limit.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeLimitDto {
    /// How many units (0 working days = the same day).
    pub amount: u32,
    /// `working_days`, `calendar_days`, `working_hours` or `months`.
    pub unit: String,
}

impl From<TimeLimit> for TimeLimitDto {
    fn from(l: TimeLimit) -> Self {
        let unit = serde_json::to_value(l.unit)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        Self {
            amount: l.amount,
            unit,
        }
    }
}

/// A procedure version in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureSummaryDto {
    /// National code (mã TTHC).
    pub code: String,
    /// Version number.
    pub version: u32,
    /// First day in force (YYYY-MM-DD).
    pub valid_from: String,
    /// Last day in force, inclusive; absent while in force.
    pub valid_to: Option<String>,
    /// Official name.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Legal time limit; absent when the sources give none (NOT FOUND).
    pub time_limit: Option<TimeLimitDto>,
    /// Search rank (higher is better); absent when listing without `q`.
    pub score: Option<u32>,
}

impl From<ProcedureHit> for ProcedureSummaryDto {
    fn from(hit: ProcedureHit) -> Self {
        let v = hit.version;
        Self {
            code: v.procedure.code.to_string(),
            version: v.version,
            valid_from: v.valid_from.to_string(),
            valid_to: v.valid_to.map(|d| d.to_string()),
            name: v.procedure.name,
            field: v.procedure.field.name,
            time_limit: v.procedure.timing.limit.map(Into::into),
            score: hit.score,
        }
    }
}

/// One page of procedures.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedurePageDto {
    /// Best first for a search, by code otherwise.
    pub items: Vec<ProcedureSummaryDto>,
    /// How many match in all.
    pub total: u64,
    /// Page size used.
    pub limit: u32,
    /// Offset used.
    pub offset: u32,
}

/// A version's number and validity.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionRefDto {
    /// Version number.
    pub version: u32,
    /// First day in force.
    pub valid_from: String,
    /// Last day in force, inclusive.
    pub valid_to: Option<String>,
}

/// A procedure version in full.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureDto {
    /// National code.
    pub code: String,
    /// Version number.
    pub version: u32,
    /// First day in force (YYYY-MM-DD).
    pub valid_from: String,
    /// Last day in force, inclusive.
    pub valid_to: Option<String>,
    /// The public page of the procedure (what its QR code opens).
    pub public_url: String,
    /// The procedure as this version defines it: name, field, levels,
    /// agencies, timing, fees, components and waivers, results, legal basis,
    /// forms, steps, and the `source` tags (L, S, R, NOT_FOUND) of its facts.
    #[schema(value_type = Object)]
    pub procedure: serde_json::Value,
}

impl ProcedureDto {
    fn new(v: ProcedureVersion, public_base: &str) -> Self {
        Self {
            code: v.procedure.code.to_string(),
            version: v.version,
            valid_from: v.valid_from.to_string(),
            valid_to: v.valid_to.map(|d| d.to_string()),
            public_url: public_page(public_base, &v.procedure.code),
            procedure: serde_json::to_value(&v.procedure).unwrap_or_default(),
        }
    }
}

/// The version in force with the list of all versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureDetailDto {
    /// The version in force.
    #[serde(flatten)]
    pub current: ProcedureDto,
    /// Every version of the code, by number.
    pub versions: Vec<VersionRefDto>,
}

/// `<public base URL>/thu-tuc/<code>`.
pub fn public_page(base: &str, code: &ProcedureCode) -> String {
    format!("{}/thu-tuc/{code}", base.trim_end_matches('/'))
}

/// Parses a procedure code from a path or body.
pub fn parse_code(raw: &str) -> Result<ProcedureCode, Problem> {
    ProcedureCode::parse(raw).map_err(|_| {
        Problem::bad_request(format!(
            "mã thủ tục không hợp lệ (d.dddddd hoặc d.dddddd.dd) / invalid procedure code \
             {raw:?} (expected d.dddddd or d.dddddd.dd)"
        ))
    })
}

/// `GET /api/v1/procedures`: list or search the procedures in force.
#[utoipa::path(get, path = "/api/v1/procedures", operation_id = "listProcedures", tag = "procedures",
    params(ProcedureQueryParams),
    responses((status = 200, body = ProcedurePageDto),
        (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<ProcedureQueryParams>,
) -> Result<Json<ProcedurePageDto>, Problem> {
    let limit = p.limit.unwrap_or(50);
    if limit == 0 || limit > MAX_PROCEDURE_PAGE {
        return Err(Problem::bad_request(format!(
            "limit phải từ 1 đến {MAX_PROCEDURE_PAGE} / limit must be between 1 and \
             {MAX_PROCEDURE_PAGE}, got {limit}"
        )));
    }
    if [&p.q, &p.field]
        .iter()
        .any(|t| t.as_ref().is_some_and(|t| t.chars().count() > 200))
    {
        return Err(Problem::bad_request(
            "q, field quá dài / q, field too long (max 200)",
        ));
    }
    let on = match p.on.as_deref() {
        None => state.clock.today(),
        Some(raw) => raw.parse::<NaiveDate>().map_err(|_| {
            Problem::bad_request(format!(
                "on phải là ngày YYYY-MM-DD / on must be a date YYYY-MM-DD, got {raw:?}"
            ))
        })?,
    };
    let query = ProcedureQuery {
        q: p.q,
        field: p.field,
        on,
        limit,
        offset: p.offset.unwrap_or(0),
    };
    let page = state.catalog.list(&query).await?;
    Ok(Json(ProcedurePageDto {
        items: page.items.into_iter().map(Into::into).collect(),
        total: page.total,
        limit,
        offset: query.offset,
    }))
}

/// `GET /api/v1/procedures/{code}`: the version in force today, with all versions.
#[utoipa::path(get, path = "/api/v1/procedures/{code}", operation_id = "getProcedure", tag = "procedures",
    params(("code" = String, Path, description = "national code, e.g. 1.001193 or 1.001193.02")),
    responses((status = 200, body = ProcedureDetailDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn detail(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<ProcedureDetailDto>, Problem> {
    let code = parse_code(&code)?;
    let detail = state.catalog.detail(&code, state.clock.today()).await?;
    Ok(Json(ProcedureDetailDto {
        current: ProcedureDto::new(detail.current, &state.public_url),
        versions: detail
            .versions
            .into_iter()
            .map(|v| VersionRefDto {
                version: v.version,
                valid_from: v.valid_from.to_string(),
                valid_to: v.valid_to.map(|d| d.to_string()),
            })
            .collect(),
    }))
}

/// `GET /api/v1/procedures/{code}/versions/{version}`: one version.
#[utoipa::path(get, path = "/api/v1/procedures/{code}/versions/{version}", operation_id = "getProcedureVersion", tag = "procedures",
    params(("code" = String, Path, description = "national code"),
        ("version" = u32, Path, description = "version number")),
    responses((status = 200, body = ProcedureDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn version(
    State(state): State<AppState>,
    ApiPath((code, version)): ApiPath<(String, u32)>,
) -> Result<Json<ProcedureDto>, Problem> {
    let code = parse_code(&code)?;
    let v = state.catalog.version(&code, version).await?;
    Ok(Json(ProcedureDto::new(v, &state.public_url)))
}

async fn qr_target(state: &AppState, raw: &str) -> Result<String, Problem> {
    let code = parse_code(raw)?;
    if !state.catalog.exists(&code).await? {
        return Err(Problem::new(
            axum::http::StatusCode::NOT_FOUND,
            "not-found",
            format!("Không tìm thấy thủ tục mã {code} / no procedure with code {code}"),
        ));
    }
    Ok(public_page(&state.public_url, &code))
}

fn image(content_type: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

fn render_failed(err: anyhow::Error) -> Problem {
    tracing::error!(error = format!("{err:#}"), "QR rendering failed");
    Problem::new(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Không tạo được mã QR / could not draw the QR code",
    )
}

/// `GET /api/v1/procedures/{code}/qr.svg`: QR code of the public page, SVG.
#[utoipa::path(get, path = "/api/v1/procedures/{code}/qr.svg", operation_id = "getProcedureQrSvg", tag = "procedures",
    params(("code" = String, Path, description = "national code")),
    responses((status = 200, description = "SVG image", content_type = "image/svg+xml", body = String),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn qr_svg(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Response, Problem> {
    let url = qr_target(&state, &code).await?;
    let svg = qr::svg(&url).map_err(render_failed)?;
    Ok(image("image/svg+xml", svg.into_bytes()))
}

/// `GET /api/v1/procedures/{code}/qr.png`: QR code of the public page, PNG.
#[utoipa::path(get, path = "/api/v1/procedures/{code}/qr.png", operation_id = "getProcedureQrPng", tag = "procedures",
    params(("code" = String, Path, description = "national code")),
    responses((status = 200, description = "PNG image", content_type = "image/png", body = Vec<u8>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn qr_png(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Response, Problem> {
    let url = qr_target(&state, &code).await?;
    let png = qr::png(&url).map_err(render_failed)?;
    Ok(image("image/png", png))
}
