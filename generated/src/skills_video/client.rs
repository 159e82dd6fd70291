//! The skills.video client: configuration, submit, get, wait, stream, downloads.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderValue};
use serde_json::Value;

use super::{Generation, GenerationStream, Job, Output, WaitOptions};
use crate::http::{self, Body, Request, Settings, Transport};
use crate::{Error, Family, Kind, Model, Result, RetryPolicy};

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://open.skills.video/api";
/// The environment variable [`Client::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "SKILLS_VIDEO_API_KEY";
/// The environment variable that overrides the base URL when the builder sets none.
pub const BASE_URL_ENV: &str = "SKILLS_VIDEO_BASE_URL";

const ENV: http::Env = http::Env {
    api_key: API_KEY_ENV,
    base_url: BASE_URL_ENV,
    default_base_url: DEFAULT_BASE_URL,
};

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
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    wait: WaitOptions,
    sse_idle_timeout: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("transport", &self.inner.transport)
            .field("wait", &self.inner.wait)
            .field("sse_idle_timeout", &self.inner.sse_idle_timeout)
            .finish()
    }
}

/// Settings for a [`Client`]; see [`Client::builder`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    settings: Settings,
    wait: WaitOptions,
    sse_idle_timeout: Duration,
}

impl ClientBuilder {
    /// The API key; [`API_KEY_ENV`] when not set.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.settings.api_key = Some(key.into());
        self
    }

    /// The API base URL (up to and including `/api`); [`BASE_URL_ENV`], then
    /// [`DEFAULT_BASE_URL`] when not set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.settings.base_url = Some(url.into());
        self
    }

    /// How failed requests are retried (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// How [`Job::wait`] polls by default.
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

    /// How long an event stream may stay silent before the client stops reading it and polls
    /// instead (default 5 minutes).
    pub fn sse_idle_timeout(mut self, timeout: Duration) -> Self {
        self.sse_idle_timeout = timeout;
        self
    }

    /// Use this `reqwest` client (and its connection pool) instead of building one. Its own
    /// connect timeout and proxy settings then apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.settings.http = Some(client);
        self
    }

    /// The client. Fails with [`Error::Config`] when there is no API key or the base URL is not
    /// an http(s) URL.
    pub fn build(self) -> Result<Client> {
        Ok(Client {
            inner: Arc::new(Inner {
                transport: self.settings.build(&ENV)?,
                wait: self.wait,
                sse_idle_timeout: self.sse_idle_timeout,
            }),
        })
    }
}

impl Client {
    /// Settings for a client.
    ///
    /// ```
    /// use std::time::Duration;
    /// use mediagen::{RetryPolicy, skills_video::{Client, WaitOptions}};
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
        ClientBuilder {
            settings: Settings::default(),
            wait: WaitOptions::default(),
            sse_idle_timeout: Duration::from_secs(300),
        }
    }

    /// A client configured from [`API_KEY_ENV`] and, if set, [`BASE_URL_ENV`].
    pub fn from_env() -> Result<Self> {
        Client::builder().build()
    }

    /// A client with this API key and default settings.
    pub fn new(api_key: impl Into<String>) -> Result<Self> {
        Client::builder().api_key(api_key).build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.transport.base_url()
    }

    /// The default [`WaitOptions`] of [`Job::wait`].
    pub fn wait_options(&self) -> &WaitOptions {
        &self.inner.wait
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
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
        let req = Request::get(format!("/v1/generation/{}", encode_segment(id)));
        self.transport().send_json(&req).await
    }

    /// Poll a generation until it ends. The completed generation is returned; a failed one is
    /// [`Error::JobFailed`], a canceled one [`Error::JobCanceled`], one still running at the
    /// deadline [`Error::Deadline`].
    pub async fn wait(&self, id: &str, options: WaitOptions) -> Result<Generation> {
        super::job::wait(self, id, options, None).await
    }

    /// Text to speech: `POST /ai/tts/generate`, answered synchronously.
    pub async fn tts(&self, request: &super::TtsRequest) -> Result<super::TtsResponse> {
        request.validate()?;
        let req = Request::post("/ai/tts/generate", Body::Json(request.to_body()?)).family(Some(Family::Tts));
        let resp = self.transport().send(&req).await?;
        let text = resp.text().await?;
        super::tts::parse_response(&text)
    }

    /// Download an output into `dir` (created if missing) under its
    /// [safe file name](Output::safe_file_name), streaming it to disk. The API key is not sent
    /// to the output's host. Returns the file's path.
    pub async fn download(&self, output: &Output, dir: impl AsRef<Path>) -> Result<PathBuf> {
        let dir = dir.as_ref();
        tokio::fs::create_dir_all(dir).await.map_err(|source| Error::Io {
            context: format!("creating {}", dir.display()),
            source,
        })?;
        let path = dir.join(output.safe_file_name());
        self.transport().download(&output.url, &path).await?;
        Ok(path)
    }
}

/// Percent-encode one path segment.
fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What a [`Call`] can send: every generated model input (through [`Model`]), or a
/// [`RawInput`].
pub trait CallInput: Send + Sync {
    /// The model path after `/v1/generation/` (`google/veo-3.1`).
    fn model_path(&self) -> &str;
    /// What the model produces; decides the error family of codes that name none.
    fn kind(&self) -> Kind;
    /// The request body, checked; local files as [`crate::MediaInput`] markers.
    fn request_body(&self) -> Result<Value>;
}

impl<M: Model> CallInput for M {
    fn model_path(&self) -> &str {
        M::INFO.path
    }
    fn kind(&self) -> Kind {
        M::INFO.kind
    }
    fn request_body(&self) -> Result<Value> {
        self.to_body()
    }
}

/// A model input given as JSON, for models chosen at run time (a CLI, a registry lookup).
/// Nothing is checked before sending. Files can be put in the body as
/// `serde_json::to_value(MediaInput::path(..))`.
///
/// ```
/// use mediagen::{Kind, skills_video::RawInput};
/// let input = RawInput::new("google/veo-3.1", Kind::Video, serde_json::json!({"prompt": "a cat"}));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RawInput {
    path: String,
    kind: Kind,
    body: Value,
}

impl RawInput {
    /// A body for the model at `path` (after `/v1/generation/`).
    pub fn new(path: impl Into<String>, kind: Kind, body: Value) -> Self {
        RawInput {
            path: path.into().trim_matches('/').to_string(),
            kind,
            body,
        }
    }

    /// A body for a model of the [registry](crate::registry) (`skills-video/google/veo-3.1`).
    pub fn for_model(info: &crate::ModelInfo, body: Value) -> Self {
        RawInput::new(info.path, info.kind, body)
    }
}

impl CallInput for RawInput {
    fn model_path(&self) -> &str {
        &self.path
    }
    fn kind(&self) -> Kind {
        self.kind
    }
    fn request_body(&self) -> Result<Value> {
        match &self.body {
            Value::Object(_) => Ok(self.body.clone()),
            _ => Err(Error::Encode {
                message: "a request body must be a JSON object".into(),
            }),
        }
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
    /// Wait options for [`stream`](Self::stream) and [`run`](Self::run) instead of the client's.
    pub fn wait_options(mut self, options: WaitOptions) -> Self {
        self.wait = Some(options);
        self
    }

    /// The input this call sends.
    pub fn input(&self) -> &M {
        &self.input
    }

    /// The body this call sends, after the schema checks; local files appear as markers.
    pub fn body(&self) -> Result<Value> {
        self.input.request_body()
    }

    fn family(&self) -> Family {
        family_of(self.input.kind())
    }

    fn options(&self) -> WaitOptions {
        self.wait.clone().unwrap_or_else(|| self.client.wait_options().clone())
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
        Ok(Job::new(self.client.clone(), generation, Some(self.family())))
    }

    /// Submit over server-sent events: `POST /v1/generation/sse/{model}`. The stream yields each
    /// status event and ends with the terminal one. If it breaks first, the generation is
    /// followed by polling its id; it is never submitted twice.
    pub async fn stream(self) -> Result<GenerationStream> {
        let req = self
            .request(format!("/v1/generation/sse/{}", self.input.model_path()))?
            .header(header::ACCEPT, HeaderValue::from_static("text/event-stream"))
            .streaming();
        let family = Some(self.family());
        let options = self.options();
        let client = self.client.clone();
        let resp = client.transport().send(&req).await?;
        let is_sse = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.trim_start().starts_with("text/event-stream"));
        if is_sse {
            let idle = client.inner.sse_idle_timeout;
            Ok(GenerationStream::sse(client, resp, options, family, idle))
        } else {
            // The server answered with the generation instead of a stream: follow it by polling.
            let generation: Generation =
                tokio::time::timeout(client.transport().timeout(), http::decode_json(resp))
                    .await
                    .map_err(|_| Error::Stream {
                        message: "the answer to the submit did not arrive in time; the job may have been created".into(),
                    })??;
            Ok(GenerationStream::polling(client, generation, options, family))
        }
    }

    /// Submit, then poll until the generation ends (see [`Job::wait`]).
    pub async fn run(self) -> Result<Generation> {
        let options = self.options();
        self.submit().await?.wait_with(options).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn segments_are_escaped() {
        assert_eq!(super::encode_segment("gen_1.a-b~"), "gen_1.a-b~");
        assert_eq!(super::encode_segment("a/b c"), "a%2Fb%20c");
    }
}
