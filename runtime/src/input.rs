//! What a platform `Call` sends: a generated model's typed input, or a JSON body for a model
//! chosen at run time.

use serde_json::Value;

use crate::{Error, Kind, Model, Platform, Result};

/// What a `Call` can send: every generated model input (through [`Model`]), or a [`RawInput`].
pub trait CallInput: Send + Sync {
    /// The model's address on its platform ([`crate::ModelInfo::path`]): the path after
    /// `/v1/generation/` on skills.video (`google/veo-3.1`), the task `model` on MindVideo
    /// (`skyreels-v4-fast`), `<scope>/<model>` on a v2 relay (`videos/veo3`), `<vendor>/<model>`
    /// on AI/ML API (`openai/gpt-image-1`).
    fn model_path(&self) -> &str;
    /// What the model produces; decides the error family of codes that name none.
    fn kind(&self) -> Kind;
    /// The platform the input is for, when it is known (a [`RawInput`] does not say).
    fn platform(&self) -> Option<Platform> {
        None
    }
    /// The model's registry entry, when it is known (a [`RawInput`] made with
    /// [`RawInput::for_model`], every generated model).
    fn info(&self) -> Option<&'static crate::ModelInfo> {
        None
    }
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
    fn platform(&self) -> Option<Platform> {
        Some(M::INFO.platform)
    }
    fn info(&self) -> Option<&'static crate::ModelInfo> {
        Some(M::INFO)
    }
    fn request_body(&self) -> Result<Value> {
        self.to_body()
    }
}

/// A model input given as JSON, for models chosen at run time (a CLI, a registry lookup).
/// Nothing is checked before sending; [`crate::ModelInfo::parse`] checks a body against the
/// model's schema first. Files can be put in the body as
/// `serde_json::to_value(MediaInput::path(..))`.
///
/// ```
/// use mediagen_runtime::{Kind, RawInput};
/// let input = RawInput::new("google/veo-3.1", Kind::Video, serde_json::json!({"prompt": "a cat"}));
/// ```
///
/// With the generated crate's registry, the body is checked first:
/// `RawInput::for_model(info, (info.parse)(json)?)`.
#[derive(Debug, Clone, PartialEq)]
pub struct RawInput {
    info: Option<&'static crate::ModelInfo>,
    path: String,
    kind: Kind,
    body: Value,
}

impl RawInput {
    /// A body for the model at `path` (see [`CallInput::model_path`]).
    pub fn new(path: impl Into<String>, kind: Kind, body: Value) -> Self {
        RawInput { info: None, path: path.into().trim_matches('/').to_string(), kind, body }
    }

    /// A body for a model of the generated registry (`skills-video/google/veo-3.1`).
    pub fn for_model(info: &'static crate::ModelInfo, body: Value) -> Self {
        RawInput { info: Some(info), ..RawInput::new(info.path, info.kind, body) }
    }
}

impl CallInput for RawInput {
    fn model_path(&self) -> &str {
        &self.path
    }
    fn kind(&self) -> Kind {
        self.kind
    }
    fn platform(&self) -> Option<Platform> {
        self.info.map(|i| i.platform)
    }
    fn info(&self) -> Option<&'static crate::ModelInfo> {
        self.info
    }
    fn request_body(&self) -> Result<Value> {
        match &self.body {
            Value::Object(_) => Ok(self.body.clone()),
            _ => Err(Error::Encode { message: "a request body must be a JSON object".into() }),
        }
    }
}

/// An error unless `input` is for `platform` (a [`RawInput`] is taken at its word).
pub(crate) fn check_platform(input: &(impl CallInput + ?Sized), platform: Platform) -> Result<()> {
    match input.platform() {
        Some(p) if p != platform => {
            Err(Error::Config(format!("{} is a {p} model, not a {platform} one", input.model_path())))
        }
        _ => Ok(()),
    }
}
