//! MindVideo's protocol and its extras: idempotent submits, task lookups, task events.

use futures_util::future::BoxFuture;
use futures_util::StreamExt as _;
use reqwest::header::{HeaderName, HeaderValue, ACCEPT};
use serde_json::Value;

use super::{Task, TaskEvents};
use crate::answer::family_of;
use crate::http::{self, Body, Env, Replay, Request};
use crate::input::{check_platform, CallInput};
use crate::protocol::{sealed, JobRef, Push, PushStream, Submission};
use crate::{Call, Client, Error, Job, ModelInfo, Platform, Protocol, Result, WaitOptions};

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.mindvideo.ai";
/// The environment variable the API key is read from.
pub const API_KEY_ENV: &str = "MINDVIDEO_API_KEY";
/// The environment variable that overrides the base URL when the builder sets none.
pub const BASE_URL_ENV: &str = "MINDVIDEO_BASE_URL";

/// The header that makes a submit safe to repeat.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// MindVideo: `POST /api/v1/tasks {model, input}` with an `Idempotency-Key`, answered with a
/// [`Task`]; task events. The platform marker of [`Client<MindVideo>`](crate::Client).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MindVideo;

/// The `Idempotency-Key` of one call: yours ([`Call::idempotency_key`]) or, when `None`, a fresh
/// random one per logical submit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdempotencyKey(pub(crate) Option<String>);

impl Protocol for MindVideo {
    const PLATFORM: Platform = Platform::Mindvideo;
    type State = Task;
    type JobKey = ();
    type CallOptions = IdempotencyKey;
}

impl sealed::Sealed for MindVideo {
    const ENV: Env = Env {
        api_key: API_KEY_ENV,
        base_url: BASE_URL_ENV,
        default_base_url: Some(DEFAULT_BASE_URL),
        auth_scheme: "Bearer",
        storage: None,
    };

    const DATA_URIS: bool = true;

    /// The task envelope `{model, input}`.
    fn body<'a>(call: Submission<'a, Self>) -> BoxFuture<'a, Result<Value>> {
        Box::pin(async move {
            check_platform(call.input, Platform::Mindvideo)?;
            let input = call.input.request_body()?;
            Ok(serde_json::json!({ "model": call.input.model_path(), "input": input }))
        })
    }

    /// `POST /api/v1/tasks` with an `Idempotency-Key`: the task (request id, task id, status,
    /// estimated cost). MindVideo answers a repeated key with the original task and charges
    /// once, so the submit is retried like a read.
    fn submit<'a>(client: &'a Client<Self>, call: Submission<'a, Self>) -> BoxFuture<'a, Result<Job<Self>>> {
        Box::pin(async move {
            let body = Self::body(call).await?;
            let key = call.options.0.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            let key = HeaderValue::from_str(&key)
                .map_err(|_| Error::validation("idempotency_key", "pattern", "not a valid HTTP header value"))?;
            let family = family_of(call.input.kind());
            let req = Request::post("/api/v1/tasks", Body::JsonFiles(body))
                .header(HeaderName::from_static(IDEMPOTENCY_KEY), key)
                .replay(Replay::Safe)
                .family(Some(family));
            let task: Task = client.transport().send_json(&req).await?;
            Ok(Job::new(client.clone(), task, Some(family), ()))
        })
    }

    fn fetch<'a>(client: &'a Client<Self>, job: &'a JobRef<Self>) -> BoxFuture<'a, Result<Task>> {
        Box::pin(client.get(&job.id))
    }

    /// The task's event stream, folded into task states.
    fn push(
        client: &Client<Self>,
        job: &JobRef<Self>,
        last: Option<&Task>,
    ) -> Option<BoxFuture<'static, Result<PushStream<Task>>>> {
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
    fn needs_refresh(task: &Task) -> bool {
        task.output.is_none() || task.cost_actual.is_none()
    }

    fn job_key(_model: &ModelInfo) {}
}

impl Client<MindVideo> {
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
        self.follow(JobRef::new(task_id, ()), options).wait().await
    }
}

/// A task id as one escaped path segment.
fn segment(task_id: &str) -> Result<String> {
    if task_id.is_empty() {
        return Err(Error::validation("task_id", "required", "the task id is empty"));
    }
    Ok(http::encode_segment(task_id))
}

impl<M: CallInput> Call<'_, MindVideo, M> {
    /// Use this `Idempotency-Key` instead of a fresh one: one key per business request, so that
    /// submitting it again (after a crash, from another process) finds the same task. The same
    /// key with a different input is refused with a 409: [`Error::Api`] with
    /// [`crate::ErrorKind::Conflict`].
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options = IdempotencyKey(Some(key.into()));
        self
    }
}
