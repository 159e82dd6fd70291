//! skills.video: `POST /v1/generation/{model path}`.
//!
//! ```no_run
//! # async fn demo() -> mediagen::Result<()> {
//! use mediagen::skills_video::{Client, google::veo_3_1};
//!
//! let client = Client::from_env()?; // SKILLS_VIDEO_API_KEY, optional SKILLS_VIDEO_BASE_URL
//! let input = veo_3_1::Input::builder().prompt("sunrise over mountains").build()?;
//! let job = client.call(input).submit().await?; // one POST
//! let done = job.wait().await?; // polls until COMPLETED, FAILED or CANCELED
//! for output in done.outputs() {
//!     client.download(&output, "out/").await?;
//! }
//! # Ok(()) }
//! ```
//!
//! - [`Call::submit`] then [`Job::wait`], or [`Call::run`] for both; [`Call::stream`] for
//!   server-sent status events (polling takes over if the stream breaks).
//! - [`Job`] is the crate's [`crate::Job`]: the same lifecycle (updates, progress callback,
//!   JSON handle, downloads) as MindVideo and the v2 relays; [`Generation`] implements
//!   [`crate::JobState`].
//! - [`Client::get`] and [`Client::wait`] look a generation up by id.
//! - [`Client::tts`] is the synchronous text-to-speech endpoint.
//! - Errors are [`crate::Error`]: `Api { kind, family, code, .. }` for error answers,
//!   `JobFailed` / `JobCanceled` for jobs that ended badly, `Deadline` for waits that ran out.
//!
//! The per-model modules (`google::veo_3_1`, ...) are generated from `schemas/skills-video/`.

mod client;
mod generation;
mod job;
mod stream;
mod tts;

pub use crate::models::skills_video::*;
pub use crate::input::{CallInput, RawInput};
pub use crate::output::Output;
pub use crate::WaitOptions;
pub use client::{Call, Client, ClientBuilder, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL};
pub use generation::{Generation, Status, Usage};
pub use job::{GenerationStream, Job, JobHandle};
pub use tts::{TtsAudio, TtsRequest, TtsResponse};
