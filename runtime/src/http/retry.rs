//! The retry policy: which requests may be sent again, backoff with jitter, `Retry-After`.

use std::time::{Duration, SystemTime};

/// How failed requests are retried: attempts, exponential backoff with jitter, and a total time
/// budget. `Retry-After` from the server replaces the computed backoff.
///
/// ```
/// use std::time::Duration;
/// let policy = mediagen_runtime::RetryPolicy::default()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(250))
///     .max_elapsed(Duration::from_secs(30));
/// assert_eq!(policy.get_max_attempts(), 5);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    pub(super) max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    multiplier: f64,
    jitter: f64,
    pub(super) max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, backoff from 500 ms doubling up to 20 s with 50 % jitter, 60 s in total.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(20),
            multiplier: 2.0,
            jitter: 0.5,
            max_elapsed: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry: every request is sent once.
    pub fn disabled() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Attempts in total, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest computed wait between two attempts (`Retry-After` is not capped by this).
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Growth of the wait from one retry to the next (at least 1.0).
    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = if multiplier.is_finite() { multiplier.max(1.0) } else { 1.0 };
        self
    }

    /// Share of each wait that is randomised, from 0.0 (none) to 1.0 ("full jitter"): a wait
    /// `d` becomes a random value in `[d * (1 - jitter), d]`.
    pub fn jitter(mut self, jitter: f64) -> Self {
        self.jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
        self
    }

    /// Total time one operation may spend retrying. A retry whose wait would end after this is not
    /// made; the last error is returned instead.
    pub fn max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = budget;
        self
    }

    /// Attempts in total.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Total retry budget.
    pub fn get_max_elapsed(&self) -> Duration {
        self.max_elapsed
    }

    /// The jittered wait after failed attempt number `attempt` (1-based).
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.multiplier.powi(attempt.saturating_sub(1).min(64) as i32);
        let base = self.initial_backoff.as_secs_f64() * exp;
        let capped = base.min(self.max_backoff.as_secs_f64()).max(0.0);
        let jittered = capped * (1.0 - self.jitter * fastrand::f64());
        Duration::from_secs_f64(jittered)
    }
}

/// Whether sending a request a second time could do something twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Reads, and writes the server deduplicates (an idempotency key).
    Safe,
    /// A submit that creates (and charges) a job.
    Unsafe,
    /// A submit on a platform that may start work before it answers 503 (fal, which has no
    /// idempotency key): repeated only where nothing can have started, on 429 and a connection
    /// never opened.
    Unsent,
}

impl Replay {
    pub(super) fn retries_status(self, status: u16) -> bool {
        match self {
            Replay::Safe => matches!(status, 429 | 500 | 502 | 503 | 504),
            Replay::Unsafe => matches!(status, 429 | 503),
            Replay::Unsent => status == 429,
        }
    }

    pub(super) fn retries_transport(self, err: &reqwest::Error) -> bool {
        match self {
            // `is_request`: the connection closed before an answer; `is_body`: while reading it.
            Replay::Safe => err.is_connect() || err.is_timeout() || err.is_request() || err.is_body(),
            // A connect error means no byte of the request reached the server.
            Replay::Unsafe | Replay::Unsent => err.is_connect(),
        }
    }
}

/// `Retry-After` as a wait: delay-seconds, or an HTTP date (a date in the past means now).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
        assert_eq!(parse_retry_after(" 120 ", now), Some(Duration::from_secs(120)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let p = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350))
            .multiplier(2.0)
            .jitter(0.5);
        for _ in 0..200 {
            let d1 = p.backoff(1);
            assert!(d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100), "{d1:?}");
            let d2 = p.backoff(2);
            assert!(d2 >= Duration::from_millis(100) && d2 <= Duration::from_millis(200), "{d2:?}");
            let d9 = p.backoff(9);
            assert!(d9 >= Duration::from_millis(175) && d9 <= Duration::from_millis(350), "{d9:?}");
        }
        let fixed = p.clone().jitter(0.0);
        assert_eq!(fixed.backoff(3), Duration::from_millis(350));
        assert_eq!(fixed.backoff(2), Duration::from_millis(200));
    }
}
