//! `POST /api/v1/addresses/convert`: old (three-tier) or new addresses to
//! the current commune and province (issue 18). Public, like the units API.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{Extensions, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use motcua_app::addresses::{MAX_ADDRESS_CHARS, MAX_BATCH};
use motcua_domain::address::{Candidate, Conversion, UnitRef};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::problem::Problem;
use crate::rate_limit::{RateLimiter, client_key, too_many};

/// The largest request body: a full batch of long addresses.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Tokens a client may spend at once on the converter ([`default_limiter`]).
pub const LIMIT_BURST: u32 = 60;

/// Tokens refilled a minute per client.
pub const LIMIT_PER_MINUTE: u32 = 60;

/// The converter's per-client limiter: [`LIMIT_BURST`] tokens at once,
/// refilled at [`LIMIT_PER_MINUTE`] a minute; a request spends [`cost`].
/// One address a second, or about five full batches (55,000 addresses) a
/// minute, per client address.
pub fn default_limiter() -> RateLimiter {
    RateLimiter::new(LIMIT_BURST, LIMIT_PER_MINUTE)
}

/// Tokens a request of `n` addresses spends: 1 + n / 1000 (a full batch
/// of 10,000 spends 11).
pub fn cost(n: usize) -> f64 {
    1.0 + (n / 1000) as f64
}

/// One address, or a batch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertRequest {
    /// One address, as typed (up to 500 characters are read).
    #[schema(example = "Phường Thạch Thang, Quận Hải Châu, TP. Đà Nẵng")]
    pub address: Option<String>,
    /// Or up to 10,000 addresses; the answer is then `{"items": [...]}`.
    pub addresses: Option<Vec<String>>,
    /// The day the answer is for, `YYYY-MM-DD` (default: today in Vietnam);
    /// changes to units apply from their effective date.
    pub as_of: Option<String>,
}

/// A unit: code and official name.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitRefDto {
    /// Statistics-office code.
    pub code: String,
    /// Official name.
    pub name: String,
}

impl From<UnitRef> for UnitRefDto {
    fn from(u: UnitRef) -> Self {
        Self {
            code: u.code.to_string(),
            name: u.name,
        }
    }
}

/// The old units an address names.
#[derive(Debug, Serialize, ToSchema)]
pub struct OldUnitsDto {
    /// Old commune, ward or township.
    pub commune: Option<UnitRefDto>,
    /// Old district.
    pub district: Option<UnitRefDto>,
    /// Old province.
    pub province: Option<UnitRefDto>,
}

/// A possible current commune (ambiguous) or a close name (not found).
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateDto {
    /// Unit code.
    pub code: String,
    /// Official name.
    pub name: String,
    /// Why, in Vietnamese and English.
    pub why: String,
}

impl From<Candidate> for CandidateDto {
    fn from(c: Candidate) -> Self {
        Self {
            code: c.code.to_string(),
            name: c.name,
            why: c.why.to_string(),
        }
    }
}

/// The answer for one address.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversionDto {
    /// `converted`, `ambiguous`, `unchanged` or `not_found`.
    #[schema(example = "converted")]
    pub status: String,
    /// House number and street, as typed.
    pub street: Option<String>,
    /// The old units, for an old address.
    pub old: Option<OldUnitsDto>,
    /// The current commune (converted, unchanged).
    pub commune: Option<UnitRefDto>,
    /// The current province.
    pub province: Option<UnitRefDto>,
    /// The address written with the current units.
    pub formatted: Option<String>,
    /// Every possible commune with why (ambiguous), or the closest names
    /// (not found).
    pub candidates: Vec<CandidateDto>,
    /// Warnings, in Vietnamese and English (a district ignored, a split…).
    pub warnings: Vec<String>,
}

impl From<Conversion> for ConversionDto {
    fn from(c: Conversion) -> Self {
        Self {
            status: c.status.as_str().to_owned(),
            street: c.street,
            old: c.old.map(|o| OldUnitsDto {
                commune: o.commune.map(Into::into),
                district: o.district.map(Into::into),
                province: o.province.map(Into::into),
            }),
            commune: c.commune.map(Into::into),
            province: c.province.map(Into::into),
            formatted: c.formatted,
            candidates: c.candidates.into_iter().map(Into::into).collect(),
            warnings: c.warnings.iter().map(ToString::to_string).collect(),
        }
    }
}

/// The answers of a batch, in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversionBatchDto {
    /// One answer per address, in the order sent.
    pub items: Vec<ConversionDto>,
}

/// One answer or a batch of answers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ConvertResponse {
    /// For `address`.
    One(Box<ConversionDto>),
    /// For `addresses`.
    Many(ConversionBatchDto),
}

fn unprocessable(detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-input", detail)
}

fn as_of(raw: Option<&str>, today: NaiveDate) -> Result<NaiveDate, Problem> {
    match raw {
        None => Ok(today),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            unprocessable(format!(
                "as_of {:?} không phải ngày YYYY-MM-DD / as_of is not a YYYY-MM-DD date",
                s.chars().take(20).collect::<String>()
            ))
        }),
    }
}

/// `POST /api/v1/addresses/convert`: one address or a batch.
#[utoipa::path(post, path = "/api/v1/addresses/convert", operation_id = "convertAddresses",
    tag = "addresses", request_body = ConvertRequest,
    responses(
        (status = 200, body = ConvertResponse,
            description = "`address` → một kết quả / one answer; `addresses` → `{\"items\": [...]}`"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json",
            description = "quá 10.000 địa chỉ hoặc quá 8 MiB / over 10,000 addresses or 8 MiB"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json",
            description = "quá giới hạn của địa chỉ máy khách, xem `Retry-After` / over this client's limit (1 + n/1000 tokens a request), see `Retry-After`")))]
pub async fn convert(
    State(state): State<AppState>,
    extensions: Extensions,
    body: Result<Json<ConvertRequest>, JsonRejection>,
) -> Result<Response, Problem> {
    let Json(body) = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::for_status(StatusCode::PAYLOAD_TOO_LARGE)
        } else {
            unprocessable(format!(
                "Nội dung không hợp lệ / invalid body: {}",
                e.body_text()
            ))
        }
    })?;
    let day = as_of(body.as_of.as_deref(), state.clock.today())?;
    // Anonymous and up to 10,000 addresses a request: each client address
    // spends in proportion to what it asks (a refused batch too much for
    // the bucket still costs one token).
    let n = match (&body.address, &body.addresses) {
        (None, Some(many)) if many.len() <= MAX_BATCH => many.len(),
        _ => 0,
    };
    if let Err(wait) = state
        .address_limiter
        .check_cost(&client_key(&extensions), cost(n))
    {
        return Ok(too_many(wait));
    }
    match (body.address, body.addresses) {
        (Some(address), None) => {
            let c = state.addresses.convert(&address, day)?;
            Ok(Json(ConvertResponse::One(Box::new(c.into()))).into_response())
        }
        (None, Some(addresses)) => {
            if addresses.len() > MAX_BATCH {
                return Err(Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too-large",
                    format!(
                        "Tối đa {MAX_BATCH} địa chỉ một lần, nhận {} / at most {MAX_BATCH} \
                         addresses per request, got {}",
                        addresses.len(),
                        addresses.len()
                    ),
                ));
            }
            let service = state.addresses.clone();
            // About 10 µs an address: a full batch runs off the async threads.
            let items = tokio::task::spawn_blocking(move || service.convert_many(&addresses, day))
                .await
                .map_err(|_| Problem::for_status(StatusCode::INTERNAL_SERVER_ERROR))??;
            Ok(Json(ConvertResponse::Many(ConversionBatchDto {
                items: items.into_iter().map(Into::into).collect(),
            }))
            .into_response())
        }
        _ => Err(unprocessable(format!(
            "Gửi đúng một trong hai trường `address` hoặc `addresses` (mỗi địa chỉ đọc tối đa \
             {MAX_ADDRESS_CHARS} ký tự) / send exactly one of `address` or `addresses`"
        ))),
    }
}
