//! Dossiers (hồ sơ) and their lifecycle, as pure domain code.
//!
//! The aggregate follows the decide/evolve pattern:
//! [`decide()`]`(state, command, now)` checks a [`Command`] against the current
//! [`Dossier`] and returns the [`Event`]s it causes or a [`Refusal`];
//! [`evolve()`]`(state, event)` applies one event. The application layer
//! stores events, computes due instants with the legal clock and passes
//! them in commands; nothing here reads a clock or does I/O.
//!
//! Local statuses map to the national portal's `TrangThaiHoSo` codes through
//! the data file `reference/status/portal-status-map.toml` ([`portal`]).
//! Decision 766's on-time rule is in [`on_time_766`].

pub mod applicant;
pub mod code;
pub mod command;
pub mod decide;
pub mod event;
pub mod evolve;
pub mod ids;
pub mod on_time_766;
pub mod parts;
pub mod portal;
pub mod progress;
pub mod records;
pub mod refusal;
pub mod resume_due;
pub mod state;
pub mod status;

pub use applicant::{Applicant, ApplicantId, Channel};
pub use code::{DossierCode, DossierCodePattern};
pub use command::{Action, ActionKind, Actor, Command, Intake, ProcedureRef};
pub use decide::{decide, is_allowed};
pub use event::{Event, EventPayload, Form};
pub use evolve::{EvolveError, evolve, replay};
pub use ids::{AgencyId, AgencyIdForm, IdError, PersonalId, Sex, TaxCode};
pub use on_time_766::{
    EndKind, LateReason, Milestone, MilestoneKind, OnTimeVerdict, Span, evaluate_on_time,
};
pub use parts::{
    Component, ComponentState, DataReuse, DataSource, FeeKind, FeeLine, Payment, PaymentMethod,
    Rating, ResultDocument, ReturnMethod,
};
pub use portal::{PortalMapError, PortalStatus, PortalStatusMap, portal_status};
pub use progress::{Progress, ProgressKind};
pub use records::{
    AgencyClock, ControlRecord, Decline, Extension, Pause, ProgressRecord, SentSupplement,
    SuppliedFile, Timeliness,
};
pub use refusal::{Refusal, RefusalCode};
pub use resume_due::ResumedDue;
pub use state::{Dossier, IssuedForm};
pub use status::{DossierStatus, LocalStatus, SubStatus};
