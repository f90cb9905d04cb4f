//! API tests: the real router over a real SQLite file, one database per test.

mod agencies;
mod clock;
mod errors;
mod procedures;
mod support;
mod units;
