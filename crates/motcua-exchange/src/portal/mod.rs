//! The national public service portal (Cổng DVCQG) adapter: payload
//! mapping with required-field checks, the HTTP client, and a sink.

pub mod client;
pub mod map;
pub mod payload;
pub mod sink;

pub use client::{PortalClient, PortalSettings};
pub use map::{ProcedureNames, dong_bo, missing_fields, tien_do};
pub use sink::PortalSink;
