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
//! - local files are uploaded to fal storage first ([`Client::upload`](crate::Client));
//! - webhook deliveries are verified (Ed25519, fal's JWKS) and typed:
//!   [`Client::verify`](crate::Client) gives a [`Delivery`] or names what failed
//!   ([`WebhookError`]).

mod client;
mod jwks;
mod state;
mod storage;
mod webhook;

pub use client::{
    App, Fal, FalOptions, API_KEY_ENV, DEFAULT_JWKS_PATH, DEFAULT_QUEUE_URL, DEFAULT_REST_URL, QUEUE_URL_ENV,
    REST_URL_ENV,
};
pub(crate) use jwks::KeyCache;
pub use jwks::{JWKS_MAX_AGE, JWKS_MIN_REFETCH};
pub use state::{Failure, LogLine, Request};
pub use storage::{MULTIPART_THRESHOLD, PART_SIZE};
#[cfg(feature = "axum")]
pub use webhook::MAX_BODY;
pub use webhook::{
    Delivery, WebhookError, HEADER_REQUEST_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, HEADER_USER_ID, TIMESTAMP_TOLERANCE,
};
