//! Use cases of motcua and the ports they need.
//!
//! The web layer and the CLI call the services here; the services call the
//! store traits in [`ports`], which the SQLite and PostgreSQL crates implement.

#![forbid(unsafe_code)]

pub mod addresses;
pub mod agencies;
pub mod attachments;
pub mod audit;
pub mod authz;
pub mod catalog;
pub mod classification;
pub mod credential_cache;
pub mod dossiers;
pub mod due_dates;
pub mod error;
pub mod exchange;
pub mod feedback;
pub mod grants;
pub mod identity;
pub mod lookup;
pub mod notices;
pub mod obstacles;
pub mod payments;
pub mod people;
pub mod policy;
pub mod ports;
pub mod rate_limit;
pub mod refdata;
pub mod registry;
pub mod service_index;
pub mod staff;
pub mod training;
pub mod units;
pub mod webhooks;
pub mod workload;

pub use error::{AppError, StoreError};
