//! The due dates of a dossier once its supplement arrives: the legal clock
//! applied to the dossier's pauses and extensions. One rule for every
//! procedure: with a statutory limit the clock recounts it, without one the
//! due date given at reception moves by the same working-day rule
//! ([`crate::clock::move_due`]); never by wall-clock time (ADR 0004).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::state::Dossier;
use crate::calendar::WorkingCalendar;
use crate::clock::{
    ClockError, ClockRequest, Extension, Pause, ReceptionRules, compute_due, move_due,
};
use crate::legal_time::{TimeLimit, TimeUnit};

/// The two due dates after a supplement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumedDue {
    /// The due date shown to staff and the applicant: moved across every
    /// pause, replaced by extensions.
    pub due_at: DateTime<Utc>,
    /// The due date the on-time rule compares with: the same pauses, no
    /// extensions ([`Dossier::on_time`]).
    pub on_time_due_at: DateTime<Utc>,
}

impl Dossier {
    /// The clock's pauses, the open one closed at `now`.
    pub fn clock_pauses(&self, now: DateTime<Utc>) -> Vec<Pause> {
        self.pauses
            .iter()
            .map(|p| Pause {
                requested_at: p.from,
                resumed_at: Some(p.until.unwrap_or(now)),
            })
            .collect()
    }

    /// The clock's extensions.
    pub fn clock_extensions(&self) -> Vec<Extension> {
        self.extensions
            .iter()
            .map(|e| Extension {
                granted_at: e.at,
                new_due: e.new_due_at,
                reason: e.reason.clone(),
            })
            .collect()
    }

    /// The due dates once the supplement arrives at `now` (the open pause
    /// closed then); `None` for a dossier not received yet (nothing runs).
    ///
    /// `limit`: the procedure's statutory limit and reception rules, or
    /// `None` for a procedure without one, whose due date was given at
    /// reception: that date then moves across the pauses by the working
    /// days elapsed, exactly as a limited procedure's due date does.
    pub fn due_after_supplement(
        &self,
        cal: &WorkingCalendar,
        limit: Option<(TimeLimit, ReceptionRules)>,
        province: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<ResumedDue>, ClockError> {
        let Some(received_at) = self.received_at else {
            return Ok(None);
        };
        let pauses = self.clock_pauses(now);
        let extensions = self.clock_extensions();
        let (due, on_time) = match limit {
            Some((limit, reception)) => {
                let mut req = ClockRequest::new(received_at, limit);
                req.reception = reception;
                req.province = province.map(str::to_owned);
                req.pauses = pauses;
                let on_time = compute_due(cal, &req)?.due_at;
                req.extensions = extensions;
                (compute_due(cal, &req)?.due_at, on_time)
            }
            None => {
                let Some(base) = self.original_due_at.or(self.due_at) else {
                    return Ok(None);
                };
                let unit = TimeUnit::WorkingDays;
                (
                    move_due(cal, base, unit, &pauses, &extensions, province)?,
                    move_due(cal, base, unit, &pauses, &[], province)?,
                )
            }
        };
        Ok(due.zip(on_time).map(|(due_at, on_time_due_at)| ResumedDue {
            due_at,
            on_time_due_at,
        }))
    }
}
