//! Đào tạo, bồi dưỡng (issue 17 item 3) on the desk, for the unit
//! administrator:
//!
//! - `GET /can-bo/dao-tao?unit=`: the unit's training plan from its
//!   shortage signal ("Kế hoạch đào tạo": per expertise short, who, which
//!   course or topic, why), each line a form that holds a session; the
//!   sessions held ("Các lớp đã lập") with each person's completion form;
//!   and the follow-up ("Theo dõi sau đào tạo": overdue share before and
//!   after each session). Readers of the unit's staff see it
//!   ([`Capability::ViewStaff`]); the forms are for its managers.
//! - `POST /can-bo/dao-tao/lop` (`course_id` or `topic` + `expertise`,
//!   `unit`, `staff`…, `starts_on`, `ends_on`, `place`): holds the session
//!   (a new course of the topic, 8 hours, when no course is named) and
//!   enrols the people; back to the page with "Đã lập lớp đào tạo".
//! - `POST /can-bo/dao-tao/hoan-thanh` (`enrolment_id`, `completed_on`,
//!   `result`, `unit`): records a completion; back with "Đã ghi nhận hoàn
//!   thành".
//!
//! Both forms go through [`Capability::ManageStaff`] on the unit, like
//! `POST /api/v1/training/...`; a bad value comes back inline (422).

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use motcua_app::policy::{Capability, allows};
use motcua_app::training::{Completion, ONE_STOP_TAG, PlannedSession, TrainingError};
use motcua_domain::format::{date, percent_with};
use serde::Deserialize;

use super::DeskOfficer;
use super::encode_component;
use super::shortages::explain;
use super::staff::{nav, scope, tag_name};
use super::view::DeskNav;
use crate::AppState;
use crate::auth::Officer;
use crate::i18n::Messages;
use crate::policy::{page_refusal, page_require};
use crate::problem::Problem;

/// The training pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/can-bo/dao-tao", get(page))
        .route("/can-bo/dao-tao/lop", post(hold))
        .route("/can-bo/dao-tao/hoan-thanh", post(complete))
}

/// A person offered on a plan line.
pub struct PersonLine {
    /// Staff id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Position.
    pub position: String,
    /// Why them.
    pub why: String,
    /// Checked by default.
    pub proposed: bool,
}

/// One plan line.
pub struct PlanView {
    /// The unit's agency (hidden input).
    pub unit: String,
    /// The expertise tag.
    pub expertise: String,
    /// Its name.
    pub expertise_name: String,
    /// The course, if any: id and title.
    pub course: Option<(String, String)>,
    /// Why, in words.
    pub why: String,
    /// How many are already enrolled for this expertise, in words (empty: none).
    pub already: String,
    /// The people.
    pub people: Vec<PersonLine>,
}

/// One enrolment of a session.
pub struct EnrolmentView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Completed on, as shown.
    pub completed: Option<String>,
    /// Result.
    pub result: String,
}

/// One session.
pub struct SessionLine {
    /// Id.
    pub id: String,
    /// Course title.
    pub course: String,
    /// Expertise names.
    pub expertise: String,
    /// Hours.
    pub hours: u32,
    /// Dates as shown.
    pub dates: String,
    /// First day (yyyy-mm-dd), the earliest completion date.
    pub starts_on: String,
    /// Place.
    pub place: String,
    /// Why.
    pub reason: String,
    /// People.
    pub enrolments: Vec<EnrolmentView>,
}

/// One follow-up line.
pub struct FollowLine {
    /// Course title.
    pub course: String,
    /// Last day.
    pub ends_on: String,
    /// Completed of enrolled.
    pub completed: String,
    /// Before: overdue share and counts.
    pub before: String,
    /// After.
    pub after: String,
    /// `fell`, `did_not_fall`, `not_enough_data`.
    pub outcome: &'static str,
    /// The verdict in words.
    pub verdict: String,
}

/// `templates/pages/desk/training.html`.
#[derive(Template)]
#[template(path = "pages/desk/training.html")]
pub struct TrainingPage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// The unit's agency.
    pub unit: String,
    /// The same, encoded for links.
    pub unit_q: String,
    /// The forms are offered.
    pub can_manage: bool,
    /// The plan.
    pub plan: Vec<PlanView>,
    /// Sessions.
    pub sessions: Vec<SessionLine>,
    /// Follow-up.
    pub follow: Vec<FollowLine>,
    /// What the follow-up compares, in words.
    pub follow_intro: String,
    /// Done message.
    pub done: Option<String>,
    /// Inline error.
    pub error: Option<String>,
    /// Today (yyyy-mm-dd), the default date of the forms.
    pub today: String,
}

/// The page's query.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// The unit's agency (default: the officer's).
    pub unit: Option<String>,
    /// What was just done: `lop`, `hoan-thanh`.
    pub da: Option<String>,
}

fn failure(t: Messages, officer: &Officer, e: TrainingError) -> Response {
    match e {
        TrainingError::Denied(d) => page_refusal(t, officer, d),
        other => crate::problem::html_page(t, &Problem::from(other)),
    }
}

fn share(t: &Messages, w: &motcua_app::training::Window) -> String {
    let pct = w.overdue_share.map_or_else(
        || "—".to_owned(),
        |s| percent_with(s, 1, t.locale.decimal_point()),
    );
    t.with_args(
        "training-window",
        &[
            ("share", &pct),
            ("overdue", &w.overdue.to_string()),
            ("dossiers", &w.dossiers.to_string()),
            ("from", &date(w.from)),
            ("to", &date(w.to)),
        ],
    )
}

/// Renders the page of `unit` (with `status`, an inline error on a failed form).
async fn render(
    state: &AppState,
    t: Messages,
    officer: &Officer,
    unit: String,
    done: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let training = &state.training;
    let sessions = match training.sessions(&officer.roles, &unit).await {
        Ok(s) => s,
        Err(e) => return failure(t, officer, e),
    };
    let plan = if allows(&officer.roles, Capability::ViewWorkload) {
        match training.plan(&officer.roles, &unit).await {
            Ok(p) => p.lines,
            Err(e) => return failure(t, officer, e),
        }
    } else {
        Vec::new()
    };
    let follow = if allows(&officer.roles, Capability::ViewWorkload) {
        match training.follow_up(&officer.roles, &unit, None).await {
            Ok(f) => f,
            Err(e) => return failure(t, officer, e),
        }
    } else {
        Vec::new()
    };
    let can_manage = training.may_manage(&officer.roles, &unit).await;
    let plan = plan
        .into_iter()
        .map(|l| {
            let tag = tag_name(&t, &l.expertise);
            PlanView {
                why: explain(&t, &l.signal, &tag),
                people: l
                    .candidates
                    .iter()
                    .map(|c| PersonLine {
                        id: c.staff_id.clone(),
                        name: c.full_name.clone(),
                        position: c.position.clone(),
                        why: if c.dossiers_in_field > 0 {
                            t.with_count("training-why-did-work", "n", c.dossiers_in_field)
                        } else if c.expertise.iter().any(|x| x == ONE_STOP_TAG) {
                            t.get("training-why-one-stop")
                        } else if c.expertise.is_empty() {
                            t.get("training-why-untagged")
                        } else {
                            t.get("training-why-staff")
                        },
                        proposed: c.proposed,
                    })
                    .collect(),
                unit: l.unit,
                course: l.course.map(|c| (c.id, c.title)),
                expertise: l.expertise,
                expertise_name: tag,
                already: if l.already_enrolled > 0 {
                    t.with_count("training-already", "n", l.already_enrolled as u64)
                } else {
                    String::new()
                },
            }
        })
        .collect();
    let sessions = sessions
        .into_iter()
        .map(|v| {
            let (course, expertise, hours) = v.course.as_ref().map_or_else(
                || (v.session.course_id.clone(), String::new(), 0),
                |c| {
                    (
                        c.title.clone(),
                        c.expertise
                            .iter()
                            .map(|x| tag_name(&t, x))
                            .collect::<Vec<_>>()
                            .join(", "),
                        c.hours,
                    )
                },
            );
            SessionLine {
                id: v.session.id.clone(),
                course,
                expertise,
                hours,
                dates: format!(
                    "{} – {}",
                    date(v.session.starts_on),
                    date(v.session.ends_on)
                ),
                starts_on: v.session.starts_on.to_string(),
                place: v.session.place.clone(),
                reason: v.session.reason.clone(),
                enrolments: v
                    .session
                    .enrolments
                    .iter()
                    .map(|e| EnrolmentView {
                        id: e.id.clone(),
                        name: v
                            .names
                            .get(&e.staff_id)
                            .cloned()
                            .unwrap_or_else(|| e.staff_id.clone()),
                        completed: e.completed_on.map(date),
                        result: e.result.clone().unwrap_or_default(),
                    })
                    .collect(),
            }
        })
        .collect();
    let weeks = follow
        .first()
        .map_or(motcua_app::training::DEFAULT_WEEKS, |f| f.weeks);
    let follow = follow
        .into_iter()
        .map(|f| {
            let field = f
                .expertise
                .iter()
                .map(|x| tag_name(&t, x))
                .collect::<Vec<_>>()
                .join(", ");
            let weeks_s = f.weeks.to_string();
            let verdict = match f.outcome {
                "fell" => t.with_args("training-follow-fell", &[("field", &field)]),
                "did_not_fall" => t.with_args("training-follow-not-fell", &[("field", &field)]),
                _ if !f.after.complete => t.with_args(
                    "training-follow-wait",
                    &[("weeks", &weeks_s), ("until", &date(f.after.to))],
                ),
                _ => t.with_args("training-follow-no-dossiers", &[("field", &field)]),
            };
            FollowLine {
                before: share(&t, &f.before),
                after: share(&t, &f.after),
                course: f.course_title,
                ends_on: date(f.ends_on),
                completed: format!("{}/{}", f.completed, f.enrolled),
                outcome: f.outcome,
                verdict,
            }
        })
        .collect();
    let page = TrainingPage {
        t,
        nav: nav(officer, "training"),
        unit_q: encode_component(&unit),
        unit,
        can_manage,
        plan,
        sessions,
        follow,
        follow_intro: t.with_count("training-follow-intro", "weeks", u64::from(weeks)),
        done,
        error,
        today: state.clock.today().to_string(),
    };
    let mut response = crate::pages::render(t, &page);
    *response.status_mut() = status;
    response
}

/// `GET /can-bo/dao-tao?unit=`.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    Query(q): Query<PageQuery>,
) -> Response {
    if let Err(r) = page_require(t, &officer, Capability::ViewStaff) {
        return r;
    }
    let unit = scope(&officer, q.unit.as_deref());
    let done = match q.da.as_deref() {
        Some("lop") => Some(t.get("training-done-session")),
        Some("hoan-thanh") => Some(t.get("training-done-completion")),
        _ => None,
    };
    render(&state, t, &officer, unit, done, None, StatusCode::OK).await
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn day(t: &Messages, raw: Option<&str>, key: &str) -> Result<NaiveDate, String> {
    raw.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| t.get(key))
}

fn back(unit: &str, done: &str) -> Response {
    Redirect::to(&format!(
        "/can-bo/dao-tao?unit={}&da={done}",
        encode_component(unit)
    ))
    .into_response()
}

/// The inline text of a failed form, or the failure page.
async fn refused(
    state: &AppState,
    t: Messages,
    officer: &Officer,
    unit: String,
    e: TrainingError,
) -> Response {
    match e {
        TrainingError::Invalid(m) => {
            let m = t.pick(&m);
            render(
                state,
                t,
                officer,
                unit,
                None,
                Some(m),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        other => failure(t, officer, other),
    }
}

/// `POST /can-bo/dao-tao/lop`: holds a session from a plan line.
pub async fn hold(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(r) = page_require(t, &officer, Capability::ManageStaff) {
        return r;
    }
    let unit = scope(&officer, field(&pairs, "unit"));
    let dates = day(&t, field(&pairs, "starts_on"), "training-error-starts")
        .and_then(|s| day(&t, field(&pairs, "ends_on"), "training-error-ends").map(|e| (s, e)));
    let (starts_on, ends_on) = match dates {
        Ok(d) => d,
        Err(m) => {
            // Refuse an officer outside the unit before saying anything about it.
            if !state.training.may_manage(&officer.roles, &unit).await {
                return failure(
                    t,
                    &officer,
                    TrainingError::Denied(motcua_app::policy::Denied::OutOfScope),
                );
            }
            return render(
                &state,
                t,
                &officer,
                unit,
                None,
                Some(m),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let input = PlannedSession {
        course_id: field(&pairs, "course_id").map(str::to_owned),
        topic: field(&pairs, "topic").map(str::to_owned),
        expertise: field(&pairs, "expertise").map(str::to_owned),
        unit: unit.clone(),
        starts_on,
        ends_on,
        place: field(&pairs, "place").unwrap_or_default().to_owned(),
        staff: pairs
            .iter()
            .filter(|(k, _)| k == "staff")
            .map(|(_, v)| v.clone())
            .collect(),
    };
    match state.training.create_planned(&officer.roles, input).await {
        Ok(_) => back(&unit, "lop"),
        Err(e) => refused(&state, t, &officer, unit, e).await,
    }
}

/// `POST /can-bo/dao-tao/hoan-thanh`: records a completion.
pub async fn complete(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(r) = page_require(t, &officer, Capability::ManageStaff) {
        return r;
    }
    let unit = scope(&officer, field(&pairs, "unit"));
    let id = field(&pairs, "enrolment_id").unwrap_or_default().to_owned();
    let completed_on = match day(
        &t,
        field(&pairs, "completed_on"),
        "training-error-completed",
    ) {
        Ok(d) => d,
        Err(m) => {
            return render(
                &state,
                t,
                &officer,
                unit,
                None,
                Some(m),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let completion = Completion {
        completed_on,
        result: field(&pairs, "result").map(str::to_owned),
    };
    match state
        .training
        .complete(&officer.roles, &id, completion)
        .await
    {
        Ok(_) => back(&unit, "hoan-thanh"),
        Err(e) => refused(&state, t, &officer, unit, e).await,
    }
}
