//! Retry policy: which failures are worth another attempt, and how long to wait before it.
//!
//! Retried (spec `midonet-api.md` §6.3, §8): 503 (lock not acquired within
//! `nsdb_lock_timeout`, or a storage read timeout), any other 5xx, a 409 **with no body** (an
//! optimistic-concurrency conflict; never the "already exists" 409, which has a message),
//! timeouts and connection errors. Never retried: every other 4xx — they are answers, not
//! accidents. Creates are safe to retry because ids are client-chosen: a create whose first
//! attempt was applied but whose reply was lost gets 409 on the retry, and the create path
//! turns that into success after one confirming GET.
//!
//! Backoff is exponential with full jitter (delay uniform in `0..=min(cap, base·2^n)`), so many
//! actors retrying at once spread out; a `Retry-After` (or MidoNet's non-standard `RetryAfter`,
//! §6.3) header, when present, is a floor.
use super::metrics::RetryReason;
use rand::Rng;
use std::time::Duration;

/// Bounded exponential backoff with full jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (1 = no retry).
    pub max_attempts: u32,
    /// Backoff ceiling of the first retry.
    pub base: Duration,
    /// Largest backoff between two attempts (also caps `Retry-After`).
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The delay before retry number `retry` (0 for the first retry): full jitter, floored by
    /// the server's `Retry-After` hint (itself capped).
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let exp = self
            .base
            .saturating_mul(2u32.saturating_pow(retry.min(30)))
            .min(self.cap);
        let nanos = u64::try_from(exp.as_nanos()).unwrap_or(u64::MAX);
        let jittered = if nanos == 0 {
            Duration::ZERO
        } else {
            Duration::from_nanos(rand::thread_rng().gen_range(0..=nanos))
        };
        match retry_after {
            Some(hint) => jittered.max(hint.min(self.cap)),
            None => jittered,
        }
    }

    /// True when another attempt is allowed after `attempts` attempts.
    pub fn may_retry(&self, attempts: u32) -> bool {
        attempts < self.max_attempts.max(1)
    }
}

/// Classifies an HTTP status: `Some(reason)` if the attempt should be repeated.
/// `bare_409` is true when a 409 came without a body (see the module doc).
pub fn retry_status(status: u16, bare_409: bool) -> Option<RetryReason> {
    match status {
        503 => Some(RetryReason::Unavailable),
        500..=599 => Some(RetryReason::ServerError),
        409 if bare_409 => Some(RetryReason::Conflict),
        _ => None,
    }
}

/// Parses `Retry-After` / `RetryAfter` (delta-seconds only; HTTP dates are not used by
/// MidoNet).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_is_bounded_by_exponential_cap_and_floored_by_hint() {
        let p = RetryPolicy {
            max_attempts: 5,
            base: Duration::from_millis(10),
            cap: Duration::from_millis(50),
        };
        for _ in 0..200 {
            assert!(p.delay(0, None) <= Duration::from_millis(10));
            assert!(p.delay(1, None) <= Duration::from_millis(20));
            assert!(p.delay(9, None) <= Duration::from_millis(50));
            // The hint is a floor, itself capped.
            assert_eq!(
                p.delay(0, Some(Duration::from_secs(3))),
                Duration::from_millis(50)
            );
        }
        assert!(p.may_retry(4));
        assert!(!p.may_retry(5));
    }

    #[test]
    fn only_5xx_and_bare_409_are_retried() {
        assert_eq!(retry_status(503, false), Some(RetryReason::Unavailable));
        assert_eq!(retry_status(500, false), Some(RetryReason::ServerError));
        assert_eq!(retry_status(409, true), Some(RetryReason::Conflict));
        assert_eq!(retry_status(409, false), None);
        for s in [400, 401, 403, 404, 405, 406, 415] {
            assert_eq!(retry_status(s, true), None, "{s}");
        }
        assert_eq!(parse_retry_after(" 3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
