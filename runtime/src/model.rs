//! What every generated model provides to the runtime.

use serde::Serialize;

/// The hosting platform a model runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    /// skills.video: `POST /v1/generation/{model path}`.
    SkillsVideo,
    /// MindVideo: `POST /api/v1/tasks {model, input}`.
    Mindvideo,
    /// A new-api based relay: `POST /v2/{scope}/generations`.
    V2,
    /// AI/ML API: the document's POST path (`/v2/video/generations`, `/v1/images/generations`, ...).
    Aimlapi,
    /// fal.ai's queue: `POST {queue}/{endpoint id}`.
    Fal,
}

impl Platform {
    /// The id prefix used in the registry (`skills-video`, `mindvideo`, `v2`, `aimlapi`).
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::SkillsVideo => "skills-video",
            Platform::Mindvideo => "mindvideo",
            Platform::V2 => "v2",
            Platform::Aimlapi => "aimlapi",
            Platform::Fal => "fal",
        }
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a model produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Video output.
    Video,
    /// Image output.
    Image,
    /// Audio output (speech, music).
    Audio,
}

impl Kind {
    /// `video`, `image` or `audio`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Video => "video",
            Kind::Image => "image",
            Kind::Audio => "audio",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Static description of one generated model, readable at run time through the generated
/// crate's `registry`.
#[derive(Debug, Clone, Copy)]
pub struct ModelInfo {
    /// Registry id: the schema path without `.json`, platform first (`skills-video/google/veo-3.1`).
    pub id: &'static str,
    /// Platform the model runs on.
    pub platform: Platform,
    /// Output kind.
    pub kind: Kind,
    /// The platform-specific address of the model: the path after `/v1/generation/` on skills.video,
    /// the task `model` slug on MindVideo, `<scope>/<model>` on a v2 relay.
    pub path: &'static str,
    /// The value sent as `model` in the request envelope (MindVideo, v2, AI/ML API), or the last path segment.
    pub model_name: &'static str,
    /// The submit path relative to the platform's base URL: `/v1/generation/google/veo-3.1` on
    /// skills.video, `/api/v1/tasks` on MindVideo, `/v2/videos/generations` on a v2 relay, the
    /// document's POST path on AI/ML API (`/v2/video/generations`).
    pub endpoint: &'static str,
    /// Human title of the model.
    pub title: &'static str,
    /// One-line summary.
    pub summary: &'static str,
    /// The input JSON Schema the types were generated from (after normalisation), as JSON text.
    pub schema: &'static str,
    /// The schema file, relative to the workspace root.
    pub schema_file: &'static str,
    /// The top-level parameters that take media (a URL, or a local file that is uploaded), by
    /// wire name: what a CLI may fill from a path on disk.
    pub media: &'static [&'static str],
    /// Read an input given as JSON into the model's typed `Input`, check every constraint, and
    /// return the request body: what a program that picks the model at run time (the CLI) uses.
    pub parse: fn(serde_json::Value) -> Result<serde_json::Value, crate::Error>,
}

impl PartialEq for ModelInfo {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for ModelInfo {}

/// Check JSON against the model's schema (no local files, no unknown parameters, whole floats as
/// integers, required constants filled in; see `json_input`), deserialize it into the model's
/// input type naming the field that does not fit, check every constraint, and return the body,
/// with the parameters an open schema lets through added back.
pub fn parse_json<M: Model + serde::de::DeserializeOwned>(
    mut value: serde_json::Value,
) -> Result<serde_json::Value, crate::Error> {
    let extras = crate::json_input::prepare(&mut value, &M::INFO.schema_json())?;
    let input: M = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // serde says "missing field `n`" at the object's path; name the field instead.
        if let Some(field) = message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
            let path = if path == "." { field.to_string() } else { format!("{path}.{field}") };
            return crate::Error::Validation { path, rule: "required", message: "is required".into() };
        }
        crate::Error::Validation { path: if path == "." { String::new() } else { path }, rule: "type", message }
    })?;
    let mut body = input.to_body()?;
    if let serde_json::Value::Object(map) = &mut body {
        for (name, value) in extras {
            map.entry(name).or_insert(value);
        }
    }
    Ok(body)
}

impl ModelInfo {
    /// The v2 relay scope (`images`, `videos`, `audio`), for v2 models.
    pub fn scope(&self) -> Option<&'static str> {
        match self.platform {
            Platform::V2 => self.path.split('/').next(),
            _ => None,
        }
    }

    /// The input schema parsed as JSON.
    pub fn schema_json(&self) -> serde_json::Value {
        serde_json::from_str(self.schema).unwrap_or(serde_json::Value::Null)
    }
}

/// Implemented by every generated model input struct.
pub trait Model: Serialize + Send + Sync {
    /// The platform the model runs on: a call of this model compiles on that platform's client
    /// only.
    type Protocol: crate::Protocol;
    /// The model this input belongs to.
    const INFO: &'static ModelInfo;

    /// Check every constraint the schema states (ranges, lengths, patterns, item counts, constants).
    fn validate(&self) -> Result<(), crate::Error>;

    /// The request body as JSON, after validation. Local files appear as file markers
    /// (see [`crate::MediaInput`]) that the platform client turns into multipart parts or data URIs.
    fn to_body(&self) -> Result<serde_json::Value, crate::Error> {
        self.validate()?;
        serde_json::to_value(self).map_err(|e| crate::Error::Encode { message: e.to_string() })
    }
}

/// The error of the `FromStr`/`TryFrom` impls of generated enums (one type for every model, instead
/// of a copy per model module).
pub mod error {
    /// A string that is not one of an enum's wire values.
    #[derive(Clone, PartialEq, Eq)]
    pub struct ConversionError(::std::borrow::Cow<'static, str>);

    impl ::std::error::Error for ConversionError {}

    impl ::std::fmt::Display for ConversionError {
        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
            ::std::fmt::Display::fmt(&self.0, f)
        }
    }

    impl ::std::fmt::Debug for ConversionError {
        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
            ::std::fmt::Debug::fmt(&self.0, f)
        }
    }

    impl From<&'static str> for ConversionError {
        fn from(value: &'static str) -> Self {
            Self(value.into())
        }
    }

    impl From<String> for ConversionError {
        fn from(value: String) -> Self {
            Self(value.into())
        }
    }
}
