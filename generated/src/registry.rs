//! Every generated model, readable at run time.

pub use crate::model::{Kind, ModelInfo, Platform};

/// All models, sorted by id.
pub fn all() -> &'static [&'static ModelInfo] {
    crate::models::MODELS
}

/// The model with this registry id (`skills-video/google/veo-3.1`).
pub fn find(id: &str) -> Option<&'static ModelInfo> {
    all().iter().copied().find(|m| m.id == id)
}

/// Models of one platform and/or kind.
pub fn filter(
    platform: Option<Platform>,
    kind: Option<Kind>,
) -> impl Iterator<Item = &'static ModelInfo> {
    all()
        .iter()
        .copied()
        .filter(move |m| platform.is_none_or(|p| m.platform == p) && kind.is_none_or(|k| m.kind == k))
}
