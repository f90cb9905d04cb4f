//! The Decision 766/QĐ-TTg service index (Bộ chỉ số phục vụ người dân,
//! doanh nghiệp): the facts it is computed from.
//!
//! The facts are what the other modules of motcua record (citizens'
//! feedback, online payments, electronic results, the dossiers
//! themselves), reduced to the fields an indicator reads. The engine reads
//! only these, so the rule set stays pure and testable.

pub mod dossier_fact;
pub mod engine;
pub mod facts;
pub mod period;
pub mod rules;

pub use dossier_fact::DossierFact;
pub use engine::{FactSet, IndexReport, IndicatorResult, Level, compute, rank};
pub use period::{Period, PeriodError};
pub use rules::{RuleSet, built_in, in_force};
