//! How long and how often a job is followed.

use std::time::Duration;

/// How [`Job::wait`](crate::Job::wait) follows a job: the first poll interval, how it grows, its cap, and the
/// overall deadline. Push channels are read until the deadline too.
///
/// Where a job reports progress, polling follows the end it points to instead: fewer polls while
/// the end is far (up to twice `max_interval` apart), one just after the expected end, then
/// `interval` growing by `backoff` again if the job is not done yet.
///
/// ```
/// use std::time::Duration;
/// use mediagen_runtime::WaitOptions;
/// let opts = WaitOptions::default()
///     .interval(Duration::from_secs(1))
///     .max_interval(Duration::from_secs(10))
///     .deadline(Duration::from_secs(15 * 60));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct WaitOptions {
    pub(crate) interval: Duration,
    pub(crate) max_interval: Duration,
    pub(crate) backoff: f64,
    pub(crate) deadline: Option<Duration>,
    pub(crate) cancel_on_timeout: bool,
}

impl Default for WaitOptions {
    /// Poll after 2 s, growing by 1.3× up to 18 s between polls; give up after 30 minutes.
    ///
    /// Without progress this is 39 `GET`s for a 10-minute job, and a job is noticed 9 s after it
    /// ended on average (at most 18 s); with linear progress, 20 `GET`s and about 4 s.
    fn default() -> Self {
        WaitOptions {
            interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(18),
            backoff: 1.3,
            deadline: Some(Duration::from_secs(30 * 60)),
            cancel_on_timeout: false,
        }
    }
}

impl WaitOptions {
    /// The wait before the first poll and between the first polls.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self.max_interval = self.max_interval.max(interval);
        self
    }

    /// The longest wait between two polls.
    pub fn max_interval(mut self, max: Duration) -> Self {
        self.max_interval = max.max(self.interval);
        self
    }

    /// Growth of the interval after each poll that finds the job unfinished (1.0 = fixed).
    pub fn backoff(mut self, factor: f64) -> Self {
        self.backoff = if factor.is_finite() { factor.max(1.0) } else { 1.0 };
        self
    }

    /// Give up with [`Error::Deadline`](crate::Error::Deadline) when the job has not ended this long after waiting began.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// When the deadline passes, ask the platform to cancel the job (once) before giving up, so
    /// a job nobody waits for any more stops costing (platforms that can cancel: fal).
    pub fn cancel_on_timeout(mut self, cancel: bool) -> Self {
        self.cancel_on_timeout = cancel;
        self
    }

    /// Wait as long as it takes.
    pub fn no_deadline(mut self) -> Self {
        self.deadline = None;
        self
    }

    pub(crate) fn next_interval(&self, current: Duration) -> Duration {
        current.mul_f64(self.backoff).min(self.max_interval)
    }
}
