//! fal's queue protocol: submit, status (pushed over SSE, or polled), result, cancel.

use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::StreamExt as _;
use reqwest::header::{HeaderName, HeaderValue, ACCEPT};
use serde_json::Value;

use super::storage::upload_files;
use super::{Failure, Request};
use crate::answer::family_of;
use crate::http::{self, Body, Env, Replay, Request as HttpRequest};
use crate::input::{check_platform, CallInput};
use crate::protocol::{sealed, JobKey, JobRef, Push, PushStream, Submission};
use crate::{Call, Client, ClientBuilder, Error, Job, JobState as _, ModelInfo, Platform, Protocol, Result};

/// The environment variable the API key is read from (sent as `Authorization: Key <key>`).
pub const API_KEY_ENV: &str = "FAL_KEY";
/// The environment variable that overrides the queue host.
pub const QUEUE_URL_ENV: &str = "FAL_QUEUE_URL";
/// The environment variable that overrides the REST host (storage uploads).
pub const REST_URL_ENV: &str = "FAL_REST_URL";
/// fal's queue.
pub const DEFAULT_QUEUE_URL: &str = "https://queue.fal.run";
/// fal's REST API (storage).
pub const DEFAULT_REST_URL: &str = "https://rest.fal.ai";

/// Where fal publishes its webhook signing keys, below the REST host
/// (`https://rest.fal.ai/.well-known/jwks.json`).
pub const DEFAULT_JWKS_PATH: &str = "/.well-known/jwks.json";

/// fal.ai: `POST {queue}/{endpoint id}`, followed by request id; the platform marker of
/// [`Client<Fal>`](crate::Client).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Fal;

/// Where a fal request's status, result and cancel live: the owner and app segments of its
/// endpoint id (`fal-ai/kling-video` for `fal-ai/kling-video/v2.1/master/image-to-video`).
/// Stored in a job handle as `scope`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct App(String);

impl App {
    /// The app of an endpoint id (its first two segments).
    pub fn of_endpoint(endpoint_id: &str) -> App {
        let id = endpoint_id.trim_matches('/');
        let mut segments = id.splitn(3, '/');
        let owner = segments.next().unwrap_or("");
        App(match segments.next() {
            Some(app) => format!("{owner}/{app}"),
            None => owner.to_string(),
        })
    }

    /// `owner/app`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl JobKey for App {
    fn to_scope(&self) -> Option<String> {
        Some(self.0.clone())
    }
    fn from_scope(scope: Option<&str>) -> std::result::Result<Self, String> {
        scope.filter(|s| !s.is_empty()).map(App::of_endpoint).ok_or_else(|| "a fal job handle needs its app".into())
    }
}

/// The options of one fal call: a webhook and a start deadline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FalOptions {
    webhook: Option<String>,
    start_timeout: Option<Duration>,
}

impl Protocol for Fal {
    const PLATFORM: Platform = Platform::Fal;
    type State = Request;
    type JobKey = App;
    type CallOptions = FalOptions;
}

impl sealed::Sealed for Fal {
    const ENV: Env = Env {
        api_key: API_KEY_ENV,
        base_url: QUEUE_URL_ENV,
        default_base_url: Some(DEFAULT_QUEUE_URL),
        auth_scheme: "Key",
        storage: Some((REST_URL_ENV, DEFAULT_REST_URL)),
    };

    /// The input as JSON; local files are still markers (a submit uploads them first).
    fn body<'a>(call: Submission<'a, Self>) -> BoxFuture<'a, Result<Value>> {
        Box::pin(async move {
            check_platform(call.input, Platform::Fal)?;
            call.input.request_body()
        })
    }

    /// Upload local files to fal storage, then `POST {queue}/{endpoint id}`: the request
    /// (`request_id`, `queue_position`, its URLs). fal has no idempotency key, so the submit is
    /// repeated only where nothing can have started: on 429 and a connection never opened.
    fn submit<'a>(client: &'a Client<Self>, call: Submission<'a, Self>) -> BoxFuture<'a, Result<Job<Self>>> {
        Box::pin(async move {
            let endpoint = endpoint(call);
            let body = upload_files(client.transport(), Self::body(call).await?).await?;
            let mut path = format!("/{endpoint}");
            if let Some(url) = &call.options.webhook {
                path.push_str(&format!("?fal_webhook={}", http::encode_segment(url)));
            }
            let family = family_of(call.input.kind());
            let mut req = HttpRequest::post(path, Body::Json(body)).replay(Replay::Unsent).family(Some(family));
            if let Some(limit) = call.options.start_timeout {
                let secs = HeaderValue::from_str(&limit.as_secs_f64().to_string()).expect("a number is a header value");
                req = req.header(HeaderName::from_static("x-fal-request-timeout"), secs);
            }
            let mut submitted: Request = client.transport().send_json(&req).await?;
            if submitted.status.is_empty() {
                submitted.status = "IN_QUEUE".into();
            }
            Ok(Job::new(client.clone(), submitted, Some(family), App::of_endpoint(&endpoint)))
        })
    }

    /// `GET .../requests/{id}/status?logs=1`, and once it is `COMPLETED`, the result.
    fn fetch<'a>(client: &'a Client<Self>, job: &'a JobRef<Self>) -> BoxFuture<'a, Result<Request>> {
        Box::pin(async move {
            let path = format!("{}/status?logs=1", request_path(job));
            let mut state: Request = client.transport().send_json(&HttpRequest::get(path)).await?;
            if state.request_id.is_empty() {
                state.request_id = job.id.clone();
            }
            if state.completed() {
                read_result(client, job, &mut state).await?;
            }
            Ok(state)
        })
    }

    /// `GET .../requests/{id}/status/stream?logs=1`: one status object per event, to `COMPLETED`.
    fn push(
        client: &Client<Self>,
        job: &JobRef<Self>,
        _last: Option<&Request>,
    ) -> Option<BoxFuture<'static, Result<PushStream<Request>>>> {
        let client = client.clone();
        let path = format!("{}/status/stream?logs=1", request_path(job));
        let id = job.id.clone();
        Some(Box::pin(async move {
            let req = HttpRequest::get(path).header(ACCEPT, HeaderValue::from_static("text/event-stream")).streaming();
            let resp = client.transport().send(&req).await?;
            let states = http::frames(resp)
                .filter_map(move |frame| {
                    let id = id.clone();
                    async move {
                        match frame {
                            Err(reason) => Some(Push::Broken(reason)),
                            Ok(frame) => match serde_json::from_str::<Request>(frame.data.trim()) {
                                Ok(mut state) => {
                                    if state.request_id.is_empty() {
                                        state.request_id = id;
                                    }
                                    Some(Push::State(state))
                                }
                                // Comments, keep-alives and events of other shapes.
                                Err(_) => None,
                            },
                        }
                    }
                })
                .boxed();
            Ok(states)
        }))
    }

    /// A pushed `COMPLETED` carries no result: the result is read with one more lookup.
    fn needs_refresh(state: &Request) -> bool {
        state.completed() && state.result.is_none() && state.failure.is_none()
    }

    /// The result of a pushed `COMPLETED`: `GET .../requests/{id}` alone (its status is known).
    fn refresh<'a>(
        client: &'a Client<Self>,
        job: &'a JobRef<Self>,
        pushed: &'a Request,
    ) -> BoxFuture<'a, Result<Request>> {
        Box::pin(async move {
            let mut state = pushed.clone();
            read_result(client, job, &mut state).await?;
            Ok(state)
        })
    }

    /// `PUT .../requests/{id}/cancel`: 202 `CANCELLATION_REQUESTED`; a request that already
    /// completed (400 `ALREADY_COMPLETED`) stays as it is.
    fn cancel<'a>(client: &'a Client<Self>, job: &'a JobRef<Self>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let req = HttpRequest::put(format!("{}/cancel", request_path(job)), Body::Empty).replay(Replay::Safe);
            match client.transport().send_text(&req).await {
                Ok(_) => Ok(()),
                Err(Error::Api { status: 400, .. }) => Ok(()),
                Err(e) => Err(e),
            }
        })
    }

    fn result<'a>(client: &'a Client<Self>, job: &'a JobRef<Self>, state: &'a Request) -> BoxFuture<'a, Result<Value>> {
        Box::pin(async move {
            if let Some(result) = &state.result {
                return Ok(result.clone());
            }
            let mut state = state.clone();
            read_result(client, job, &mut state).await?;
            let error = state.error(job.family);
            match (state.result, error) {
                (Some(result), _) => Ok(result),
                (None, Some(e)) => Err(e),
                (None, None) => Err(Error::Decode { message: "the request has no result".into(), body: String::new() }),
            }
        })
    }

    fn job_key(model: &ModelInfo) -> App {
        App::of_endpoint(model.path)
    }
}

/// The endpoint id a call submits to: its model's (`fal-ai/veo3`).
fn endpoint(call: Submission<'_, Fal>) -> String {
    call.input
        .info()
        .map(|i| i.endpoint.trim_start_matches('/').to_string())
        .unwrap_or_else(|| call.input.model_path().trim_matches('/').to_string())
}

/// `/{owner}/{app}/requests/{id}`: where fal keeps a request (status, result and cancel use only
/// the owner and app segments of the endpoint id).
fn request_path(job: &JobRef<Fal>) -> String {
    format!("/{}/requests/{}", job.key.as_str(), http::encode_segment(&job.id))
}

/// `GET .../requests/{id}`: the result into `state.result`, or the error answer it is (fal says
/// `COMPLETED` before a run's failure shows) into `state.failure`.
async fn read_result(client: &Client<Fal>, job: &JobRef<Fal>, state: &mut Request) -> Result<()> {
    match client.transport().send_json::<Value>(&HttpRequest::get(request_path(job)).family(job.family)).await {
        Ok(result) => state.result = Some(result),
        Err(Error::Api { status, code, message, raw_body, .. }) if status != 429 => {
            let message = if message.is_empty() { raw_body.unwrap_or_default() } else { message };
            state.failure = Some(Failure { status, code, message });
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

impl Client<Fal> {
    /// The current state of a request by id and endpoint id (`fal-ai/veo3`): its status and,
    /// once completed, its result.
    pub async fn get(&self, endpoint_id: &str, request_id: &str) -> Result<Request> {
        if request_id.is_empty() {
            return Err(Error::validation("request_id", "required", "the request id is empty"));
        }
        self.lookup(&JobRef::new(request_id, App::of_endpoint(endpoint_id))).await
    }

    /// Upload a file (or bytes) to fal storage: its URL, for any field that takes one.
    pub async fn upload(&self, media: &crate::MediaInput) -> Result<String> {
        super::storage::upload(self.transport(), media).await
    }
}

impl<M: CallInput> Call<'_, Fal, M> {
    /// Have fal `POST` the result to this URL when the request completes (`?fal_webhook=`).
    pub fn webhook(mut self, url: impl Into<String>) -> Self {
        self.options.webhook = Some(url.into());
        self
    }

    /// Give up if the request has not started within `limit` (`X-Fal-Request-Timeout`): fal
    /// answers 504 with `X-Fal-Request-Timeout-Type: user`, which is final, never retried.
    pub fn start_timeout(mut self, limit: Duration) -> Self {
        self.options.start_timeout = Some(limit);
        self
    }
}

impl<C> ClientBuilder<Fal, C> {
    /// fal's REST host for storage uploads (and, below it, the webhook keys);
    /// [`REST_URL_ENV`] or [`DEFAULT_REST_URL`] when unset.
    pub fn rest_url(mut self, url: impl Into<String>) -> Self {
        self.settings.storage_url = Some(url.into());
        self
    }

    /// Where [`Client::verify`] fetches fal's webhook signing keys (a JWKS); by default
    /// [`DEFAULT_JWKS_PATH`] below the REST host (`https://rest.fal.ai/.well-known/jwks.json`).
    pub fn jwks_url(mut self, url: impl Into<String>) -> Self {
        self.jwks_url = Some(url.into());
        self
    }
}
