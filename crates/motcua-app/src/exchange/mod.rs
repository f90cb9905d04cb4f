//! The exchange contract shared by the relay (producer) and the national
//! hub (receiver): CloudEvents envelopes, the dossier summary they carry and
//! Standard Webhooks signatures. No I/O here.

pub mod cloudevent;
pub mod obstacle;
pub mod signature;
pub mod summary;

pub use cloudevent::{CloudEvent, DossierEventData};
pub use obstacle::ObstacleSummary;
pub use signature::{SignatureError, SigningKey};
pub use summary::DossierSummary;
pub mod admin;
pub mod national;

pub use admin::ExchangeAdmin;
pub use national::{IntakeError, NationalService, SignedHeaders};
