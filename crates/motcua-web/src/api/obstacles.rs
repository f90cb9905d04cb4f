//! Obstacles (khó khăn, vướng mắc) reported upward (issue 16, ADR 0033):
//!
//! - `POST /api/v1/obstacles`: a commune officer raises a case for the
//!   unit ([`Capability::RaiseObstacle`]); `submit: true` sends it at once.
//! - `GET /api/v1/obstacles?unit=&status=&category=&period=`: the cases
//!   raised or owned in the unit's subtree, and those it watches once
//!   overdue ([`Capability::ViewObstacles`]); `status=overdue` for late ones.
//! - `POST /api/v1/obstacles/{id}/actions/{action}`: `submit`, `receive`,
//!   `answer`, `escalate`, `resolve`, `merge`.
//! - `GET /api/v1/obstacles/report?unit=&period=`: the monthly report
//!   (15th to 14th) computed from the cases' histories
//!   ([`Capability::ReportObstacles`]); `format=pdf|docx` for the signed copy.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use motcua_app::obstacles::{ListFilter, NewObstacle, ObstacleError, ObstacleView, StepInput, Who};
use motcua_app::policy::Capability;
use motcua_domain::obstacle::{EvidenceFigures, MonthlyReport, Obstacle};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Officer;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;

impl From<ObstacleError> for Problem {
    fn from(e: ObstacleError) -> Self {
        match e {
            ObstacleError::Invalid(m) => Problem::bad_request(m),
            ObstacleError::NotFound => crate::auth::hidden_not_found(),
            ObstacleError::Refused(r) => {
                let status = if r.code == "text_required" {
                    StatusCode::BAD_REQUEST
                } else {
                    StatusCode::CONFLICT
                };
                let slug = if status == StatusCode::CONFLICT {
                    "conflict"
                } else {
                    "invalid-input"
                };
                Problem::new(status, slug, r.to_string()).with_code(r.code)
            }
            ObstacleError::Conflict(m) => {
                Problem::new(StatusCode::CONFLICT, "conflict", m).with_code("stale")
            }
            ObstacleError::Denied(d) => d.into(),
            ObstacleError::Unexpected(err) => motcua_app::AppError::Unexpected(err).into(),
        }
    }
}

/// The caller as the use cases see it.
pub fn who(officer: &Officer) -> Who<'_> {
    Who {
        officer: &officer.id,
        agency: officer.agency.as_str(),
        roles: &officer.roles,
    }
}

/// A new obstacle.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObstacleInput {
    /// The raising agency (default: the officer's agency).
    pub unit: Option<String>,
    /// Short title.
    pub title: String,
    /// What happens.
    pub description: String,
    /// Category code (`GET /api/v1/obstacles` lists them in `categories`).
    pub category: String,
    /// Blocked procedures (codes).
    #[serde(default)]
    pub procedures: Vec<String>,
    /// Blocked dossiers (codes).
    #[serde(default)]
    pub dossiers: Vec<String>,
    /// Blocked fields (lĩnh vực).
    #[serde(default)]
    pub fields: Vec<String>,
    /// Since when (default: today).
    pub since: Option<NaiveDate>,
    /// The concrete proposal.
    pub proposal: String,
    /// Evidence in words.
    #[serde(default)]
    pub evidence: String,
    /// Submit at once (default true).
    pub submit: Option<bool>,
}

/// Live figures of one procedure at the raising unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresDto {
    /// Procedure code.
    pub procedure: String,
    /// When computed.
    pub as_of: DateTime<Utc>,
    /// Open dossiers.
    pub open: u64,
    /// Overdue.
    pub overdue: u64,
    /// Clock stopped.
    pub paused: u64,
}

impl From<&EvidenceFigures> for FiguresDto {
    fn from(f: &EvidenceFigures) -> Self {
        Self {
            procedure: f.procedure.clone(),
            as_of: f.as_of,
            open: f.open,
            overdue: f.overdue,
            paused: f.paused,
        }
    }
}

/// An obstacle.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObstacleDto {
    /// Identifier.
    pub id: String,
    /// Version (send it back as `expected_version`).
    pub version: u64,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Category code.
    pub category: String,
    /// Category name.
    pub category_name: String,
    /// `drafted`, `submitted`, `received`, `answered`, `resolved`, `escalated`, `merged`.
    pub status: String,
    /// The raising agency.
    pub unit: String,
    /// Its name.
    pub unit_name: String,
    /// Blocked procedures.
    pub procedures: Vec<String>,
    /// Blocked dossiers.
    pub dossiers: Vec<String>,
    /// Blocked fields.
    pub fields: Vec<String>,
    /// Since when.
    pub since: NaiveDate,
    /// Proposal.
    pub proposal: String,
    /// Evidence in words.
    pub evidence: String,
    /// The owning agency now.
    pub owner: Option<String>,
    /// Its name.
    pub owner_name: Option<String>,
    /// Its level: `department`, `province`, `ministry`.
    pub level: Option<String>,
    /// Answer due.
    pub due_at: Option<DateTime<Utc>>,
    /// Past due now.
    pub overdue: bool,
    /// First submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// The answer.
    pub answer: Option<String>,
    /// Who answered.
    pub answered_by: Option<String>,
    /// The group's case it was merged into.
    pub merged_into: Option<String>,
    /// Figures as of submission.
    pub figures_at_submission: Vec<FiguresDto>,
}

/// An obstacle with its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObstacleDetail {
    /// The case.
    #[serde(flatten)]
    pub obstacle: ObstacleDto,
    /// Figures now.
    pub figures_now: Vec<FiguresDto>,
    /// Cases merged into it.
    pub group: Vec<String>,
    /// Cases that look like the same obstacle: `{id, score}`.
    #[schema(value_type = Vec<Object>)]
    pub similar: Vec<serde_json::Value>,
    /// Events, oldest first: `{version, actor, at, payload}`.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<serde_json::Value>,
}

/// The summary of a case at `now`.
pub fn dto(o: &Obstacle, overdue: bool) -> ObstacleDto {
    ObstacleDto {
        id: o.id.clone(),
        version: o.version,
        title: o.draft.title.clone(),
        description: o.draft.description.clone(),
        category: o.draft.category.clone(),
        category_name: motcua_app::obstacles::ObstacleService::category_name(&o.draft.category),
        status: o.status.as_str().to_owned(),
        unit: o.draft.unit_agency.clone(),
        unit_name: o.draft.unit_name.clone(),
        procedures: o.draft.blocks.procedures.clone(),
        dossiers: o.draft.blocks.dossiers.clone(),
        fields: o.draft.blocks.fields.clone(),
        since: o.draft.since,
        proposal: o.draft.proposal.clone(),
        evidence: o.draft.evidence.clone(),
        owner: o.owner.as_ref().map(|w| w.agency.clone()),
        owner_name: o.owner.as_ref().map(|w| w.name.clone()),
        level: o.owner.as_ref().map(|w| w.level.as_str().to_owned()),
        due_at: o.due_at,
        overdue,
        submitted_at: o.submitted_at,
        answer: o.answer.as_ref().map(|a| a.text.clone()),
        answered_by: o.answer.as_ref().map(|a| a.by.name.clone()),
        merged_into: o.merged_into.clone(),
        figures_at_submission: o.figures.iter().map(FiguresDto::from).collect(),
    }
}

/// The detail of a view.
pub fn detail(v: &ObstacleView) -> ObstacleDetail {
    ObstacleDetail {
        obstacle: dto(&v.obstacle, v.overdue),
        figures_now: v.figures_now.iter().map(FiguresDto::from).collect(),
        group: v.group.iter().map(|g| g.id.clone()).collect(),
        similar: v
            .similar
            .iter()
            .map(|(id, s)| serde_json::json!({"id": id, "score": (s * 100.0).round() / 100.0}))
            .collect(),
        events: v
            .events
            .iter()
            .map(|e| serde_json::to_value(e).unwrap_or_default())
            .collect(),
    }
}

use super::json_body as body;

/// Raises an obstacle.
#[utoipa::path(post, path = "/api/v1/obstacles", operation_id = "raiseObstacle", tag = "obstacles", request_body = ObstacleInput,
    responses((status = 201, body = ObstacleDetail),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "no role of RaiseObstacle, or the unit is outside the roles' scope", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    officer: Officer,
    input: Result<Json<ObstacleInput>, JsonRejection>,
) -> Result<Response, Problem> {
    crate::policy::require(&officer, Capability::RaiseObstacle)?;
    let i = body(input)?;
    let view = state
        .obstacles
        .create(
            &who(&officer),
            NewObstacle {
                unit: i.unit,
                title: i.title,
                description: i.description,
                category: i.category,
                procedures: i.procedures,
                dossiers: i.dossiers,
                fields: i.fields,
                since: i.since,
                proposal: i.proposal,
                evidence: i.evidence,
                submit: i.submit.unwrap_or(true),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(detail(&view))).into_response())
}

/// Filters of the list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// The agency whose subtree is listed (default: the officer's agency).
    pub unit: Option<String>,
    /// A status, or `overdue`.
    pub status: Option<String>,
    /// A category code.
    pub category: Option<String>,
    /// A reporting month `YYYY-MM` (15th of the month before to the 14th):
    /// cases submitted in it.
    pub period: Option<String>,
}

/// A category.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryDto {
    /// Code.
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Live dossier figures can be attached.
    pub evidence: bool,
}

/// The list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObstacleList {
    /// Oldest due first.
    pub items: Vec<ObstacleDto>,
    /// The categories in force.
    pub categories: Vec<CategoryDto>,
}

/// Lists the obstacles of a scope.
#[utoipa::path(get, path = "/api/v1/obstacles", operation_id = "listObstacles", tag = "obstacles", params(ListParams),
    responses((status = 200, body = ObstacleList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    officer: Officer,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<Json<ObstacleList>, Problem> {
    crate::policy::require(&officer, Capability::ViewObstacles)?;
    let items = state
        .obstacles
        .list(
            &who(&officer),
            &ListFilter {
                unit: q.unit,
                status: q.status,
                category: q.category,
                period: q.period,
            },
        )
        .await?;
    Ok(Json(ObstacleList {
        items: items.iter().map(|(o, late)| dto(o, *late)).collect(),
        categories: state
            .obstacles
            .categories()?
            .into_iter()
            .map(|c| CategoryDto {
                code: c.code,
                name: c.name,
                name_en: c.name_en,
                evidence: c.evidence,
            })
            .collect(),
    }))
}

/// A step on a case.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    /// The answer (`answer`), the reason (`escalate`), a note (`resolve`).
    #[serde(default)]
    pub text: String,
    /// The group's case (`merge`).
    pub into: Option<String>,
    /// The version read; a case that moved on answers 409.
    pub expected_version: Option<u64>,
}

/// Takes a step on a case.
#[utoipa::path(post, path = "/api/v1/obstacles/{id}/actions/{action}", operation_id = "actOnObstacle", tag = "obstacles",
    params(("id" = String, Path, description = "obstacle id"),
        ("action" = String, Path, description = "submit | receive | answer | escalate | resolve | merge")),
    request_body = StepBody,
    responses((status = 200, body = ObstacleDetail),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "no role for the step, or the owner is outside the roles' scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "unknown, or outside every scope of the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not allowed in the case's status, or the case moved on", body = Problem, content_type = "application/problem+json")))]
pub async fn act(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath((id, action)): ApiPath<(String, String)>,
    input: Option<Json<StepBody>>,
) -> Result<Json<ObstacleDetail>, Problem> {
    let capability = match action.as_str() {
        "submit" | "resolve" => Capability::RaiseObstacle,
        _ => Capability::HandleObstacle,
    };
    crate::policy::require(&officer, capability)?;
    let b = input.map(|Json(b)| b).unwrap_or_default();
    let view = state
        .obstacles
        .act(
            &who(&officer),
            &id,
            StepInput {
                action,
                text: b.text,
                into: b.into,
                expected_version: b.expected_version,
            },
        )
        .await?;
    Ok(Json(detail(&view)))
}

/// The report's parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// The agency whose subtree is reported (default: the officer's agency).
    pub unit: Option<String>,
    /// The reporting month `YYYY-MM` (default: the running one).
    pub period: Option<String>,
    /// `json` (default), `pdf` or `docx`.
    pub format: Option<String>,
    /// The leader's assessment, printed on the report (the only free text).
    pub assessment: Option<String>,
}

/// The monthly report.
#[utoipa::path(get, path = "/api/v1/obstacles/report", operation_id = "obstacleReport", tag = "obstacles", params(ReportParams),
    responses((status = 200, description = "the report (JSON), or the signed copy as PDF or DOCX", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "no leader role, or the unit is outside its scope", body = Problem, content_type = "application/problem+json")))]
pub async fn report(
    State(state): State<AppState>,
    officer: Officer,
    ApiQuery(q): ApiQuery<ReportParams>,
) -> Result<Response, Problem> {
    crate::policy::require(&officer, Capability::ReportObstacles)?;
    let format = q.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "pdf" | "docx") {
        return Err(Problem::bad_request("format: json | pdf | docx"));
    }
    let r: MonthlyReport = state
        .obstacles
        .report(
            &who(&officer),
            q.unit.as_deref(),
            q.period.as_deref(),
            q.assessment.as_deref().unwrap_or(""),
        )
        .await?;
    Ok(report_response(&r, format))
}

/// The report as JSON, PDF or DOCX.
pub fn report_response(r: &MonthlyReport, format: &str) -> Response {
    let name = format!("bao-cao-vuong-mac-{}-{}", r.unit, r.period);
    match format {
        "pdf" => match crate::pages::obstacle_report::pdf(r) {
            Ok(bytes) => (
                [
                    (header::CONTENT_TYPE, "application/pdf".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("inline; filename=\"{name}.pdf\""),
                    ),
                ],
                bytes,
            )
                .into_response(),
            Err(e) => motcua_app::AppError::Unexpected(e).into_problem_response(),
        },
        "docx" => match crate::pages::obstacle_report::docx(r) {
            Ok(bytes) => (
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                            .to_owned(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}.docx\""),
                    ),
                ],
                bytes,
            )
                .into_response(),
            Err(e) => motcua_app::AppError::Unexpected(e).into_problem_response(),
        },
        _ => Json(r).into_response(),
    }
}

trait IntoProblemResponse {
    fn into_problem_response(self) -> Response;
}

impl IntoProblemResponse for motcua_app::AppError {
    fn into_problem_response(self) -> Response {
        Problem::from(self).into_response()
    }
}
