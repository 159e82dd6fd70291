//! skills.video: `POST /v1/generation/{model path}`, SSE submits, multipart uploads, TTS.
//!
//! [`SkillsVideo`] is the platform marker of [`Client<SkillsVideo>`](crate::Client):
//!
//! - `Call::submit` then `Job::wait`, or `Call::run` for both; `Call::stream` submits over
//!   server-sent status events (polling takes over if the stream breaks);
//! - [`Client::get`](crate::Client::get) and `Client::wait` look a generation up by id;
//! - `Client::tts` is the synchronous text-to-speech endpoint;
//! - [`Generation`] implements [`crate::JobState`];
//! - errors are [`crate::Error`]: `Api { kind, family, code, .. }` for error answers,
//!   `JobFailed` / `JobCanceled` for jobs that ended badly, `Deadline` for waits that ran out.

mod client;
mod generation;
mod stream;
mod tts;

pub use client::{SkillsVideo, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL};
pub use generation::{Generation, Status, Usage};
pub use tts::{TtsAudio, TtsRequest, TtsResponse};

/// The updates of one generation; see [`crate::Updates`].
pub type GenerationStream = crate::Updates<Generation>;
