//! Text to speech: `POST /ai/tts/generate` (synchronous; no `/v1` prefix).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{Error, ErrorKind, Family, Result};

/// A text-to-speech request. Name the model by `provider` and `model`, or by `modelId`; the
/// `input` fields are model-specific (`text`, `voice`, `language`, ...).
///
/// ```
/// use mediagen_runtime::skills_video::TtsRequest;
/// let req = TtsRequest::new("minimax-tts", "speech-02-hd")
///     .text("Hello there")
///     .voice("default")
///     .language("en");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TtsRequest {
    /// `provider/model`, e.g. `minimax-tts/speech-02-hd`.
    #[serde(rename = "modelId", default, skip_serializing_if = "Option::is_none")]
    pub model_id: Option<String>,
    /// Provider, e.g. `minimax-tts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Model, e.g. `speech-02-hd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// A specific provider endpoint, e.g. `minimax/tts-v2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Model-specific input.
    #[serde(default)]
    pub input: Map<String, Value>,
}

impl TtsRequest {
    /// A request for `provider` / `model`.
    pub fn new(provider: impl Into<String>, model: impl Into<String>) -> Self {
        TtsRequest { provider: Some(provider.into()), model: Some(model.into()), ..Default::default() }
    }

    /// A request for a model id (`minimax-tts/speech-02-hd`).
    pub fn for_model_id(model_id: impl Into<String>) -> Self {
        TtsRequest { model_id: Some(model_id.into()), ..Default::default() }
    }

    /// Use this provider endpoint.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Set `input.text`.
    pub fn text(self, text: impl Into<String>) -> Self {
        self.input_field("text", text.into())
    }

    /// Set `input.voice`.
    pub fn voice(self, voice: impl Into<String>) -> Self {
        self.input_field("voice", voice.into())
    }

    /// Set `input.language`.
    pub fn language(self, language: impl Into<String>) -> Self {
        self.input_field("language", language.into())
    }

    /// Set any input field.
    pub fn input_field(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.input.insert(key.into(), value.into());
        self
    }

    /// Check what the endpoint requires: a model named by id or by provider and model, and no
    /// empty strings.
    pub fn validate(&self) -> Result<()> {
        for (path, value) in [
            ("modelId", &self.model_id),
            ("provider", &self.provider),
            ("model", &self.model),
            ("endpoint", &self.endpoint),
        ] {
            if value.as_deref() == Some("") {
                return Err(Error::Validation {
                    path: path.into(),
                    rule: "minLength",
                    message: "must not be empty".into(),
                });
            }
        }
        if self.model_id.is_none() && (self.provider.is_none() || self.model.is_none()) {
            return Err(Error::Validation {
                path: "modelId".into(),
                rule: "required",
                message: "name the model by modelId, or by provider and model".into(),
            });
        }
        Ok(())
    }

    pub(crate) fn to_body(&self) -> Result<Value> {
        serde_json::to_value(self).map_err(|e| Error::Encode { message: e.to_string() })
    }
}

/// The audio file of a TTS answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TtsAudio {
    /// Where to fetch it.
    pub url: String,
    /// MIME type (`audio/mpeg`).
    #[serde(default)]
    pub content_type: Option<String>,
    /// Length in seconds.
    #[serde(default)]
    pub duration: Option<f64>,
}

/// The result of a TTS request (the `data` of the platform's answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TtsResponse {
    /// Provider that ran it.
    #[serde(default)]
    pub provider: Option<String>,
    /// Model that ran it.
    #[serde(default)]
    pub model: Option<String>,
    /// `provider/model`.
    #[serde(rename = "modelId", default)]
    pub model_id: Option<String>,
    /// Provider endpoint used.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The audio URL.
    #[serde(default)]
    pub audio_url: Option<String>,
    /// The audio with its metadata.
    #[serde(default)]
    pub audio: Option<TtsAudio>,
    /// Provider output as sent (`{audio_url}`).
    #[serde(default)]
    pub output: Option<Value>,
    /// Provider logs, if any.
    #[serde(default)]
    pub logs: Option<Value>,
    /// Provider metrics, if any.
    #[serde(default)]
    pub metrics: Option<Value>,
    /// Any other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TtsResponse {
    /// The audio URL, wherever the answer put it.
    pub fn url(&self) -> Option<&str> {
        self.audio
            .as_ref()
            .map(|a| a.url.as_str())
            .or(self.audio_url.as_deref())
            .or_else(|| self.output.as_ref()?.get("audio_url")?.as_str())
    }
}

#[derive(Deserialize)]
struct Envelope {
    success: bool,
    #[serde(default)]
    data: Option<TtsResponse>,
}

/// Decode a 2xx answer; `success: false` is an error of the TTS family.
pub(crate) fn parse_response(text: &str) -> Result<TtsResponse> {
    let envelope: Envelope =
        serde_json::from_str(text).map_err(|e| Error::Decode { message: e.to_string(), body: text.to_string() })?;
    match envelope {
        Envelope { success: true, data: Some(data) } => Ok(data),
        Envelope { success: true, data: None } => {
            Err(Error::Decode { message: "a successful answer without data".into(), body: text.to_string() })
        }
        Envelope { success: false, .. } => {
            let mut err = crate::error_body::error_from_body(200, text, Some(Family::Tts));
            if let Error::Api { kind, family, message, .. } = &mut err {
                if *kind == ErrorKind::Other {
                    *kind = ErrorKind::Failed;
                    *family = Some(Family::Tts);
                }
                if message.is_empty() {
                    *message = "the platform reported success: false".into();
                }
            }
            Err(err)
        }
    }
}
