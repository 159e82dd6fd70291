//! The AI/ML API client: submit to the document's POST path, follow video generations.

use futures_util::future::BoxFuture;
use serde_json::Value;

use super::Generation;
use crate::http::{self, Body, Request};
use crate::input::{check_platform, CallInput, RawInput};
use crate::job::sealed::{self, JobRef};
use crate::job::{family_of, kind_of};
use crate::{Error, Kind, Model, ModelInfo, Platform, Result, WaitOptions};

/// The environment variable [`Client::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "AIMLAPI_API_KEY";
/// The environment variable that overrides the base URL.
pub const BASE_URL_ENV: &str = "AIMLAPI_BASE_URL";
/// The base URL when neither the builder nor the environment gives one.
pub const DEFAULT_BASE_URL: &str = "https://api.aimlapi.com";

/// A submitted generation; see [`crate::Job`].
pub type Job = crate::Job<Client>;

/// A stored [`Job`]; see [`crate::JobHandle`].
pub type JobHandle = crate::JobHandle<Generation>;

/// Settings for a [`Client`]; see [`Client::builder`].
pub type ClientBuilder = crate::ClientBuilder<Client>;

/// The `scope` a job handle keeps: video generations are followed, others answered at once.
const VIDEO: &str = "video";
const DIRECT: &str = "direct";

crate::job::platform_client!(
    /// Client for AI/ML API. Cheap to clone: clones share one connection pool.
    ///
    /// ```no_run
    /// # async fn demo() -> mediagen::Result<()> {
    /// use mediagen::aimlapi::{google::veo_3_1_t2v, Client};
    /// use mediagen::JobState as _;
    ///
    /// let client = Client::from_env()?; // AIMLAPI_API_KEY, optional AIMLAPI_BASE_URL
    /// let input = veo_3_1_t2v::Input::builder().prompt("a lighthouse in a storm").build()?;
    /// let job = client.google_veo_3_1_t2v(input).submit().await?;
    /// let done = job.wait().await?; // polls GET /v2/video/generations?generation_id=
    /// for output in done.outputs() {
    ///     job.download(&output, "out/").await?;
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

impl sealed::Lookup for Generation {
    type Client = Client;

    fn fetch<'a>(client: &'a Client, job: &'a JobRef) -> BoxFuture<'a, Result<Self>> {
        Box::pin(async move {
            if job.scope.as_deref() == Some(DIRECT) {
                return Err(Error::Config(format!(
                    "generation {} was answered directly; there is nothing to look up",
                    job.id
                )));
            }
            let mut generation = client.get(&job.id).await?;
            generation.attach(job);
            Ok(generation)
        })
    }

    fn attach(&mut self, job: &JobRef) {
        if let Some(family) = job.family {
            self.kind = Some(kind_of(family));
        }
    }
}

impl Client {
    /// Settings for a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from [`API_KEY_ENV`] and, optionally, [`BASE_URL_ENV`].
    pub fn from_env() -> Result<Self> {
        Client::builder().build()
    }

    /// A client with an explicit key and the default base URL.
    ///
    /// # Panics
    ///
    /// When the key is empty or not a valid header value; [`Client::builder`] returns that as
    /// [`Error::Config`] instead.
    pub fn new(api_key: impl Into<String>) -> Self {
        Client::builder()
            .api_key(api_key)
            .build()
            .unwrap_or_else(|e| panic!("aimlapi::Client::new: {e}"))
    }

    /// A request for one model, not yet sent. Generated code calls this from each model's
    /// `call` function.
    pub fn call<M: Model>(&self, input: M) -> Call<'_, M> {
        Call { client: self, info: Some(M::INFO), input, wait: None }
    }

    /// A request for a model named at run time, with a JSON body; the path is the registry id
    /// without `aimlapi/` (`google/veo-3.1-t2v`), which gives the POST path and `model`.
    pub fn call_raw(&self, input: RawInput) -> Call<'_, RawInput> {
        let info = crate::registry::find(&format!("aimlapi/{}", input.model_path()));
        Call { client: self, info, input, wait: None }
    }

    /// The current state of a video generation: `GET /v2/video/generations?generation_id=`.
    pub async fn get(&self, generation_id: &str) -> Result<Generation> {
        if generation_id.is_empty() {
            return Err(Error::validation("generation_id", "required", "the generation id is empty"));
        }
        let path = format!("/v2/video/generations?generation_id={}", http::encode_segment(generation_id));
        let family = Some(crate::Family::Video);
        let text = self.transport().send_text(&Request::get(path).family(family)).await?;
        let value: Value = serde_json::from_str(&text).map_err(|e| Error::Decode { message: e.to_string(), body: text.clone() })?;
        if value.get("id").is_none() && value.get("status").is_none() {
            return Err(http::error_from_body(200, &text, family));
        }
        serde_json::from_value(value).map_err(|e| Error::Decode { message: e.to_string(), body: text })
    }

    /// Poll a video generation until it ends.
    pub async fn wait(&self, generation_id: &str, options: WaitOptions) -> Result<Generation> {
        let job = JobRef {
            id: generation_id.to_string(),
            family: Some(crate::Family::Video),
            scope: Some(VIDEO.to_string()),
        };
        crate::job::follow(self.clone(), job, crate::job::Start::Id, options).wait().await
    }
}

/// One model invocation, not yet sent. The input is checked against the schema when it is sent;
/// nothing reaches the network when a check fails. A submit is retried only where no second
/// generation can result (429, 503, no connection).
#[must_use = "a Call does nothing until it is submitted"]
pub struct Call<'a, M> {
    client: &'a Client,
    info: Option<&'static ModelInfo>,
    input: M,
    wait: Option<WaitOptions>,
}

impl<M: std::fmt::Debug> std::fmt::Debug for Call<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call").field("input", &self.input).field("wait", &self.wait).finish()
    }
}

impl<M: CallInput> Call<'_, M> {


    fn info(&self) -> Result<&'static ModelInfo> {
        check_platform(&self.input, Platform::Aimlapi)?;
        self.info.ok_or_else(|| {
            Error::Config(format!("aimlapi/{} is not a model of the registry", self.input.model_path()))
        })
    }

    /// The body this call sends: the input with `model` set when the input has none, after the
    /// schema checks; local files become `data:` URIs.
    pub async fn body(&self) -> Result<Value> {
        let info = self.info()?;
        let mut body = crate::media::inline_files(self.input.request_body()?).await?;
        if let Value::Object(map) = &mut body {
            map.entry("model").or_insert_with(|| info.model_name.into());
        }
        Ok(body)
    }

    /// Submit: `POST` to the model's path. A video generation comes back queued and is
    /// followed; an image (or other direct) answer is the finished generation.
    pub async fn submit(self) -> Result<Job> {
        let info = self.info()?;
        let body = self.body().await?;
        let family = family_of(self.input.kind());
        let req = Request::post(info.endpoint, Body::Json(body)).family(Some(family));
        let text = self.client.transport().send_text(&req).await?;
        let value: Value = serde_json::from_str(&text).map_err(|e| Error::Decode { message: e.to_string(), body: text.clone() })?;
        let Value::Object(answer) = value else {
            return Err(Error::Decode { message: "expected a JSON object".into(), body: text });
        };
        let followed = self.input.kind() == Kind::Video && answer.get("id").is_some() && answer.get("data").is_none();
        let generation = if followed {
            let mut g: Generation = serde_json::from_value(Value::Object(answer))
                .map_err(|e| Error::Decode { message: e.to_string(), body: text })?;
            if g.status.is_empty() {
                g.status = "queued".into();
            }
            g
        } else {
            Generation::completed(answer)
        };
        let scope = if followed { VIDEO } else { DIRECT };
        Ok(Job::new(self.client.clone(), generation, Some(family), Some(scope.to_string())))
    }

}

crate::job::call_common!(Generation);
