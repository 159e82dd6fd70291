//! skills.video: `POST /v1/generation/{model path}`.
//!
//! ```no_run
//! # async fn demo() -> mediagen::Result<()> {
//! use mediagen::skills_video::{Client, google::veo_3_1};
//!
//! let client = Client::from_env()?; // SKILLS_VIDEO_API_KEY, optional SKILLS_VIDEO_BASE_URL
//! let input = veo_3_1::Input::builder().prompt("sunrise over mountains").build()?;
//! let job = client.google_veo_3_1(input).submit().await?; // one POST
//! let done = job.wait().await?; // polls until COMPLETED, FAILED or CANCELED
//! for output in done.outputs() {
//!     client.download(&output, "out/").await?;
//! }
//! let generation = client.get(job.id()).await?; // GET /v1/generation/{id}
//! # Ok(()) }
//! ```
//!
//! - `Call::submit` then `Job::wait`, or `Call::run` for both; `Call::stream` for server-sent
//!   status events (polling takes over if the stream breaks; the job is never submitted twice).
//! - [`Job`] is the crate's [`crate::Job`]: the same lifecycle (updates, progress callback,
//!   JSON handle, downloads) as every platform; [`Generation`] implements [`crate::JobState`].
//! - `Client::get` and `Client::wait` look a generation up by id; `Client::tts` is the
//!   synchronous text-to-speech endpoint.
//! - Errors are [`crate::Error`]: `Api { kind, family, code, .. }` for error answers,
//!   `JobFailed` / `JobCanceled` for jobs that ended badly, `Deadline` for waits that ran out.
//!
//! The per-model modules (`google::veo_3_1`, ...) are generated from `schemas/skills-video/`.

pub use ::mediagen_runtime::skills_video::*;
