//! Retries as snapd makes them (`httputil.RetryRequest` with `retry.v1` strategies): a
//! limited number of attempts within a time limit, exponential backoff between them, on
//! transport errors and 5xx answers only.

use std::time::Duration;

use tokio::time::Instant;

/// How often and how patiently to retry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// At most this many attempts (the first included).
    pub attempts: u32,
    /// No attempt starts later than this after the first.
    pub total: Duration,
    /// The wait before the second attempt.
    pub initial: Duration,
    /// Each further wait is the previous one times this.
    pub factor: f64,
}

impl RetryPolicy {
    /// snapd's `defaultRetryStrategy`: 6 attempts within 38 s, from 500 ms × 2.5.
    pub const SNAPD_DEFAULT: RetryPolicy = RetryPolicy {
        attempts: 6,
        total: Duration::from_secs(38),
        initial: Duration::from_millis(500),
        factor: 2.5,
    };
    /// snapd's `downloadRetryStrategy`: 7 attempts within 90 s, from 500 ms × 2.5.
    pub const SNAPD_DOWNLOAD: RetryPolicy = RetryPolicy {
        attempts: 7,
        total: Duration::from_secs(90),
        initial: Duration::from_millis(500),
        factor: 2.5,
    };
    /// One attempt only.
    pub const NONE: RetryPolicy = RetryPolicy {
        attempts: 1,
        total: Duration::ZERO,
        initial: Duration::ZERO,
        factor: 1.0,
    };

    /// The wait after attempt `n` (1-based) before the next.
    pub fn delay(&self, n: u32) -> Duration {
        let exp = i32::try_from(n.saturating_sub(1)).unwrap_or(i32::MAX);
        let secs = self.initial.as_secs_f64() * self.factor.powi(exp);
        Duration::try_from_secs_f64(secs).unwrap_or(self.total)
    }

    pub(crate) fn start(self) -> Attempts {
        Attempts {
            policy: self,
            made: 0,
            start: Instant::now(),
        }
    }
}

/// The attempts of one request.
pub(crate) struct Attempts {
    policy: RetryPolicy,
    made: u32,
    start: Instant,
}

impl Attempts {
    /// Whether another attempt may follow the current one.
    pub(crate) fn more(&self) -> bool {
        self.made < self.policy.attempts
            && self.start.elapsed() + self.policy.delay(self.made) <= self.policy.total
    }

    /// Waits as the policy says before the next attempt (none before the first); false
    /// when no attempt is left.
    pub(crate) async fn next(&mut self) -> bool {
        if self.made == 0 {
            self.made = 1;
            return true;
        }
        if !self.more() {
            return false;
        }
        let wait = self.policy.delay(self.made);
        self.made += 1;
        tracing::debug!(attempt = self.made, ?wait, "retrying store request");
        tokio::time::sleep(wait).await;
        true
    }

    /// How many attempts were made.
    pub(crate) fn made(&self) -> u32 {
        self.made
    }
}

/// Whether a transport error is worth another attempt (snapd's `ShouldRetryError`:
/// timeouts, refused or reset connections, a body cut short).
pub(crate) fn is_retryable(e: &reqwest::Error) -> bool {
    e.is_timeout() || e.is_connect() || e.is_request() || e.is_body()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapds_default_waits() {
        let p = RetryPolicy::SNAPD_DEFAULT;
        let waits: Vec<u128> = (1..6).map(|n| p.delay(n).as_millis()).collect();
        assert_eq!(waits, [500, 1250, 3125, 7812, 19531]);
    }

    #[tokio::test(start_paused = true)]
    async fn attempts_stop_at_the_count_or_the_time_limit() {
        let mut a = RetryPolicy::SNAPD_DEFAULT.start();
        let mut n = 0;
        while a.next().await {
            n += 1;
        }
        // 0.5+1.25+3.125+7.8125 = 12.7 s; the 6th attempt would start at 32.2 s < 38 s
        assert_eq!(n, 6);
        let p = RetryPolicy {
            total: Duration::from_millis(1500),
            ..RetryPolicy::SNAPD_DEFAULT
        };
        let mut a = p.start();
        let mut n = 0;
        while a.next().await {
            n += 1;
        }
        assert_eq!(n, 2, "the third would start at 1.75 s > 1.5 s");
        assert_eq!(a.made(), 2);
    }
}
