//! Use cases over the outbox for administrators: counts per sink, dead
//! letters and their replay (per sink, ADR 0018).

use std::sync::Arc;

use chrono::Utc;

use crate::AppError;
use crate::ports::Store;
use crate::ports::exchange::{DeadLetter, SinkCounts};

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

    /// Pending, delivered and dead deliveries of each sink.
    pub async fn counts(&self) -> Result<Vec<SinkCounts>, AppError> {
        Ok(self.store.outbox_counts().await?)
    }

    /// Up to `limit` (1–500) dead letters, oldest first.
    pub async fn dead_letters(&self, limit: u32) -> Result<Vec<DeadLetter>, AppError> {
        Ok(self.store.dead_letters(limit.clamp(1, 500)).await?)
    }

    /// Puts a dead letter back in the queue of one sink, or of every sink
    /// where it is dead (`None`); answers how many deliveries went back.
    pub async fn replay(&self, id: i64, sink: Option<&str>) -> Result<u64, AppError> {
        let n = self.store.replay_dead_letter(id, sink, Utc::now()).await?;
        if n > 0 {
            Ok(n)
        } else {
            Err(AppError::NotFound(format!(
                "không có thư chết số {id} / no dead letter {id}"
            )))
        }
    }
}
