//! The MindVideo client: idempotent submits, task lookups, task events, waits, downloads.

use futures_util::future::BoxFuture;
use futures_util::StreamExt as _;
use reqwest::header::{HeaderName, HeaderValue, ACCEPT};
use serde_json::Value;

use super::{Task, TaskEvents};
use crate::http::{self, Body, Replay, Request};
use crate::job::sealed::{self, JobRef, Push, PushStream};
use crate::job::{family_of, follow, Start};
use crate::input::{check_platform, CallInput, RawInput};
use crate::{Error, Model, Platform, Result, WaitOptions};

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.mindvideo.ai";
/// The environment variable [`Client::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "MINDVIDEO_API_KEY";
/// The environment variable that overrides the base URL when the builder sets none.
pub const BASE_URL_ENV: &str = "MINDVIDEO_BASE_URL";

/// The header that makes a submit safe to repeat.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// A submitted task; see [`crate::Job`].
pub type Job = crate::Job<Client>;

/// A stored [`Job`]; see [`crate::JobHandle`].
pub type JobHandle = crate::JobHandle<Task>;

/// Settings for a [`Client`]; see [`Client::builder`].
pub type ClientBuilder = crate::ClientBuilder<Client>;

crate::job::platform_client!(
    /// Client for MindVideo. Cheap to clone: clones share one connection pool.
    ///
    /// ```no_run
    /// # async fn demo() -> mediagen::Result<()> {
    /// use mediagen::mindvideo::{skyreels_v4_fast, Client};
    /// use mediagen::JobState as _;
    ///
    /// let client = Client::from_env()?; // MINDVIDEO_API_KEY, optional MINDVIDEO_BASE_URL
    /// let input = skyreels_v4_fast::Input::builder().prompt("a serene forest at sunset").build()?;
    /// let job = client.skyreels_v4_fast(input).submit().await?; // with a fresh Idempotency-Key
    /// println!("{} estimated {:?}", job.id(), job.submitted().cost_estimate);
    /// let task = job.wait().await?; // task events, polling if they break off
    /// for output in task.outputs() {
    ///     job.download(&output, "out/").await?;
    /// }
    /// # Ok(()) }
    /// ```
    Client,
    State = Task,
    http::Env {
        api_key: API_KEY_ENV,
        base_url: BASE_URL_ENV,
        default_base_url: Some(DEFAULT_BASE_URL),
    }
);

impl sealed::Lookup for Task {
    type Client = Client;

    fn fetch<'a>(client: &'a Client, job: &'a JobRef) -> BoxFuture<'a, Result<Self>> {
        Box::pin(client.get(&job.id))
    }

    /// The task's event stream, folded into task states.
    fn push(client: &Client, job: &JobRef, last: Option<&Self>) -> Option<BoxFuture<'static, Result<PushStream<Self>>>> {
        let client = client.clone();
        let family = job.family;
        let id = job.id.clone();
        let start = last.cloned().unwrap_or_else(|| Task::unseen(&id));
        Some(Box::pin(async move {
            let events = client.events(&id).await?;
            let states = events
                .scan(start, move |state, event| {
                    let item = match event {
                        Err(e) => Some(Push::Broken(e.to_string())),
                        Ok(event) if event.is_error() => Some(Push::Error(event.error(family))),
                        Ok(event) => event.apply(state).map(|next| {
                            *state = next.clone();
                            Push::State(next)
                        }),
                    };
                    futures_util::future::ready(Some(item))
                })
                .filter_map(futures_util::future::ready)
                .boxed();
            Ok(states)
        }))
    }

    /// An event stream's terminal event may not carry the outputs and the final cost.
    fn needs_refresh(&self) -> bool {
        self.output.is_none() || self.cost_actual.is_none()
    }
}

impl Client {
    /// Settings for a client.
    ///
    /// ```
    /// use std::time::Duration;
    /// use mediagen::{mindvideo::Client, RetryPolicy, WaitOptions};
    /// let client = Client::builder()
    ///     .api_key("mv_live_...")
    ///     .base_url("http://127.0.0.1:8080")
    ///     .retry(RetryPolicy::default().max_attempts(5))
    ///     .wait_options(WaitOptions::default().deadline(Duration::from_secs(600)))
    ///     .build()?;
    /// # Ok::<_, mediagen::Error>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from [`API_KEY_ENV`] and, if set, [`BASE_URL_ENV`].
    pub fn from_env() -> Result<Self> {
        Client::builder().build()
    }

    /// A client with this API key; the base URL from [`BASE_URL_ENV`] or [`DEFAULT_BASE_URL`].
    ///
    /// # Panics
    ///
    /// When the key is empty or not a valid header value, or `MINDVIDEO_BASE_URL` is not an
    /// http(s) URL. [`Client::builder`] returns these as [`Error::Config`] instead.
    pub fn new(api_key: impl Into<String>) -> Self {
        Client::builder()
            .api_key(api_key)
            .build()
            .unwrap_or_else(|e| panic!("mindvideo::Client::new: {e}"))
    }

    /// A request for one model, not yet sent; see [`Call`]. Generated code calls this from
    /// each model's `call` function.
    pub fn call<M: Model>(&self, input: M) -> Call<'_, M> {
        Call {
            client: self,
            input,
            idempotency_key: None,
            wait: None,
        }
    }

    /// A request for a model named at run time, with a JSON body (see [`RawInput`]; its path is
    /// the task's `model`).
    pub fn call_raw(&self, input: RawInput) -> Call<'_, RawInput> {
        Call {
            client: self,
            input,
            idempotency_key: None,
            wait: None,
        }
    }

    /// The current state of a task: `GET /api/v1/tasks/{task_id}`.
    pub async fn get(&self, task_id: &str) -> Result<Task> {
        let req = Request::get(format!("/api/v1/tasks/{}", segment(task_id)?));
        self.transport().send_json(&req).await
    }

    /// The task's events: `GET /api/v1/tasks/{task_id}/events`, read as server-sent events (or
    /// JSON lines, or one JSON array). The stream ends after the terminal event.
    pub async fn events(&self, task_id: &str) -> Result<TaskEvents> {
        let req = Request::get(format!("/api/v1/tasks/{}/events", segment(task_id)?))
            .header(
                ACCEPT,
                HeaderValue::from_static("text/event-stream, application/x-ndjson;q=0.9, application/json;q=0.8"),
            )
            .streaming();
        let resp = self.transport().send(&req).await?;
        Ok(TaskEvents::new(resp))
    }

    /// Follow a task until it ends, from its events (polling when they break off). The task that
    /// succeeded is returned; a failed one is [`Error::JobFailed`], a cancelled one
    /// [`Error::JobCanceled`], one still running at the deadline [`Error::Deadline`].
    pub async fn wait(&self, task_id: &str, options: WaitOptions) -> Result<Task> {
        let job = JobRef {
            id: task_id.to_string(),
            family: None,
            scope: None,
        };
        follow(self.clone(), job, Start::Id, options).wait().await
    }
}

/// A task id as one escaped path segment.
fn segment(task_id: &str) -> Result<String> {
    if task_id.is_empty() {
        return Err(Error::validation("task_id", "required", "the task id is empty"));
    }
    Ok(http::encode_segment(task_id))
}

/// One model invocation, not yet sent. The input is checked against the schema when it is sent;
/// nothing reaches the network when a check fails.
///
/// Every submit carries an `Idempotency-Key`: the one given with
/// [`idempotency_key`](Self::idempotency_key), or a fresh random one, the same on every retry
/// of that submit. MindVideo answers a repeated key with the original task and charges once, so
/// a submit is retried on 429, 5xx, timeouts and dropped connections. The same key with a
/// different input is refused with a 409: [`Error::Api`] with [`crate::ErrorKind::Conflict`].
#[must_use = "a Call does nothing until it is submitted"]
pub struct Call<'a, M> {
    client: &'a Client,
    input: M,
    idempotency_key: Option<String>,
    wait: Option<WaitOptions>,
}

impl<M: std::fmt::Debug> std::fmt::Debug for Call<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("input", &self.input)
            .field("idempotency_key", &self.idempotency_key)
            .field("wait", &self.wait)
            .finish()
    }
}

impl<M: CallInput> Call<'_, M> {
    /// Use this `Idempotency-Key` instead of a fresh one: one key per business request, so that
    /// submitting it again (after a crash, from another process) finds the same task.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }



    /// The task envelope `{model, input}` this call sends, after the schema checks; local files
    /// become `data:` URIs.
    pub async fn body(&self) -> Result<Value> {
        check_platform(&self.input, Platform::Mindvideo)?;
        let input = crate::media::inline_files(self.input.request_body()?).await?;
        Ok(serde_json::json!({ "model": self.input.model_path(), "input": input }))
    }

    /// Submit the task: `POST /api/v1/tasks` with an `Idempotency-Key`. Returns the job
    /// (request id, task id, status, estimated cost) without waiting for it.
    pub async fn submit(self) -> Result<Job> {
        let body = self.body().await?;
        let key = self
            .idempotency_key
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let key = HeaderValue::from_str(&key)
            .map_err(|_| Error::validation("idempotency_key", "pattern", "not a valid HTTP header value"))?;
        let family = family_of(self.input.kind());
        let req = Request::post("/api/v1/tasks", Body::Json(body))
            .header(HeaderName::from_static(IDEMPOTENCY_KEY), key)
            .replay(Replay::Safe)
            .family(Some(family));
        let task: Task = self.client.transport().send_json(&req).await?;
        Ok(Job::new(self.client.clone(), task, Some(family), None))
    }

}

crate::job::call_common!(Task);
