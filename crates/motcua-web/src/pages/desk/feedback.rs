//! Phản ánh, kiến nghị (PAKN) on the desk: the inbox of the unit's
//! feedback with status, classification, the next deadline (overdue said in
//! words) and a status filter; the case page where an officer of the unit
//! classifies it (about the rules or about staff behaviour), refuses it
//! with a reason, asks the sender for more, answers and publishes the
//! answer with its public summary.
//!
//! Everything goes through the one policy ([`Capability::HandleFeedback`],
//! [`page_require`]) and through [`motcua_app::feedback::FeedbackService`]:
//! opening the case page shows the sender's name and contact, so it is
//! audited there (purpose `feedback:<id>`, contact masked), as on the API.
//! Forms are protected like every desk form (the same-origin check of
//! [`crate::csrf`]); bad input comes back inline beside its form, an
//! unknown or out-of-scope id is an HTML 404 page.

use askama::Template;
use axum::Router;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use motcua_app::feedback::{FeedbackError, OfficerAction, OfficerRef};
use motcua_app::policy::Capability;
use motcua_domain::feedback::{
    Classification, Feedback, FeedbackCommand, FeedbackEvent, FeedbackStatus,
};
use motcua_domain::format::{local_date, local_datetime};
use serde::Deserialize;

use super::DeskOfficer;
use super::view::DeskNav;
use crate::AppState;
use crate::auth::Officer;
use crate::extract::ApiPath;
use crate::i18n::Messages;
use crate::policy::{page_refusal, page_require};

/// The desk's feedback routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/can-bo/phan-anh", get(inbox))
        .route("/can-bo/phan-anh/{id}", get(case))
        .route("/can-bo/phan-anh/{id}/thao-tac/{action}", post(act))
}

/// Rows on one page of the inbox.
const PAGE: u32 = 50;

fn nav(officer: &Officer) -> DeskNav {
    DeskNav::of(officer, "feedback")
}

fn who(officer: &Officer) -> OfficerRef<'_> {
    OfficerRef {
        id: &officer.id,
        agency: officer.agency.as_str(),
        roles: &officer.roles,
    }
}

/// Percent-encodes a query value.
fn enc(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn status_name(t: &Messages, s: FeedbackStatus) -> String {
    t.get(&format!("feedback-status-{}", s.as_str()))
}

fn class_name(t: &Messages, c: Option<Classification>) -> String {
    match c {
        Some(c) => t.get(&format!("pakn-class-{}", c.as_str().replace('_', "-"))),
        None => t.get("pakn-class-none"),
    }
}

fn subject_text(t: &Messages, f: &Feedback) -> String {
    match (f.subject.dossier_code(), f.subject.procedure_code()) {
        (Some(code), _) => format!("{} {code}", t.get("pakn-about-dossier")),
        (None, Some(p)) => format!("{} {p}", t.get("pakn-about-procedure")),
        _ => t.get("pakn-about-general"),
    }
}

/// `templates/pages/desk/feedback_error.html`: the feedback cannot be shown.
#[derive(Template)]
#[template(path = "pages/desk/feedback_error.html")]
pub struct ErrorPage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// The message.
    pub message: String,
}

fn error_page(t: Messages, officer: &Officer, status: StatusCode, message: String) -> Response {
    let mut res = crate::pages::render(
        t,
        &ErrorPage {
            t,
            nav: nav(officer),
            message,
        },
    );
    *res.status_mut() = status;
    res
}

/// A use-case error that is not shown beside a form: a page.
fn failure_page(t: Messages, officer: &Officer, e: FeedbackError) -> Response {
    match e {
        FeedbackError::NotFound => {
            error_page(t, officer, StatusCode::NOT_FOUND, t.get("pakn-not-found"))
        }
        FeedbackError::Denied(d) => page_refusal(t, officer, d),
        FeedbackError::Invalid(m) => error_page(t, officer, StatusCode::BAD_REQUEST, t.pick(&m)),
        FeedbackError::Refused(r) => {
            error_page(t, officer, StatusCode::CONFLICT, t.pick(&r.to_string()))
        }
        FeedbackError::Conflict => {
            error_page(t, officer, StatusCode::CONFLICT, t.get("pakn-error-stale"))
        }
        FeedbackError::Unexpected(err) => {
            tracing::error!(error = %err, "feedback desk page: unexpected error");
            error_page(
                t,
                officer,
                StatusCode::SERVICE_UNAVAILABLE,
                t.get("desk-error-unexpected"),
            )
        }
    }
}

/// One line of the inbox.
pub struct InboxRow {
    /// Identifier.
    pub id: String,
    /// Received, Vietnam time.
    pub received: String,
    /// What it is about.
    pub subject: String,
    /// Unit addressed.
    pub unit: String,
    /// Status in words.
    pub status: String,
    /// Classification in words.
    pub class: String,
    /// Classified.
    pub classified: bool,
    /// The next deadline (`dd/mm/yyyy`, Vietnam time), or a dash.
    pub due: String,
    /// The next deadline passed.
    pub overdue: bool,
}

/// A choice of the status filter.
pub struct StatusChoice {
    /// `received`...
    pub value: &'static str,
    /// In words.
    pub label: String,
    /// Chosen.
    pub selected: bool,
}

/// `templates/pages/desk/feedback_inbox.html`.
#[derive(Template)]
#[template(path = "pages/desk/feedback_inbox.html")]
pub struct InboxPage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// The unit listed (and the units below it).
    pub unit: String,
    /// The status filter.
    pub statuses: Vec<StatusChoice>,
    /// Rows, next deadline first.
    pub rows: Vec<InboxRow>,
    /// How many rows are overdue on this page.
    pub overdue: u64,
    /// An inline error (a bad filter).
    pub error: Option<String>,
    /// The next page, if any.
    pub next: Option<String>,
}

/// The inbox's query.
#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    /// Only this status (`received`...; empty: all).
    pub status: Option<String>,
    /// A unit of the officer's scope (default: the unit of their agency).
    pub unit: Option<String>,
    /// Rows to skip.
    pub tu: Option<u32>,
}

fn row(t: &Messages, f: &Feedback, now: DateTime<Utc>) -> InboxRow {
    InboxRow {
        id: f.id.clone(),
        received: local_date(f.received_at),
        subject: subject_text(t, f),
        unit: f.unit_code.clone(),
        status: status_name(t, f.status),
        class: class_name(t, f.classification),
        classified: f.classification.is_some(),
        due: f.next_due().map_or_else(|| "—".to_owned(), local_date),
        overdue: f.overdue_at(now),
    }
}

/// `GET /can-bo/phan-anh?status=&unit=`: the unit's feedback.
pub async fn inbox(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    q: Result<Query<InboxQuery>, QueryRejection>,
) -> Response {
    if let Err(refused) = page_require(t, &officer, Capability::HandleFeedback) {
        return refused;
    }
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let wanted = q.status.as_deref().map(str::trim).unwrap_or_default();
    let status = FeedbackStatus::parse(wanted);
    let mut page = InboxPage {
        t,
        nav: nav(&officer),
        unit: String::new(),
        statuses: FeedbackStatus::ALL
            .iter()
            .map(|s| StatusChoice {
                value: s.as_str(),
                label: status_name(&t, *s),
                selected: status == Some(*s),
            })
            .collect(),
        rows: Vec::new(),
        overdue: 0,
        error: None,
        next: None,
    };
    if !wanted.is_empty() && status.is_none() {
        page.error = Some(t.get("pakn-error-status"));
        let mut res = crate::pages::render(t, &page);
        *res.status_mut() = StatusCode::BAD_REQUEST;
        return res;
    }
    let offset = q.tu.unwrap_or(0);
    let unit = q
        .unit
        .as_deref()
        .map(|u| super::super::citizen::field_value(u, 16));
    match state
        .feedback
        .inbox(&who(&officer), unit.as_deref(), status, PAGE, offset)
        .await
    {
        Ok((unit, items)) => {
            let now = state.clock.now();
            page.rows = items.iter().map(|f| row(&t, f, now)).collect();
            page.overdue = page.rows.iter().filter(|r| r.overdue).count() as u64;
            if items.len() == PAGE as usize {
                page.next = Some(format!(
                    "/can-bo/phan-anh?status={}&unit={}&tu={}",
                    enc(wanted),
                    enc(&unit),
                    offset + PAGE
                ));
            }
            page.unit = unit;
            crate::pages::render(t, &page)
        }
        Err(FeedbackError::Invalid(m)) => {
            page.error = Some(t.pick(&m));
            let mut res = crate::pages::render(t, &page);
            *res.status_mut() = StatusCode::BAD_REQUEST;
            res
        }
        Err(e) => failure_page(t, &officer, e),
    }
}

/// One step of the case's history.
pub struct StepLine {
    /// When, Vietnam time.
    pub at: String,
    /// What happened.
    pub what: String,
    /// Who (an officer id, or "the sender"); for a notice, to whom
    /// (masked).
    pub by: String,
    /// A notice to the sender (e-mail or SMS), not an event.
    pub notice: bool,
}

/// A deadline line.
pub struct DueLine {
    /// What is due.
    pub label: String,
    /// By when (`dd/mm/yyyy HH:MM`, Vietnam time).
    pub at: String,
    /// Passed while still to do.
    pub overdue: bool,
}

/// One action form on the case page.
pub struct ActionForm {
    /// API name (`classify`...).
    pub name: &'static str,
    /// Label.
    pub label: String,
    /// The text field's label ("" for classify).
    pub field: String,
    /// Guidance under the fields.
    pub hint: String,
    /// Open (the one just refused).
    pub open: bool,
    /// The refusal, inline.
    pub error: Option<String>,
    /// What the officer typed, kept after a refusal.
    pub text: String,
    /// The classification chosen.
    pub class: String,
}

/// `templates/pages/desk/feedback_case.html`.
#[derive(Template)]
#[template(path = "pages/desk/feedback_case.html")]
pub struct CasePage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// Identifier.
    pub id: String,
    /// Status key.
    pub status_key: &'static str,
    /// Status in words.
    pub status: String,
    /// Classification in words.
    pub class: String,
    /// What it is about.
    pub subject: String,
    /// Unit addressed.
    pub unit: String,
    /// Received, Vietnam time.
    pub received: String,
    /// The next deadline passed.
    pub overdue: bool,
    /// Deadlines.
    pub dues: Vec<DueLine>,
    /// Sender's name ("" when not given).
    pub sender_name: String,
    /// Sender's contact ("" when not given).
    pub sender_contact: String,
    /// What the sender wrote.
    pub text: String,
    /// What was asked of the sender.
    pub supplement_request: String,
    /// What the sender added.
    pub supplements: Vec<String>,
    /// Why refused.
    pub refusal_reason: String,
    /// The answer.
    pub answer: String,
    /// The question as published.
    pub public_summary: String,
    /// The sender's rating in words ("" when none).
    pub reaction: String,
    /// The sender's follow-up complaint.
    pub follow_up: String,
    /// History, oldest first.
    pub steps: Vec<StepLine>,
    /// The actions allowed now.
    pub actions: Vec<ActionForm>,
    /// After an action.
    pub done: Option<String>,
    /// A refusal of an action not offered now (another officer acted
    /// first, or a stale page), at the top of the page.
    pub error: Option<String>,
}

/// The actions allowed in a status, in the order shown.
fn allowed(s: FeedbackStatus) -> &'static [&'static str] {
    match s {
        FeedbackStatus::Received => &["classify", "answer", "request_supplement", "refuse"],
        FeedbackStatus::SupplementRequested => &["classify", "refuse"],
        FeedbackStatus::Answered => &["publish", "classify"],
        FeedbackStatus::Published => &["classify"],
        FeedbackStatus::Refused => &[],
    }
}

fn action_label(t: &Messages, name: &str) -> String {
    t.get(&format!("pakn-action-{}", name.replace('_', "-")))
}

fn step(t: &Messages, e: &FeedbackEvent) -> StepLine {
    let by = match e {
        FeedbackEvent::Classified { by, .. }
        | FeedbackEvent::Refused { by, .. }
        | FeedbackEvent::SupplementRequested { by, .. }
        | FeedbackEvent::Answered { by, .. }
        | FeedbackEvent::Published { by, .. } => by.clone(),
        _ => t.get("pakn-by-sender"),
    };
    let mut what = t.get(&format!("pakn-event-{}", e.kind().replace('_', "-")));
    if let FeedbackEvent::Classified { class, .. } = e {
        what = format!("{what}: {}", class_name(t, Some(*class)));
    }
    StepLine {
        at: local_datetime(e.at()),
        what,
        by,
        notice: false,
    }
}

/// The history of a feedback: its events and the notices to its sender, in
/// the order they happened (a notice after the event it announces).
async fn history(
    state: &AppState,
    t: &Messages,
    id: &str,
    events: &[FeedbackEvent],
) -> Vec<StepLine> {
    let mut all: Vec<(DateTime<Utc>, StepLine)> =
        events.iter().map(|e| (e.at(), step(t, e))).collect();
    all.extend(notice_steps(state, t, id).await);
    all.sort_by_key(|(at, _)| *at);
    all.into_iter().map(|(_, s)| s).collect()
}

/// The notices sent to the sender (or not sent, and why), as steps of the
/// history with their instants (ADR 0032 point 9); none when they cannot
/// be read (the page still shows).
async fn notice_steps(state: &AppState, t: &Messages, id: &str) -> Vec<(DateTime<Utc>, StepLine)> {
    let rows = match state.notices.history(id).await {
        Ok(rows) => rows,
        Err(err) => {
            tracing::warn!(feedback = id, error = %err, "reading the notices of a feedback");
            return Vec::new();
        }
    };
    rows.into_iter()
        .map(|n| {
            let channel = match motcua_domain::notice::NoticeChannel::parse(&n.channel) {
                Some(motcua_domain::notice::NoticeChannel::Email) => t.get("desk-notice-email"),
                Some(motcua_domain::notice::NoticeChannel::Sms) => t.get("desk-notice-sms"),
                None => n.channel.clone(),
            };
            let kind = t.get(&format!("desk-notice-kind-{}", n.kind.replace('_', "-")));
            let outcome = t.get(&format!(
                "desk-notice-outcome-{}",
                n.outcome.as_str().replace('_', "-")
            ));
            let line = StepLine {
                at: local_datetime(n.at),
                what: format!("{channel}: {kind} — {outcome}"),
                by: n.recipient,
                notice: true,
            };
            (n.at, line)
        })
        .collect()
}

/// What went wrong with one action, shown beside its form.
struct Failure {
    action: String,
    message: String,
    text: String,
    class: String,
    status: StatusCode,
}

fn case_page(
    t: Messages,
    officer: &Officer,
    f: &Feedback,
    steps: Vec<StepLine>,
    now: DateTime<Utc>,
    done: Option<String>,
    failure: Option<Failure>,
) -> Response {
    // Only the deadline the officer must meet now can be overdue (the
    // next one: to answer while received, to publish while answered).
    let line = |key: &str, due: DateTime<Utc>, pending: bool| DueLine {
        label: t.get(key),
        at: local_datetime(due),
        overdue: pending && now > due,
    };
    let mut dues = vec![
        line("pakn-due-refuse", f.due.refuse_by, false),
        line("pakn-due-supplement", f.due.supplement_by, false),
        line(
            "pakn-due-answer",
            f.due.answer_by,
            f.status == FeedbackStatus::Received,
        ),
    ];
    if let Some(p) = f.publish_by {
        dues.push(line(
            "pakn-due-publish",
            p,
            f.status == FeedbackStatus::Answered,
        ));
    }
    let actions = allowed(f.status)
        .iter()
        .map(|name| {
            let mine = failure.as_ref().filter(|x| x.action == *name);
            ActionForm {
                name,
                label: action_label(&t, name),
                field: t.get(&format!("pakn-label-{}", name.replace('_', "-"))),
                hint: t.get(&format!("pakn-hint-{}", name.replace('_', "-"))),
                open: mine.is_some(),
                error: mine.map(|x| x.message.clone()),
                text: mine.map(|x| x.text.clone()).unwrap_or_default(),
                class: mine.map_or_else(
                    || {
                        f.classification
                            .map(|c| c.as_str().to_owned())
                            .unwrap_or_default()
                    },
                    |x| x.class.clone(),
                ),
            }
        })
        .collect();
    let page = CasePage {
        t,
        nav: nav(officer),
        id: f.id.clone(),
        status_key: f.status.as_str(),
        status: status_name(&t, f.status),
        class: class_name(&t, f.classification),
        subject: subject_text(&t, f),
        unit: f.unit_code.clone(),
        received: local_datetime(f.received_at),
        overdue: f.overdue_at(now),
        dues,
        sender_name: f.sender.name.clone(),
        sender_contact: f.sender.contact.clone(),
        text: f.text.clone(),
        supplement_request: f.supplement_request.clone().unwrap_or_default(),
        supplements: f.supplements.clone(),
        refusal_reason: f.refusal_reason.clone().unwrap_or_default(),
        answer: f.answer.clone().unwrap_or_default(),
        public_summary: f.public_summary.clone().unwrap_or_default(),
        reaction: f
            .reaction
            .map(|r| t.get(&format!("feedback-{}", r.as_str())))
            .unwrap_or_default(),
        follow_up: f.follow_up.clone().unwrap_or_default(),
        steps,
        error: failure
            .as_ref()
            .filter(|x| !allowed(f.status).contains(&x.action.as_str()))
            .map(|x| x.message.clone()),
        actions,
        done,
    };
    let mut res = crate::pages::render(t, &page);
    if let Some(x) = failure {
        *res.status_mut() = x.status;
    }
    res
}

/// The case page's query.
#[derive(Debug, Default, Deserialize)]
pub struct CaseQuery {
    /// The action just done.
    pub xong: Option<String>,
}

/// `GET /can-bo/phan-anh/{id}`: the case, with the sender (audited).
pub async fn case(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    ApiPath(id): ApiPath<String>,
    q: Result<Query<CaseQuery>, QueryRejection>,
) -> Response {
    if let Err(refused) = page_require(t, &officer, Capability::HandleFeedback) {
        return refused;
    }
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let done = q
        .xong
        .as_deref()
        .filter(|a| FeedbackCommand::OFFICER_ACTIONS.contains(a))
        .map(|a| t.with_args("pakn-done", &[("action", &action_label(&t, a))]));
    match state.feedback.for_officer(&who(&officer), &id).await {
        Ok((f, events)) => {
            let steps = history(&state, &t, &f.id, &events).await;
            case_page(t, &officer, &f, steps, state.clock.now(), done, None)
        }
        Err(e) => failure_page(t, &officer, e),
    }
}

/// The fields of an action form.
#[derive(Debug, Default, Deserialize)]
pub struct ActForm {
    /// `rules` or `staff_behaviour` (classify).
    pub classification: Option<String>,
    /// The reason, what is needed, the answer or the public summary.
    pub text: Option<String>,
}

/// `POST /can-bo/phan-anh/{id}/thao-tac/{action}`: does the action, then
/// back to the case; a refusal is shown beside the action's form.
pub async fn act(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    ApiPath((id, action)): ApiPath<(String, String)>,
    form: Result<Form<ActForm>, FormRejection>,
) -> Response {
    if let Err(refused) = page_require(t, &officer, Capability::HandleFeedback) {
        return refused;
    }
    // An unknown action is the 404 of an unknown page.
    let Some(name) = FeedbackCommand::OFFICER_ACTIONS
        .iter()
        .find(|a| **a == action)
    else {
        return error_page(
            t,
            &officer,
            StatusCode::NOT_FOUND,
            t.get("pakn-error-action"),
        );
    };
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let text = form.text.clone().unwrap_or_default();
    let class = form.classification.clone().unwrap_or_default();
    let parsed = OfficerAction::parse(name, Some(class.trim()), Some(text.as_str()));
    let result = match parsed {
        Ok(a) => state.feedback.officer_act(&who(&officer), &id, a).await,
        Err(e) => Err(e),
    };
    let (message, status) = match result {
        Ok(_) => {
            return Redirect::to(&format!("/can-bo/phan-anh/{}?xong={name}", enc(&id)))
                .into_response();
        }
        Err(FeedbackError::Invalid(_)) => {
            (t.get("pakn-error-class"), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(FeedbackError::Refused(r)) => {
            let status = if matches!(r, motcua_domain::feedback::FeedbackRefusal::BadText(_)) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            let message = if status == StatusCode::UNPROCESSABLE_ENTITY {
                t.get("pakn-error-text")
            } else {
                t.pick(&r.to_string())
            };
            (message, status)
        }
        Err(FeedbackError::Conflict) => (t.get("pakn-error-stale"), StatusCode::CONFLICT),
        Err(e) => return failure_page(t, &officer, e),
    };
    // Shown again with the sender: a new audited read.
    match state.feedback.for_officer(&who(&officer), &id).await {
        Ok((f, events)) => case_page(
            t,
            &officer,
            &f,
            history(&state, &t, &f.id, &events).await,
            state.clock.now(),
            None,
            Some(Failure {
                action: (*name).to_owned(),
                message,
                text: text
                    .chars()
                    .take(motcua_domain::feedback::MAX_TEXT)
                    .collect(),
                class,
                status,
            }),
        ),
        Err(e) => failure_page(t, &officer, e),
    }
}
