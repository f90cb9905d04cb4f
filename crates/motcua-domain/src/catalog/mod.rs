//! The procedure catalog (danh mục thủ tục hành chính).
//!
//! A [`Procedure`] is identified by its national [`ProcedureCode`] and holds
//! what a one-stop desk needs: deciding agencies, the legal time limit
//! ([`Timing`]), fees, dossier components with their data-reuse waivers, the
//! form set and a workflow template. Procedures change over time, so the
//! catalog stores [`ProcedureVersion`]s with validity dates; a dossier binds to
//! the [`VersionKey`] it was filed under.
//!
//! The human-editable format is TOML ([`parse_catalog`], [`check`],
//! [`export_catalog`]); every problem is reported at once as a bilingual
//! [`Diagnostic`] with file, line, column and field path. Facts the sources do
//! not confirm are kept with their [`Source`] tag instead of being invented.
//! Nothing here does I/O: callers pass file names and text.

mod code;
mod diagnostic;
mod export;
mod import;
mod import_parts;
mod keyword;
mod model;
mod parts;
mod reader;
mod search;
mod seed;
mod tree;
mod validate;
mod versions;
mod workflow;

pub use code::{InvalidProcedureCode, ProcedureCode};
pub use diagnostic::{Diagnostic, DiagnosticKind};
pub use export::export_catalog;
pub use import::{check, parse_catalog};
pub use import_parts::MAX_FEE_VND;
pub use keyword::Keyword;
pub use model::{
    AgencyType, BoundaryFree, Field, Level, OnlineLevel, Procedure, ProcedureVersion, Source,
    Timing, VersionKey,
};
pub use parts::{Component, DocumentForm, Fee, FeeBasis, Fees, Requirement, Waiver, WaiverSource};
pub use search::{score, search};
pub use seed::{SEED_CATALOG_TOML, seed_catalog};
pub use validate::validate;
pub use versions::Catalog;
pub use workflow::{FormPreset, FormRole, FormSet, Step, StepRole};
