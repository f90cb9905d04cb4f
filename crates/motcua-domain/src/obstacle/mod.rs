//! Difficulties and obstacles (khó khăn, vướng mắc) of the two-tier local
//! government as tracked cases, reported upward and answered.
//!
//! A commune officer drafts a case for a unit ([`Draft`]): its category
//! (data, [`ObstacleRules`]), what it blocks (procedures, dossiers, fields),
//! since when, the concrete proposal and evidence. The case then moves by
//! [`decide`] / [`evolve`] like a dossier, one [`ObstacleEvent`] per step
//! with its actor and instant:
//!
//! ```text
//! drafted ─submit→ submitted ─receive→ received ─answer→ answered ─resolve→ resolved
//!                      │  ▲               │
//!                      │  └──receive── escalated ←─escalate─┘ (sở → UBND tỉnh → bộ/VPCP)
//!                      └─merge→ merged (closed as duplicate) ─group answer→ answered
//! ```
//!
//! Each submission or escalation carries the owner at its level and the due
//! date of the answer on the working-day clock (deadlines as data,
//! `reference/obstacles/obstacles.toml`); a case not answered by then is
//! overdue and shown to the level above ([`ObstacleRules::watcher`]). The
//! same obstacle raised by several units is grouped ([`SimilarityKey`],
//! diacritic-insensitive through [`crate::text::fold`]): one answer to the
//! group's case reaches every merged case as a `group_answered` event.
//! The monthly report ([`MonthlyReport`]) is computed from the event
//! histories for a reporting month (15th to 14th, NĐ 09/2019) and holds no
//! free text but the leader's assessment. ADR 0033 records the choices.

mod case;
mod group;
mod period;
mod report;
mod rules;

pub use case::{
    Actor, Answer, Blocks, Command, Draft, EvidenceFigures, Obstacle, ObstacleAction,
    ObstacleEvent, ObstacleRefusal, Owner, Payload, Status, decide, evolve, is_allowed, replay,
};
pub use group::{SAME_OBSTACLE, SimilarityKey};
pub use period::ReportingMonth;
pub use report::{CategoryLine, MonthlyReport, OwnerLine, ReportCase, ReportLine};
pub use rules::{Category, Level, Ministry, ObstacleRules, RuleSet, RulesError};

#[cfg(test)]
mod tests;
