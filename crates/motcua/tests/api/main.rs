//! API tests: the real router over a real SQLite file, one database per test.

mod agencies;
mod attachments;
mod catalog_dossiers;
mod clock;
mod conformance;
mod desk_header;
mod dossier_support;
mod dossiers_edges;
mod dossiers_journey;
mod errors;
mod filing_form;
mod identity;
mod limits;
mod matrix;
mod national_ids;
mod oidc;
mod online_reception;
mod people;
mod procedures;
mod public_pages;
mod receipts;
mod sector;
mod sector_support;
mod support;
mod units;
mod webhooks;
