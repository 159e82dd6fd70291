//! The v2 relay client: submit, task lookups, waits, downloads.

use futures_util::future::BoxFuture;
use serde_json::Value;

use super::Task;
use crate::http::{self, Body, Request};
use crate::job::sealed::{self, JobRef};
use crate::job::{family_of, follow, kind_of, unwrap_envelope, Start};
use crate::input::{check_platform, CallInput, RawInput};
use crate::{Error, Family, JobState as _, Model, Platform, Result, WaitOptions};

/// The environment variable [`Client::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "V2_API_KEY";
/// The environment variable the base URL comes from when the builder sets none. A relay has no
/// default host: one of the two must give it.
pub const BASE_URL_ENV: &str = "V2_BASE_URL";

/// A submitted task; see [`crate::Job`].
pub type Job = crate::Job<Client>;

/// A stored [`Job`]; see [`crate::JobHandle`].
pub type JobHandle = crate::JobHandle<Task>;

/// Settings for a [`Client`]; see [`Client::builder`].
pub type ClientBuilder = crate::ClientBuilder<Client>;

crate::job::platform_client!(
    /// Client for a new-api based relay. Cheap to clone: clones share one connection pool.
    ///
    /// ```no_run
    /// # async fn demo() -> mediagen::Result<()> {
    /// use mediagen::v2::{videos::veo3, Client};
    /// use mediagen::JobState as _;
    ///
    /// let client = Client::from_env()?; // V2_BASE_URL and V2_API_KEY
    /// let input = veo3::Input::builder().prompt("A cat surfing in sunset, cinematic").build()?;
    /// let job = client.videos_veo3(input).submit().await?;
    /// let task = job.wait_reporting(Default::default(), |t| println!("{} {:?}", t.status, t.progress_percent)).await?;
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
        default_base_url: None,
    }
);

impl sealed::Lookup for Task {
    type Client = Client;

    fn fetch<'a>(client: &'a Client, job: &'a JobRef) -> BoxFuture<'a, Result<Self>> {
        Box::pin(async move {
            let scope = job.scope.as_deref().unwrap_or("videos");
            let mut task = client.get(scope, &job.id).await?;
            task.attach(job);
            Ok(task)
        })
    }

    fn attach(&mut self, job: &JobRef) {
        if let Some(family) = job.family {
            self.kind = Some(kind_of(family));
        }
    }
}

/// The error family of what a scope produces.
fn family_of_scope(scope: &str) -> Option<Family> {
    match scope {
        "videos" => Some(Family::Video),
        "images" => Some(Family::Image),
        "audio" => Some(Family::Tts),
        _ => None,
    }
}

impl Client {
    /// Settings for a client; the base URL must be given here or in [`BASE_URL_ENV`].
    ///
    /// ```
    /// use mediagen::{v2::Client, RetryPolicy};
    /// let client = Client::builder()
    ///     .base_url("https://relay.example.com")
    ///     .api_key("sk-...")
    ///     .retry(RetryPolicy::default().max_attempts(3))
    ///     .build()?;
    /// # Ok::<_, mediagen::Error>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from [`BASE_URL_ENV`] and [`API_KEY_ENV`].
    pub fn from_env() -> Result<Self> {
        Client::builder().build()
    }

    /// A client for the relay at `base_url` (the part before `/v2/...`).
    ///
    /// # Panics
    ///
    /// When the key is empty or not a valid header value, or `base_url` is not an http(s) URL.
    /// [`Client::builder`] returns these as [`Error::Config`] instead.
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Self {
        Client::builder()
            .base_url(base_url)
            .api_key(api_key)
            .build()
            .unwrap_or_else(|e| panic!("v2::Client::new: {e}"))
    }

    /// A request for one model, not yet sent; see [`Call`]. Generated code calls this from
    /// each model's `call` function.
    pub fn call<M: Model>(&self, input: M) -> Call<'_, M> {
        Call {
            client: self,
            input,
            wait: None,
        }
    }

    /// A request for a model named at run time, with a JSON body (see [`RawInput`]; its path is
    /// `<scope>/<model>`, `videos/veo3`).
    pub fn call_raw(&self, input: RawInput) -> Call<'_, RawInput> {
        Call {
            client: self,
            input,
            wait: None,
        }
    }

    /// The current state of a task: `GET /v2/{scope}/generations/{task_id}`.
    pub async fn get(&self, scope: &str, task_id: &str) -> Result<Task> {
        if task_id.is_empty() {
            return Err(Error::validation("task_id", "required", "the task id is empty"));
        }
        let path = format!("/v2/{}/generations/{}", http::encode_segment(scope), http::encode_segment(task_id));
        let family = family_of_scope(scope);
        let text = self.transport().send_text(&Request::get(path).family(family)).await?;
        parse_task(text, family)
    }

    /// Poll a task until it ends. The task that succeeded is returned; a failed one is
    /// [`Error::JobFailed`] with the `fail_reason` as its message, one still running at the
    /// deadline [`Error::Deadline`].
    pub async fn wait(&self, scope: &str, task_id: &str, options: WaitOptions) -> Result<Task> {
        let job = JobRef {
            id: task_id.to_string(),
            family: family_of_scope(scope),
            scope: Some(scope.to_string()),
        };
        follow(self.clone(), job, Start::Id, options).wait().await
    }
}

/// A task from a successful answer: the task itself or wrapped in `{code, data}`. An answer
/// without a task id is the relay's error (`{"code": "fail_to_fetch_task", "message": ..}`
/// with HTTP 200) and becomes [`Error::Api`].
fn parse_task(text: String, family: Option<Family>) -> Result<Task> {
    let value: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            return Err(Error::Decode {
                message: e.to_string(),
                body: text,
            })
        }
    };
    let value = unwrap_envelope(value, "task_id");
    if value.get("task_id").is_none() {
        return Err(http::error_from_body(200, &text, family));
    }
    serde_json::from_value(value).map_err(|e| Error::Decode {
        message: e.to_string(),
        body: text,
    })
}

/// One model invocation, not yet sent. The input is checked against the schema when it is sent;
/// nothing reaches the network when a check fails.
///
/// A submit is retried only where no second task can result (429, 503, no connection): the
/// relay has no idempotency key.
#[must_use = "a Call does nothing until it is submitted"]
pub struct Call<'a, M> {
    client: &'a Client,
    input: M,
    wait: Option<WaitOptions>,
}

impl<M: std::fmt::Debug> std::fmt::Debug for Call<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call").field("input", &self.input).field("wait", &self.wait).finish()
    }
}

impl<M: CallInput> Call<'_, M> {


    /// The scope and model name of `<scope>/<model>`.
    fn address(&self) -> Result<(&str, &str)> {
        check_platform(&self.input, Platform::V2)?;
        self.input
            .model_path()
            .split_once('/')
            .filter(|(scope, model)| !scope.is_empty() && !model.is_empty())
            .ok_or_else(|| Error::Config(format!("{:?} is not a relay model path (`<scope>/<model>`)", self.input.model_path())))
    }

    /// The body this call sends: the input with `model` set, after the schema checks; local
    /// files become `data:` URIs.
    pub async fn body(&self) -> Result<Value> {
        let (_, model) = self.address()?;
        let mut body = crate::media::inline_files(self.input.request_body()?).await?;
        if let Value::Object(map) = &mut body {
            map.insert("model".into(), model.into());
        }
        Ok(body)
    }

    /// Submit the task: `POST /v2/{scope}/generations`. Returns the job without waiting; the
    /// relay's answer is `{task_id}` (taken as `SUBMITTED`) or `{code, data: {task_id, status}}`.
    pub async fn submit(self) -> Result<Job> {
        let body = self.body().await?;
        let (scope, _) = self.address()?;
        let scope = scope.to_string();
        let family = family_of(self.input.kind());
        let req = Request::post(format!("/v2/{}/generations", http::encode_segment(&scope)), Body::Json(body))
            .family(Some(family));
        let text = self.client.transport().send_text(&req).await?;
        let mut task = parse_task(text, Some(family))?;
        if task.raw_status().is_empty() {
            task = Task::submitted(task);
        }
        Ok(Job::new(self.client.clone(), task, Some(family), Some(scope)))
    }

}

crate::job::call_common!(Task);
