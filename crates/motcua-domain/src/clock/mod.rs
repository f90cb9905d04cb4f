//! The legal clock (thời hạn giải quyết): due dates in working days, hours,
//! calendar days or months, with pauses, extensions and explanations.
//!
//! No general national rule for computing the appointment date
//! (`NgayHenTra`) was found (one-stop-rules §2.5: NOT FOUND), so the rules
//! below are motcua's explicit choices, configurable per procedure through
//! [`ReceptionRules`]; `docs/decisions/0004-legal-clock.md` records them.
//! All local times are Asia/Ho_Chi_Minh, a fixed UTC+7.
//!
//! **Start day (day 0).** A receipt on a working day, before the closing
//! time and before the procedure's cut-off (if any), starts on that day (also
//! before opening). Otherwise counting starts on the next working day. With
//! `saturday_morning_reception`, an ordinary Saturday (not a holiday) is a
//! reception day: a receipt before the end of its morning window, or after
//! hours on the working day before it, starts on that Saturday, so the first
//! working day after it is working day 1.
//!
//! **Limits.**
//! - *N working days*: due at the end of the office day (closing time, 17:00)
//!   of the N-th working day after day 0. *0 working days* (trong ngày): end of
//!   day 0 (end of the morning window for a Saturday reception).
//! - *N calendar days*: end of office day of day 0 + N, moved to the next
//!   working day if that is not one.
//! - *N months*: same day of month N months after day 0 (clamped to the
//!   month's end), moved to the next working day.
//! - *N working hours*: N × 60 office minutes inside the office windows of
//!   working days, from the receipt time (or the next opening).
//!
//! **Pauses and extensions.** A closed pause of N working days (closing
//! times passed between request and receipt of the supplement) moves the due
//! instant by exactly N working days (N office minutes for hour limits). An
//! open pause stops the clock: no due instant. An extension (form 04)
//! replaces the due instant. Events apply in time order (a pause when the
//! supplement arrives, an extension when granted). A due date given
//! explicitly (procedure without a statutory limit) moves across pauses by
//! the same rule ([`move_due`]), never by wall-clock time.

mod classify;
mod due;
mod elapsed;
mod error;
mod explain;
mod hours;
mod local;
mod request;
mod start;

pub use classify::{Timeliness, classify_completion};
pub use due::{DueDate, compute_due, due_instant, move_due};
pub use elapsed::{WorkingTime, working_time_between};
pub use error::ClockError;
pub use explain::Step;
pub use local::{from_local, local_days, to_local};
pub use request::{ClockRequest, Extension, Pause, ReceptionRules};
