//! `/thong-bao/huy-dang-ky?t=<token>`: the link at the end of every notice
//! e-mail (issue 15 item 7). `GET` shows whose notices would stop (masked)
//! and a button; only the `POST` opts the contact out, so a mail scanner
//! that follows links stops nothing. An unknown token shows the same page
//! as an expired one and says nothing about any contact.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::i18n::Messages;

/// `?t=` or the form's `t`.
#[derive(Debug, Default, Deserialize)]
pub struct TokenQuery {
    /// The unsubscribe token.
    #[serde(default)]
    pub t: String,
}

/// `templates/pages/citizen/unsubscribe.html`.
#[derive(Template)]
#[template(path = "pages/citizen/unsubscribe.html")]
pub struct UnsubscribePage {
    /// Messages.
    pub t: Messages,
    /// The token, sent back by the button.
    pub token: String,
    /// The contact, masked; empty for an unknown token.
    pub contact: String,
    /// Already opted out (or just now).
    pub done: bool,
    /// The token is unknown.
    pub unknown: bool,
}

fn page(t: Messages, token: String, found: Option<motcua_app::notices::ContactView>) -> Response {
    let unknown = found.is_none();
    let page = UnsubscribePage {
        t,
        token,
        done: found.as_ref().is_some_and(|c| c.opted_out_at.is_some()),
        contact: found.map(|c| c.masked).unwrap_or_default(),
        unknown,
    };
    let mut response = crate::pages::render(t, &page);
    if unknown {
        *response.status_mut() = StatusCode::NOT_FOUND;
    }
    response
}

fn clean(token: &str) -> String {
    token.trim().chars().take(64).collect()
}

/// `GET /thong-bao/huy-dang-ky?t=`: whose notices would stop.
pub async fn form(
    State(state): State<AppState>,
    t: Messages,
    Query(q): Query<TokenQuery>,
) -> Response {
    let token = clean(&q.t);
    match state.notices.contact(&token).await {
        Ok(found) => page(t, token, found),
        Err(err) => unexpected(err),
    }
}

/// `POST /thong-bao/huy-dang-ky` (form `t`): stops the notices.
pub async fn submit(
    State(state): State<AppState>,
    t: Messages,
    form: Result<Form<TokenQuery>, axum::extract::rejection::FormRejection>,
) -> Response {
    let token = form.map(|Form(f)| clean(&f.t)).unwrap_or_default();
    match state.notices.unsubscribe(&token).await {
        Ok(found) => page(t, token, found),
        Err(err) => unexpected(err),
    }
}

/// A store failure: the API's problem (503), logged there.
fn unexpected(err: motcua_app::StoreError) -> Response {
    crate::problem::Problem::from(motcua_app::AppError::Unexpected(anyhow::anyhow!(err)))
        .into_response()
}
