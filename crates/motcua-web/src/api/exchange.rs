//! Exchange administration: outbox counts per sink, dead letters and their
//! replay (per sink, ADR 0018). Administrators only (unit admin, province
//! admin or a system account; the policy's `ViewDeadLetters` and
//! `ReplayDeadLetters`), each within the scope of their roles: a dead
//! letter of a dossier out of scope is not listed, and replaying it
//! answers the 404 of an unknown id.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use motcua_app::policy::{Capability, Denied};
use motcua_domain::identity::Role;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Officer;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;

/// The roles that may see and replay dead letters (from the policy table).
pub fn exchange_admin_roles() -> &'static [Role] {
    crate::policy::roles_for(Capability::ViewDeadLetters)
}

fn refused(d: Denied) -> Problem {
    match d {
        Denied::Hidden => crate::auth::hidden_not_found(),
        other => other.into(),
    }
}

/// One dead letter (thư chết): an outbox row that kept failing.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadLetterDto {
    /// Outbox row id.
    pub id: i64,
    /// The sink that refused it or kept failing (`hub`, `nats`, `portal`);
    /// the other sinks are not held back by it.
    pub sink: String,
    /// Mã hồ sơ.
    pub dossier_code: String,
    /// Dossier version the event produced.
    pub event_version: u64,
    /// Message type, e.g. `dossier.received`.
    pub message_type: String,
    /// Delivery attempts to this sink.
    pub attempts: u32,
    /// The last error.
    pub last_error: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was parked.
    pub dead_at: DateTime<Utc>,
}

/// One sink's delivery counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct SinkCountsDto {
    /// The sink.
    pub sink: String,
    /// Deliveries waiting (including retries and events held back).
    pub pending: u64,
    /// Delivered.
    pub delivered: u64,
    /// Dead letters.
    pub dead: u64,
}

/// Dead letters and delivery counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadLetterList {
    /// Deliveries waiting, summed over the sinks (including retries).
    pub pending: u64,
    /// Deliveries done, summed over the sinks.
    pub delivered: u64,
    /// Dead letters in all.
    pub dead: u64,
    /// The same per sink.
    pub sinks: Vec<SinkCountsDto>,
    /// The oldest dead letters.
    pub items: Vec<DeadLetterDto>,
}

/// `?sink=` of a replay.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReplayParams {
    /// Replay for this sink only; without it, for every sink where the
    /// event is a dead letter.
    pub sink: Option<String>,
}

/// `?limit=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// At most this many (1–500, default 100).
    pub limit: Option<u32>,
}

/// Lists the dead letters of the outbox.
#[utoipa::path(get, path = "/api/v1/exchange/dead-letters", operation_id = "listDeadLetters", tag = "exchange",
    params(ListParams),
    responses((status = 200, body = DeadLetterList), (status = 401, body = Problem),
        (status = 403, body = Problem)))]
pub async fn dead_letters(
    State(state): State<AppState>,
    officer: Officer,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<DeadLetterList>, Problem> {
    let dead = state
        .exchange
        .dead_letters_for(&officer.roles, p.limit.unwrap_or(100))
        .await
        .map_err(refused)?;
    let per_sink = state.exchange.counts().await?;
    let counts = motcua_app::ports::exchange::total(&per_sink);
    let items = dead
        .into_iter()
        .map(|d| DeadLetterDto {
            id: d.record.id,
            sink: d.sink,
            dossier_code: d.record.dossier_code,
            event_version: d.record.row.event_version,
            message_type: d.record.row.message_type,
            attempts: d.record.attempts,
            last_error: d.last_error,
            created_at: d.record.row.created_at,
            dead_at: d.dead_at,
        })
        .collect();
    Ok(Json(DeadLetterList {
        pending: counts.pending,
        delivered: counts.delivered,
        dead: counts.dead,
        sinks: per_sink
            .into_iter()
            .map(|c| SinkCountsDto {
                sink: c.sink,
                pending: c.counts.pending,
                delivered: c.counts.delivered,
                dead: c.counts.dead,
            })
            .collect(),
        items,
    }))
}

/// Puts a dead letter back in the queue of its sink (attempts reset;
/// delivered on the relay's next round, still after the earlier events of
/// its dossier to that sink).
#[utoipa::path(post, path = "/api/v1/exchange/dead-letters/{id}/replay", operation_id = "replayDeadLetter", tag = "exchange",
    params(("id" = i64, Path, description = "Outbox row id"), ReplayParams),
    responses((status = 202, description = "Queued again"), (status = 404, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn replay(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<ReplayParams>,
) -> Result<StatusCode, Problem> {
    state
        .exchange
        .replay_for(
            &officer.roles,
            id,
            p.sink.as_deref().filter(|s| !s.is_empty()),
        )
        .await
        .map_err(refused)?;
    Ok(StatusCode::ACCEPTED)
}
