//! When to poll next: the backoff of [`WaitOptions`], or, where the job reports progress, the
//! end it points to.
//!
//! Without hints the waits grow geometrically from `interval` by `backoff` up to
//! `max_interval`; a job completing at a random time is noticed `max_interval / 2` late on
//! average once the cap is reached. With progress, the rate between the first and the last
//! progress seen gives an expected end: far from it the waits may grow to twice `max_interval`
//! (fewer polls), near it the next poll lands just after it (noticed about a second late). A job
//! still running past its expected end is polled from `interval` again, growing by `backoff`.

use std::time::Duration;

use super::WaitOptions;

/// How long after the expected end the poll lands: progress is often rounded down, which makes
/// the estimate early.
const MARGIN: Duration = Duration::from_secs(1);

/// The poll schedule of one job.
#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    options: WaitOptions,
    /// The next wait of the plain backoff.
    base: Duration,
    /// The next wait once the expected end has passed.
    overdue: Option<Duration>,
    /// The first and the latest progress seen, with the time since following began.
    first: Option<(Duration, f64)>,
    last: Option<(Duration, f64)>,
}

impl Schedule {
    pub(crate) fn new(options: WaitOptions) -> Self {
        Schedule { base: options.interval, options, overdue: None, first: None, last: None }
    }

    /// Note a state's progress, `elapsed` after following began.
    pub(crate) fn observe(&mut self, elapsed: Duration, progress: Option<f64>) {
        let Some(p) = progress.filter(|p| p.is_finite()) else { return };
        self.first.get_or_insert((elapsed, p));
        self.last = Some((elapsed, p));
    }

    /// The expected time left, from the progress rate; `None` without a usable rate.
    pub(crate) fn remaining(&self) -> Option<Duration> {
        let ((t0, p0), (t1, p1)) = (self.first?, self.last?);
        let rate = if p1 > p0 && t1 > t0 {
            (p1 - p0) / (t1 - t0).as_secs_f64()
        } else if p1 > 0.0 && !t1.is_zero() {
            // One reading: assume the job started when following began.
            p1 / t1.as_secs_f64()
        } else {
            return None;
        };
        let left = (1.0 - p1).max(0.0) / rate;
        (left.is_finite() && left < 1e7).then(|| Duration::from_secs_f64(left))
    }

    /// The wait before the next poll.
    pub(crate) fn next_wait(&mut self) -> Duration {
        let base = self.base;
        self.base = self.options.next_interval(base);
        let Some(left) = self.remaining() else { return base };
        if left > self.options.interval {
            self.overdue = None;
            // Far from the end: poll less (up to twice the cap); near it, just after it.
            return (left + MARGIN).min(self.options.max_interval * 2);
        }
        let overdue = match self.overdue {
            None => self.options.interval,
            Some(w) => self.options.next_interval(w),
        };
        self.overdue = Some(overdue);
        overdue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Polls until `done` (seconds after the start); the number of polls and how late the last was.
    /// `progress`: whether each poll reads the job's linear progress, rounded down to a percent.
    fn follow(options: &WaitOptions, done: f64, progress: bool) -> (u32, f64) {
        let mut schedule = Schedule::new(options.clone());
        let mut t = Duration::ZERO;
        for n in 1.. {
            t += schedule.next_wait();
            let at = t.as_secs_f64();
            if at >= done {
                return (n, at - done);
            }
            let p = progress.then(|| (at / done * 100.0).floor() / 100.0);
            schedule.observe(t, p);
        }
        unreachable!()
    }

    #[test]
    fn the_default_backoff_costs_at_most_40_polls_for_10_minutes_and_notices_within_10_s_on_average() {
        let options = WaitOptions::default();
        assert!(follow(&options, 600.0, false).0 <= 40, "{:?}", follow(&options, 600.0, false));
        // Jobs ending at every tenth of a second from 5 s to 30 min.
        let delays: Vec<f64> = (50..18_000).map(|d| follow(&options, f64::from(d) / 10.0, false).1).collect();
        let mean = delays.iter().sum::<f64>() / delays.len() as f64;
        assert!(mean <= 10.0, "mean delay {mean:.2} s");
        assert!(delays.iter().all(|&d| d <= 18.0 + 1e-9), "a poll gap over the cap");
    }

    #[test]
    fn progress_brings_the_poll_to_just_after_the_expected_end() {
        let options = WaitOptions::default();
        // Jobs of 9 to 11 minutes, one a second.
        let runs: Vec<(u32, f64)> = (540..=660).map(|d| follow(&options, f64::from(d), true)).collect();
        let mean = runs.iter().map(|r| r.1).sum::<f64>() / runs.len() as f64;
        assert!(mean <= 5.0, "mean delay {mean:.2} s");
        assert!(runs.iter().all(|r| r.0 <= 40), "{runs:?}");
        let plain = follow(&options, 600.0, false).0;
        assert!(follow(&options, 600.0, true).0 < plain, "progress should cost fewer polls");
    }

    #[test]
    fn a_job_past_its_expected_end_is_polled_with_backoff_again() {
        let mut s = Schedule::new(WaitOptions::default());
        s.observe(Duration::from_secs(10), Some(0.5));
        s.observe(Duration::from_secs(20), Some(1.0));
        let waits: Vec<Duration> = (0..4).map(|_| s.next_wait()).collect();
        assert_eq!(waits[0], Duration::from_secs(2));
        assert!(waits.windows(2).all(|w| w[1] > w[0]), "{waits:?}");
    }
}
