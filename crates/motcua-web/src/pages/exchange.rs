//! `/can-bo/trao-doi`: the exchange page for officers: outbox counts, the
//! dead letters and a button to replay each one.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::MaybeOfficer;
use crate::i18n::Messages;

/// One dead letter as shown.
pub struct DeadRow {
    /// Outbox id.
    pub id: i64,
    /// Mã hồ sơ.
    pub dossier_code: String,
    /// Message type.
    pub message_type: String,
    /// Attempts.
    pub attempts: u32,
    /// Last error.
    pub last_error: String,
    /// When parked (Vietnam time).
    pub dead_at: String,
}

/// `templates/pages/exchange.html`.
#[derive(Template)]
#[template(path = "pages/exchange.html")]
pub struct ExchangePage {
    /// Messages.
    pub t: Messages,
    /// Whether an officer is logged in.
    pub signed_in: bool,
    /// Counts line.
    pub counts: String,
    /// Dead letters.
    pub rows: Vec<DeadRow>,
    /// Inline message (replayed, or an error).
    pub notice: Option<String>,
}

/// `?replayed=<id>` or `?missing=<id>` after a replay.
#[derive(Debug, Default, Deserialize)]
pub struct Notice {
    /// The id just replayed.
    pub replayed: Option<i64>,
    /// The id that was not a dead letter.
    pub missing: Option<i64>,
}

fn vn_time(at: chrono::DateTime<chrono::Utc>) -> String {
    let vn = chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7");
    at.with_timezone(&vn).format("%d/%m/%Y %H:%M").to_string()
}

/// `GET /can-bo/trao-doi`.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    officer: Result<MaybeOfficer, crate::problem::Problem>,
    notice: Result<Query<Notice>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let signed_in = matches!(officer, Ok(MaybeOfficer(Some(_))));
    let mut page = ExchangePage {
        t,
        signed_in,
        counts: String::new(),
        rows: Vec::new(),
        notice: None,
    };
    if let Ok(Query(n)) = notice {
        if let Some(id) = n.replayed {
            page.notice = Some(t.with_count("exchange-replayed", "id", id.max(0) as u64));
        } else if let Some(id) = n.missing {
            page.notice = Some(t.with_count("exchange-missing", "id", id.max(0) as u64));
        }
    }
    if !signed_in {
        return super::render(t, &page);
    }
    match (
        state.exchange.counts().await,
        state.exchange.dead_letters(100).await,
    ) {
        (Ok(c), Ok(dead)) => {
            page.counts = format!(
                "{} · {} · {}",
                t.with_count("exchange-pending", "n", c.pending),
                t.with_count("exchange-delivered", "n", c.delivered),
                t.with_count("exchange-dead", "n", c.dead)
            );
            page.rows = dead
                .into_iter()
                .map(|d| DeadRow {
                    id: d.record.id,
                    dossier_code: d.record.dossier_code,
                    message_type: d.record.row.message_type,
                    attempts: d.record.attempts,
                    last_error: d.last_error.chars().take(200).collect(),
                    dead_at: vn_time(d.dead_at),
                })
                .collect();
        }
        _ => page.notice = Some(t.get("exchange-unavailable")),
    }
    super::render(t, &page)
}

/// The replay form.
#[derive(Debug, Deserialize)]
pub struct ReplayForm {
    /// Outbox id.
    pub id: i64,
}

/// `POST /can-bo/trao-doi/phat-lai`: replays one dead letter, then back to
/// the page with a message.
pub async fn replay(
    State(state): State<AppState>,
    officer: Result<MaybeOfficer, crate::problem::Problem>,
    form: Result<Form<ReplayForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(MaybeOfficer(Some(_))) = officer else {
        return Redirect::to("/can-bo/trao-doi").into_response();
    };
    let Ok(Form(form)) = form else {
        return Redirect::to("/can-bo/trao-doi").into_response();
    };
    match state.exchange.replay(form.id).await {
        Ok(()) => Redirect::to(&format!("/can-bo/trao-doi?replayed={}", form.id)).into_response(),
        Err(_) => Redirect::to(&format!("/can-bo/trao-doi?missing={}", form.id)).into_response(),
    }
}
