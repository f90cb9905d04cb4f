//! The transition (NĐ 307/2025 Art. 15): the type a unit holds until it is
//! classified.
//!
//! - Units formed by the 2025 rearrangement must be classified **before
//!   30/6/2026**; units not rearranged in 2025 before 30/4/2026 (they keep
//!   their old type until then); units created, merged or split after
//!   27/11/2025 within one year of the resolution taking effect.
//! - Until then a **merged** unit takes the **highest** type among its
//!   predecessors, a **split** unit is **type III**, a unit formed from one
//!   predecessor keeps that predecessor's type.
//!
//! "Before 30/6/2026" is read as: on 30/6/2026 the unit must already be
//! classified, so a unit still unclassified on that day is overdue
//! (`overdue` in the answer); the transitional type is still shown, marked.

use chrono::{Months, NaiveDate};
use serde::Serialize;

use super::score::UnitClass;

/// How a unit came to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "formation")]
pub enum Formation {
    /// Not rearranged: keeps its old type (`None` when it had none).
    Unchanged {
        /// The old type.
        previous: Option<UnitClass>,
    },
    /// Formed from several predecessors (nhập).
    Merged {
        /// The predecessors' types.
        predecessors: Vec<UnitClass>,
    },
    /// Formed by splitting (chia, tách).
    Split,
    /// Formed from one predecessor (e.g. renamed, or changed kind).
    FromOne {
        /// The predecessor's type.
        predecessor: UnitClass,
    },
}

/// When the change took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeWhen {
    /// The 2025 rearrangement (in force 1/7/2025).
    Rearrangement2025,
    /// After 27/11/2025: the resolution took effect on this date.
    After307(NaiveDate),
}

/// The transitional answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transitional {
    /// The type held until classified (`None`: an unchanged unit with no old type).
    pub class: Option<UnitClass>,
    /// The rule, `vi / en`.
    pub rule: String,
    /// The day by which the unit must be classified (exclusive: "before").
    pub classify_before: NaiveDate,
    /// `on` is on or after that day and the unit is still unclassified.
    pub overdue: bool,
}

/// The deadline of Art. 15 for a change.
pub fn classify_before(formation: &Formation, when: ChangeWhen) -> NaiveDate {
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap_or(NaiveDate::MIN);
    match (formation, when) {
        (Formation::Unchanged { .. }, _) => d(2026, 4, 30),
        (_, ChangeWhen::Rearrangement2025) => d(2026, 6, 30),
        (_, ChangeWhen::After307(effective)) => effective
            .checked_add_months(Months::new(12))
            .unwrap_or(NaiveDate::MAX),
    }
}

/// The type a unit holds on `on` until it is classified.
pub fn transitional_class(formation: &Formation, when: ChangeWhen, on: NaiveDate) -> Transitional {
    let before = classify_before(formation, when);
    let (class, rule) = match formation {
        Formation::Unchanged { previous } => (
            *previous,
            "Giữ loại cũ đến khi phân loại lại (Điều 15) / keeps its old type until reclassified (Art. 15)",
        ),
        // UnitClass orders Special < I < II < III: the highest type is the minimum.
        Formation::Merged { predecessors } => (
            predecessors.iter().min().copied(),
            "Nhập: loại cao nhất của các đơn vị trước (Điều 15) / merged: the highest type of its predecessors (Art. 15)",
        ),
        Formation::Split => (
            Some(UnitClass::III),
            "Chia, tách: loại III (Điều 15) / split: type III (Art. 15)",
        ),
        Formation::FromOne { predecessor } => (
            Some(*predecessor),
            "Từ một đơn vị: giữ loại của đơn vị đó (Điều 15) / from one predecessor: keeps its type (Art. 15)",
        ),
    };
    Transitional {
        class,
        rule: rule.to_owned(),
        classify_before: before,
        overdue: on >= before,
    }
}
