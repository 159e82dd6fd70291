//! MindVideo: `POST /api/v1/tasks {model, input}` with an `Idempotency-Key`.
//!
//! [`MindVideo`] is the platform marker of [`Client<MindVideo>`](crate::Client):
//!
//! - `Call::submit` sends one logical submit under one `Idempotency-Key` (retried safely on
//!   429, 5xx, timeouts and dropped connections); a 409 is [`crate::ErrorKind::Conflict`];
//!   `Call::idempotency_key` sets your own;
//! - `Client::get` polls a task, `Client::events` streams its [`TaskEvent`]s, `Client::wait`
//!   follows it to the end (events first, polling when they break off);
//! - [`Task`] implements [`crate::JobState`].

mod client;
mod events;
mod task;

pub use client::{IdempotencyKey, MindVideo, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, IDEMPOTENCY_KEY};
pub use events::{TaskEvent, TaskEvents};
pub use task::{OutputFile, Task, TaskOutput, TaskStatus};
