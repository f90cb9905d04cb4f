//! Classification of administrative units (phân loại đơn vị hành chính):
//! NĐ 307/2025/NĐ-CP, with NQ 1211/2016/UBTVQH13 beside it for older dates.
//!
//! The scorer is table-driven: each rule is `(kind, criterion, base
//! threshold, base points, step, step points, cap, modifiers)` in a rule
//! file of `reference/classification/` with its effective dates
//! ([`RuleBook::in_force`]). The method (NĐ 307 Art. 4):
//!
//! - at or below the threshold a criterion earns its base points; above it
//!   the increment is **pro rata** on the difference (1.5 steps of +0.5 give
//!   0.75), up to the cap (Art. 4.3);
//! - each criterion is **rounded to 2 decimals**, half up (Art. 4.1), and
//!   the sum is exact ([`Points`] are hundredths);
//! - the criteria total at most 100; **priority points** (Art. 9) are kept
//!   apart: the special type is tested without them (≥ 90 plus conditions),
//!   types I (≥ 75), II (≥ 60) and III with them;
//! - a mountainous unit's population scale is taken at 75 % (threshold and
//!   step); the most favourable modifier applies;
//! - where the text was **not found** the rule file says so and the answer
//!   is "cannot classify: missing rule", never a guess; a **draft** rule is
//!   used only when a provisional score is asked for, and the answer says so.
//!
//! The transition of Art. 15 (merged: the highest type of the predecessors,
//! split: type III, until classified before 30/6/2026) is in [`transition`].

pub mod rules;
pub mod score;
pub mod transition;

#[cfg(test)]
mod tests;

pub use rules::{
    Criterion, Direction, Group, RuleBook, RuleError, RuleSet, RuleStatus, Thresholds, UnitKind,
};
pub use score::{
    InputValue, Inputs, LineState, Outcome, Points, ScoreLine, ScoreSheet, UnitClass, score,
};
pub use transition::{ChangeWhen, Formation, Transitional, classify_before, transitional_class};

use crate::unit::{AdministrativeUnit, UnitLevel, UnitType};

/// How a unit is classified: by points for a kind, or by law.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KindOf {
    /// Scored with the tables of this kind.
    Scored(UnitKind),
    /// Set by law (NĐ 307 Art. 2).
    FixedByLaw(UnitClass, &'static str),
    /// Not a unit that is classified (a legacy district).
    NotClassified,
}

/// The kind of a unit: Hà Nội (`01`) and TP HCM (`79`) are special by law,
/// the other centrally-run cities type I (Art. 2); provinces, xã, phường,
/// đặc khu and thị trấn are scored.
pub fn kind_of(unit: &AdministrativeUnit) -> KindOf {
    match (unit.level, unit.unit_type) {
        (UnitLevel::Province, UnitType::ThanhPho) => match unit.code.as_str() {
            "01" | "79" => KindOf::FixedByLaw(UnitClass::Special, "Điều 2 khoản 1"),
            _ => KindOf::FixedByLaw(UnitClass::I, "Điều 2 khoản 1"),
        },
        (UnitLevel::Province, _) => KindOf::Scored(UnitKind::Province),
        (UnitLevel::Commune, UnitType::Xa) => KindOf::Scored(UnitKind::Xa),
        (UnitLevel::Commune, UnitType::Phuong) => KindOf::Scored(UnitKind::Phuong),
        (UnitLevel::Commune, UnitType::DacKhu) => KindOf::Scored(UnitKind::DacKhu),
        (UnitLevel::Commune, UnitType::ThiTran) => KindOf::Scored(UnitKind::ThiTran),
        _ => KindOf::NotClassified,
    }
}

/// The score sheet of a unit whose type is set by law (no points).
pub fn fixed_by_law_sheet(set: &RuleSet, class: UnitClass, article: &str) -> ScoreSheet {
    ScoreSheet {
        rule_set: set.id.clone(),
        instrument: set.instrument.clone(),
        kind: UnitKind::Province,
        lines: Vec::new(),
        criteria_points: Points(0),
        priority_points: Points(0),
        total_points: Points(0),
        outcome: Outcome::FixedByLaw {
            class,
            article: article.to_owned(),
        },
    }
}
