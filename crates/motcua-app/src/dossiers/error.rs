//! What a dossier use case can answer besides success. The web layer maps
//! each variant to one HTTP status and a Problem Details document.

use motcua_domain::dossier::{IdError, Refusal};
use thiserror::Error;

use crate::{AppError, StoreError};

/// Errors of the dossier use cases.
#[derive(Debug, Error)]
pub enum DossierError {
    /// Input that does not make sense (400), with a machine code.
    #[error("{en} / {vi}")]
    Invalid {
        /// Machine code, e.g. `personal_id.shape`.
        code: String,
        /// Message in Vietnamese.
        vi: String,
        /// Message in English.
        en: String,
    },
    /// No such dossier, or not to be revealed (404).
    #[error("{0}")]
    NotFound(String),
    /// The state machine refused the action (409), with its reason.
    #[error("{0}")]
    Refused(Refusal),
    /// Someone else changed the dossier first (409).
    #[error("{0}")]
    Stale(String),
    /// The idempotency key was already used for a different request (422).
    #[error("{0}")]
    KeyReused(String),
    /// The officer's agency does not cover the dossier (403).
    #[error("{0}")]
    Forbidden(String),
    /// Not the caller's fault (503).
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl DossierError {
    /// A 400 with a code and both messages.
    pub fn invalid(code: &str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Invalid {
            code: code.to_owned(),
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// The machine code shown in the problem document.
    pub fn code(&self) -> &str {
        match self {
            Self::Invalid { code, .. } => code,
            Self::NotFound(_) => "not_found",
            Self::Refused(r) => r.code.as_str(),
            Self::Stale(_) => "stale_version",
            Self::KeyReused(_) => "idempotency_key_reused",
            Self::Forbidden(_) => "forbidden",
            Self::Unexpected(_) => "unavailable",
        }
    }
}

impl From<IdError> for DossierError {
    fn from(e: IdError) -> Self {
        Self::Invalid {
            code: e.code.to_owned(),
            vi: e.vi,
            en: e.en,
        }
    }
}

impl From<StoreError> for DossierError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound(not_found_text()),
            StoreError::Conflict(msg) => Self::Stale(msg),
            StoreError::Other(err) => Self::Unexpected(err),
        }
    }
}

impl From<AppError> for DossierError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(msg) => Self::invalid("invalid", msg.clone(), msg),
            AppError::NotFound(msg) => Self::NotFound(msg),
            AppError::Conflict(msg) => Self::Stale(msg),
            AppError::Unexpected(err) => Self::Unexpected(err),
        }
    }
}

/// The one answer for an unknown dossier (and a wrong tracking verifier).
pub fn not_found_text() -> String {
    "Không tìm thấy hồ sơ với mã và thông tin xác minh này / \
     no dossier matches this code and verifier"
        .to_owned()
}
