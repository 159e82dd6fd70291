//! Following a submitted generation to its end.

use std::time::Duration;

use tokio::time::Instant;

use super::{Client, Generation, GenerationStream, Status};
use crate::{Error, Family, Result};

/// How [`Job::wait`] and [`Client::wait`] poll: the first interval, how it grows, its cap, and the
/// overall deadline.
///
/// ```
/// use std::time::Duration;
/// use mediagen::skills_video::WaitOptions;
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
}

impl Default for WaitOptions {
    /// Poll after 2 s, growing by 1.5× up to 15 s between polls; give up after 30 minutes.
    fn default() -> Self {
        WaitOptions {
            interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(15),
            backoff: 1.5,
            deadline: Some(Duration::from_secs(30 * 60)),
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

    /// Give up with [`Error::Deadline`] when the job has not ended this long after waiting began.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Wait as long as it takes.
    pub fn no_deadline(mut self) -> Self {
        self.deadline = None;
        self
    }

    fn next_interval(&self, current: Duration) -> Duration {
        current.mul_f64(self.backoff).min(self.max_interval)
    }
}

/// Poll state shared by [`Client::wait`] and the polling half of [`GenerationStream`].
pub(crate) struct Poller {
    pub(crate) id: String,
    options: WaitOptions,
    started: Instant,
    next_wait: Duration,
    polled: bool,
    pub(crate) last_status: Option<Status>,
}

impl Poller {
    pub(crate) fn new(id: String, options: WaitOptions, started: Instant) -> Self {
        Poller {
            id,
            next_wait: options.interval,
            options,
            started,
            polled: false,
            last_status: None,
        }
    }

    fn remaining(&self) -> Option<Duration> {
        self.options.deadline.map(|d| d.saturating_sub(self.started.elapsed()))
    }

    fn deadline_error(&self) -> Error {
        Error::Deadline {
            id: self.id.clone(),
            deadline: self.options.deadline.unwrap_or_default(),
            last_status: self
                .last_status
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_else(|| "unknown".into()),
        }
    }

    /// Sleep (unless `immediately` and this is the first poll), then `GET` the generation. Errors
    /// with [`Error::Deadline`] when the deadline passes first.
    pub(crate) async fn poll(&mut self, client: &Client, immediately: bool) -> Result<Generation> {
        let wait = if immediately && !self.polled { Duration::ZERO } else { self.next_wait };
        if self.polled {
            self.next_wait = self.options.next_interval(self.next_wait);
        }
        self.polled = true;
        match self.remaining() {
            Some(remaining) if remaining.is_zero() => return Err(self.deadline_error()),
            // Sleep to the deadline at most, then look one last time.
            Some(remaining) => tokio::time::sleep(wait.min(remaining)).await,
            None => tokio::time::sleep(wait).await,
        }
        let get = client.get(&self.id);
        let generation = match self.remaining() {
            // The last look gets a short grace so a deadline is not lost to a slow answer.
            Some(remaining) => tokio::time::timeout(remaining.max(Duration::from_millis(50)), get)
                .await
                .map_err(|_| self.deadline_error())??,
            None => get.await?,
        };
        self.last_status = Some(generation.status.clone());
        Ok(generation)
    }

    pub(crate) fn past_deadline(&self) -> bool {
        self.remaining().is_some_and(|r| r.is_zero())
    }

    pub(crate) fn deadline(&self) -> Error {
        self.deadline_error()
    }
}

/// Poll `id` until it ends; see [`Client::wait`].
pub(crate) async fn wait(client: &Client, id: &str, options: WaitOptions, family: Option<Family>) -> Result<Generation> {
    let mut poller = Poller::new(id.to_string(), options, Instant::now());
    loop {
        let generation = poller.poll(client, false).await?;
        if generation.is_terminal() {
            return generation.into_result(family);
        }
        if poller.past_deadline() {
            return Err(poller.deadline());
        }
    }
}

/// A submitted generation. Owns a clone of its [`Client`], so it can be moved into a task.
///
/// To pick a job up later (another process, after a restart), store [`Job::handle`] (it
/// serializes) and give it to [`Client::resume`]; or keep just [`Job::id`] for [`Client::wait`].
#[derive(Debug, Clone)]
pub struct Job {
    client: Client,
    submitted: Generation,
    family: Option<Family>,
}

impl Job {
    pub(crate) fn new(client: Client, submitted: Generation, family: Option<Family>) -> Self {
        Job {
            client,
            submitted,
            family,
        }
    }

    /// What it takes to resume this job later; serializes to JSON.
    pub fn handle(&self) -> JobHandle {
        JobHandle {
            id: self.submitted.id.clone(),
            family: self.family,
            submitted: self.submitted.clone(),
        }
    }

    /// The generation id.
    pub fn id(&self) -> &str {
        &self.submitted.id
    }

    /// The generation as the submit answered it (status, normalized input, usage).
    pub fn submitted(&self) -> &Generation {
        &self.submitted
    }

    /// The current state of the generation (`GET /v1/generation/{id}`).
    pub async fn status(&self) -> Result<Generation> {
        self.client.get(self.id()).await
    }

    /// Poll until the generation ends, with the client's [`WaitOptions`]. A completed generation is
    /// returned; a failed one is [`Error::JobFailed`], a canceled one [`Error::JobCanceled`], and
    /// one still running at the deadline [`Error::Deadline`].
    pub async fn wait(&self) -> Result<Generation> {
        self.wait_with(self.client.wait_options().clone()).await
    }

    /// [`wait`](Self::wait) with other options.
    pub async fn wait_with(&self, options: WaitOptions) -> Result<Generation> {
        if self.submitted.is_terminal() {
            return self.submitted.clone().into_result(self.family);
        }
        wait(&self.client, self.id(), options, self.family).await
    }

    /// The job's status changes as a stream, by polling; ends at the terminal status.
    pub fn updates(&self, options: WaitOptions) -> GenerationStream {
        GenerationStream::polling(self.client.clone(), self.submitted.clone(), options, self.family)
    }
}

/// A stored [`Job`]: its id, error family and submit answer. Serializes to JSON; turn it back
/// into a job with [`Client::resume`].
///
/// ```
/// # fn demo(client: &mediagen::skills_video::Client, job: &mediagen::skills_video::Job) -> serde_json::Result<()> {
/// let saved = serde_json::to_string(&job.handle())?;
/// // ... later, perhaps in another process:
/// let job = client.resume(serde_json::from_str(&saved)?);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct JobHandle {
    /// Generation id.
    pub id: String,
    /// Family of the model's error codes.
    #[serde(default)]
    pub family: Option<Family>,
    /// The submit answer.
    pub submitted: Generation,
}

impl Client {
    /// A job from a stored [`JobHandle`].
    pub fn resume(&self, handle: JobHandle) -> Job {
        let mut submitted = handle.submitted;
        submitted.id = handle.id;
        Job::new(self.clone(), submitted, handle.family)
    }
}
