//! The v2 relays' protocol: submit under a scope, task lookups.

use futures_util::future::BoxFuture;
use serde_json::Value;

use super::Task;
use crate::answer::{family_of, kind_of, unwrap_envelope};
use crate::http::{self, Body, Env, Request};
use crate::input::check_platform;
use crate::protocol::{sealed, JobKey, JobRef, Submission};
use crate::{Client, Error, Family, Job, JobState as _, ModelInfo, Platform, Protocol, Result, WaitOptions};

/// The environment variable the API key is read from.
pub const API_KEY_ENV: &str = "V2_API_KEY";
/// The environment variable the relay's base URL is read from when the builder sets none; a
/// relay has no default host.
pub const BASE_URL_ENV: &str = "V2_BASE_URL";

/// A new-api based relay: `POST /v2/{scope}/generations` with the model in the body, answered
/// with a [`Task`]. The platform marker of [`Client<V2>`](crate::Client).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct V2;

/// The relay scope a task lives under: the first segment of a relay model's path
/// (`videos/veo3`) and of its endpoints (`/v2/videos/generations`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `images`
    Images,
    /// `videos`
    Videos,
    /// `audio`
    Audio,
}

impl Scope {
    /// `images`, `videos` or `audio`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Images => "images",
            Scope::Videos => "videos",
            Scope::Audio => "audio",
        }
    }

    /// The error family of the scope's models.
    fn family(self) -> Family {
        match self {
            Scope::Images => Family::Image,
            Scope::Videos => Family::Video,
            Scope::Audio => Family::Tts,
        }
    }
}

impl std::str::FromStr for Scope {
    type Err = Error;
    fn from_str(s: &str) -> Result<Scope> {
        match s {
            "images" => Ok(Scope::Images),
            "videos" => Ok(Scope::Videos),
            "audio" => Ok(Scope::Audio),
            other => Err(Error::Config(format!("{other:?} is not a relay scope (images, videos, audio)"))),
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl JobKey for Scope {
    fn to_scope(&self) -> Option<String> {
        Some(self.as_str().to_string())
    }
    /// Handles stored without a scope were video tasks.
    fn from_scope(scope: Option<&str>) -> std::result::Result<Self, String> {
        scope.map_or(Ok(Scope::Videos), |s| s.parse().map_err(|e: Error| e.to_string()))
    }
}

impl Protocol for V2 {
    const PLATFORM: Platform = Platform::V2;
    type State = Task;
    type JobKey = Scope;
    type CallOptions = ();
}

impl sealed::Sealed for V2 {
    const ENV: Env = Env {
        api_key: API_KEY_ENV,
        base_url: BASE_URL_ENV,
        default_base_url: None,
        auth_scheme: "Bearer",
        storage: None,
    };

    const DATA_URIS: bool = true;

    /// The input with `model` added.
    fn body<'a>(call: Submission<'a, Self>) -> BoxFuture<'a, Result<Value>> {
        Box::pin(async move {
            let (_, model) = address(call)?;
            let mut body = call.input.request_body()?;
            if let Value::Object(map) = &mut body {
                map.insert("model".into(), model.into());
            }
            Ok(body)
        })
    }

    /// `POST /v2/{scope}/generations`: the task, from either answer shape.
    fn submit<'a>(client: &'a Client<Self>, call: Submission<'a, Self>) -> BoxFuture<'a, Result<Job<Self>>> {
        Box::pin(async move {
            let body = Self::body(call).await?;
            let (scope, _) = address(call)?;
            let family = family_of(call.input.kind());
            let req = Request::post(format!("/v2/{scope}/generations"), Body::JsonFiles(body)).family(Some(family));
            let text = client.transport().send_text(&req).await?;
            let mut task = parse_task(text, Some(family))?;
            if task.raw_status().is_empty() {
                task = Task::submitted(task);
            }
            Ok(Job::new(client.clone(), task, Some(family), scope))
        })
    }

    fn fetch<'a>(client: &'a Client<Self>, job: &'a JobRef<Self>) -> BoxFuture<'a, Result<Task>> {
        Box::pin(async move {
            let mut task = client.get(job.key, &job.id).await?;
            Self::attach(&mut task, job);
            Ok(task)
        })
    }

    fn attach(task: &mut Task, job: &JobRef<Self>) {
        task.kind = Some(kind_of(job.family.unwrap_or(job.key.family())));
    }

    fn job_key(model: &ModelInfo) -> Scope {
        model.scope().and_then(|s| s.parse().ok()).unwrap_or(Scope::Videos)
    }
}

/// The scope and model name of a call's model path (`videos/veo3`).
fn address(call: Submission<'_, V2>) -> Result<(Scope, &str)> {
    check_platform(call.input, Platform::V2)?;
    let path = call.input.model_path();
    let (scope, model) = path
        .split_once('/')
        .filter(|(scope, model)| !scope.is_empty() && !model.is_empty())
        .ok_or_else(|| Error::Config(format!("{path:?} is not a relay model path (`<scope>/<model>`)")))?;
    Ok((scope.parse()?, model))
}

impl Client<V2> {
    /// The current state of a task: `GET /v2/{scope}/generations/{task_id}`.
    pub async fn get(&self, scope: Scope, task_id: &str) -> Result<Task> {
        if task_id.is_empty() {
            return Err(Error::validation("task_id", "required", "the task id is empty"));
        }
        let path = format!("/v2/{scope}/generations/{}", http::encode_segment(task_id));
        let family = Some(scope.family());
        let text = self.transport().send_text(&Request::get(path).family(family)).await?;
        parse_task(text, family)
    }

    /// Poll a task until it ends. The task that succeeded is returned; a failed one is
    /// [`Error::JobFailed`] (with the relay's `fail_reason`), one still running at the deadline
    /// [`Error::Deadline`].
    pub async fn wait(&self, scope: Scope, task_id: &str, options: WaitOptions) -> Result<Task> {
        self.follow(JobRef::new(task_id, scope).with_family(scope.family()), options).wait().await
    }
}

fn parse_task(text: String, family: Option<Family>) -> Result<Task> {
    let value = unwrap_envelope(http::decode_str(text.clone())?, "task_id");
    if value.get("task_id").is_none() {
        return Err(crate::error_body::error_from_body(200, &text, family));
    }
    serde_json::from_value(value).map_err(|e| Error::Decode { message: e.to_string(), body: text })
}
