//! The national hub (`motcua serve --role national`): signed intake of
//! province syncs and the per-province totals.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, NaiveDate, Utc};
use motcua_app::exchange::signature::{
    HEADER_ID, HEADER_SENDER, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use motcua_app::exchange::{IntakeError, NationalService, SignedHeaders};
use motcua_app::ports::national::ProvinceTotals;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::problem::Problem;

/// What an intake did.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntakeAnswer {
    /// Events new to the hub.
    pub accepted: u32,
    /// Events received before (counted once, nothing changed).
    pub duplicates: u32,
}

/// One province's totals.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvinceLine {
    /// Province code.
    pub province: String,
    /// Dossiers started in the period.
    pub dossiers: u64,
    /// Filed online.
    pub online: u64,
    /// Finished.
    pub finished: u64,
    /// Finished on time.
    pub on_time: u64,
    /// Events received, all time.
    pub events: u64,
    /// `on_time / finished`, when anything finished.
    pub on_time_rate: Option<f64>,
    /// `online / dossiers`, when any dossier.
    pub online_share: Option<f64>,
}

impl From<ProvinceTotals> for ProvinceLine {
    fn from(t: ProvinceTotals) -> Self {
        let ratio = |a: u64, b: u64| (b > 0).then(|| a as f64 / b as f64);
        Self {
            on_time_rate: ratio(t.on_time, t.finished),
            online_share: ratio(t.online, t.dossiers),
            province: t.province,
            dossiers: t.dossiers,
            online: t.online,
            finished: t.finished,
            on_time: t.on_time,
            events: t.events,
        }
    }
}

/// The national totals.
#[derive(Debug, Serialize, ToSchema)]
pub struct NationalTotals {
    /// Period start (inclusive, UTC).
    pub from: DateTime<Utc>,
    /// Period end (exclusive, UTC).
    pub to: DateTime<Utc>,
    /// One line per province that synced anything.
    pub provinces: Vec<ProvinceLine>,
}

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD` (Vietnam days, `to` inclusive).
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct PeriodParams {
    /// First day (default: 1 January of this year).
    pub from: Option<String>,
    /// Last day (default: today).
    pub to: Option<String>,
}

/// The period's bounds in UTC, from Vietnam days (`today` is the default
/// last day).
pub fn period(
    p: &PeriodParams,
    today: NaiveDate,
) -> Result<(DateTime<Utc>, DateTime<Utc>), Problem> {
    let parse = |s: &Option<String>, default: NaiveDate, what: &str| match s.as_deref() {
        None | Some("") => Ok(default),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
            Problem::bad_request(format!(
                "{what}: ngày phải có dạng YYYY-MM-DD / expected YYYY-MM-DD"
            ))
        }),
    };
    let year_start = NaiveDate::from_ymd_opt(today.year_ce().1 as i32, 1, 1).unwrap_or(today);
    let from = parse(&p.from, year_start, "from")?;
    let to = parse(&p.to, today, "to")?;
    if to < from {
        return Err(Problem::bad_request(
            "to trước from / `to` is before `from`",
        ));
    }
    Ok(motcua_domain::clock::local_days(from, to))
}

use chrono::Datelike;

fn hub(state: &AppState) -> Result<&NationalService, Problem> {
    state.national.as_ref().ok_or_else(|| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not-national",
            "Máy chủ này không phải trung tâm quốc gia (--role national) / \
             this server is not the national hub (--role national)",
        )
    })
}

/// Receives a province sync: one CloudEvent (`application/cloudevents+json`)
/// or a batch (`application/cloudevents-batch+json`), signed Standard
/// Webhooks-style with the province's key (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of
/// id.timestamp.body>`) and named by `motcua-sender: <province code>`.
/// Idempotent by event id: a re-delivered event is counted once.
#[utoipa::path(post, path = "/api/v1/national/events", operation_id = "receiveNationalEvents", tag = "national",
    request_body(content = String, description = "CloudEvent or array of CloudEvents (docs/asyncapi.yaml)",
        content_type = "application/cloudevents-batch+json"),
    responses((status = 200, body = IntakeAnswer),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn intake(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<IntakeAnswer>, Problem> {
    let service = hub(&state)?;
    let h = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let signed = SignedHeaders {
        sender: h(HEADER_SENDER),
        id: h(HEADER_ID),
        timestamp: h(HEADER_TIMESTAMP),
        signature: h(HEADER_SIGNATURE),
    };
    match service.intake(&signed, &body, state.clock.now()).await {
        Ok(r) => Ok(Json(IntakeAnswer {
            accepted: r.accepted,
            duplicates: r.duplicates,
        })),
        Err(IntakeError::Unauthenticated(m)) => Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated-sender",
            m,
        )),
        Err(IntakeError::Forbidden(m)) => {
            Err(Problem::new(StatusCode::FORBIDDEN, "wrong-sender", m))
        }
        Err(IntakeError::Invalid(m)) => Err(Problem::bad_request(m)),
        Err(IntakeError::App(e)) => Err(e.into()),
    }
}

/// Per-province totals of dossiers started in a period: dossiers synced,
/// on-time rate, online share.
#[utoipa::path(get, path = "/api/v1/national/totals", operation_id = "getNationalTotals", tag = "national",
    params(PeriodParams),
    responses((status = 200, body = NationalTotals), (status = 400, body = Problem),
        (status = 404, body = Problem)))]
pub async fn totals(
    State(state): State<AppState>,
    Query(p): Query<PeriodParams>,
) -> Result<Json<NationalTotals>, Problem> {
    let service = hub(&state)?;
    let (from, to) = period(&p, state.clock.today())?;
    let provinces = service
        .totals(from, to)
        .await?
        .into_iter()
        .map(ProvinceLine::from)
        .collect();
    Ok(Json(NationalTotals {
        from,
        to,
        provinces,
    }))
}

/// Every province's open obstacle cases (vướng mắc, issue 16 item 5), as
/// received through the exchange.
#[derive(Debug, Serialize, ToSchema)]
pub struct NationalObstaclesAnswer {
    /// Open cases in all, and of which overdue; by category, by owner and
    /// by province (most first); the oldest unanswered (at most 20); one
    /// tile per province with open cases per 100 communes and a band 0–4.
    #[schema(value_type = Object)]
    #[serde(flatten)]
    pub picture: motcua_app::exchange::national::NationalObstacles,
}

/// The hub's national picture of open obstacles: by category and owner,
/// the oldest unanswered, and the 34 provinces' tiles.
#[utoipa::path(get, path = "/api/v1/national/obstacles", operation_id = "getNationalObstacles",
    tag = "national",
    responses((status = 200, body = NationalObstaclesAnswer), (status = 404, body = Problem)))]
pub async fn obstacles(
    State(state): State<AppState>,
) -> Result<Json<NationalObstaclesAnswer>, Problem> {
    let service = hub(&state)?;
    let picture = service.obstacles(state.clock.now()).await?;
    Ok(Json(NationalObstaclesAnswer { picture }))
}
