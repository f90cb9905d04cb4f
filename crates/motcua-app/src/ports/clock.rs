//! The one clock (ADR 0028): every use case, handler, relay and command
//! reads "now" from an injected [`Clock`], never from `Utc::now()` (a
//! clippy `disallowed-methods` rule in `clippy.toml` enforces it). The
//! domain takes `now` as an argument (ADR 0006).
//!
//! [`Clock::system`] is the only place the wall clock is read; tests use a
//! [`TestClock`], which they set and advance.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, NaiveDate, SubsecRound, Utc};

/// Where the current time comes from: the system clock in production, a
/// [`TestClock`] (or a fixed instant) in tests. Cheap to clone.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    /// The system's wall clock.
    pub fn system() -> Self {
        Self(Arc::new(system_now))
    }

    /// A clock that always reads `at`.
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Self(Arc::new(move || at))
    }

    /// A clock reading `now` (for adapters that keep time elsewhere).
    pub fn from_fn(now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }

    /// The current instant to the millisecond (what dossier rows store
    /// exactly on both engines).
    pub fn now_millis(&self) -> DateTime<Utc> {
        self.now().trunc_subsecs(3)
    }

    /// The current instant to the microsecond (the precision both engines
    /// store for timestamps).
    pub fn now_micros(&self) -> DateTime<Utc> {
        self.now().trunc_subsecs(6)
    }

    /// Today in Vietnam (UTC+7), the day every legal date is counted in.
    pub fn today(&self) -> NaiveDate {
        motcua_domain::clock::to_local(self.now()).date()
    }
}

impl Default for Clock {
    /// The system clock.
    fn default() -> Self {
        Self::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Clock").field(&self.now()).finish()
    }
}

/// The one read of the wall clock in the workspace.
#[allow(clippy::disallowed_methods)] // the system clock is the injected clock's source (ADR 0028)
fn system_now() -> DateTime<Utc> {
    Utc::now()
}

/// A clock for tests: it reads what it was set to, and moves only when
/// told ([`TestClock::set`], [`TestClock::advance`]). Its [`Clock`]
/// ([`TestClock::clock`]) follows every change.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    /// A clock reading `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(at)))
    }

    /// A clock starting at the system's time (for tests whose store or
    /// peer also reads the wall clock), then moving only when told.
    pub fn starting_now() -> Self {
        Self::new(system_now())
    }

    /// What the clock reads.
    pub fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sets the clock to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = at;
    }

    /// Moves the clock forward (or back, with a negative `by`).
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }

    /// The [`Clock`] to inject; it follows this test clock.
    pub fn clock(&self) -> Clock {
        let this = self.clone();
        Clock::from_fn(move || this.now())
    }
}

impl From<TestClock> for Clock {
    fn from(test: TestClock) -> Self {
        test.clock()
    }
}

impl fmt::Debug for TestClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TestClock").field(&self.now()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 5, h, 0, 0).unwrap()
    }

    #[test]
    fn a_test_clock_moves_only_when_told_and_its_clock_follows() {
        let test = TestClock::new(at(1));
        let clock = test.clock();
        assert_eq!(clock.now(), at(1));
        test.advance(Duration::hours(2));
        assert_eq!(clock.now(), at(3));
        test.set(at(20));
        assert_eq!(clock.now(), at(20));
        // 20:00 UTC is already the next day in Vietnam.
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2026, 12, 6).unwrap());
    }

    #[test]
    fn a_fixed_clock_reads_its_instant_truncated_on_request() {
        let t = at(4) + Duration::nanoseconds(123_456_789);
        let clock = Clock::fixed(t);
        assert_eq!(clock.now(), t);
        assert_eq!(clock.now_millis().timestamp_subsec_nanos(), 123_000_000);
        assert_eq!(clock.now_micros().timestamp_subsec_nanos(), 123_456_000);
    }
}
