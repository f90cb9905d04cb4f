//! Exponential backoff with jitter between delivery attempts.

use std::time::Duration;

/// Retry policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Delay after the first failure.
    pub base: Duration,
    /// Longest delay.
    pub max: Duration,
    /// Attempts after which a row becomes a dead letter.
    pub max_attempts: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(1),
            max: Duration::from_secs(600),
            max_attempts: 10,
        }
    }
}

impl Backoff {
    /// The delay before attempt `attempts + 1`, after `attempts` failures
    /// (≥ 1): `base · 2^(attempts-1)` capped at `max`, then scaled by a
    /// random factor in [0.5, 1.0] ("equal jitter") so that relays retrying
    /// together spread out.
    pub fn delay(&self, attempts: u32, unit_random: f64) -> Duration {
        let exp = attempts.saturating_sub(1).min(30);
        let raw = self.base.saturating_mul(1u32 << exp).min(self.max);
        raw.mul_f64(0.5 + 0.5 * unit_random.clamp(0.0, 1.0))
    }

    /// Whether a row that failed `attempts` times is dead.
    pub fn is_dead(&self, attempts: u32) -> bool {
        attempts >= self.max_attempts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_are_capped_and_jittered() {
        let b = Backoff {
            base: Duration::from_millis(100),
            max: Duration::from_secs(1),
            max_attempts: 4,
        };
        assert_eq!(b.delay(1, 1.0), Duration::from_millis(100));
        assert_eq!(b.delay(2, 1.0), Duration::from_millis(200));
        assert_eq!(b.delay(3, 1.0), Duration::from_millis(400));
        assert_eq!(b.delay(5, 1.0), Duration::from_secs(1));
        assert_eq!(b.delay(40, 1.0), Duration::from_secs(1));
        assert_eq!(b.delay(2, 0.0), Duration::from_millis(100));
        assert!(b.delay(3, 0.3) < b.delay(3, 0.9));
        assert!(!b.is_dead(3));
        assert!(b.is_dead(4));
    }
}
