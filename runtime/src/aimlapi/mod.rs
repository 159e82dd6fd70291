//! AI/ML API: each model's published OpenAPI document, dropped in unchanged.
//!
//! [`Aimlapi`] is the platform marker of [`Client<Aimlapi>`](crate::Client). Submit goes to the
//! document's POST path (`/v2/video/generations`, `/v1/images/generations`, ...) with `model`
//! from the body's `model` enum. Video generations are followed with
//! `GET /v2/video/generations?generation_id=<id>` (`queued`, `generating`, `completed`,
//! `error`); image generations answer directly.

mod client;
mod generation;

pub use client::{Aimlapi, Answer, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL};
pub use generation::{Generation, GenerationStatus};
