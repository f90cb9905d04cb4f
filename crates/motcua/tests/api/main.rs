//! API tests: the real router over a real SQLite file, one database per test.

mod agencies;
mod errors;
mod support;
mod units;
