//! Typed SDK for hosted AI media-generation APIs.
//!
//! Three platforms, one shape: build a model's typed input (every schema constraint is checked
//! before anything is sent), submit it, follow the job to the end, get typed results or a typed
//! [`Error`].
//!
//! - [`skills_video`], skills.video: (`POST /v1/generation/{provider}/{model}`, SSE, multipart uploads)
//! - [`mindvideo`], MindVideo: (`POST /api/v1/tasks`, idempotency keys)
//! - [`v2`], new-api based relays: (`POST /v2/{scope}/generations`)
//!
//! Per-model types live under the platform module, named after the schema path:
//! `mediagen::skills_video::google::veo_3_1::Input`. [`registry`] lists every model at run time.
#![warn(missing_docs)]
#![allow(clippy::result_large_err)]

pub mod error;
mod http;
mod input;
pub mod job;
pub mod media;
pub mod model;
pub mod output;
pub mod registry;
pub mod validate;

pub mod aimlapi;
pub mod mindvideo;
pub mod skills_video;
pub mod v2;

#[doc(hidden)]
pub mod models;

pub use error::{Error, ErrorKind, Family, Result};
pub use http::RetryPolicy;
pub use input::{CallInput, RawInput};
pub use job::{ClientBuilder, Cost, CostUnit, Job, JobClient, JobHandle, JobState, JobStatus, Submit, Updates, WaitOptions};
pub use media::MediaInput;
pub use model::{Kind, Model, ModelInfo, Platform};
pub use output::Output;
