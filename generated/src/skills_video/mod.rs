//! skills.video: `POST /v1/generation/{model path}`.
//!
//! The per-model modules (`google::veo_3_1`, ...) are generated from `schemas/skills-video/`.

mod client;

pub use crate::models::skills_video::*;
pub use client::*;
