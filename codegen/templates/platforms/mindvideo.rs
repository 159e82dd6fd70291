//! MindVideo: `POST /api/v1/tasks {model, input}` with an `Idempotency-Key`.
//!
//! ```no_run
//! # async fn demo() -> mediagen::Result<()> {
//! use mediagen::mindvideo::{skyreels_v4_fast, Client};
//! use mediagen::JobState as _;
//!
//! let client = Client::from_env()?; // MINDVIDEO_API_KEY, optional MINDVIDEO_BASE_URL
//! let input = skyreels_v4_fast::Input::builder().prompt("a serene forest at sunset").build()?;
//! let job = client.skyreels_v4_fast(input).idempotency_key("order-42").submit().await?;
//! println!("{} estimated {:?}", job.id(), job.submitted().cost_estimate);
//! let task = job.wait().await?; // task events, polling if they break off
//! for output in task.outputs() {
//!     job.download(&output, "out/").await?;
//! }
//! # Ok(()) }
//! ```
//!
//! - `Call::submit` sends one logical submit under one `Idempotency-Key` (retried safely on 429,
//!   5xx, timeouts and dropped connections); a 409 is [`crate::ErrorKind::Conflict`].
//! - `Client::get` polls a task, `Client::events` streams its [`TaskEvent`]s, `Client::wait`
//!   follows it to the end (events first, polling when they break off).
//! - [`Job`] is the crate's [`crate::Job`]; [`Task`] implements [`crate::JobState`].
//!
//! The per-model modules are generated from `schemas/mindvideo/`.

pub use ::mediagen_runtime::mindvideo::*;
