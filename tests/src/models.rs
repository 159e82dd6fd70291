//! Hand-written skills.video test models, so the protocol tests do not depend on a schema.

use mediagen::skills_video::SkillsVideo;
use mediagen::{Kind, MediaInput, Model, ModelInfo, Platform};
use serde::Serialize;

/// A test model: a video model at `google/veo-3.1`.
#[derive(Debug, Clone, Serialize)]
pub struct TestInput {
    pub prompt: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub image_urls: Vec<MediaInput>,
}

impl TestInput {
    pub fn new(prompt: &str) -> Self {
        TestInput { prompt: prompt.into(), image_urls: Vec::new() }
    }
}

pub static VIDEO_INFO: ModelInfo = ModelInfo {
    id: "skills-video/google/veo-3.1",
    platform: Platform::SkillsVideo,
    kind: Kind::Video,
    path: "google/veo-3.1",
    model_name: "veo-3.1",
    endpoint: "/v1/generation/test",
    title: "Veo 3.1 (test)",
    summary: "hand-written test model",
    schema: "{}",
    schema_file: "tests/src/models.rs",
    media: &[],
    parse: Ok,
};

impl Model for TestInput {
    type Protocol = SkillsVideo;
    const INFO: &'static ModelInfo = &VIDEO_INFO;
    fn validate(&self) -> Result<(), mediagen::Error> {
        // Just enough of a check to show that a failing one sends nothing.
        if self.prompt.is_empty() {
            return Err(mediagen::Error::Validation {
                path: "prompt".into(),
                rule: "minLength",
                message: "must not be empty".into(),
            });
        }
        Ok(())
    }
}

/// A test model: an image model at `google/nano-banana-pro`.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct ImageInput(pub TestInput);

pub static IMAGE_INFO: ModelInfo = ModelInfo {
    id: "skills-video/google/nano-banana-pro",
    platform: Platform::SkillsVideo,
    kind: Kind::Image,
    path: "google/nano-banana-pro",
    model_name: "nano-banana-pro",
    endpoint: "/v1/generation/test",
    title: "Nano Banana Pro (test)",
    summary: "hand-written test model",
    schema: "{}",
    schema_file: "tests/src/models.rs",
    media: &[],
    parse: Ok,
};

impl Model for ImageInput {
    type Protocol = SkillsVideo;
    const INFO: &'static ModelInfo = &IMAGE_INFO;
    fn validate(&self) -> Result<(), mediagen::Error> {
        self.0.validate()
    }
}
