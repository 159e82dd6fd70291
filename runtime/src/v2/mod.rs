//! New-api based relays: `POST /v2/{scope}/generations` with the model in the body.
//!
//! [`V2`] is the platform marker of [`Client<V2>`](crate::Client):
//!
//! - `Call::submit` accepts both submit answers, `{task_id}` and `{code, data: {task_id, status}}`;
//! - `Client::get` reads `GET /v2/{scope}/generations/{task_id}` (also wrapped in `{code, data}`):
//!   statuses `NOT_START` to `SUCCESS`/`FAILURE`, `progress` as `"37%"` or a number,
//!   `fail_reason`, submit/start/finish times, outputs from `data.output(s)` and the top-level
//!   `output(s)`;
//! - a job is looked up under its [`Scope`]; [`Task`] implements [`crate::JobState`].

mod client;
mod task;

pub use client::{Scope, API_KEY_ENV, BASE_URL_ENV, V2};
pub use task::{Task, TaskStatus};
