//! AI/ML API: the document's POST path (`/v2/video/generations`, `/v1/images/generations`, ...).
//!
//! The per-model modules are generated from `schemas/aimlapi/<vendor>/<model>.json`, published
//! documents dropped in unchanged.

mod client;

pub use crate::models::aimlapi::*;
pub use client::*;
