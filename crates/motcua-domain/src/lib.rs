//! Pure rules of Vietnam's one-stop administrative service (*một cửa*).
//!
//! Nothing here performs I/O: no tokio, no sqlx, no axum. Every rule is a
//! function of its inputs, so it can be unit- and property-tested, and the
//! same answer comes back when a due date or a status is recomputed later.

#![forbid(unsafe_code)]

pub mod address;
pub mod agency;
pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod classification;
pub mod clock;
pub mod dossier;
pub mod feedback;
pub mod format;
pub mod grant;
pub mod identity;
pub mod legal_time;
pub mod notice;
pub mod obstacle;
pub mod payment;
pub mod redact;
pub mod resident;
pub mod service_index;
pub mod stable_hash;
pub mod staff;
pub mod text;
pub mod unit;
pub mod webhook;
