//! fal.ai's queue: `POST {queue}/{endpoint id}` (`Authorization: Key <FAL_KEY>`), followed by
//! request id.
//!
//! [`Fal`] is the platform marker of [`Client<Fal>`](crate::Client):
//!
//! - submit answers `{request_id, response_url, status_url, cancel_url, queue_position}`; fal has
//!   no idempotency key, so a submit is repeated only on 429 and a connection never opened;
//! - the status is pushed over SSE (`.../status/stream`) and polled when that is not available
//!   or breaks (`.../status?logs=1`): `IN_QUEUE` with its queue position, `IN_PROGRESS` with
//!   logs, `COMPLETED`; the result is `GET .../requests/{id}`, and a result that is an error
//!   answer (a 422 naming the field) makes the job failed;
//! - `Job::cancel` is `PUT .../cancel`; `Call::webhook`, `Call::start_timeout`;
//! - local files are uploaded to fal storage first ([`Client::upload`](crate::Client)).

mod client;
mod state;
mod storage;

pub use client::{App, Fal, FalOptions, API_KEY_ENV, DEFAULT_QUEUE_URL, DEFAULT_REST_URL, QUEUE_URL_ENV, REST_URL_ENV};
pub use state::{Failure, LogLine, Request};
pub use storage::{MULTIPART_THRESHOLD, PART_SIZE};
