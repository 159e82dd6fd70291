//! AI/ML API's protocol: submit to the document's POST path, follow video generations.

use futures_util::future::BoxFuture;
use serde_json::Value;

use super::Generation;
use crate::answer::{family_of, kind_of};
use crate::http::{self, Body, Env, Request};
use crate::input::check_platform;
use crate::protocol::{sealed, JobKey, JobRef, Submission};
use crate::{Client, Error, Family, Job, Kind, ModelInfo, Platform, Protocol, Result, WaitOptions};

/// The environment variable the API key is read from.
pub const API_KEY_ENV: &str = "AIMLAPI_API_KEY";
/// The environment variable that overrides the base URL when the builder sets none.
pub const BASE_URL_ENV: &str = "AIMLAPI_BASE_URL";
/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.aimlapi.com";

/// AI/ML API: the POST path of each model's document, answered with a [`Generation`] (video
/// generations to follow, images answered at once). The platform marker of
/// [`Client<Aimlapi>`](crate::Client).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Aimlapi;

/// How a generation was answered, which says whether it can be looked up: stored in a job
/// handle as `scope` (`video` or `direct`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Answer {
    /// A video generation, followed with `GET /v2/video/generations?generation_id=<id>`.
    #[default]
    Followed,
    /// Answered with its outputs at once (images); there is nothing to look up.
    Direct,
}

impl JobKey for Answer {
    fn to_scope(&self) -> Option<String> {
        Some(match self {
            Answer::Followed => "video".into(),
            Answer::Direct => "direct".into(),
        })
    }
    fn from_scope(scope: Option<&str>) -> std::result::Result<Self, String> {
        match scope {
            None | Some("video") => Ok(Answer::Followed),
            Some("direct") => Ok(Answer::Direct),
            Some(other) => Err(format!("{other:?} is not an AI/ML API job scope (video, direct)")),
        }
    }
}

impl Protocol for Aimlapi {
    const PLATFORM: Platform = Platform::Aimlapi;
    type State = Generation;
    type JobKey = Answer;
    type CallOptions = ();
}

impl sealed::Sealed for Aimlapi {
    const ENV: Env = Env {
        api_key: API_KEY_ENV,
        base_url: BASE_URL_ENV,
        default_base_url: Some(DEFAULT_BASE_URL),
        auth_scheme: "Bearer",
        storage: None,
    };

    const DATA_URIS: bool = true;

    /// The input with `model` (the document's, unless the body names one).
    fn body<'a>(call: Submission<'a, Self>) -> BoxFuture<'a, Result<Value>> {
        Box::pin(async move {
            let info = info(call)?;
            let mut body = call.input.request_body()?;
            if let Value::Object(map) = &mut body {
                map.entry("model").or_insert_with(|| info.model_name.into());
            }
            Ok(body)
        })
    }

    /// `POST` to the model's endpoint. A video generation (`{id, status}`) is followed; any other
    /// answer holds the outputs and is the finished generation.
    fn submit<'a>(client: &'a Client<Self>, call: Submission<'a, Self>) -> BoxFuture<'a, Result<Job<Self>>> {
        Box::pin(async move {
            let info = info(call)?;
            let body = Self::body(call).await?;
            let family = family_of(call.input.kind());
            let req = Request::post(info.endpoint, Body::JsonFiles(body)).family(Some(family));
            let text = client.transport().send_text(&req).await?;
            let answer = json_object(&text)?;
            let followed =
                call.input.kind() == Kind::Video && answer.get("id").is_some() && answer.get("data").is_none();
            let generation = if followed {
                let mut g = Generation::from_answer(answer)
                    .map_err(|e| Error::Decode { message: e.to_string(), body: text })?;
                if g.status.is_empty() {
                    g.status = "queued".into();
                }
                g
            } else {
                Generation::completed(answer)
            };
            let key = if followed { Answer::Followed } else { Answer::Direct };
            Ok(Job::new(client.clone(), generation, Some(family), key))
        })
    }

    fn fetch<'a>(client: &'a Client<Self>, job: &'a JobRef<Self>) -> BoxFuture<'a, Result<Generation>> {
        Box::pin(async move {
            if job.key == Answer::Direct {
                return Err(Error::Config(format!(
                    "generation {} was answered directly; there is nothing to look up",
                    job.id
                )));
            }
            let mut generation = client.get(&job.id).await?;
            Self::attach(&mut generation, job);
            Ok(generation)
        })
    }

    fn attach(generation: &mut Generation, job: &JobRef<Self>) {
        if let Some(family) = job.family {
            generation.kind = Some(kind_of(family));
        }
    }

    /// The generation's answer as sent (the POST's for a synchronous answer, the last `GET`'s for a
    /// followed one): what the document describes, before any field is normalized.
    fn result<'a>(
        _client: &'a Client<Self>,
        _job: &'a JobRef<Self>,
        state: &'a Generation,
    ) -> BoxFuture<'a, Result<Value>> {
        Box::pin(async move {
            match &state.answer {
                Some(answer) => Ok(Value::Object(answer.clone())),
                None => serde_json::to_value(state).map_err(|e| Error::Encode { message: e.to_string() }),
            }
        })
    }

    fn job_key(model: &ModelInfo) -> Answer {
        if model.kind == Kind::Video {
            Answer::Followed
        } else {
            Answer::Direct
        }
    }
}

/// The model of a call: its registry entry, which holds the endpoint.
fn info(call: Submission<'_, Aimlapi>) -> Result<&'static ModelInfo> {
    check_platform(call.input, Platform::Aimlapi)?;
    call.input.info().ok_or_else(|| {
        Error::Config(format!(
            "aimlapi/{}: an AI/ML API submit needs the model's endpoint; build the input with \
             RawInput::for_model(mediagen::registry::find(\"aimlapi/...\"), body)",
            call.input.model_path()
        ))
    })
}

impl Client<Aimlapi> {
    /// The current state of a video generation: `GET /v2/video/generations?generation_id={id}`.
    pub async fn get(&self, generation_id: &str) -> Result<Generation> {
        if generation_id.is_empty() {
            return Err(Error::validation("generation_id", "required", "the generation id is empty"));
        }
        let path = format!("/v2/video/generations?generation_id={}", http::encode_segment(generation_id));
        let family = Some(Family::Video);
        let text = self.transport().send_text(&Request::get(path).family(family)).await?;
        let value: Value = http::decode_str(text.clone())?;
        if value.get("id").is_none() && value.get("status").is_none() {
            return Err(crate::error_body::error_from_body(200, &text, family));
        }
        let answer = json_object(&text)?;
        Generation::from_answer(answer).map_err(|e| Error::Decode { message: e.to_string(), body: text })
    }

    /// Poll a video generation until it ends.
    pub async fn wait(&self, generation_id: &str, options: WaitOptions) -> Result<Generation> {
        self.follow(JobRef::new(generation_id, Answer::Followed).with_family(Family::Video), options).wait().await
    }
}

/// An answer that must be a JSON object; one that is not is kept in [`Error::Decode`].
fn json_object(text: &str) -> Result<serde_json::Map<String, Value>> {
    match http::decode_str::<Value>(text.to_string())? {
        Value::Object(answer) => Ok(answer),
        _ => Err(Error::Decode { message: "expected a JSON object".into(), body: text.to_string() }),
    }
}
