//! Test support for the mediagen integration tests (`tests/tests/it/`) and the CLI tests
//! (`cli/tests/`): local HTTP servers on 127.0.0.1 that record every request and answer through
//! a closure, response builders (JSON, SSE, slow bodies, dropped connections), each platform's
//! answers, MindVideo's idempotency ledger, and hand-written test models.

mod answers;
mod models;
mod respond;
mod server;

pub use answers::{generation, mv_conflict, mv_done, mv_task, v2_task, Ledger, Submitted};
pub use models::{ImageInput, TestInput, IMAGE_INFO, VIDEO_INFO};
pub use respond::{bytes, drop_connection, json, json_with, payload, slow_json, sse, text, SseEnd};
pub use server::{fast_retry, fast_wait, multipart_parts, Part, Recorded, TestServer};

/// The API key the test clients use; no output may ever contain it.
pub const KEY: &str = "sk-test-S3CRET-do-not-print";
