//! skills.video's protocol and its extras: lookups by id, the SSE submit, text to speech.

use futures_util::future::BoxFuture;
use reqwest::header::{self, HeaderValue};
use serde_json::Value;
use tracing::Instrument as _;

use super::{Generation, GenerationStream, TtsRequest, TtsResponse};
use crate::answer::family_of;
use crate::http::{self, Body, Env, Request};
use crate::input::{check_platform, CallInput};
use crate::job::{follow, Start};
use crate::protocol::{sealed, JobRef, Submission};
use crate::{Call, Client, Error, Family, Job, ModelInfo, Platform, Protocol, Result, WaitOptions};

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://open.skills.video/api";
/// The environment variable the API key is read from.
pub const API_KEY_ENV: &str = "SKILLS_VIDEO_API_KEY";
/// The environment variable that overrides the base URL when the builder sets none. The base
/// URL goes up to and including `/api`.
pub const BASE_URL_ENV: &str = "SKILLS_VIDEO_BASE_URL";

/// skills.video: `POST /v1/generation/{model path}`, answered with a [`Generation`]; SSE
/// submits; multipart uploads. The platform marker of [`Client<SkillsVideo>`](crate::Client).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SkillsVideo;

impl Protocol for SkillsVideo {
    const PLATFORM: Platform = Platform::SkillsVideo;
    type State = Generation;
    type JobKey = ();
    type CallOptions = ();
}

impl sealed::Sealed for SkillsVideo {
    const ENV: Env = Env {
        api_key: API_KEY_ENV,
        base_url: BASE_URL_ENV,
        default_base_url: Some(DEFAULT_BASE_URL),
        auth_scheme: "Bearer",
        storage: None,
    };

    /// JSON, or the JSON object with file markers that becomes a multipart form.
    fn body<'a>(call: Submission<'a, Self>) -> BoxFuture<'a, Result<Value>> {
        Box::pin(async move {
            check_platform(call.input, Platform::SkillsVideo)?;
            call.input.request_body()
        })
    }

    /// `POST /v1/generation/{model}`: the generation (id, status, normalized input, usage).
    fn submit<'a>(client: &'a Client<Self>, call: Submission<'a, Self>) -> BoxFuture<'a, Result<Job<Self>>> {
        Box::pin(async move {
            let req = request(call, format!("/v1/generation/{}", call.input.model_path()))?;
            let generation: Generation = client.transport().send_json(&req).await?;
            Ok(Job::new(client.clone(), generation, Some(family_of(call.input.kind())), ()))
        })
    }

    fn fetch<'a>(client: &'a Client<Self>, job: &'a JobRef<Self>) -> BoxFuture<'a, Result<Generation>> {
        Box::pin(client.get(&job.id))
    }

    fn job_key(_model: &ModelInfo) {}
}

/// The submit request: multipart when the body holds a local file, JSON otherwise.
fn request(call: Submission<'_, SkillsVideo>, path: String) -> Result<Request> {
    check_platform(call.input, Platform::SkillsVideo)?;
    let body = call.input.request_body()?;
    let body = if crate::media::has_files(&body) { Body::Multipart(body) } else { Body::Json(body) };
    Ok(Request::post(path, body).family(Some(family_of(call.input.kind()))))
}

impl Client<SkillsVideo> {
    /// The current state of a generation: `GET /v1/generation/{id}`.
    pub async fn get(&self, id: &str) -> Result<Generation> {
        if id.is_empty() {
            return Err(Error::validation("id", "required", "the generation id is empty"));
        }
        let req = Request::get(format!("/v1/generation/{}", http::encode_segment(id)));
        self.transport().send_json(&req).await
    }

    /// Poll a generation until it ends. The completed generation is returned; a failed one is
    /// [`Error::JobFailed`], a canceled one [`Error::JobCanceled`], one still running at the
    /// deadline [`Error::Deadline`].
    pub async fn wait(&self, id: &str, options: WaitOptions) -> Result<Generation> {
        self.follow(JobRef::new(id, ()), options).wait().await
    }

    /// Text to speech: `POST /ai/tts/generate`, answered synchronously.
    pub async fn tts(&self, request: &TtsRequest) -> Result<TtsResponse> {
        request.validate()?;
        let req = Request::post("/ai/tts/generate", Body::Json(request.to_body()?)).family(Some(Family::Tts));
        let text = self.transport().send_text(&req).await?;
        super::tts::parse_response(&text)
    }
}

impl<M: CallInput> Call<'_, SkillsVideo, M> {
    /// Submit over server-sent events: `POST /v1/generation/sse/{model}`. The stream yields each
    /// status event and ends with the terminal one. If it breaks first, the generation is
    /// followed by polling its id; it is never submitted twice.
    pub async fn stream(self) -> Result<GenerationStream> {
        let req = request(self.submission(), format!("/v1/generation/sse/{}", self.input.model_path()))?
            .header(header::ACCEPT, HeaderValue::from_static("text/event-stream"))
            .streaming();
        let options = self.options();
        let client = self.client.clone();
        let job = JobRef { id: String::new(), family: Some(family_of(self.input.kind())), key: () };
        let span = crate::telemetry::submit_span(SkillsVideo::PLATFORM, self.input.model_path());
        let resp = client.transport().send(&req).instrument(span).await?;
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
            let generation: Generation = tokio::time::timeout(client.transport().timeout(), http::decode_json(resp))
                .await
                .map_err(|_| Error::Stream {
                    message: "the answer to the submit did not arrive in time; the job may have been created".into(),
                })??;
            let job = JobRef { id: generation.id.clone(), ..job };
            Ok(follow(client, job, Start::Known(generation), options))
        }
    }
}
