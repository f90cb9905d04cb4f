//! Obstacles (khó khăn, vướng mắc): cases, their event histories, and the
//! live dossier figures they cite as evidence.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::obstacle::{Obstacle, ObstacleEvent};

use crate::StoreError;

/// The projection of one case as the store indexes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObstacleRow {
    /// The case as its events make it (stored as JSON).
    pub obstacle: Obstacle,
    /// The agency one level above the owner, which sees the case once it
    /// is overdue.
    pub watcher: Option<String>,
    /// The answer due date in epoch milliseconds; `i64::MAX` when none.
    pub due_key: i64,
    /// `motcua_domain::text::fold` of the title and description (grouping).
    pub text_folded: String,
}

/// One case's change: its new projection and the events that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObstacleWrite {
    /// The version read before the change (0 for a new case).
    pub expected_version: u64,
    /// The projection after the change.
    pub row: ObstacleRow,
    /// The new events, in order.
    pub events: Vec<ObstacleEvent>,
}

/// Which cases to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObstacleQuery {
    /// The agency whose subtree is asked about (agencies by `parent_id`):
    /// cases raised or owned there, and cases watched there once overdue.
    pub scope: String,
    /// Only this status (API spelling).
    pub status: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only cases submitted in `[from, to)`.
    pub submitted: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Now, in epoch milliseconds: a watched case shows once `due_key` is
    /// before it.
    pub now_key: i64,
    /// At most this many, oldest due first.
    pub limit: u32,
}

/// The live figures of one procedure at a unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProcedureFigures {
    /// Open dossiers.
    pub open: u64,
    /// Open, clock running, due before now.
    pub overdue: u64,
    /// Open with the clock stopped.
    pub paused: u64,
}

/// The store of obstacles.
#[async_trait]
pub trait ObstacleStore: Send + Sync {
    /// Writes every change in one transaction: a new case when
    /// `expected_version` is 0 ([`StoreError::Conflict`] if the id exists),
    /// else the case must still be at that version ([`StoreError::Conflict`]
    /// otherwise, nothing written).
    async fn save_obstacles(&self, writes: &[ObstacleWrite]) -> Result<(), StoreError>;
    /// One case.
    async fn get_obstacle(&self, id: &str) -> Result<Option<Obstacle>, StoreError>;
    /// One case's events, in order.
    async fn obstacle_events(&self, id: &str) -> Result<Vec<ObstacleEvent>, StoreError>;
    /// The cases closed as duplicates of `id` (its group), in id order.
    async fn obstacles_merged_into(&self, id: &str) -> Result<Vec<Obstacle>, StoreError>;
    /// Cases of a scope, oldest due first (see [`ObstacleQuery`]).
    async fn list_obstacles(&self, query: &ObstacleQuery) -> Result<Vec<Obstacle>, StoreError>;
    /// Every case raised or owned in the scope's subtree with its events,
    /// for the monthly report (cases in id order, events in version order).
    async fn obstacle_histories(
        &self,
        scope: &str,
    ) -> Result<Vec<(String, Vec<ObstacleEvent>)>, StoreError>;
    /// Open cases of a category, other than drafts and merged ones, with
    /// their folded text, for grouping (at most `limit`).
    async fn group_candidates(
        &self,
        category: &str,
        limit: u32,
    ) -> Result<Vec<(String, String)>, StoreError>;
    /// Live figures of `procedure` over the dossiers received at or held by
    /// the agency `unit` or an agency below it.
    async fn procedure_figures(
        &self,
        unit: &str,
        procedure: &str,
        now_key: i64,
    ) -> Result<ProcedureFigures, StoreError>;
}

/// What the obstacle use cases need: the obstacles and the agency tree.
pub trait ObstaclePorts: ObstacleStore + crate::ports::AgencyDirectory {}

impl<T: ObstacleStore + crate::ports::AgencyDirectory + ?Sized> ObstaclePorts for T {}
