//! Errors of the application layer.

use thiserror::Error;

/// What a store can answer besides success.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A concurrent writer won, or a uniqueness rule was hit.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Anything else (connection lost, disk full...), with context.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// What a use case can answer besides success. The web layer maps each
/// variant to one HTTP status and a Problem Details body.
#[derive(Debug, Error)]
pub enum AppError {
    /// Input that does not make sense; the message is for the person who sent it.
    #[error("{0}")]
    Invalid(String),
    /// The thing asked for does not exist (or must not be known to exist).
    #[error("{0}")]
    NotFound(String),
    /// The action conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// A failure that is not the caller's fault.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<StoreError> for AppError {
    fn from(value: StoreError) -> Self {
        match value {
            StoreError::NotFound => AppError::NotFound("không tìm thấy / not found".into()),
            StoreError::Conflict(msg) => AppError::Conflict(msg),
            StoreError::Other(err) => AppError::Unexpected(err),
        }
    }
}
