//! The `motcua` binary's library half: configuration, wiring and commands,
//! kept here so that integration tests drive the same code as the binary.

#![forbid(unsafe_code)]

pub mod attachments;
pub mod cli;
pub mod commands;
pub mod config;
pub mod exchange;
pub mod listener;
pub mod logging;
pub mod serve;
pub mod wiring;
