//! AI/ML API: each model's published OpenAPI document, dropped in unchanged.
//!
//! Submit goes to the document's POST path (`/v2/video/generations`, `/v1/images/generations`,
//! ...) with `model` from the body's `model` enum. Video generations are followed with
//! `GET /v2/video/generations?generation_id=<id>` (`queued`, `generating`, `completed`,
//! `error`); image generations answer directly. The per-model modules are generated from
//! `schemas/aimlapi/<vendor>/<model>.json`.

pub use ::mediagen_runtime::aimlapi::*;
