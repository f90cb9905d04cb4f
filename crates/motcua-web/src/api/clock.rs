//! `/api/v1/calendar/{year}` and `/api/v1/due-dates`: the working calendar
//! (lịch làm việc) and the legal clock (thời hạn giải quyết).

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use chrono::{DateTime, NaiveTime, Utc};
use motcua_app::due_dates::{DueDateAnswer, DueDateInput, LimitSource};
use motcua_domain::calendar::{CalendarDay, DaySource, YearCalendar};
use motcua_domain::clock::{Extension, Pause, ReceptionRules, to_local};
use motcua_domain::legal_time::{CutOff, TimeLimit, TimeUnit};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::procedures::{TimeLimitDto, parse_code};
use crate::AppState;
use crate::extract::ApiPath;
use crate::problem::Problem;

/// One special day of a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarDayDto {
    /// The date, `YYYY-MM-DD`.
    pub date: String,
    /// Whether it is a working day (only make-up Saturdays are).
    pub working: bool,
    /// `weekend`, `holiday`, `compensatory`, `swap_off` or `makeup_saturday`.
    pub kind: String,
    /// The reason, e.g. `Tết Âm lịch`.
    pub label: String,
    /// Where it comes from: `weekly`, `rule:<id>` or `official:<document>`.
    pub source: String,
}

impl From<CalendarDay> for CalendarDayDto {
    fn from(d: CalendarDay) -> Self {
        Self {
            date: d.date.to_string(),
            working: d.note.working,
            kind: enum_text(&d.note.kind),
            label: d.note.label,
            source: match d.note.source {
                DaySource::Weekly => "weekly".to_owned(),
                DaySource::Rule { rule } => format!("rule:{rule}"),
                DaySource::Official { doc } => format!("official:{doc}"),
            },
        }
    }
}

/// A year's non-working days (weekends included) and make-up Saturdays.
#[derive(Debug, Serialize, ToSchema)]
pub struct YearCalendarDto {
    /// The solar year.
    pub year: i32,
    /// Calendar version: the same version always gives the same answers.
    pub calendar_version: String,
    /// Whether an official schedule was applied (otherwise the statutory default).
    pub official_schedule: bool,
    /// Number of working days in the year.
    pub working_days: u32,
    /// Special days, by date.
    pub days: Vec<CalendarDayDto>,
}

impl From<YearCalendar> for YearCalendarDto {
    fn from(y: YearCalendar) -> Self {
        Self {
            year: y.year,
            calendar_version: y.version,
            official_schedule: y.official_schedule,
            working_days: y.working_days,
            days: y.days.into_iter().map(Into::into).collect(),
        }
    }
}

fn enum_text<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// `GET /api/v1/calendar/{year}`: non-working days of a year (1900–2199) with reasons.
#[utoipa::path(get, path = "/api/v1/calendar/{year}", operation_id = "getCalendarYear", tag = "calendar",
    params(("year" = i32, Path, description = "solar year, 1900 to 2199")),
    responses((status = 200, body = YearCalendarDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn year(
    State(state): State<AppState>,
    ApiPath(year): ApiPath<i32>,
) -> Result<Json<YearCalendarDto>, Problem> {
    Ok(Json(state.due_dates.year(year)?.into()))
}

/// A procedure in the catalog whose limit and rules apply.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcedureRefDto {
    /// National code.
    pub code: String,
    /// Version; absent = the version in force on the day of receipt.
    pub version: Option<u32>,
}

/// A supplement pause (yêu cầu bổ sung → đã bổ sung).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseDto {
    /// When the supplement was requested (RFC 3339).
    pub requested_at: String,
    /// When it was received (RFC 3339); absent while waiting (the clock is stopped).
    pub resumed_at: Option<String>,
}

/// An extension (form 04): the due instant is replaced.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionDto {
    /// When it was granted (RFC 3339).
    pub granted_at: String,
    /// The new due instant (RFC 3339).
    pub new_due: String,
    /// The reason given.
    pub reason: String,
}

/// A due-date question: either `limit` (with optional `cutoff` and
/// `saturday_morning_reception`) or `procedure`, not both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DueDateRequestDto {
    /// When the complete dossier was received (RFC 3339, e.g. `2025-10-03T16:10:00+07:00`).
    pub received_at: String,
    /// The time limit.
    pub limit: Option<TimeLimitDto>,
    /// Local cut-off `HH:MM` (e.g. `15:00`): a receipt at or after it counts from the next working day.
    pub cutoff: Option<String>,
    /// Whether Saturday-morning reception counts (cư trú).
    pub saturday_morning_reception: Option<bool>,
    /// Take limit, cut-off and Saturday rule from this catalog procedure.
    pub procedure: Option<ProcedureRefDto>,
    /// Supplement pauses.
    #[serde(default)]
    pub pauses: Vec<PauseDto>,
    /// Extensions.
    #[serde(default)]
    pub extensions: Vec<ExtensionDto>,
}

/// The catalog version a due date was computed from.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionKeyDto {
    /// National code.
    pub code: String,
    /// Version number.
    pub version: u32,
}

/// The due date and how it was reached.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueDateDto {
    /// Due instant in UTC (RFC 3339); absent while a pause is open.
    pub due_at: Option<String>,
    /// The same instant in Asia/Ho_Chi_Minh (UTC+07:00).
    pub due_at_local: Option<String>,
    /// Day 0 of the count (local date).
    pub start_day: String,
    /// When the open pause started, if the clock is stopped.
    pub paused_since: Option<String>,
    /// The limit applied.
    pub limit: TimeLimitDto,
    /// The cut-off applied (`HH:MM`).
    pub cutoff: Option<String>,
    /// Whether Saturday-morning reception was applied.
    pub saturday_morning_reception: bool,
    /// The catalog version used, when the limit came from the catalog.
    pub procedure: Option<VersionKeyDto>,
    /// Calendar version: store it beside the due date to recompute it later.
    pub calendar_version: String,
    /// One line per decision (received, cut-off, each day counted or skipped, pauses...).
    pub explanation: Vec<String>,
    /// The same steps as data.
    #[schema(value_type = Vec<Object>)]
    pub steps: serde_json::Value,
}

/// RFC 3339 in Vietnam's fixed UTC+07:00.
fn local(at: DateTime<Utc>) -> String {
    to_local(at).format("%Y-%m-%dT%H:%M:%S+07:00").to_string()
}

impl From<DueDateAnswer> for DueDateDto {
    fn from(a: DueDateAnswer) -> Self {
        Self {
            due_at: a.due.due_at.map(|d| d.to_rfc3339()),
            due_at_local: a.due.due_at.map(local),
            start_day: a.due.start_day.to_string(),
            paused_since: a.due.paused_since.map(|d| d.to_rfc3339()),
            limit: a.limit.into(),
            cutoff: a.reception.cutoff.map(|t| t.format("%H:%M").to_string()),
            saturday_morning_reception: a.reception.saturday_morning_reception,
            procedure: a.procedure.map(|k| VersionKeyDto {
                code: k.code.to_string(),
                version: k.version,
            }),
            explanation: a.due.explanation(),
            steps: serde_json::to_value(&a.due.steps).unwrap_or_default(),
            calendar_version: a.due.calendar_version,
        }
    }
}

fn instant(field: &str, raw: &str) -> Result<DateTime<Utc>, Problem> {
    DateTime::parse_from_rfc3339(raw)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| {
            Problem::bad_request(format!(
                "{field} phải là thời điểm RFC 3339 / {field} must be an RFC 3339 instant \
                 (e.g. 2025-10-03T16:10:00+07:00), got {raw:?}"
            ))
        })
}

fn limit(dto: &TimeLimitDto) -> Result<TimeLimit, Problem> {
    let unit: TimeUnit = serde_json::from_value(serde_json::Value::String(dto.unit.clone()))
        .map_err(|_| {
            Problem::bad_request(format!(
                "đơn vị thời hạn không hợp lệ / unknown limit unit {:?}: working_days | \
                 calendar_days | working_hours | months",
                dto.unit
            ))
        })?;
    if dto.amount > 3_650 {
        return Err(Problem::bad_request(
            "thời hạn quá lớn (tối đa 3650) / limit too large (max 3650)",
        ));
    }
    Ok(TimeLimit {
        amount: dto.amount,
        unit,
    })
}

fn source(body: &DueDateRequestDto) -> Result<LimitSource, Problem> {
    match (&body.limit, &body.procedure) {
        (Some(l), None) => {
            let cutoff = body
                .cutoff
                .as_deref()
                .map(|raw| {
                    CutOff::parse(raw)
                        .ok()
                        .and_then(|c| {
                            NaiveTime::from_hms_opt(c.hour().into(), c.minute().into(), 0)
                        })
                        .ok_or_else(|| {
                            Problem::bad_request(format!(
                                "cutoff phải là HH:MM / cutoff must be HH:MM, got {raw:?}"
                            ))
                        })
                })
                .transpose()?;
            Ok(LimitSource::Explicit {
                limit: limit(l)?,
                reception: ReceptionRules {
                    cutoff,
                    saturday_morning_reception: body.saturday_morning_reception.unwrap_or(false),
                },
            })
        }
        (None, Some(p)) if body.cutoff.is_none() && body.saturday_morning_reception.is_none() => {
            Ok(LimitSource::Procedure {
                code: parse_code(&p.code)?,
                version: p.version,
            })
        }
        (None, Some(_)) => Err(Problem::bad_request(
            "với procedure, cutoff và saturday_morning_reception lấy từ danh mục / with \
             procedure, cutoff and saturday_morning_reception come from the catalog",
        )),
        _ => Err(Problem::bad_request(
            "cần đúng một trong limit hoặc procedure / exactly one of limit or procedure is required",
        )),
    }
}

/// `POST /api/v1/due-dates`: the due instant of a dossier, explained.
#[utoipa::path(post, path = "/api/v1/due-dates", operation_id = "computeDueDate", tag = "calendar", request_body = DueDateRequestDto,
    responses((status = 200, body = DueDateDto),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn due_date(
    State(state): State<AppState>,
    body: Result<Json<DueDateRequestDto>, JsonRejection>,
) -> Result<Json<DueDateDto>, Problem> {
    let Json(body) = body.map_err(|e| {
        Problem::bad_request(format!(
            "Nội dung không hợp lệ / invalid body: {}",
            e.body_text()
        ))
    })?;
    let pauses = body
        .pauses
        .iter()
        .map(|p| {
            Ok(Pause {
                requested_at: instant("pauses.requested_at", &p.requested_at)?,
                resumed_at: p
                    .resumed_at
                    .as_deref()
                    .map(|r| instant("pauses.resumed_at", r))
                    .transpose()?,
            })
        })
        .collect::<Result<Vec<_>, Problem>>()?;
    let extensions = body
        .extensions
        .iter()
        .map(|e| {
            Ok(Extension {
                granted_at: instant("extensions.granted_at", &e.granted_at)?,
                new_due: instant("extensions.new_due", &e.new_due)?,
                reason: e.reason.clone(),
            })
        })
        .collect::<Result<Vec<_>, Problem>>()?;
    let input = DueDateInput {
        received_at: instant("received_at", &body.received_at)?,
        source: source(&body)?,
        pauses,
        extensions,
    };
    Ok(Json(state.due_dates.due_date(input).await?.into()))
}
