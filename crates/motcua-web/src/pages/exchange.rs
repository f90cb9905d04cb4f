//! `/can-bo/trao-doi`: the exchange page for administrators (unit admin,
//! province admin, system): delivery counts per sink, the dead letters of
//! each sink (of dossiers within the scope of the officer's roles) and a
//! button to replay each one for its sink. Other officers get a 403 page.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::MaybeOfficer;
use crate::i18n::Messages;
use motcua_app::policy::Capability;

/// One dead letter as shown.
pub struct DeadRow {
    /// Outbox id.
    pub id: i64,
    /// The sink it is parked for.
    pub sink: String,
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
    /// Whether that officer is an administrator.
    pub allowed: bool,
    /// Counts, one line per sink.
    pub counts: Vec<String>,
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

/// `GET /can-bo/trao-doi`.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    officer: Result<MaybeOfficer, crate::problem::Problem>,
    notice: Result<Query<Notice>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (signed_in, allowed) = match &officer {
        Ok(MaybeOfficer(Some(o))) => (
            true,
            crate::policy::allows(&o.roles, Capability::ViewDeadLetters),
        ),
        _ => (false, false),
    };
    let mut page = ExchangePage {
        t,
        signed_in,
        allowed,
        counts: Vec::new(),
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
    if !allowed {
        return (StatusCode::FORBIDDEN, super::render(t, &page)).into_response();
    }
    let roles = match &officer {
        Ok(MaybeOfficer(Some(o))) => o.roles.clone(),
        _ => Vec::new(),
    };
    match (
        state.exchange.counts().await,
        state.exchange.dead_letters_for(&roles, 100).await,
    ) {
        (Ok(per_sink), Ok(dead)) => {
            page.counts = per_sink
                .iter()
                .map(|c| {
                    format!(
                        "{}: {} · {} · {}",
                        c.sink,
                        t.with_count("exchange-pending", "n", c.counts.pending),
                        t.with_count("exchange-delivered", "n", c.counts.delivered),
                        t.with_count("exchange-dead", "n", c.counts.dead)
                    )
                })
                .collect();
            page.rows = dead
                .into_iter()
                .map(|d| DeadRow {
                    id: d.record.id,
                    sink: d.sink,
                    dossier_code: d.record.dossier_code,
                    message_type: d.record.row.message_type,
                    attempts: d.record.attempts,
                    last_error: d.last_error.chars().take(200).collect(),
                    dead_at: motcua_domain::format::local_datetime(d.dead_at),
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
    /// The sink to replay it for (every sink where it is dead when absent).
    #[serde(default)]
    pub sink: Option<String>,
}

/// `POST /can-bo/trao-doi/phat-lai`: replays one dead letter for its sink,
/// then back to the page with a message; officers without an administrator
/// role change nothing and get the page's 403.
pub async fn replay(
    State(state): State<AppState>,
    t: Messages,
    officer: Result<MaybeOfficer, crate::problem::Problem>,
    form: Result<Form<ReplayForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(MaybeOfficer(Some(o))) = officer else {
        return Redirect::to("/can-bo/trao-doi").into_response();
    };
    if !crate::policy::allows(&o.roles, Capability::ReplayDeadLetters) {
        // The page explains the missing role.
        let page = ExchangePage {
            t,
            signed_in: true,
            allowed: false,
            counts: Vec::new(),
            rows: Vec::new(),
            notice: None,
        };
        return (StatusCode::FORBIDDEN, super::render(t, &page)).into_response();
    }
    let Ok(Form(form)) = form else {
        return Redirect::to("/can-bo/trao-doi").into_response();
    };
    let sink = form.sink.as_deref().filter(|s| !s.is_empty());
    match state.exchange.replay_for(&o.roles, form.id, sink).await {
        Ok(_) => Redirect::to(&format!("/can-bo/trao-doi?replayed={}", form.id)).into_response(),
        Err(_) => Redirect::to(&format!("/can-bo/trao-doi?missing={}", form.id)).into_response(),
    }
}
