//! Citizens' feedback and complaints (phản ánh, kiến nghị — PAKN) pages:
//! the form (general, or about a dossier from its tracking page with the
//! QR secret), the sender's view of the answer with like / dislike and a
//! follow-up, the page where the sender sends the supplement an officer
//! asked for, and the public page of published answers. The checks and
//! limits are the API's ([`crate::api::feedback::send`],
//! [`crate::api::feedback::sender_act`]); forms are protected by the
//! same-origin check of every form ([`crate::csrf`]).

use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{Extensions, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::feedback::{PublishedAnswer, SenderAction};
use motcua_domain::feedback::Reaction;
use motcua_domain::format::local_datetime;
use serde::Deserialize;

use super::field_value;
use crate::AppState;
use crate::api::feedback::FeedbackInput;
use crate::i18n::Messages;

/// `templates/pages/citizen/feedback_form.html`.
#[derive(Template)]
#[template(path = "pages/citizen/feedback_form.html")]
pub struct FormPage {
    /// Messages.
    pub t: Messages,
    /// The dossier code, when about a dossier.
    pub code: String,
    /// Its QR secret.
    pub verifier: String,
    /// Unit code (general feedback).
    pub unit: String,
    /// Procedure code (optional).
    pub procedure: String,
    /// Name as typed.
    pub name: String,
    /// Contact as typed.
    pub contact: String,
    /// Text as typed.
    pub text: String,
    /// An inline error.
    pub error: String,
}

/// The form's query and fields.
#[derive(Debug, Default, Deserialize)]
pub struct FormFields {
    /// Dossier code.
    pub ma: Option<String>,
    /// QR secret.
    pub verifier: Option<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Procedure.
    pub thu_tuc: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Contact.
    pub contact: Option<String>,
    /// Text.
    pub text: Option<String>,
}

fn page(t: Messages, f: &FormFields, error: String) -> FormPage {
    let v = |o: &Option<String>, max| field_value(o.as_deref().unwrap_or_default(), max);
    FormPage {
        t,
        code: v(&f.ma, 64),
        verifier: v(&f.verifier, 64),
        unit: v(&f.unit, 16),
        procedure: v(&f.thu_tuc, 64),
        name: v(&f.name, 200),
        contact: v(&f.contact, 200),
        text: f
            .text
            .clone()
            .unwrap_or_default()
            .chars()
            .take(4000)
            .collect(),
        error,
    }
}

/// `GET /phan-anh?ma=&verifier=`: the form.
pub async fn form(t: Messages, q: Result<Query<FormFields>, QueryRejection>) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    crate::pages::render(t, &page(t, &q, String::new()))
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

/// `POST /phan-anh`: sends, then the sender's page (its address holds the
/// token: the sender keeps it to read the answer).
pub async fn post(
    State(state): State<AppState>,
    t: Messages,
    extensions: Extensions,
    form: Result<Form<FormFields>, FormRejection>,
) -> Response {
    let Ok(Form(f)) = form else {
        let mut res = crate::pages::render(
            t,
            &page(t, &FormFields::default(), t.get("feedback-error-form")),
        );
        *res.status_mut() = StatusCode::BAD_REQUEST;
        return res;
    };
    let p = page(t, &f, String::new());
    let input = FeedbackInput {
        about: if !p.code.is_empty() {
            "dossier".into()
        } else if !p.procedure.is_empty() {
            "procedure".into()
        } else {
            "general".into()
        },
        dossier_code: Some(p.code.clone()),
        verifier: Some(p.verifier.clone()),
        procedure_code: Some(p.procedure.clone()),
        unit: Some(p.unit.clone()),
        name: p.name.clone(),
        contact: p.contact.clone(),
        text: p.text.clone(),
    };
    match crate::api::feedback::send(&state, &extensions, input).await {
        Ok(sent) => Redirect::to(&format!(
            "/phan-anh/{}?token={}&sent=1&lang={}",
            enc(&sent.id),
            enc(&sent.token),
            t.locale.tag()
        ))
        .into_response(),
        Err(res) => {
            let status = res.status();
            let key = match status.as_u16() {
                404 => "feedback-error-dossier",
                429 => "feedback-error-limited",
                400 => "feedback-error-invalid",
                _ => "feedback-error-unavailable",
            };
            let mut res = crate::pages::render(t, &page(t, &f, t.get(key)));
            *res.status_mut() = if status.is_server_error() {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                status
            };
            res
        }
    }
}

/// What the sender sees.
pub struct SenderView {
    /// Identifier.
    pub id: String,
    /// Status key.
    pub status_key: String,
    /// Status in words.
    pub status: String,
    /// Received.
    pub received_at: String,
    /// Answer by.
    pub answer_by: String,
    /// What they wrote.
    pub text: String,
    /// What was asked of them.
    pub supplement_request: String,
    /// Why refused.
    pub refusal_reason: String,
    /// The answer.
    pub answer: String,
    /// `like`, `dislike` or empty.
    pub reaction: String,
    /// May rate and follow up.
    pub can_rate: bool,
    /// Followed up already.
    pub followed_up: bool,
}

/// `templates/pages/citizen/feedback_view.html`.
#[derive(Template)]
#[template(path = "pages/citizen/feedback_view.html")]
pub struct ViewPage {
    /// Messages.
    pub t: Messages,
    /// The token (in the forms).
    pub token: String,
    /// A notice.
    pub notice: String,
    /// An inline error.
    pub error: String,
    /// The feedback.
    pub view: Option<SenderView>,
}

/// The view's query.
#[derive(Debug, Default, Deserialize)]
pub struct ViewQuery {
    /// The feedback's token.
    pub token: Option<String>,
    /// Just sent.
    pub sent: Option<String>,
    /// Just rated.
    pub rated: Option<String>,
    /// Just supplemented.
    pub bo_sung: Option<String>,
    /// An error of a post.
    pub loi: Option<String>,
}

/// `GET /phan-anh/{id}?token=`: the sender's view.
pub async fn view(
    State(state): State<AppState>,
    t: Messages,
    extensions: Extensions,
    Path(id): Path<String>,
    q: Result<Query<ViewQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let id = field_value(&id, 64);
    let token = field_value(q.token.as_deref().unwrap_or_default(), 64);
    let mut page = ViewPage {
        t,
        token: token.clone(),
        notice: if q.sent.is_some() {
            t.get("feedback-sent")
        } else if q.rated.is_some() {
            t.get("feedback-rated")
        } else if q.bo_sung.is_some() {
            t.get("pakn-sup-sent")
        } else {
            String::new()
        },
        error: if q.loi.is_some() {
            t.get("feedback-error-invalid")
        } else {
            String::new()
        },
        view: None,
    };
    if let Err(wait) =
        state
            .tracking_limiter
            .admit(&crate::rate_limit::client_key(&extensions), &id, &token)
    {
        page.error = t.with_count("citizen-track-limited", "s", wait.as_secs().max(1));
        let mut res = crate::pages::render(t, &page);
        *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        return res;
    }
    let status = match state.feedback.for_sender(&id, &token).await {
        Ok(f) => {
            page.view = Some(SenderView {
                id: f.id.clone(),
                status_key: f.status.as_str().to_owned(),
                status: t.get(&format!("feedback-status-{}", f.status.as_str())),
                received_at: local_datetime(f.received_at),
                answer_by: local_datetime(f.due.answer_by),
                text: f.text.clone(),
                supplement_request: f.supplement_request.clone().unwrap_or_default(),
                refusal_reason: f.refusal_reason.clone().unwrap_or_default(),
                answer: f.answer.clone().unwrap_or_default(),
                reaction: f
                    .reaction
                    .map(|r| r.as_str().to_owned())
                    .unwrap_or_default(),
                can_rate: f.answer.is_some(),
                followed_up: f.follow_up.is_some(),
            });
            StatusCode::OK
        }
        Err(motcua_app::feedback::FeedbackError::NotFound) => {
            state.tracking_limiter.failed(&id);
            page.error = t.get("feedback-not-found");
            StatusCode::NOT_FOUND
        }
        Err(_) => {
            page.error = t.get("feedback-error-unavailable");
            StatusCode::SERVICE_UNAVAILABLE
        }
    };
    let mut res = crate::pages::render(t, &page);
    *res.status_mut() = status;
    res
}

/// The rating form.
#[derive(Debug, Deserialize)]
pub struct RateForm {
    /// The feedback's token.
    pub token: String,
    /// `like` or `dislike`.
    pub reaction: Option<String>,
    /// A follow-up complaint.
    pub follow_up: Option<String>,
}

/// `POST /phan-anh/{id}/danh-gia`: like / dislike and a follow-up.
pub async fn rate(
    State(state): State<AppState>,
    t: Messages,
    extensions: Extensions,
    Path(id): Path<String>,
    form: Result<Form<RateForm>, FormRejection>,
) -> Response {
    let id = field_value(&id, 64);
    let back = |token: &str, extra: &str| {
        Redirect::to(&format!(
            "/phan-anh/{}?token={}&lang={}{extra}",
            enc(&id),
            enc(token),
            t.locale.tag()
        ))
        .into_response()
    };
    let Ok(Form(f)) = form else {
        return back("", "&loi=form");
    };
    let mut actions = Vec::new();
    if let Some(r) = f.reaction.as_deref().and_then(Reaction::parse) {
        actions.push(SenderAction::Rate(r));
    }
    if let Some(text) = f.follow_up.filter(|s| !s.trim().is_empty()) {
        actions.push(SenderAction::FollowUp(text));
    }
    match crate::api::feedback::sender_act(&state, &extensions, &id, &f.token, actions).await {
        Ok(_) => back(&f.token, "&rated=1"),
        Err(_) => back(&f.token, "&loi=rating"),
    }
}

/// One published answer, for the page.
pub struct PublicLine {
    /// The answer.
    pub item: PublishedAnswer,
    /// Published, Vietnam time.
    pub published: String,
}

/// `templates/pages/citizen/feedback_public.html`.
#[derive(Template)]
#[template(path = "pages/citizen/feedback_public.html")]
pub struct PublicPage {
    /// Messages.
    pub t: Messages,
    /// The unit filter.
    pub unit: String,
    /// Answers.
    pub items: Vec<PublicLine>,
    /// An inline error.
    pub error: String,
}

/// The public page's query.
#[derive(Debug, Default, Deserialize)]
pub struct PublicQuery {
    /// Unit.
    pub unit: Option<String>,
}

/// `GET /phan-anh/cong-khai?unit=`: published answers, no personal data.
pub async fn public(
    State(state): State<AppState>,
    t: Messages,
    q: Result<Query<PublicQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let unit = field_value(q.unit.as_deref().unwrap_or_default(), 16);
    let mut page = PublicPage {
        t,
        unit: unit.clone(),
        items: Vec::new(),
        error: String::new(),
    };
    let unit_filter = Some(unit.as_str()).filter(|u| !u.is_empty());
    let status = match state.feedback.published(unit_filter, 50, 0).await {
        Ok(items) => {
            page.items = items
                .into_iter()
                .map(|item| PublicLine {
                    published: local_datetime(item.published_at),
                    item,
                })
                .collect();
            StatusCode::OK
        }
        Err(motcua_app::feedback::FeedbackError::Invalid(_)) => {
            page.error = t.get("feedback-error-invalid");
            StatusCode::BAD_REQUEST
        }
        Err(_) => {
            page.error = t.get("feedback-error-unavailable");
            StatusCode::SERVICE_UNAVAILABLE
        }
    };
    let mut res = crate::pages::render(t, &page);
    *res.status_mut() = status;
    res
}

/// `templates/pages/citizen/feedback_supplement.html`.
#[derive(Template)]
#[template(path = "pages/citizen/feedback_supplement.html")]
pub struct SupplementPage {
    /// Messages.
    pub t: Messages,
    /// The feedback's id.
    pub id: String,
    /// The token (in the form).
    pub token: String,
    /// What the officer asked for ("" when unknown: wrong token).
    pub asked: String,
    /// A supplement is asked for now: the form is shown.
    pub open: bool,
    /// What the sender typed, kept after an error.
    pub text: String,
    /// An inline error.
    pub error: String,
}

/// The supplement page's query and form.
#[derive(Debug, Default, Deserialize)]
pub struct SupplementFields {
    /// The feedback's token.
    pub token: Option<String>,
    /// What the sender adds.
    pub text: Option<String>,
}

/// Loads the feedback with its token for the supplement page, limited like
/// every verifier; the page's status with it.
async fn supplement_page(
    state: &AppState,
    t: Messages,
    extensions: &Extensions,
    id: &str,
    token: &str,
) -> (SupplementPage, StatusCode) {
    let mut page = SupplementPage {
        t,
        id: id.to_owned(),
        token: token.to_owned(),
        asked: String::new(),
        open: false,
        text: String::new(),
        error: String::new(),
    };
    if let Err(wait) =
        state
            .tracking_limiter
            .admit(&crate::rate_limit::client_key(extensions), id, token)
    {
        page.error = t.with_count("citizen-track-limited", "s", wait.as_secs().max(1));
        return (page, StatusCode::TOO_MANY_REQUESTS);
    }
    match state.feedback.for_sender(id, token).await {
        Ok(f) => {
            page.open = f.status == motcua_domain::feedback::FeedbackStatus::SupplementRequested;
            page.asked = f.supplement_request.unwrap_or_default();
            (page, StatusCode::OK)
        }
        Err(motcua_app::feedback::FeedbackError::NotFound) => {
            state.tracking_limiter.failed(id);
            page.error = t.get("feedback-not-found");
            (page, StatusCode::NOT_FOUND)
        }
        Err(_) => {
            page.error = t.get("feedback-error-unavailable");
            (page, StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

/// `GET /phan-anh/{id}/bo-sung?token=`: what the officer asked for, and
/// the form to send it.
pub async fn supplement_form(
    State(state): State<AppState>,
    t: Messages,
    extensions: Extensions,
    Path(id): Path<String>,
    q: Result<Query<SupplementFields>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let id = field_value(&id, 64);
    let token = field_value(q.token.as_deref().unwrap_or_default(), 64);
    let (page, status) = supplement_page(&state, t, &extensions, &id, &token).await;
    let mut res = crate::pages::render(t, &page);
    *res.status_mut() = status;
    res
}

/// `POST /phan-anh/{id}/bo-sung`: sends the supplement with the token,
/// then the sender's page; a refusal stays on the form, inline.
pub async fn supplement(
    State(state): State<AppState>,
    t: Messages,
    extensions: Extensions,
    Path(id): Path<String>,
    form: Result<Form<SupplementFields>, FormRejection>,
) -> Response {
    let id = field_value(&id, 64);
    let f = form.map(|Form(f)| f).unwrap_or_default();
    let token = field_value(f.token.as_deref().unwrap_or_default(), 64);
    let text: String = f
        .text
        .unwrap_or_default()
        .chars()
        .take(motcua_domain::feedback::MAX_TEXT + 1)
        .collect();
    let again = |mut page: SupplementPage, status: StatusCode, error: String| {
        page.text = text
            .chars()
            .take(motcua_domain::feedback::MAX_TEXT)
            .collect();
        if !error.is_empty() {
            page.error = error;
        }
        let mut res = crate::pages::render(t, &page);
        *res.status_mut() = status;
        res
    };
    let empty = text.trim().is_empty();
    if empty || text.chars().count() > motcua_domain::feedback::MAX_TEXT {
        // The token is still checked first: a wrong one is the 404.
        let (page, status) = supplement_page(&state, t, &extensions, &id, &token).await;
        if status != StatusCode::OK {
            return again(page, status, String::new());
        }
        return again(
            page,
            StatusCode::UNPROCESSABLE_ENTITY,
            t.get("pakn-sup-error-empty"),
        );
    }
    let actions = vec![SenderAction::Supplement(text.clone())];
    match crate::api::feedback::sender_act(&state, &extensions, &id, &token, actions).await {
        Ok(_) => Redirect::to(&format!(
            "/phan-anh/{}?token={}&bo_sung=1&lang={}",
            enc(&id),
            enc(&token),
            t.locale.tag()
        ))
        .into_response(),
        Err(res) => {
            let status = res.status();
            let key = match status.as_u16() {
                404 => "feedback-not-found",
                409 => "pakn-sup-none",
                429 => "feedback-error-limited",
                400 | 422 => "pakn-sup-error-empty",
                _ => "feedback-error-unavailable",
            };
            let page = SupplementPage {
                t,
                id: id.clone(),
                token: token.clone(),
                asked: String::new(),
                open: status.as_u16() != 404 && status.as_u16() != 409,
                text: String::new(),
                error: String::new(),
            };
            let status = if status.is_server_error() {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                status
            };
            again(page, status, t.get(key))
        }
    }
}
