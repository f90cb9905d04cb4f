//! Errors of the legal clock.

use chrono::{DateTime, Utc};

use crate::calendar::CalendarError;

/// Why a due date could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// The calendar could not answer (e.g. a date outside 1900–2199).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A pause starts before the dossier was received.
    #[error("pause requested at {0} before the dossier was received")]
    PauseBeforeReceipt(DateTime<Utc>),
    /// A pause ends before it starts.
    #[error("pause requested at {0} ends before it starts")]
    PauseEndsBeforeStart(DateTime<Utc>),
    /// Two pauses overlap, or a pause starts after one still open.
    #[error("pauses overlap at {0}")]
    OverlappingPauses(DateTime<Utc>),
    /// An extension is dated before the receipt.
    #[error("extension granted at {0} before the dossier was received")]
    ExtensionBeforeReceipt(DateTime<Utc>),
    /// An extension is granted while a pause is still open.
    #[error("extension granted at {0} while the clock is stopped")]
    ExtensionDuringOpenPause(DateTime<Utc>),
    /// The limit is too large to represent.
    #[error("time limit too large")]
    LimitTooLarge,
}
