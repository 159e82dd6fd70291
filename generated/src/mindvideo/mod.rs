//! MindVideo: `POST /api/v1/tasks {model, input}` with an `Idempotency-Key`.
//!
//! ```no_run
//! # async fn demo() -> mediagen::Result<()> {
//! use mediagen::mindvideo::{skyreels_v4_fast, Client};
//!
//! let client = Client::from_env()?; // MINDVIDEO_API_KEY, optional MINDVIDEO_BASE_URL
//! let input = skyreels_v4_fast::Input::builder().prompt("a serene forest at sunset").build()?;
//! let task = client.skyreels_v4_fast(input).run().await?; // submit, then follow the task's events
//! println!("{} cost {:?}", task.task_id, task.cost_actual);
//! # Ok(()) }
//! ```
//!
//! - [`Call::submit`] sends one logical submit under one `Idempotency-Key` (retried safely on
//!   429, 5xx, timeouts and dropped connections); a 409 is [`crate::ErrorKind::Conflict`].
//! - [`Client::get`] polls a task, [`Client::events`] streams its [`TaskEvent`]s,
//!   [`Client::wait`] follows it to the end (events first, polling when they break off).
//! - [`Job`] is the crate's [`crate::Job`]; [`Task`] implements [`crate::JobState`].
//!
//! The per-model modules are generated from `schemas/mindvideo/`.

mod client;
mod task;

pub use crate::models::mindvideo::*;
pub use client::{Call, Client, ClientBuilder, Job, JobHandle, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, IDEMPOTENCY_KEY};
pub use task::{OutputFile, Task, TaskEvent, TaskEvents, TaskOutput, TaskStatus};
