//! fal.ai: `POST {queue}/{endpoint id}` with `Authorization: Key <FAL_KEY>`.
//!
//! ```no_run
//! # async fn demo() -> mediagen::Result<()> {
//! use mediagen::fal::Client;
//! use mediagen::JobState as _;
//!
//! let client = Client::from_env()?; // FAL_KEY, optional FAL_QUEUE_URL and FAL_REST_URL
//! # let call: mediagen::fal::Call<'_, mediagen::RawInput> = client.call_raw(mediagen::RawInput::new("fal-ai/veo3", mediagen::Kind::Video, serde_json::json!({"prompt": "a cat"})));
//! let job = call.submit().await?; // one POST; local files are uploaded to fal storage first
//! let done = job.wait().await?; // status over SSE, polling if it breaks; a result that is an error fails the job
//! for output in done.outputs() {
//!     job.download(&output, "out/").await?;
//! }
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
