//! Khó khăn, vướng mắc (issue 16) on the desk, phone first:
//!
//! - `GET /can-bo/vuong-mac`: the inbox of the officer's scope (cases
//!   raised, owned, and watched once overdue), due dates first, with the
//!   leader's picture of the subtree (counts by category and status);
//! - `GET|POST /can-bo/vuong-mac/moi`: file an obstacle in one short form;
//! - `GET /can-bo/vuong-mac/{id}`: one case, its history, the system's
//!   figures then and now, similar cases, and the steps the officer may take;
//! - `POST /can-bo/vuong-mac/{id}/thao-tac/{action}`: take a step;
//! - `GET /can-bo/vuong-mac/bao-cao` (and `.pdf`, `.docx`): the monthly
//!   report with the leader's assessment.
//!
//! Every handler goes through the same use cases and policy as the API.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use motcua_app::obstacles::{ListFilter, NewObstacle, ObstacleError, StepInput};
use motcua_app::policy::{Capability, allows};
use motcua_domain::format::{local_date, local_datetime, percent_with};
use motcua_domain::obstacle::{EvidenceFigures, MonthlyReport, Payload, ReportingMonth, Status};
use serde::Deserialize;

use super::DeskOfficer;
use super::view::DeskNav;
use crate::AppState;
use crate::api::obstacles::who;
use crate::auth::Officer;
use crate::extract::ApiPath;
use crate::i18n::Messages;
use crate::problem::Problem;

/// The obstacle pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/can-bo/vuong-mac", get(inbox))
        .route("/can-bo/vuong-mac/moi", get(new_form).post(create))
        .route("/can-bo/vuong-mac/bao-cao", get(report))
        .route("/can-bo/vuong-mac/bao-cao.pdf", get(report_pdf))
        .route("/can-bo/vuong-mac/bao-cao.docx", get(report_docx))
        .route("/can-bo/vuong-mac/{id}", get(detail))
        .route("/can-bo/vuong-mac/{id}/thao-tac/{action}", post(act))
}

fn nav(officer: &Officer) -> DeskNav {
    DeskNav::of(officer, "obstacles")
}

fn refusal(t: Messages, e: ObstacleError) -> Response {
    crate::problem::html_page(t, &Problem::from(e))
}

fn status_label(t: &Messages, s: Status) -> String {
    t.get(&format!("obstacle-status-{}", s.as_str()))
}

/// A case in a list.
pub struct Row {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Raising unit.
    pub unit: String,
    /// Category.
    pub category: String,
    /// Status.
    pub status: String,
    /// Owner.
    pub owner: String,
    /// Due date.
    pub due: String,
    /// Past due.
    pub overdue: bool,
}

/// A count line of the leader's picture.
pub struct CountLine {
    /// Category.
    pub name: String,
    /// Waiting for an answer.
    pub open: u64,
    /// Of which overdue.
    pub overdue: u64,
    /// Answered or resolved.
    pub answered: u64,
}

/// `templates/pages/desk/obstacles/inbox.html`.
#[derive(Template)]
#[template(path = "pages/desk/obstacles/inbox.html")]
pub struct InboxPage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// The cases.
    pub rows: Vec<Row>,
    /// The leader's picture (leaders only).
    pub picture: Option<Vec<CountLine>>,
    /// The status filter.
    pub status: String,
    /// The officer may raise.
    pub can_raise: bool,
    /// The officer may read the report.
    pub can_report: bool,
}

/// Filters of the inbox.
#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    /// A status or `overdue`.
    pub status: Option<String>,
    /// The agency whose subtree (default: home).
    pub unit: Option<String>,
}

/// `GET /can-bo/vuong-mac`.
pub async fn inbox(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    Query(q): Query<InboxQuery>,
) -> Response {
    if let Err(p) = crate::policy::require(&officer, Capability::ViewObstacles) {
        return crate::problem::html_page(t, &p);
    }
    let status = q.status.clone().unwrap_or_default();
    let all = match state
        .obstacles
        .list(
            &who(&officer),
            &ListFilter {
                unit: q.unit.clone(),
                ..ListFilter::default()
            },
        )
        .await
    {
        Ok(l) => l,
        Err(e) => return refusal(t, e),
    };
    let leader = allows(&officer.roles, Capability::ReportObstacles);
    let picture = leader.then(|| {
        let mut lines: Vec<CountLine> = Vec::new();
        for (o, late) in &all {
            let name = motcua_app::obstacles::ObstacleService::category_name(&o.draft.category);
            let line = match lines.iter_mut().position(|l| l.name == name) {
                Some(i) => &mut lines[i],
                None => {
                    lines.push(CountLine {
                        name,
                        open: 0,
                        overdue: 0,
                        answered: 0,
                    });
                    let last = lines.len() - 1;
                    &mut lines[last]
                }
            };
            line.open += u64::from(o.status.awaits_answer());
            line.overdue += u64::from(*late);
            line.answered += u64::from(matches!(o.status, Status::Answered | Status::Resolved));
        }
        lines
    });
    let rows = all
        .iter()
        .filter(|(o, late)| match status.as_str() {
            "" => true,
            "overdue" => *late,
            s => o.status.as_str() == s,
        })
        .map(|(o, late)| Row {
            id: o.id.clone(),
            title: o.draft.title.clone(),
            unit: o.draft.unit_name.clone(),
            category: motcua_app::obstacles::ObstacleService::category_name(&o.draft.category),
            status: status_label(&t, o.status),
            owner: o
                .owner
                .as_ref()
                .map_or_else(|| "—".into(), |w| w.name.clone()),
            due: o.due_at.map_or_else(|| "—".into(), local_date),
            overdue: *late,
        })
        .collect();
    crate::pages::render(
        t,
        &InboxPage {
            t,
            nav: nav(&officer),
            rows,
            picture,
            status,
            can_raise: allows(&officer.roles, Capability::RaiseObstacle),
            can_report: leader,
        },
    )
}

/// A category option.
pub struct Choice {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Selected.
    pub selected: bool,
}

/// `templates/pages/desk/obstacles/new.html`.
#[derive(Template)]
#[template(path = "pages/desk/obstacles/new.html")]
pub struct NewPage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// Categories.
    pub categories: Vec<Choice>,
    /// Values typed (kept on an error).
    pub form: NewForm,
    /// An inline error.
    pub error: Option<String>,
}

/// The filing form.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct NewForm {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Category.
    #[serde(default)]
    pub category: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Procedure codes, comma separated.
    #[serde(default)]
    pub procedures: String,
    /// Since (yyyy-mm-dd).
    #[serde(default)]
    pub since: String,
    /// Proposal.
    #[serde(default)]
    pub proposal: String,
    /// Evidence.
    #[serde(default)]
    pub evidence: String,
}

fn new_page(
    state: &AppState,
    t: Messages,
    officer: &Officer,
    form: NewForm,
    error: Option<String>,
) -> Response {
    let categories = state
        .obstacles
        .categories()
        .unwrap_or_default()
        .into_iter()
        .map(|c| Choice {
            selected: c.code == form.category,
            name: if t.locale == crate::i18n::Locale::En {
                c.name_en
            } else {
                c.name
            },
            code: c.code,
        })
        .collect();
    crate::pages::render(
        t,
        &NewPage {
            t,
            nav: nav(officer),
            categories,
            form,
            error,
        },
    )
}

/// `GET /can-bo/vuong-mac/moi`.
pub async fn new_form(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
) -> Response {
    if let Err(p) = crate::policy::require(&officer, Capability::RaiseObstacle) {
        return crate::problem::html_page(t, &p);
    }
    new_page(&state, t, &officer, NewForm::default(), None)
}

/// `POST /can-bo/vuong-mac/moi`: files and submits; on success to the case.
pub async fn create(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    Form(form): Form<NewForm>,
) -> Response {
    if let Err(p) = crate::policy::require(&officer, Capability::RaiseObstacle) {
        return crate::problem::html_page(t, &p);
    }
    let since = if form.since.trim().is_empty() {
        None
    } else {
        match chrono::NaiveDate::parse_from_str(form.since.trim(), "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                return new_page(
                    &state,
                    t,
                    &officer,
                    form,
                    Some(t.get("obstacle-error-since")),
                );
            }
        }
    };
    let input = NewObstacle {
        unit: None,
        title: form.title.clone(),
        description: form.description.clone(),
        category: form.category.clone(),
        procedures: vec![form.procedures.clone()],
        dossiers: Vec::new(),
        fields: Vec::new(),
        since,
        proposal: form.proposal.clone(),
        evidence: form.evidence.clone(),
        submit: true,
    };
    match state.obstacles.create(&who(&officer), input).await {
        Ok(v) => {
            Redirect::to(&format!("/can-bo/vuong-mac/{}?da=submit", v.obstacle.id)).into_response()
        }
        Err(e @ (ObstacleError::Invalid(_) | ObstacleError::Refused(_))) => {
            new_page(&state, t, &officer, form, Some(e.to_string()))
        }
        Err(e) => refusal(t, e),
    }
}

/// A history line.
pub struct HistoryLine {
    /// When.
    pub at: String,
    /// What.
    pub what: String,
    /// Who.
    pub who: String,
    /// Text (answer, reason).
    pub text: String,
}

/// Figures of one procedure, then and now.
pub struct FigureLine {
    /// Procedure.
    pub procedure: String,
    /// At submission.
    pub then: String,
    /// Now.
    pub now: String,
}

/// `templates/pages/desk/obstacles/detail.html`.
#[derive(Template)]
#[template(path = "pages/desk/obstacles/detail.html")]
pub struct DetailPage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// Id.
    pub id: String,
    /// Version.
    pub version: u64,
    /// Title.
    pub title: String,
    /// Fields shown: label, value.
    pub fields: Vec<(String, String)>,
    /// Status key.
    pub status: String,
    /// Status label.
    pub status_label: String,
    /// Past due.
    pub overdue: bool,
    /// The answer.
    pub answer: Option<String>,
    /// Figures then and now.
    pub figures: Vec<FigureLine>,
    /// History.
    pub history: Vec<HistoryLine>,
    /// Merged cases.
    pub group: Vec<String>,
    /// Similar cases.
    pub similar: Vec<(String, String)>,
    /// Steps offered (the server still checks each).
    pub steps: Vec<&'static str>,
    /// Done message.
    pub done: Option<String>,
    /// An inline error.
    pub error: Option<String>,
}

fn figures_text(t: &Messages, f: Option<&EvidenceFigures>) -> String {
    f.map_or_else(
        || "—".into(),
        |f| {
            format!(
                "{} {} · {} {} · {} {}",
                f.open,
                t.get("obstacle-fig-open"),
                f.overdue,
                t.get("obstacle-fig-overdue"),
                f.paused,
                t.get("obstacle-fig-paused")
            )
        },
    )
}

/// The query of the detail page.
#[derive(Debug, Default, Deserialize)]
pub struct DetailQuery {
    /// The step just taken.
    pub da: Option<String>,
}

/// `GET /can-bo/vuong-mac/{id}`.
pub async fn detail(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    ApiPath(id): ApiPath<String>,
    Query(q): Query<DetailQuery>,
) -> Response {
    render_detail(&state, t, &officer, &id, q.da, None).await
}

async fn render_detail(
    state: &AppState,
    t: Messages,
    officer: &Officer,
    id: &str,
    done: Option<String>,
    error: Option<String>,
) -> Response {
    if let Err(p) = crate::policy::require(officer, Capability::ViewObstacles) {
        return crate::problem::html_page(t, &p);
    }
    let v = match state.obstacles.get(&officer.roles, id).await {
        Ok(v) => v,
        Err(e) => return refusal(t, e),
    };
    let o = &v.obstacle;
    let mut fields = vec![
        (t.get("obstacle-field-unit"), o.draft.unit_name.clone()),
        (t.get("obstacle-field-category"), v.category_name.clone()),
        (
            t.get("obstacle-field-since"),
            motcua_domain::format::date(o.draft.since),
        ),
        (
            t.get("obstacle-field-description"),
            o.draft.description.clone(),
        ),
        (t.get("obstacle-field-proposal"), o.draft.proposal.clone()),
    ];
    if !o.draft.blocks.procedures.is_empty() {
        fields.push((
            t.get("obstacle-field-procedures"),
            o.draft.blocks.procedures.join(", "),
        ));
    }
    if !o.draft.evidence.is_empty() {
        fields.push((t.get("obstacle-field-evidence"), o.draft.evidence.clone()));
    }
    if let Some(w) = &o.owner {
        fields.push((t.get("obstacle-field-owner"), w.name.clone()));
    }
    if let Some(d) = o.due_at {
        fields.push((t.get("obstacle-field-due"), local_datetime(d)));
    }
    if let Some(m) = &o.merged_into {
        fields.push((t.get("obstacle-field-merged"), m.clone()));
    }
    let figures = o
        .figures
        .iter()
        .map(|f| FigureLine {
            procedure: f.procedure.clone(),
            then: figures_text(&t, Some(f)),
            now: figures_text(
                &t,
                v.figures_now.iter().find(|n| n.procedure == f.procedure),
            ),
        })
        .collect();
    let history = v
        .events
        .iter()
        .map(|e| {
            let text = match &e.payload {
                Payload::Answered { text } => text.clone(),
                Payload::Escalated { reason, owner, .. } => format!("{reason} → {}", owner.name),
                Payload::Submitted { owner, .. } => owner.name.clone(),
                Payload::Resolved { note } => note.clone(),
                Payload::Merged { into } => into.clone(),
                Payload::GroupAnswered { from, answer } => format!("{} ({from})", answer.text),
                Payload::Drafted { .. } | Payload::Received => String::new(),
            };
            HistoryLine {
                at: local_datetime(e.at),
                what: t.get(&format!(
                    "obstacle-event-{}",
                    e.payload.type_name().replace('_', "-")
                )),
                who: format!("{} · {}", e.actor.officer, e.actor.agency),
                text,
            }
        })
        .collect();
    let steps = motcua_app::obstacles::ACTIONS
        .iter()
        .copied()
        .filter(|a| motcua_domain::obstacle::is_allowed(a, o.status))
        .filter(|a| match *a {
            "submit" | "resolve" => allows(&officer.roles, Capability::RaiseObstacle),
            _ => allows(&officer.roles, Capability::HandleObstacle),
        })
        .collect();
    crate::pages::render(
        t,
        &DetailPage {
            t,
            nav: nav(officer),
            id: o.id.clone(),
            version: o.version,
            title: o.draft.title.clone(),
            fields,
            status: o.status.as_str().to_owned(),
            status_label: status_label(&t, o.status),
            overdue: v.overdue,
            answer: o
                .answer
                .as_ref()
                .map(|a| format!("{} — {}", a.text, a.by.name)),
            figures,
            history,
            group: v
                .group
                .iter()
                .map(|g| format!("{} · {}", g.id, g.draft.unit_name))
                .collect(),
            similar: v
                .similar
                .iter()
                .map(|(id, s)| (id.clone(), percent_with(*s, 0, ',')))
                .collect(),
            steps,
            done: done.map(|d| t.get(&format!("obstacle-done-{d}"))),
            error,
        },
    )
}

/// `POST /can-bo/vuong-mac/{id}/thao-tac/{action}`.
pub async fn act(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    ApiPath((id, action)): ApiPath<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let field = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let capability = match action.as_str() {
        "submit" | "resolve" => Capability::RaiseObstacle,
        _ => Capability::HandleObstacle,
    };
    if let Err(p) = crate::policy::require(&officer, capability) {
        return crate::problem::html_page(t, &p);
    }
    let into = field("into");
    let step = StepInput {
        action: action.clone(),
        text: field("text"),
        into: (!into.trim().is_empty()).then_some(into),
        expected_version: field("version").parse().ok(),
    };
    match state.obstacles.act(&who(&officer), &id, step).await {
        Ok(_) => Redirect::to(&format!("/can-bo/vuong-mac/{id}?da={action}")).into_response(),
        Err(
            e
            @ (ObstacleError::Invalid(_) | ObstacleError::Refused(_) | ObstacleError::Conflict(_)),
        ) => render_detail(&state, t, &officer, &id, None, Some(e.to_string())).await,
        Err(e) => refusal(t, e),
    }
}

/// The report's query.
#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    /// The agency (default: home).
    pub unit: Option<String>,
    /// `YYYY-MM`.
    pub period: Option<String>,
    /// The leader's assessment.
    pub assessment: Option<String>,
}

/// `templates/pages/desk/obstacles/report.html`.
#[derive(Template)]
#[template(path = "pages/desk/obstacles/report.html")]
pub struct ReportPage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// The report.
    pub r: MonthlyReport,
    /// The query string of the downloads.
    pub query: String,
    /// The assessment typed.
    pub assessment: String,
    /// Period options: code, label, selected.
    pub periods: Vec<(String, String, bool)>,
    /// Status labels of the lines.
    pub statuses: Vec<String>,
    /// Due dates of the lines.
    pub dues: Vec<String>,
    /// How long it took to build, in milliseconds.
    pub took_ms: u128,
}

async fn build_report(
    state: &AppState,
    officer: &Officer,
    q: &ReportQuery,
) -> Result<MonthlyReport, ObstacleError> {
    state
        .obstacles
        .report(
            &who(officer),
            q.unit.as_deref(),
            q.period.as_deref(),
            q.assessment.as_deref().unwrap_or(""),
        )
        .await
}

fn encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `GET /can-bo/vuong-mac/bao-cao`.
pub async fn report(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    Query(q): Query<ReportQuery>,
) -> Response {
    if let Err(p) = crate::policy::require(&officer, Capability::ReportObstacles) {
        return crate::problem::html_page(t, &p);
    }
    let started = std::time::Instant::now();
    let r = match build_report(&state, &officer, &q).await {
        Ok(r) => r,
        Err(e) => return refusal(t, e),
    };
    let took_ms = started.elapsed().as_millis();
    let current = ReportingMonth::containing(state.clock.now());
    let mut periods = Vec::new();
    let mut m = current;
    for _ in 0..12 {
        periods.push((m.code(), m.label_vi(), m.code() == r.period));
        let (first, _) = m.days();
        m = ReportingMonth::containing(motcua_domain::clock::from_local(
            (first - chrono::Duration::days(1)).and_time(chrono::NaiveTime::MIN),
        ));
    }
    let assessment = q.assessment.clone().unwrap_or_default();
    let mut query = format!("unit={}&period={}", encode(&r.unit), r.period);
    if !assessment.trim().is_empty() {
        query.push_str(&format!("&assessment={}", encode(&assessment)));
    }
    let statuses = r.lines.iter().map(|l| status_label(&t, l.status)).collect();
    let dues = r
        .lines
        .iter()
        .map(|l| l.due_at.map_or_else(|| "—".into(), local_date))
        .collect();
    crate::pages::render(
        t,
        &ReportPage {
            t,
            nav: nav(&officer),
            r,
            query,
            assessment,
            periods,
            statuses,
            dues,
            took_ms,
        },
    )
}

async fn download(
    state: AppState,
    t: Messages,
    officer: Officer,
    q: ReportQuery,
    format: &str,
) -> Response {
    if let Err(p) = crate::policy::require(&officer, Capability::ReportObstacles) {
        return crate::problem::html_page(t, &p);
    }
    match build_report(&state, &officer, &q).await {
        Ok(r) => {
            let mut res = crate::api::obstacles::report_response(&r, format);
            crate::pages::forms::no_store(&mut res);
            res
        }
        Err(e) => refusal(t, e),
    }
}

/// `GET /can-bo/vuong-mac/bao-cao.pdf`.
pub async fn report_pdf(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    Query(q): Query<ReportQuery>,
) -> Response {
    download(state, t, officer, q, "pdf").await
}

/// `GET /can-bo/vuong-mac/bao-cao.docx`.
pub async fn report_docx(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    Query(q): Query<ReportQuery>,
) -> Response {
    download(state, t, officer, q, "docx").await
}
