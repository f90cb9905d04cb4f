//! Use cases over the outbox for administrators: counts, dead letters and
//! their replay.

use std::sync::Arc;

use chrono::Utc;

use crate::AppError;
use crate::ports::Store;
use crate::ports::exchange::{DeadLetter, OutboxCounts};

/// The exchange administration (trao đổi dữ liệu).
#[derive(Clone)]
pub struct ExchangeAdmin {
    store: Arc<dyn Store>,
}

impl ExchangeAdmin {
    /// Over a store.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    /// Pending, delivered and dead rows.
    pub async fn counts(&self) -> Result<OutboxCounts, AppError> {
        Ok(self.store.outbox_counts().await?)
    }

    /// Up to `limit` (1–500) dead letters, oldest first.
    pub async fn dead_letters(&self, limit: u32) -> Result<Vec<DeadLetter>, AppError> {
        Ok(self.store.dead_letters(limit.clamp(1, 500)).await?)
    }

    /// Puts a dead letter back in the queue.
    pub async fn replay(&self, id: i64) -> Result<(), AppError> {
        if self.store.replay_dead_letter(id, Utc::now()).await? {
            Ok(())
        } else {
            Err(AppError::NotFound(format!(
                "không có thư chết số {id} / no dead letter {id}"
            )))
        }
    }
}
