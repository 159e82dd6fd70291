//! MindVideo: `POST /api/v1/tasks {model, input}`.
//!
//! The per-model modules are generated from `schemas/mindvideo/`.

mod client;

pub use crate::models::mindvideo::*;
pub use client::*;
