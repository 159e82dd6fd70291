//! mediagen-runtime: the hand-written half of the mediagen SDK.
//!
//! The `mediagen` crate is generated from model schemas (`cargo xtask codegen`); everything it
//! calls lives here, written by hand and never touched by the generator: the HTTP transport and
//! its retry policy, the one job lifecycle (submit, follow, wait, resume, download), media
//! inputs, errors, validation of a model's rules, the model and registry types, and each
//! platform's protocol (its answers, its job lookup, its push channel).
//!
//! One generic [`Client<P>`] serves every platform; a platform is a marker type implementing
//! the sealed [`Protocol`] trait:
//!
//! | platform | marker | submit |
//! |---|---|---|
//! | skills.video | [`skills_video::SkillsVideo`] | `POST /v1/generation/{model path}` (JSON or multipart; SSE) |
//! | MindVideo | [`mindvideo::MindVideo`] | `POST /api/v1/tasks {model, input}` with an `Idempotency-Key` |
//! | new-api relays | [`v2::V2`] | `POST /v2/{scope}/generations` |
//! | AI/ML API | [`aimlapi::Aimlapi`] | the POST path of the model's document |
//! | fal.ai | [`fal::Fal`] | `POST {queue}/{endpoint id}` (storage uploads, SSE status, cancel) |
//!
//! Applications use the generated `mediagen` crate, which re-exports what is public here.
#![warn(missing_docs, unreachable_pub)]
#![allow(clippy::result_large_err)]

mod answer;
mod client;
mod error;
mod error_body;
mod http;
mod input;
mod job;
mod json_input;
mod media;
mod model;
mod output;
mod protocol;
mod telemetry;
mod validate;
mod wire;

pub mod aimlapi;
pub mod fal;
pub mod mindvideo;
pub mod skills_video;
pub mod v2;

pub use client::{Call, Client, ClientBuilder, Submit};
pub use error::{Error, ErrorKind, Family, Result};
pub use http::RetryPolicy;
pub use input::{CallInput, RawInput};
pub use job::{Cost, CostUnit, Job, JobHandle, JobState, JobStatus, Updates, WaitOptions};
pub use media::MediaInput;
pub use model::{Kind, Model, ModelInfo, Platform};
pub use output::Output;
pub use protocol::{JobKey, JobRef, Protocol};

/// What only generated code calls: validation rules, JSON parsing of a model's input, the
/// conversion error and wire values of generated enums. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    /// Run-time checks of a model's rules.
    pub mod validate {
        pub use crate::validate::{body, check, Check, Rule};
    }
    /// Helpers of generated models.
    pub mod model {
        pub use crate::__wire_enum as wire_enum;
        pub use crate::model::{error, parse_json};
        pub use crate::wire::{deserialize_wire, wire_index};
    }
    /// serde, for the impls `wire_enum!` writes.
    pub use serde;
}
