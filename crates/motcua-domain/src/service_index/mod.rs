//! The Decision 766/QĐ-TTg service index (Bộ chỉ số phục vụ người dân,
//! doanh nghiệp): the facts it is computed from.
//!
//! The facts are what the other modules of motcua record (citizens'
//! feedback, online payments, electronic results, the dossiers
//! themselves), reduced to the fields an indicator reads. The engine reads
//! only these, so the rule set stays pure and testable.

pub mod facts;
