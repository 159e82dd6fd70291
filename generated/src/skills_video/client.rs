//! The skills.video client: configuration, submit, get, wait, stream, downloads.

use reqwest::header::{self, HeaderValue};
use serde_json::Value;

use super::{Generation, GenerationStream, Job};
use crate::http::{self, Body, Request};
use crate::job::{family_of, follow, sealed, Start};
use crate::input::{CallInput, RawInput};
use crate::{Error, Family, Model, Result, WaitOptions};

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://open.skills.video/api";
/// The environment variable [`Client::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "SKILLS_VIDEO_API_KEY";
/// The environment variable that overrides the base URL when the builder sets none.
pub const BASE_URL_ENV: &str = "SKILLS_VIDEO_BASE_URL";

/// Settings for a [`Client`]; see [`Client::builder`]. The base URL goes up to and including
/// `/api`.
pub type ClientBuilder = crate::ClientBuilder<Client>;

crate::job::platform_client!(
    /// Client for skills.video. Cheap to clone: clones share one connection pool.
    ///
    /// ```no_run
    /// # async fn demo() -> mediagen::Result<()> {
    /// use mediagen::skills_video::Client;
    /// let client = Client::from_env()?; // SKILLS_VIDEO_API_KEY, optional SKILLS_VIDEO_BASE_URL
    /// let done = client.wait("gen_123", Default::default()).await?;
    /// for output in done.outputs() {
    ///     println!("{} {:?}", output.url, output.content_type);
    /// }
    /// # Ok(()) }
    /// ```
    Client,
    State = Generation,
    http::Env {
        api_key: API_KEY_ENV,
        base_url: BASE_URL_ENV,
        default_base_url: Some(DEFAULT_BASE_URL),
    }
);

impl Client {
    /// Settings for a client.
    ///
    /// ```
    /// use std::time::Duration;
    /// use mediagen::{RetryPolicy, WaitOptions, skills_video::Client};
    /// let client = Client::builder()
    ///     .api_key("sk-...")
    ///     .base_url("http://127.0.0.1:8080/api")
    ///     .retry(RetryPolicy::default().max_attempts(3))
    ///     .wait_options(WaitOptions::default().deadline(Duration::from_secs(600)))
    ///     .build()?;
    /// assert!(!format!("{client:?}").contains("sk-..."));
    /// # Ok::<_, mediagen::Error>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from [`API_KEY_ENV`] and, if set, [`BASE_URL_ENV`].
    pub fn from_env() -> Result<Self> {
        Client::builder().build()
    }

    /// A client with this API key and default settings.
    pub fn new(api_key: impl Into<String>) -> Result<Self> {
        Client::builder().api_key(api_key).build()
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

    /// A request for a model named at run time, with a JSON body (no schema checks).
    pub fn call_raw(&self, input: RawInput) -> Call<'_, RawInput> {
        Call {
            client: self,
            input,
            wait: None,
        }
    }

    /// The current state of a generation: `GET /v1/generation/{id}`.
    pub async fn get(&self, id: &str) -> Result<Generation> {
        if id.is_empty() {
            return Err(Error::Validation {
                path: "id".into(),
                rule: "required",
                message: "the generation id is empty".into(),
            });
        }
        let req = Request::get(format!("/v1/generation/{}", http::encode_segment(id)));
        self.transport().send_json(&req).await
    }

    /// Text to speech: `POST /ai/tts/generate`, answered synchronously.
    pub async fn tts(&self, request: &super::TtsRequest) -> Result<super::TtsResponse> {
        request.validate()?;
        let req = Request::post("/ai/tts/generate", Body::Json(request.to_body()?)).family(Some(Family::Tts));
        let text = self.transport().send_text(&req).await?;
        super::tts::parse_response(&text)
    }
}

/// One model invocation, not yet sent. The input is checked against the schema when it is sent;
/// nothing reaches the network when a check fails.
///
/// - [`submit`](Self::submit): one `POST`, returns a [`Job`] to wait on.
/// - [`stream`](Self::stream): submit over SSE, a stream of status events.
/// - [`run`](Self::run): submit and wait.
///
/// When the input holds a local file the request is sent as `multipart/form-data` (field names
/// as in the schema, array fields repeated, URLs as text parts, files streamed from disk);
/// otherwise as JSON.
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


    /// The body this call sends, after the schema checks; local files appear as markers.
    pub fn body(&self) -> Result<Value> {
        self.input.request_body()
    }

    fn family(&self) -> Family {
        family_of(self.input.kind())
    }


    fn request(&self, path: String) -> Result<Request> {
        let body = self.body()?;
        let body = if crate::media::has_files(&body) {
            Body::Multipart(body)
        } else {
            Body::Json(body)
        };
        Ok(Request::post(path, body).family(Some(self.family())))
    }

    /// Submit the generation: `POST /v1/generation/{model}`. Returns the job (id, status,
    /// normalized input, usage) without waiting for it.
    ///
    /// Retried only where no second job can result: on 429 and 503 and when no connection could
    /// be opened.
    pub async fn submit(self) -> Result<Job> {
        let req = self.request(format!("/v1/generation/{}", self.input.model_path()))?;
        let generation: Generation = self.client.transport().send_json(&req).await?;
        Ok(Job::new(self.client.clone(), generation, Some(self.family()), None))
    }

    /// Submit over server-sent events: `POST /v1/generation/sse/{model}`. The stream yields each
    /// status event and ends with the terminal one. If it breaks first, the generation is
    /// followed by polling its id; it is never submitted twice.
    pub async fn stream(self) -> Result<GenerationStream> {
        let req = self
            .request(format!("/v1/generation/sse/{}", self.input.model_path()))?
            .header(header::ACCEPT, HeaderValue::from_static("text/event-stream"))
            .streaming();
        let options = self.options();
        let client = self.client.clone();
        let job = sealed::JobRef {
            id: String::new(),
            family: Some(self.family()),
            scope: None,
        };
        let resp = client.transport().send(&req).await?;
        let is_sse = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.trim_start().starts_with("text/event-stream"));
        if is_sse {
            let events = super::stream::generation_events(resp);
            Ok(follow(client, job, Start::Push(events), options))
        } else {
            // The server answered with the generation instead of a stream: follow it by polling.
            let generation: Generation =
                tokio::time::timeout(client.transport().timeout(), http::decode_json(resp))
                    .await
                    .map_err(|_| Error::Stream {
                        message: "the answer to the submit did not arrive in time; the job may have been created".into(),
                    })??;
            let job = sealed::JobRef {
                id: generation.id.clone(),
                ..job
            };
            Ok(follow(client, job, Start::Known(generation), options))
        }
    }

}

crate::job::call_common!(Generation);
