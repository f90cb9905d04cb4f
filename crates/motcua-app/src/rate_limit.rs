//! A per-officer limit on look-ups, kept in process memory (a sliding window).
//!
//! One instance per process: with several `motcua` nodes each node counts
//! alone, so the effective limit is the per-node limit times the nodes.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// At most `max` look-ups per officer in any `window`.
#[derive(Debug)]
pub struct RateLimiter {
    max: usize,
    window: Duration,
    recent: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl RateLimiter {
    /// The default desk limit: 30 look-ups a minute per officer.
    pub fn desk_default() -> Self {
        Self::new(30, Duration::minutes(1))
    }

    /// At most `max` look-ups in any `window`.
    pub fn new(max: usize, window: Duration) -> Self {
        Self {
            max,
            window,
            recent: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt at `now`; false when the officer is over the limit
    /// (the refused attempt is not counted, so waiting always helps).
    pub fn try_acquire(&self, officer_id: &str, now: DateTime<Utc>) -> bool {
        // A poisoned lock only means another thread panicked mid-update; the
        // counts are still usable.
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let times = recent.entry(officer_id.to_owned()).or_default();
        while times.front().is_some_and(|t| *t <= now - self.window) {
            times.pop_front();
        }
        if times.len() >= self.max {
            return false;
        }
        times.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_limit_is_per_officer_and_slides() {
        let limiter = RateLimiter::new(2, Duration::minutes(1));
        let t0 = Utc.with_ymd_and_hms(2025, 7, 1, 8, 0, 0).unwrap();
        assert!(limiter.try_acquire("a", t0));
        assert!(limiter.try_acquire("a", t0 + Duration::seconds(10)));
        assert!(!limiter.try_acquire("a", t0 + Duration::seconds(20)));
        assert!(limiter.try_acquire("b", t0 + Duration::seconds(20)));
        assert!(limiter.try_acquire("a", t0 + Duration::seconds(60)));
        assert!(!limiter.try_acquire("a", t0 + Duration::seconds(65)));
        assert!(limiter.try_acquire("a", t0 + Duration::seconds(71)));
    }
}
