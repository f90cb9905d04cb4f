//! Exchange administration: outbox counts, dead letters and their replay.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Officer;
use crate::problem::Problem;

/// One dead letter (thư chết): an outbox row that kept failing.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadLetterDto {
    /// Outbox row id.
    pub id: i64,
    /// Mã hồ sơ.
    pub dossier_code: String,
    /// Dossier version the event produced.
    pub event_version: u64,
    /// Message type, e.g. `dossier.received`.
    pub message_type: String,
    /// Delivery attempts.
    pub attempts: u32,
    /// The last error.
    pub last_error: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was parked.
    pub dead_at: DateTime<Utc>,
}

/// Dead letters and outbox counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadLetterList {
    /// Rows waiting (including retries).
    pub pending: u64,
    /// Rows delivered.
    pub delivered: u64,
    /// Dead letters in all.
    pub dead: u64,
    /// The oldest dead letters.
    pub items: Vec<DeadLetterDto>,
}

/// `?limit=`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ListParams {
    /// At most this many (1–500, default 100).
    pub limit: Option<u32>,
}

/// Lists the dead letters of the outbox.
#[utoipa::path(get, path = "/api/v1/exchange/dead-letters", tag = "exchange",
    params(ListParams),
    responses((status = 200, body = DeadLetterList), (status = 401, body = Problem)))]
pub async fn dead_letters(
    State(state): State<AppState>,
    _officer: Officer,
    Query(p): Query<ListParams>,
) -> Result<Json<DeadLetterList>, Problem> {
    let counts = state.exchange.counts().await?;
    let items = state
        .exchange
        .dead_letters(p.limit.unwrap_or(100))
        .await?
        .into_iter()
        .map(|d| DeadLetterDto {
            id: d.record.id,
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
        items,
    }))
}

/// Puts a dead letter back in the queue (attempts reset; delivered on the
/// relay's next round, still after the earlier events of its dossier).
#[utoipa::path(post, path = "/api/v1/exchange/dead-letters/{id}/replay", tag = "exchange",
    params(("id" = i64, Path, description = "Outbox row id")),
    responses((status = 202, description = "Queued again"), (status = 404, body = Problem),
        (status = 401, body = Problem)))]
pub async fn replay(
    State(state): State<AppState>,
    _officer: Officer,
    Path(id): Path<i64>,
) -> Result<StatusCode, Problem> {
    state.exchange.replay(id).await?;
    Ok(StatusCode::ACCEPTED)
}
