//! The staff registry, unit statistics and classifications, and the
//! dossier aggregates the workload and shortage signal are measured from.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::staff::StaffMember;
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// One statistic of a unit (an input of the classification).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitStatistic {
    /// The administrative unit code.
    pub unit_code: String,
    /// The input's name, as in the rule file.
    pub name: String,
    /// The value as written (`2060000`, `true`).
    pub value: String,
    /// Where it comes from.
    pub source: String,
    /// Its date.
    pub as_of: NaiveDate,
}

/// A score sheet kept for a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassificationRecord {
    /// The administrative unit code.
    pub unit_code: String,
    /// When it was computed.
    pub computed_at: DateTime<Utc>,
    /// The rule set.
    pub rule_set: String,
    /// `I`, `II`, `III`, `special` or `cannot_classify`.
    pub result: String,
    /// Who asked (`officer:<id>`, `system:cli`).
    pub actor: String,
    /// The score sheet, as JSON.
    pub sheet: serde_json::Value,
}

/// The scope and period of a workload question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadQuery {
    /// The agency root: every agency below it counts.
    pub root: String,
    /// From (inclusive).
    pub from: DateTime<Utc>,
    /// To (exclusive).
    pub to: DateTime<Utc>,
    /// Now in epoch milliseconds: running dossiers due before it are overdue.
    pub now_key: i64,
    /// Office windows as minutes of the (Vietnam-time) day, `[start, end)`.
    pub windows: Vec<(u32, u32)>,
}

/// Officers' actions grouped by unit, field, officer, day and whether they
/// fell in the office windows (the calendar then tells working days).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionGroup {
    /// Administrative unit code of the dossier's receiving agency.
    pub unit_code: String,
    /// The procedure's field (folded).
    pub field: String,
    /// `officer:<id>`.
    pub officer: String,
    /// Vietnam-time day.
    pub day: NaiveDate,
    /// Inside an office window.
    pub in_window: bool,
    /// How many actions.
    pub actions: u64,
}

/// Dossiers by unit, field and officer (distinct dossiers the officer acted on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandledCount {
    /// Administrative unit code.
    pub unit_code: String,
    /// Field (folded).
    pub field: String,
    /// `officer:<id>`.
    pub officer: String,
    /// Distinct dossiers.
    pub dossiers: u64,
}

/// Dossiers received in the period by unit and field, and those overdue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCount {
    /// Administrative unit code.
    pub unit_code: String,
    /// Field (folded).
    pub field: String,
    /// Dossiers submitted in the period.
    pub dossiers: u64,
    /// Of those, late (counted late, or running past their due instant).
    pub overdue: u64,
}

/// One officer's action with the instant of the dossier's event before it
/// (when the dossier came to them): the span the legal clock's working
/// hours consumed are measured over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionSpan {
    /// Administrative unit code of the dossier's receiving agency.
    pub unit_code: String,
    /// The procedure's field (folded).
    pub field: String,
    /// `officer:<id>`.
    pub officer: String,
    /// The dossier's previous event.
    pub from: DateTime<Utc>,
    /// The officer's action.
    pub at: DateTime<Utc>,
}

/// The store of staff, statistics, classifications and workload aggregates.
#[async_trait]
pub trait StaffStore: Send + Sync {
    /// Inserts or replaces each member (by id) with their expertise tags.
    async fn save_staff(
        &self,
        members: &[StaffMember],
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError>;
    /// Every member whose unit agency is `root` or below it, by id.
    async fn list_staff(&self, root: &str) -> Result<Vec<StaffMember>, StoreError>;
    /// Administrative unit code of each agency at or below `root`.
    async fn agency_units(&self, root: &str) -> Result<Vec<(String, String)>, StoreError>;
    /// Inserts or replaces statistics (by unit and name).
    async fn save_unit_statistics(&self, rows: &[UnitStatistic]) -> Result<(), StoreError>;
    /// The statistics of a unit, by name.
    async fn unit_statistics(&self, unit_code: &str) -> Result<Vec<UnitStatistic>, StoreError>;
    /// Keeps a score sheet.
    async fn save_classification(&self, record: &ClassificationRecord) -> Result<(), StoreError>;
    /// The latest score sheet of a unit.
    async fn last_classification(
        &self,
        unit_code: &str,
    ) -> Result<Option<ClassificationRecord>, StoreError>;
    /// Officers' actions in the period, grouped (see [`ActionGroup`]).
    async fn action_groups(&self, q: &WorkloadQuery) -> Result<Vec<ActionGroup>, StoreError>;
    /// Distinct dossiers each officer acted on in the period.
    async fn handled_counts(&self, q: &WorkloadQuery) -> Result<Vec<HandledCount>, StoreError>;
    /// Dossiers submitted in the period by unit and field, with the overdue.
    async fn field_counts(&self, q: &WorkloadQuery) -> Result<Vec<FieldCount>, StoreError>;
    /// Officers' actions in the period that follow another event of their
    /// dossier, with that event's instant (see [`ActionSpan`]).
    async fn action_spans(&self, q: &WorkloadQuery) -> Result<Vec<ActionSpan>, StoreError>;
}
