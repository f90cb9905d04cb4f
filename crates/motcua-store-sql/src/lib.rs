//! The SQL both motcua store engines share, written once.
//!
//! `motcua-store-sqlite` and `motcua-store-postgres` implement the same port
//! traits (`motcua_app::ports`) over the same tables. Where the two dialects
//! agree, the query text and the method body live here, once, as a
//! `macro_rules!` macro that each engine invokes in its own module; what
//! really differs (SQLite's group-commit writer, `INDEXED BY` hints,
//! PostgreSQL's `FOR UPDATE SKIP LOCKED`, JSON functions, bulk loads, the
//! migrations) stays hand-written in the engine crate. ADR 0026 records why
//! a macro and not a generic over `sqlx::Database`.
//!
//! # The one SQL text
//!
//! Placeholders are `$1 … $n` on both engines: sqlx's SQLite driver binds a
//! `$NNN` parameter to the NNN-th bound value, exactly like PostgreSQL.
//! Booleans are tested bare (`WHERE active`) or against `TRUE`/`FALSE`, which
//! SQLite reads as 1/0. Values are bound with the type PostgreSQL needs
//! (`i16`, `i32`, `NaiveDate`); SQLite stores the same integers and
//! `%Y-%m-%d` text it stored before. What still differs goes through the
//! engine's `dialect` module (see the contract below).
//!
//! # The engine contract
//!
//! A macro expands inside the engine crate, so the names it uses are that
//! crate's. Each engine crate's root invokes [`engine_root!`], which
//! defines `Engine` (the store type), `Db`, `EngineRow`, `EngineConnection`,
//! `other(err, what)` and `impl Store`, and then provides itself:
//!
//! - `Engine::begin_write(&self)` — a write transaction (`BEGIN IMMEDIATE`
//!   on SQLite, a plain `BEGIN` on PostgreSQL) — and a `pool` field;
//! - a `dialect` module: `FOR_UPDATE`, `JSON_IN`, `JSON_OUT`, `OUTBOX_JSON_IN`,
//!   `OUTBOX_TXID`, `UP_TO_CURSOR`, `CLOCK_RUNNING` and `serialise(conn,
//!   key)`, the only places where the two dialects differ inside shared SQL;
//! - for the ports that are only partly shared, the engine's own part
//!   (`engine_create_dossier`, `engine_claim_in` and `engine_settle_in`,
//!   `insert_agencies_batch`,
//!   a `bulk` module for units, `push_lanes` for work lists; see each macro);
//!
//! and depends on `sqlx`, `async-trait`, `anyhow`, `chrono`, `serde_json`,
//! `motcua-app` and `motcua-domain` under those names. This crate itself has
//! no dependencies.
//!
//! A macro is invoked once, alone, in the engine's module of the same name:
//!
//! ```text
//! //! Webhook subscriptions on SQLite: the shared SQL.
//! motcua_store_sql::webhook_store!();
//! ```

#![forbid(unsafe_code)]
#![allow(
    clippy::crate_in_macro_def,
    reason = "each macro implements a port for the engine crate that invokes it: \
              `crate::Engine` is that engine by design, not this crate"
)]

mod accounts;
mod agencies;
mod attachments;
mod audit;
mod catalog;
mod dossier_rows;
mod dossiers;
mod electronic_results;
mod engine;
mod exchange;
mod feedback;
mod grants;
mod index_facts;
mod national;
mod notices;
mod obstacles;
mod payments;
mod reference_version;
mod residents;
pub mod scope_cache;
mod staff;
mod training;
mod units;
mod webhooks;
mod work_list;

/// The key that serialises audit appends ("AUDT"): a PostgreSQL advisory
/// lock; SQLite's `BEGIN IMMEDIATE` needs none (see each `dialect::serialise`).
pub const AUDIT_LOCK: i64 = 0x4155_4454;

/// The key that serialises catalog imports ("catalog" in ASCII).
pub const CATALOG_LOCK: i64 = 0x0063_6174_616c_6f67;

/// The key that serialises reference unit loads and change sets, so that a
/// change applied while the reference is being reloaded lands on the new rows.
pub const UNITS_LOCK: i64 = 0x6d6f_7463_7561_0001;
