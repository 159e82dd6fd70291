//! New-api based relays: `POST /v2/{scope}/generations` with the model in the body.
//!
//! ```no_run
//! # async fn demo() -> mediagen::Result<()> {
//! use mediagen::v2::{videos::veo3, Client};
//!
//! let client = Client::from_env()?; // V2_BASE_URL (no default host) and V2_API_KEY
//! let input = veo3::Input::builder().prompt("A cat surfing in sunset, cinematic").build()?;
//! let task = client.videos_veo3(input).run().await?; // submit, then poll
//! println!("{} finished at {:?}", task.task_id, task.finish_time);
//! # Ok(()) }
//! ```
//!
//! - `Call::submit` accepts both submit answers, `{task_id}` and `{code, data: {task_id, status}}`.
//! - `Client::get` reads `GET /v2/{scope}/generations/{task_id}` (also wrapped in `{code, data}`):
//!   statuses `NOT_START` to `SUCCESS`/`FAILURE`, `progress` as `"37%"` or a number,
//!   `fail_reason`, submit/start/finish times, outputs from `data.output(s)` and the top-level
//!   `output(s)`.
//! - [`Job`] is the crate's [`crate::Job`]; [`Task`] implements [`crate::JobState`].
//!
//! The per-model modules are generated from `schemas/v2/<scope>/`.

pub use ::mediagen_runtime::v2::*;
