//! One job lifecycle for every platform: submit, follow, wait, resume, download.
//!
//! Each platform's client implements [`JobClient`] and its job answer implements [`JobState`]
//! (`skills_video::Generation`, `mindvideo::Task`, `v2::Task`). [`Job`] follows a submitted job
//! on any of them: [`Job::wait`] with a deadline and backoff, preferring the platform's push
//! channel (MindVideo's task events) and polling where there is none or it breaks;
//! [`Job::updates`] as a stream; [`Job::handle`] to store it as JSON and [`Job::resume`] it in
//! another process. Every platform's `Call` implements [`Submit`], so one generic function runs
//! a model on any of them:
//!
//! ```no_run
//! use std::path::{Path, PathBuf};
//! use mediagen::{JobState as _, Submit, WaitOptions};
//!
//! async fn render<S: Submit>(call: S, dir: &Path) -> mediagen::Result<Vec<PathBuf>> {
//!     let job = call.submit().await?;
//!     let done = job
//!         .wait_reporting(WaitOptions::default(), |state| {
//!             eprintln!("{} {} {:?}", state.job_id(), state.raw_status(), state.progress());
//!         })
//!         .await?;
//!     let mut files = Vec::new();
//!     for output in done.outputs() {
//!         files.push(job.download(&output, dir).await?);
//!     }
//!     Ok(files)
//! }
//!
//! # async fn demo() -> mediagen::Result<()> {
//! use mediagen::{mindvideo, skills_video, v2};
//! let dir = Path::new("out");
//! let sv = skills_video::Client::from_env()?;
//! render(sv.google_veo_3_1(skills_video::google::veo_3_1::Input::builder().prompt("a cat").build()?), dir).await?;
//! let mv = mindvideo::Client::from_env()?;
//! render(mv.skyreels_v4_fast(mindvideo::skyreels_v4_fast::Input::builder().prompt("a cat").build()?), dir).await?;
//! let relay = v2::Client::from_env()?;
//! render(relay.videos_veo3(v2::videos::veo3::Input::builder().prompt("a cat").build()?), dir).await?;
//! # Ok(()) }
//! ```

use std::future::Future;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt as _};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::io::AsyncWrite;
use tokio::time::Instant;

use crate::http::Settings;
use crate::output::Output;
use crate::{Error, Family, Kind, Platform, Result, RetryPolicy};

/// Where a job is, in the same words for every platform. The platform's own status is kept
/// beside it ([`JobState::raw_status`]).
///
/// | | skills.video | MindVideo | v2 relay |
/// |---|---|---|---|
/// | `Queued` | `IN_QUEUE`, `starting` | `queued` | `NOT_START`, `SUBMITTED`, `QUEUED` |
/// | `Running` | `IN_PROGRESS`, `processing` | `processing` | `IN_PROGRESS` |
/// | `Succeeded` | `COMPLETED`, `succeeded` | `succeeded` | `SUCCESS` |
/// | `Failed` | `FAILED`, `failed` | `failed` | `FAILURE` |
/// | `Canceled` | `CANCELED`, `canceled` | `cancelled` | |
/// | `Unknown` | anything else | anything else | anything else |
///
/// An unknown status is not terminal: waiting goes on until a known terminal one or the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    /// Accepted, not started.
    Queued,
    /// Being generated.
    Running,
    /// Finished with outputs.
    Succeeded,
    /// Finished with an error.
    Failed,
    /// Canceled before it finished.
    Canceled,
    /// A status the SDK does not know.
    Unknown,
}

impl JobStatus {
    /// Whether the job has ended (succeeded, failed or canceled).
    pub fn is_terminal(self) -> bool {
        matches!(self, JobStatus::Succeeded | JobStatus::Failed | JobStatus::Canceled)
    }

    /// `queued`, `running`, `succeeded`, `failed`, `canceled` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Canceled => "canceled",
            JobStatus::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for JobStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// What a job costs, as the platform reports it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    /// The price announced before the job ran (MindVideo's `cost_estimate`).
    pub estimated: Option<f64>,
    /// What was charged (skills.video's `usage.total`, MindVideo's `cost_actual`).
    pub charged: Option<f64>,
    /// What the numbers count.
    pub unit: CostUnit,
}

/// The unit of a [`Cost`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CostUnit {
    /// Platform credits (skills.video).
    Credits,
    /// Money in the account's billing currency (MindVideo; its documentation does not name the
    /// currency, and shows amounts like `0.2475`).
    Currency,
}

/// What every platform's job answer tells, normalized. Implemented by
/// `skills_video::Generation`, `mindvideo::Task` and `v2::Task`; the typed answer stays
/// available with all its platform fields.
pub trait JobState: Clone + std::fmt::Debug + Serialize + DeserializeOwned + Send + Sync + Unpin + 'static {
    /// The platform whose answer this is.
    const PLATFORM: Platform;
    /// The job (generation, task) id.
    fn job_id(&self) -> &str;
    /// The normalized status.
    fn job_status(&self) -> JobStatus;
    /// The status exactly as the platform sent it.
    fn raw_status(&self) -> &str;
    /// How far the job is, from 0.0 to 1.0, where the platform reports it.
    fn progress(&self) -> Option<f64> {
        None
    }
    /// The output media, in the order the platform lists them.
    fn outputs(&self) -> Vec<Output>;
    /// The cost, where the platform reports it.
    fn cost(&self) -> Option<Cost> {
        None
    }
    /// The error a job that ended badly stands for ([`Error::JobFailed`], [`Error::JobCanceled`]);
    /// `None` otherwise. `family_hint` types failure codes that name no family.
    fn error(&self, family_hint: Option<Family>) -> Option<Error>;
    /// Whether the job has ended.
    fn is_terminal(&self) -> bool {
        self.job_status().is_terminal()
    }
}

/// A platform client that can follow jobs: `skills_video::Client`, `mindvideo::Client`,
/// `v2::Client`. Sealed: implemented by this crate only.
pub trait JobClient: Clone + std::fmt::Debug + Send + Sync + 'static + sealed::Build {
    /// The platform's answer about a job.
    type State: JobState + sealed::Lookup<Client = Self>;

    /// The platform this client talks to.
    fn platform(&self) -> Platform {
        <Self::State as JobState>::PLATFORM
    }
}

/// What the lifecycle needs from each platform; not part of the public API.
pub(crate) mod sealed {
    use std::sync::Arc;
    use std::time::Duration;

    use futures_util::future::BoxFuture;
    use futures_util::stream::BoxStream;

    use super::WaitOptions;
    use crate::http::{Env, Transport};
    use crate::{Error, Family, Result};

    /// What one platform client holds; shared by its clones.
    #[derive(Debug)]
    pub struct Core {
        pub(crate) transport: Transport,
        pub(crate) wait: WaitOptions,
        pub(crate) idle_timeout: Duration,
    }

    /// Building a platform client from the shared settings.
    pub trait Build: Sized {
        /// Where the settings come from when the builder leaves them unset.
        const ENV: Env;
        /// The client around its configuration.
        fn from_core(core: Arc<Core>) -> Self;
        /// The configuration.
        fn core(&self) -> &Core;
    }

    /// Where a job lives: its id and what the platform needs to look it up.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct JobRef {
        pub(crate) id: String,
        pub(crate) family: Option<Family>,
        /// The v2 relay's `images` / `videos` / `audio`.
        pub(crate) scope: Option<String>,
    }

    /// One item of a platform's push channel.
    pub enum Push<S> {
        /// A state of the job.
        State(S),
        /// An error the server sent in the stream.
        Error(Error),
        /// The stream broke (the reason); polling takes over.
        Broken(String),
    }

    /// A platform's push channel as job states.
    pub type PushStream<S> = BoxStream<'static, Push<S>>;

    /// Looking a job up on its platform; implemented by the platform's job answer.
    pub trait Lookup: Sized {
        /// The client of the platform.
        type Client: Build;
        /// `GET` the job.
        fn fetch<'a>(client: &'a Self::Client, job: &'a JobRef) -> BoxFuture<'a, Result<Self>>;
        /// Open the platform's push channel for a job whose id is known, starting from the last
        /// state seen; `None` when the platform has no such channel.
        fn push(
            _client: &Self::Client,
            _job: &JobRef,
            _last: Option<&Self>,
        ) -> Option<BoxFuture<'static, Result<PushStream<Self>>>> {
            None
        }
        /// Whether a terminal state that came through the push channel lacks what a `GET`
        /// gives (outputs, cost), so the job is looked up once more.
        fn needs_refresh(&self) -> bool {
            false
        }
        /// Give a state what it cannot read from the platform's answer (a v2 task's output
        /// kind, from its scope).
        fn attach(&mut self, _job: &JobRef) {}
    }
}

use sealed::{JobRef, Lookup, Push, PushStream};

/// The part of a platform client that is the same on every platform: the struct around its
/// shared [`sealed::Core`], `Debug` without the key, [`sealed::Build`], [`JobClient`], and the
/// accessors, `resume` and downloads. The platform adds its constructors, `call`, lookups.
macro_rules! platform_client {
    ($(#[$doc:meta])* $client:ident, State = $state:ty, $env:expr) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $client {
            inner: ::std::sync::Arc<$crate::job::sealed::Core>,
        }

        impl ::std::fmt::Debug for $client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($client)).field("core", &self.inner).finish()
            }
        }

        impl $crate::job::sealed::Build for $client {
            const ENV: $crate::http::Env = $env;
            fn from_core(core: ::std::sync::Arc<$crate::job::sealed::Core>) -> Self {
                $client { inner: core }
            }
            fn core(&self) -> &$crate::job::sealed::Core {
                &self.inner
            }
        }

        impl $crate::JobClient for $client {
            type State = $state;
        }

        impl $client {
            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.inner.transport.base_url()
            }

            /// The default [`WaitOptions`](crate::WaitOptions) of [`crate::Job::wait`].
            pub fn wait_options(&self) -> &$crate::WaitOptions {
                &self.inner.wait
            }

            pub(crate) fn transport(&self) -> &$crate::http::Transport {
                &self.inner.transport
            }

            /// A job from a stored [`crate::JobHandle`]; nothing is sent.
            pub fn resume(&self, handle: $crate::JobHandle<$state>) -> $crate::Job<$client> {
                $crate::Job::resume(self, handle)
            }

            /// Download an output into `dir` (created if missing) under its
            /// [safe file name](crate::Output::safe_file_name), streaming it to disk through a
            /// `.part` file. The API key is not sent to the output's host. Returns the file's path.
            pub async fn download(
                &self,
                output: &$crate::Output,
                dir: impl AsRef<::std::path::Path>,
            ) -> $crate::Result<::std::path::PathBuf> {
                $crate::output::download_into(self.transport(), output, dir.as_ref()).await
            }

            /// Stream an output into any writer (a file, a socket, a `Vec<u8>`); the bytes written.
            pub async fn download_to<W: ::tokio::io::AsyncWrite + Unpin + ?Sized>(
                &self,
                output: &$crate::Output,
                writer: &mut W,
            ) -> $crate::Result<u64> {
                self.transport().download_to(&output.url, writer).await
            }
        }
    };
}
pub(crate) use platform_client;

/// What every platform's `Call` has in common, beside its own `submit`: a struct with `client`,
/// `input` and `wait` fields gets `wait_options`, `input`, `run` and [`Submit`].
macro_rules! call_common {
    ($state:ty) => {
        impl<M: $crate::input::CallInput> Call<'_, M> {
            /// Wait options for `run` (and skills.video's `stream`) instead of the client's.
            pub fn wait_options(mut self, options: $crate::WaitOptions) -> Self {
                self.wait = Some(options);
                self
            }

            /// The input this call sends.
            pub fn input(&self) -> &M {
                &self.input
            }

            /// The wait options in force: the call's, else the client's.
            fn options(&self) -> $crate::WaitOptions {
                self.wait.clone().unwrap_or_else(|| self.client.wait_options().clone())
            }

            /// Submit, then wait until the job ends (see [`crate::Job::wait`]).
            pub async fn run(self) -> $crate::Result<$state> {
                let options = self.options();
                self.submit().await?.wait_with(options).await
            }
        }

        impl<M: $crate::input::CallInput> $crate::Submit for Call<'_, M> {
            type Client = Client;
            fn submit(self) -> impl ::std::future::Future<Output = $crate::Result<Job>> + Send {
                Call::submit(self)
            }
        }
    };
}
pub(crate) use call_common;

/// Settings for a platform client: `skills_video::Client::builder()`,
/// `mindvideo::Client::builder()`, `v2::Client::builder()`. Unset values come from the
/// platform's environment variables, then its defaults.
#[derive(Clone)]
pub struct ClientBuilder<C> {
    settings: Settings,
    wait: WaitOptions,
    idle_timeout: Duration,
    _client: PhantomData<fn() -> C>,
}

impl<C> std::fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("settings", &self.settings)
            .field("wait", &self.wait)
            .field("idle_timeout", &self.idle_timeout)
            .finish()
    }
}

impl<C: JobClient> ClientBuilder<C> {
    pub(crate) fn new() -> Self {
        ClientBuilder {
            settings: Settings::default(),
            wait: WaitOptions::default(),
            idle_timeout: Duration::from_secs(300),
            _client: PhantomData,
        }
    }

    /// The API key; the platform's `*_API_KEY` variable when not set.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.settings.api_key = Some(key.into());
        self
    }

    /// The base URL requests go below; the platform's `*_BASE_URL` variable, then its default
    /// host (none for a v2 relay) when not set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.settings.base_url = Some(url.into());
        self
    }

    /// How failed requests are retried (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// How [`Job::wait`] follows a job by default.
    pub fn wait_options(mut self, options: WaitOptions) -> Self {
        self.wait = options;
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = timeout;
        self
    }

    /// Time allowed for one request and its answer (default 120 s). For event streams and
    /// downloads it bounds the wait for the response headers.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// How long a push channel (SSE, task events) may stay silent before the client stops
    /// reading it and polls instead (default 5 minutes).
    pub fn sse_idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Use this `reqwest` client (and its connection pool) instead of building one. Its own
    /// connect timeout and proxy settings then apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.settings.http = Some(client);
        self
    }

    /// The client. Fails with [`Error::Config`] when there is no API key or base URL, or the
    /// base URL is not an http(s) URL.
    pub fn build(self) -> Result<C> {
        let transport = self.settings.build(&C::ENV)?;
        Ok(C::from_core(Arc::new(sealed::Core {
            transport,
            wait: self.wait,
            idle_timeout: self.idle_timeout,
        })))
    }
}

/// How [`Job::wait`] follows a job: the first poll interval, how it grows, its cap, and the
/// overall deadline. Push channels are read until the deadline too.
///
/// ```
/// use std::time::Duration;
/// use mediagen::WaitOptions;
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

/// A submitted job on the platform of `C`. Owns a clone of its client, so it can be moved into a
/// task. Store [`Job::handle`] to pick it up later with [`Job::resume`] (or the client's
/// `resume`).
#[derive(Debug, Clone)]
pub struct Job<C: JobClient> {
    client: C,
    job: JobRef,
    submitted: C::State,
}

impl<C: JobClient> Job<C> {
    pub(crate) fn new(client: C, submitted: C::State, family: Option<Family>, scope: Option<String>) -> Self {
        let job = JobRef {
            id: submitted.job_id().to_string(),
            family,
            scope,
        };
        let mut submitted = submitted;
        submitted.attach(&job);
        Job { client, job, submitted }
    }

    /// A job from a stored [`JobHandle`]; nothing is sent.
    pub fn resume(client: &C, handle: JobHandle<C::State>) -> Self {
        let job = JobRef {
            id: handle.id,
            family: handle.family,
            scope: handle.scope,
        };
        let mut submitted = handle.submitted;
        submitted.attach(&job);
        Job {
            client: client.clone(),
            job,
            submitted,
        }
    }

    /// What it takes to resume this job later; serializes to JSON.
    pub fn handle(&self) -> JobHandle<C::State> {
        JobHandle {
            id: self.job.id.clone(),
            family: self.job.family,
            scope: self.job.scope.clone(),
            submitted: self.submitted.clone(),
        }
    }

    /// The job id.
    pub fn id(&self) -> &str {
        &self.job.id
    }

    /// The platform the job runs on.
    pub fn platform(&self) -> Platform {
        self.client.platform()
    }

    /// The client the job uses.
    pub fn client(&self) -> &C {
        &self.client
    }

    /// The job as the submit answered it.
    pub fn submitted(&self) -> &C::State {
        &self.submitted
    }

    /// The current state of the job: one `GET`.
    pub async fn status(&self) -> Result<C::State> {
        C::State::fetch(&self.client, &self.job).await
    }

    /// Follow the job until it ends, with the client's [`WaitOptions`]. A job that succeeded is
    /// returned; a failed one is [`Error::JobFailed`], a canceled one [`Error::JobCanceled`], one
    /// still running at the deadline [`Error::Deadline`].
    pub async fn wait(&self) -> Result<C::State> {
        self.wait_with(self.client.core().wait.clone()).await
    }

    /// [`wait`](Self::wait) with other options.
    pub async fn wait_with(&self, options: WaitOptions) -> Result<C::State> {
        self.updates(options).wait().await
    }

    /// [`wait`](Self::wait) that reports every update (each status or progress change) to
    /// `on_update`, the submit answer first.
    pub async fn wait_reporting(&self, options: WaitOptions, on_update: impl FnMut(&C::State) + Send) -> Result<C::State> {
        self.updates(options).wait_reporting(on_update).await
    }

    /// The job's updates as a stream: the submit answer, then each change of status or progress
    /// until the terminal state. Read from the platform's push channel where it has one for a
    /// submitted job (MindVideo's task events), by polling otherwise or when the channel breaks.
    pub fn updates(&self, options: WaitOptions) -> Updates<C::State> {
        follow(self.client.clone(), self.job.clone(), Start::Known(self.submitted.clone()), options)
    }

    /// Download an output into `dir` (created if missing) under its
    /// [safe file name](Output::safe_file_name), streaming it to disk through a `.part` file.
    /// The API key is not sent to the output's host. Returns the file's path.
    pub async fn download(&self, output: &Output, dir: impl AsRef<Path>) -> Result<PathBuf> {
        crate::output::download_into(&self.client.core().transport, output, dir.as_ref()).await
    }

    /// Stream an output into any writer (a file, a socket, a `Vec<u8>`); the bytes written.
    pub async fn download_to<W: AsyncWrite + Unpin + ?Sized>(&self, output: &Output, writer: &mut W) -> Result<u64> {
        self.client.core().transport.download_to(&output.url, writer).await
    }
}

/// A stored [`Job`]: its id, what the platform needs to look it up, and the submit answer.
/// Serializes to JSON with the platform's name; deserializing a handle of another platform fails.
///
/// ```
/// # fn demo(client: &mediagen::mindvideo::Client, job: &mediagen::mindvideo::Job) -> serde_json::Result<()> {
/// let saved = serde_json::to_string(&job.handle())?;
/// // ... later, perhaps in another process:
/// let job = client.resume(serde_json::from_str(&saved)?);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    bound(serialize = "S: JobState", deserialize = "S: JobState"),
    try_from = "HandleWire<S>",
    into = "HandleWire<S>"
)]
pub struct JobHandle<S> {
    /// Job id.
    pub id: String,
    /// Family of the model's error codes.
    pub family: Option<Family>,
    /// The v2 relay scope (`videos`) the job is looked up under.
    pub scope: Option<String>,
    /// The submit answer.
    pub submitted: S,
}

impl<S: JobState> JobHandle<S> {
    /// The platform the job runs on.
    pub fn platform(&self) -> Platform {
        S::PLATFORM
    }
}

#[derive(Serialize, Deserialize)]
#[serde(bound(deserialize = "S: DeserializeOwned"))]
struct HandleWire<S> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    platform: Option<String>,
    id: String,
    #[serde(default)]
    family: Option<Family>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    submitted: S,
}

impl<S: JobState> TryFrom<HandleWire<S>> for JobHandle<S> {
    type Error = String;
    fn try_from(w: HandleWire<S>) -> std::result::Result<Self, String> {
        match w.platform {
            Some(p) if p != S::PLATFORM.as_str() => Err(format!("a job handle of {p}, not {}", S::PLATFORM)),
            _ => Ok(JobHandle {
                id: w.id,
                family: w.family,
                scope: w.scope,
                submitted: w.submitted,
            }),
        }
    }
}

impl<S: JobState> From<JobHandle<S>> for HandleWire<S> {
    fn from(h: JobHandle<S>) -> Self {
        HandleWire {
            platform: Some(S::PLATFORM.as_str().to_string()),
            id: h.id,
            family: h.family,
            scope: h.scope,
            submitted: h.submitted,
        }
    }
}

/// A model invocation that can be submitted: every platform's `Call`. Write application code
/// once against this trait and it runs a model on any platform (see the [module docs](self)).
pub trait Submit: Sized + Send {
    /// The platform client the job will use.
    type Client: JobClient;

    /// Send the request (the input is checked first); the job comes back without waiting.
    fn submit(self) -> impl Future<Output = Result<Job<Self::Client>>> + Send;

    /// Submit, then wait until the job ends (see [`Job::wait`]).
    fn run(self) -> impl Future<Output = Result<<Self::Client as JobClient>::State>> + Send {
        async move { self.submit().await?.wait().await }
    }
}

/// The updates of one job, ending with the terminal one. Items are the platform's job answers;
/// a failed or canceled job is an item like any other ([`JobState::error`] or [`Updates::wait`]
/// turn it into an error). Errors end the stream: [`Error::Deadline`] when the wait's deadline
/// passes, or the error of a lookup.
///
/// The job is never submitted again: when a push channel breaks, its id is polled.
pub struct Updates<S> {
    inner: BoxStream<'static, Result<S>>,
    family: Option<Family>,
}

impl<S> std::fmt::Debug for Updates<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Updates").finish_non_exhaustive()
    }
}

impl<S> Stream for Updates<S> {
    type Item = Result<S>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<S: JobState> Updates<S> {
    /// Read the updates to the end: the job that succeeded, or [`Error::JobFailed`],
    /// [`Error::JobCanceled`], [`Error::Deadline`].
    pub async fn wait(self) -> Result<S> {
        self.wait_reporting(|_| {}).await
    }

    /// [`wait`](Self::wait), giving each update to `on_update` first.
    pub async fn wait_reporting(mut self, mut on_update: impl FnMut(&S) + Send) -> Result<S> {
        while let Some(item) = self.next().await {
            let state = item?;
            on_update(&state);
            if state.is_terminal() {
                return match state.error(self.family) {
                    Some(e) => Err(e),
                    None => Ok(state),
                };
            }
        }
        Err(Error::Stream {
            message: "the stream ended without a terminal status".into(),
        })
    }
}

/// Where following a job starts.
pub(crate) enum Start<S> {
    /// A job as submitted: yielded first, then followed.
    Known(S),
    /// Only the job's id.
    Id,
    /// An open push channel whose first event tells the job's id (skills.video's SSE submit).
    Push(PushStream<S>),
}

/// Follow a job: push channel first where there is one, polling otherwise or when it breaks.
pub(crate) fn follow<C: JobClient>(client: C, job: JobRef, start: Start<C::State>, options: WaitOptions) -> Updates<C::State> {
    let family = job.family;
    let idle_timeout = client.core().idle_timeout;
    let mut ctx = Ctx {
        client,
        next_wait: options.interval,
        options,
        job,
        id_known: true,
        started: Instant::now(),
        idle_timeout,
        last: None,
        pending: None,
        polled: false,
        poll_immediately: false,
    };
    let phase = match start {
        Start::Known(first) => {
            ctx.pending = Some(first);
            Phase::Open
        }
        Start::Id => Phase::Open,
        Start::Push(events) => {
            ctx.id_known = false;
            Phase::Push(events)
        }
    };
    let inner = futures_util::stream::unfold((ctx, phase), |(mut ctx, phase)| async move {
        let (item, phase) = step(&mut ctx, phase).await?;
        Some((item, (ctx, phase)))
    })
    .boxed();
    Updates { inner, family }
}

struct Ctx<C: JobClient> {
    client: C,
    job: JobRef,
    /// False until the first event of a push channel opened by the submit names the job.
    id_known: bool,
    options: WaitOptions,
    started: Instant,
    idle_timeout: Duration,
    /// The last state seen (yielded or polled).
    last: Option<C::State>,
    /// A state to yield before reading on.
    pending: Option<C::State>,
    next_wait: Duration,
    polled: bool,
    /// Poll at once when polling starts (after a push channel failed) rather than after an interval.
    poll_immediately: bool,
}

enum Phase<S> {
    /// Open the platform's push channel, or poll when there is none.
    Open,
    Push(PushStream<S>),
    Poll,
    Done,
}

enum Broke {
    /// The channel ended, failed or went quiet; polling can take over.
    Reason(&'static str),
    /// The server sent an error in the channel.
    Error(Error),
    Deadline,
}

impl<C: JobClient> Ctx<C> {
    fn remaining(&self) -> Option<Duration> {
        self.options.deadline.map(|d| d.saturating_sub(self.started.elapsed()))
    }

    fn past_deadline(&self) -> bool {
        self.remaining().is_some_and(|r| r.is_zero())
    }

    fn deadline_error(&self) -> Error {
        Error::Deadline {
            id: self.job.id.clone(),
            deadline: self.options.deadline.unwrap_or_default(),
            last_status: self
                .last
                .as_ref()
                .map(|s| s.raw_status().to_string())
                .unwrap_or_else(|| "unknown".into()),
        }
    }

    /// Whether `state` differs from the last one seen in status or progress.
    fn changed(&self, state: &C::State) -> bool {
        self.last
            .as_ref()
            .is_none_or(|last| last.raw_status() != state.raw_status() || last.progress() != state.progress())
    }

    /// Record a state that is yielded; the phase to go on in.
    fn saw(&mut self, state: &C::State, phase: Phase<C::State>) -> Phase<C::State> {
        if !self.id_known {
            self.job.id = state.job_id().to_string();
            self.id_known = true;
        }
        self.last = Some(state.clone());
        if state.is_terminal() {
            Phase::Done
        } else {
            phase
        }
    }

    /// `fut`, or `None` when the deadline passes first (with a short grace so a deadline is not
    /// lost to a slow answer).
    async fn within_deadline<T>(&self, fut: impl Future<Output = T>) -> Option<T> {
        match self.remaining() {
            Some(remaining) => tokio::time::timeout(remaining.max(Duration::from_millis(50)), fut).await.ok(),
            None => Some(fut.await),
        }
    }

    /// Sleep (unless this is the first poll and polling should start at once), then `GET` the
    /// job. [`Error::Deadline`] when the deadline passes first.
    async fn poll(&mut self) -> Result<C::State> {
        let wait = if self.poll_immediately && !self.polled { Duration::ZERO } else { self.next_wait };
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
        let state = self
            .within_deadline(C::State::fetch(&self.client, &self.job))
            .await
            .ok_or_else(|| self.deadline_error())??;
        Ok(state)
    }

    /// The next state of a push channel.
    async fn read_push(&self, events: &mut PushStream<C::State>) -> std::result::Result<C::State, Broke> {
        let wait = match self.remaining() {
            Some(r) if r.is_zero() => return Err(Broke::Deadline),
            Some(r) => r.min(self.idle_timeout),
            None => self.idle_timeout,
        };
        match tokio::time::timeout(wait, events.next()).await {
            Err(_) if self.past_deadline() => Err(Broke::Deadline),
            Err(_) => Err(Broke::Reason("went quiet")),
            Ok(None) => Err(Broke::Reason("ended")),
            Ok(Some(Push::Broken(_))) => Err(Broke::Reason("broke")),
            Ok(Some(Push::Error(e))) => Err(Broke::Error(e)),
            Ok(Some(Push::State(state))) => Ok(state),
        }
    }
}

/// One item of the updates and the phase after it; `None` at the end.
async fn step<C: JobClient>(ctx: &mut Ctx<C>, mut phase: Phase<C::State>) -> Option<(Result<C::State>, Phase<C::State>)> {
    if let Some(first) = ctx.pending.take() {
        let next = ctx.saw(&first, phase);
        return Some((Ok(first), next));
    }
    loop {
        phase = match phase {
            Phase::Done => return None,
            Phase::Open => match C::State::push(&ctx.client, &ctx.job, ctx.last.as_ref()) {
                None => Phase::Poll,
                Some(open) => match ctx.within_deadline(open).await {
                    None => return Some((Err(ctx.deadline_error()), Phase::Done)),
                    Some(Ok(events)) => Phase::Push(events),
                    // No usable channel (not offered, refused): polling tells the rest.
                    Some(Err(_)) => {
                        ctx.poll_immediately = true;
                        Phase::Poll
                    }
                },
            },
            Phase::Push(mut events) => {
                let broke = match ctx.read_push(&mut events).await {
                    Ok(state) if !ctx.changed(&state) && !state.is_terminal() => {
                        phase = Phase::Push(events);
                        continue;
                    }
                    Ok(mut state) => {
                        if state.is_terminal() && state.needs_refresh() {
                            if let Some(Ok(full)) = ctx.within_deadline(C::State::fetch(&ctx.client, &ctx.job)).await {
                                if full.is_terminal() {
                                    state = full;
                                }
                            }
                        }
                        let next = ctx.saw(&state, Phase::Push(events));
                        return Some((Ok(state), next));
                    }
                    Err(Broke::Deadline) => return Some((Err(ctx.deadline_error()), Phase::Done)),
                    Err(Broke::Error(err)) if !ctx.id_known => return Some((Err(err), Phase::Done)),
                    Err(Broke::Error(_)) => "sent an error",
                    Err(Broke::Reason(reason)) => reason,
                };
                if !ctx.id_known {
                    let err = Error::Stream {
                        message: format!("the event stream {broke} before the job id was known; the job may have been created"),
                    };
                    return Some((Err(err), Phase::Done));
                }
                // We know the job: follow it by polling, never by submitting again.
                ctx.poll_immediately = true;
                Phase::Poll
            }
            Phase::Poll => match ctx.poll().await {
                Err(e) => return Some((Err(e), Phase::Done)),
                Ok(state) => {
                    if state.is_terminal() || ctx.changed(&state) {
                        let next = ctx.saw(&state, Phase::Poll);
                        return Some((Ok(state), next));
                    }
                    if ctx.past_deadline() {
                        return Some((Err(ctx.deadline_error()), Phase::Done));
                    }
                    Phase::Poll
                }
            },
        };
    }
}

/// The error family of a model kind.
pub(crate) fn family_of(kind: Kind) -> Family {
    match kind {
        Kind::Video => Family::Video,
        Kind::Image => Family::Image,
        Kind::Audio => Family::Tts,
    }
}

/// The output kind of an error family.
pub(crate) fn kind_of(family: Family) -> Kind {
    match family {
        Family::Video => Kind::Video,
        Family::Image => Kind::Image,
        Family::Tts => Kind::Audio,
    }
}

/// A number, or a string holding one with an optional `%`: the number and whether `%` was written.
fn number_in(value: &Value) -> Option<(f64, bool)> {
    let (n, percent) = match value {
        Value::Number(n) => (n.as_f64()?, false),
        Value::String(s) => {
            let s = s.trim();
            match s.strip_suffix('%') {
                Some(p) => (p.trim().parse::<f64>().ok()?, true),
                None => (s.parse::<f64>().ok()?, false),
            }
        }
        _ => return None,
    };
    n.is_finite().then_some((n, percent))
}

/// A progress value as a fraction from 0.0 to 1.0: `"37%"` is 0.37, a bare number up to 1.0 is
/// a fraction and above it a percent.
pub(crate) fn parse_progress(value: &Value) -> Option<f64> {
    let (n, percent) = number_in(value)?;
    let fraction = if percent || n > 1.0 { n / 100.0 } else { n };
    Some(fraction.clamp(0.0, 1.0))
}

/// A progress value that is a percent whether or not it says so (`"37%"`, `37`, `"37"`).
pub(crate) fn parse_percent(value: &Value) -> Option<f64> {
    number_in(value).map(|(n, _)| n)
}

/// A platform answer wrapped as `{code, message, data: {...}}`: the inner object when it is the
/// job (has `id_key` or `status`) and the outer one is not.
pub(crate) fn unwrap_envelope(value: Value, id_key: &str) -> Value {
    let is_job = |m: &serde_json::Map<String, Value>| m.contains_key(id_key) || m.contains_key("status");
    match value {
        Value::Object(mut outer) if !is_job(&outer) => match outer.remove("data") {
            Some(Value::Object(inner)) if is_job(&inner) => Value::Object(inner),
            Some(data) => {
                outer.insert("data".into(), data);
                Value::Object(outer)
            }
            None => Value::Object(outer),
        },
        other => other,
    }
}

/// A string or a number as a string (ids).
pub(crate) fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!("expected a string id, got {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn progress_values() {
        for (v, want) in [
            (json!("0%"), Some(0.0)),
            (json!("37%"), Some(0.37)),
            (json!(" 100 % "), Some(1.0)),
            (json!(0.5), Some(0.5)),
            (json!(1), Some(1.0)),
            (json!(50), Some(0.5)),
            (json!("150%"), Some(1.0)),
            (json!(""), None),
            (json!(null), None),
        ] {
            assert_eq!(parse_progress(&v), want, "{v}");
        }
        assert_eq!(parse_percent(&json!("37%")), Some(37.0));
        assert_eq!(parse_percent(&json!(1)), Some(1.0));
        assert_eq!(parse_percent(&json!("0.5")), Some(0.5));
    }

    #[test]
    fn envelopes() {
        let inner = json!({"task_id": "t", "status": "QUEUED"});
        assert_eq!(unwrap_envelope(json!({"code": "success", "data": inner.clone()}), "task_id"), inner);
        // A job whose `data` holds its outputs is not an envelope.
        let job = json!({"task_id": "t", "status": "SUCCESS", "data": {"output": "https://x/y.mp4"}});
        assert_eq!(unwrap_envelope(job.clone(), "task_id"), job);
        let failed = json!({"code": "fail", "message": "no", "data": null});
        assert_eq!(unwrap_envelope(failed.clone(), "task_id"), failed);
    }
}
