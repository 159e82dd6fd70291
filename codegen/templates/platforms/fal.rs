//! fal.ai: `POST {queue}/{endpoint id}` with `Authorization: Key <FAL_KEY>`.
//!
//! ```no_run
//! # async fn demo() -> mediagen::Result<()> {
//! use mediagen::fal::{fal_ai::veo3, Client};
//!
//! let client = Client::from_env()?; // FAL_KEY, optional FAL_QUEUE_URL and FAL_REST_URL
//! let input = veo3::Input::builder().prompt("a cat surfing").build()?;
//! let job = client.fal_ai_veo3(input).submit().await?; // one POST; local files go to fal storage first
//! // Waits (status over SSE, polling if it breaks), then reads the result: typed from the
//! // document. A result that is an error (fal says COMPLETED, then answers 422) is
//! // `Error::JobFailed` naming the field.
//! let out: veo3::Output = job.output().await?;
//! println!("{} ({:?} bytes)", out.video.url, out.video.file_size);
//! # Ok(()) }
//! ```
//!
//! - `Job::cancel` sends `PUT .../cancel`; `WaitOptions::cancel_on_timeout` cancels a job still
//!   running at the deadline; `Call::webhook` and `Call::start_timeout` set fal's options.
//! - `client.verify::<veo3::Output>(&headers, &body)` checks a webhook delivery's Ed25519
//!   signature against fal's published keys and its timestamp, and reads it as a [`Delivery`];
//!   a refused one is `Error::Webhook` naming what failed ([`WebhookError`]).
//! - [`Request`] implements [`crate::JobState`]: queue position and log lines reach
//!   `wait_reporting` through `activity()`.
//!
//! The per-model modules are generated from `schemas/fal/<endpoint id>.json`.

pub use ::mediagen_runtime::fal::*;
