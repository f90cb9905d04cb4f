//! Training (đào tạo, bồi dưỡng; issue 17 item 3):
//!
//! - `GET /api/v1/training/courses`, `POST /api/v1/training/courses`:
//!   courses (topic, expertise tags from the catalog, hours > 0, provider);
//!   reading needs [`Capability::ViewStaff`], recording
//!   [`Capability::ManageStaff`].
//! - `GET /api/v1/training/sessions?unit=`, `POST /api/v1/training/sessions`:
//!   sessions of a unit's subtree with their enrolments; holding one needs
//!   [`Capability::ManageStaff`] on the unit, each person enrolled must
//!   belong to it (or be seconded into it) on the first day.
//! - `POST /api/v1/training/sessions/{id}/enrolments` (`{"staff": [...]}`)
//!   and `POST /api/v1/training/enrolments/{id}/completion`
//!   (`{"completed_on", "result"}`): out of scope is the 404 of an unknown id.
//! - `GET /api/v1/training/plan?unit=`: the plan from the unit's shortage
//!   signal (who, which topic, why); `GET /api/v1/training/follow-up?unit=&weeks=`:
//!   overdue share before and after each session ([`Capability::ViewWorkload`]).
//!
//! Bad JSON is 400, a value that breaks a rule 422 (Problem Details).

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use motcua_app::policy::Capability;
use motcua_app::training::{Completion, NewCourse, NewSession, TrainingError};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Officer;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;

impl From<TrainingError> for Problem {
    fn from(e: TrainingError) -> Self {
        match e {
            TrainingError::Invalid(m) => {
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-input", m)
            }
            TrainingError::NotFound(m) => {
                Problem::new(StatusCode::NOT_FOUND, "not-found", m).with_code("not_found")
            }
            TrainingError::Denied(d) => d.into(),
            TrainingError::Unexpected(err) => motcua_app::AppError::Unexpected(err).into(),
        }
    }
}

use super::json_body as body;

fn scope(officer: &Officer, unit: Option<String>) -> String {
    unit.map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| officer.agency.as_str().to_owned())
}

/// A new course.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseInput {
    /// Title (default: the topic).
    pub title: Option<String>,
    /// Topic (chuyên đề).
    pub topic: String,
    /// Expertise tags, e.g. `["dat_dai"]` (`reference/staff/expertise.toml`).
    pub expertise: Vec<String>,
    /// Hours, more than 0.
    pub hours: i64,
    /// Provider.
    #[serde(default)]
    pub provider: String,
}

/// A new session with the people enrolled.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    /// The course.
    pub course_id: String,
    /// The unit's agency id.
    pub unit: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day (not before the first).
    pub ends_on: NaiveDate,
    /// Where.
    #[serde(default)]
    pub place: String,
    /// Why (default: the plan line of the course's expertise).
    #[serde(default)]
    pub reason: String,
    /// Staff ids.
    #[serde(default)]
    pub staff: Vec<String>,
}

/// People to enrol.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolInput {
    /// Staff ids.
    pub staff: Vec<String>,
}

/// A completion.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompletionInput {
    /// The day completed (not before the session's first day).
    pub completed_on: NaiveDate,
    /// The result (đạt, khá, giỏi…).
    pub result: Option<String>,
}

/// The unit asked for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitParams {
    /// The unit's agency (default: the officer's agency).
    pub unit: Option<String>,
    /// Follow-up only: weeks before and after a session's last day (1–52, default 8).
    pub weeks: Option<u32>,
}

/// Every course.
#[utoipa::path(get, path = "/api/v1/training/courses", operation_id = "listTrainingCourses", tag = "training",
    responses((status = 200, description = "the courses", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_courses(
    State(state): State<AppState>,
    officer: Officer,
) -> Result<Response, Problem> {
    crate::policy::require(&officer, Capability::ViewStaff)?;
    let items = state.training.courses(&officer.roles).await?;
    Ok(Json(serde_json::json!({ "items": items })).into_response())
}

/// Records a course.
#[utoipa::path(post, path = "/api/v1/training/courses", operation_id = "createTrainingCourse", tag = "training",
    request_body = CourseInput,
    responses((status = 201, description = "the course", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "an unknown tag, hours not above 0, no topic", body = Problem, content_type = "application/problem+json")))]
pub async fn create_course(
    State(state): State<AppState>,
    officer: Officer,
    input: Result<Json<CourseInput>, JsonRejection>,
) -> Result<Response, Problem> {
    crate::policy::require(&officer, Capability::ManageStaff)?;
    let i = body(input)?;
    let course = state
        .training
        .create_course(
            &officer.roles,
            NewCourse {
                title: i.title,
                topic: i.topic,
                expertise: i.expertise,
                hours: i.hours,
                provider: i.provider,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(course)).into_response())
}

/// The sessions of a unit's subtree.
#[utoipa::path(get, path = "/api/v1/training/sessions", operation_id = "listTrainingSessions", tag = "training",
    params(UnitParams),
    responses((status = 200, description = "the sessions with their course and enrolments", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_sessions(
    State(state): State<AppState>,
    officer: Officer,
    ApiQuery(q): ApiQuery<UnitParams>,
) -> Result<Response, Problem> {
    crate::policy::require(&officer, Capability::ViewStaff)?;
    let unit = scope(&officer, q.unit);
    let items = state.training.sessions(&officer.roles, &unit).await?;
    Ok(Json(serde_json::json!({ "unit": unit, "items": items })).into_response())
}

/// Holds a session of a course for a unit.
#[utoipa::path(post, path = "/api/v1/training/sessions", operation_id = "createTrainingSession", tag = "training",
    request_body = SessionInput,
    responses((status = 201, description = "the session with its enrolments", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "no role of ManageStaff, or the unit is outside the roles' scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "an unknown course, the last day before the first, a person not of the unit", body = Problem, content_type = "application/problem+json")))]
pub async fn create_session(
    State(state): State<AppState>,
    officer: Officer,
    input: Result<Json<SessionInput>, JsonRejection>,
) -> Result<Response, Problem> {
    crate::policy::require(&officer, Capability::ManageStaff)?;
    let i = body(input)?;
    let view = state
        .training
        .create_session(
            &officer.roles,
            NewSession {
                course_id: i.course_id,
                unit: i.unit,
                starts_on: i.starts_on,
                ends_on: i.ends_on,
                place: i.place,
                reason: i.reason,
                staff: i.staff,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// Enrols people in a session.
#[utoipa::path(post, path = "/api/v1/training/sessions/{id}/enrolments", operation_id = "enrolInTrainingSession", tag = "training",
    params(("id" = String, Path, description = "the session")),
    request_body = EnrolInput,
    responses((status = 200, description = "the session with its enrolments", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such session in the roles' scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn enrol(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(id): ApiPath<String>,
    input: Result<Json<EnrolInput>, JsonRejection>,
) -> Result<Response, Problem> {
    crate::policy::require(&officer, Capability::ManageStaff)?;
    let i = body(input)?;
    let view = state.training.enrol(&officer.roles, &id, &i.staff).await?;
    Ok(Json(view).into_response())
}

/// Records a completion.
#[utoipa::path(post, path = "/api/v1/training/enrolments/{id}/completion", operation_id = "completeTrainingEnrolment", tag = "training",
    params(("id" = String, Path, description = "the enrolment")),
    request_body = CompletionInput,
    responses((status = 200, description = "the enrolment", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such enrolment in the roles' scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn complete(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(id): ApiPath<String>,
    input: Result<Json<CompletionInput>, JsonRejection>,
) -> Result<Response, Problem> {
    crate::policy::require(&officer, Capability::ManageStaff)?;
    let i = body(input)?;
    let e = state
        .training
        .complete(
            &officer.roles,
            &id,
            Completion {
                completed_on: i.completed_on,
                result: i.result,
            },
        )
        .await?;
    Ok(Json(e).into_response())
}

/// The training plan of a unit, from its shortage signal.
#[utoipa::path(get, path = "/api/v1/training/plan", operation_id = "getTrainingPlan", tag = "training",
    params(UnitParams),
    responses((status = 200, description = "one line per expertise short: who, which topic, why", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn plan(
    State(state): State<AppState>,
    officer: Officer,
    ApiQuery(q): ApiQuery<UnitParams>,
) -> Result<Response, Problem> {
    crate::policy::require(&officer, Capability::ViewWorkload)?;
    let unit = scope(&officer, q.unit);
    Ok(Json(state.training.plan(&officer.roles, &unit).await?).into_response())
}

/// The follow-up of a unit's sessions.
#[utoipa::path(get, path = "/api/v1/training/follow-up", operation_id = "getTrainingFollowUp", tag = "training",
    params(UnitParams),
    responses((status = 200, description = "overdue share before and after each session", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "weeks outside 1–52", body = Problem, content_type = "application/problem+json")))]
pub async fn follow_up(
    State(state): State<AppState>,
    officer: Officer,
    ApiQuery(q): ApiQuery<UnitParams>,
) -> Result<Response, Problem> {
    crate::policy::require(&officer, Capability::ViewWorkload)?;
    let unit = scope(&officer, q.unit);
    let items = state
        .training
        .follow_up(&officer.roles, &unit, q.weeks)
        .await?;
    Ok(Json(serde_json::json!({ "unit": unit, "items": items })).into_response())
}
