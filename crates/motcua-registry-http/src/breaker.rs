//! A small circuit breaker: closed → open after N failed calls in a row →
//! half-open after the cool-down (one trial call) → closed or open again.
//! The cool-down is counted on the injected [`Clock`] (ADR 0028), so a test
//! moves past it without waiting.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use motcua_app::ports::Clock;
use motcua_app::ports::registry::RegistryError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed { failures: u32 },
    Open { until: DateTime<Utc> },
    HalfOpen,
}

/// Proof that a call was let through, and whether it was the half-open trial.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Permit {
    trial: bool,
}

#[derive(Debug)]
pub(crate) struct Breaker {
    threshold: u32,
    cooldown: chrono::Duration,
    clock: Clock,
    state: Mutex<State>,
}

impl Breaker {
    pub(crate) fn new(threshold: u32, cooldown: Duration, clock: Clock) -> Self {
        Self {
            threshold: threshold.max(1),
            cooldown: chrono::Duration::from_std(cooldown).unwrap_or(chrono::Duration::MAX),
            clock,
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Lets a call through, or refuses it while open (or while the trial runs).
    pub(crate) fn permit(&self) -> Result<Permit, RegistryError> {
        let mut state = self.lock();
        match *state {
            State::Closed { .. } => Ok(Permit { trial: false }),
            State::Open { until } if self.clock.now() >= until => {
                *state = State::HalfOpen;
                Ok(Permit { trial: true })
            }
            State::Open { .. } | State::HalfOpen => Err(RegistryError::CircuitOpen),
        }
    }

    /// Records how a permitted call went.
    pub(crate) fn record(&self, permit: Permit, healthy: bool) {
        let mut state = self.lock();
        *state = match (*state, healthy) {
            (_, true) => State::Closed { failures: 0 },
            (State::HalfOpen, false) if permit.trial => State::Open {
                until: self.clock.now() + self.cooldown,
            },
            (State::Closed { failures }, false) if failures + 1 >= self.threshold => State::Open {
                until: self.clock.now() + self.cooldown,
            },
            (State::Closed { failures }, false) => State::Closed {
                failures: failures + 1,
            },
            (other, false) => other,
        };
    }
}
