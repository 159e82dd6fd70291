//! Test support for the mediagen integration tests (`tests/tests/it/`) and the CLI tests
//! (`cli/tests/`): local HTTP servers on 127.0.0.1 that record every request and answer through
//! a closure, response builders (JSON, SSE, slow bodies, dropped connections), each platform's
//! answers, MindVideo's idempotency ledger, and hand-written test models.

mod answers;
mod models;
mod paused;
mod respond;
mod server;

pub use answers::{generation, mv_conflict, mv_done, mv_task, v2_task, Ledger, Submitted};
pub use models::{ImageInput, TestInput, IMAGE_INFO, VIDEO_INFO};
pub use paused::follow_paused;
pub use respond::{bytes, drop_connection, json, json_with, payload, slow_json, sse, text, SseEnd};
pub use server::{fast_retry, fast_wait, multipart_parts, Part, Recorded, TestServer};

/// The workspace this test runs in: the nearest folder at or above the current directory (cargo
/// runs tests in their package's folder) whose `Cargo.toml` has a `[workspace]` table. Found at
/// run time, not with `env!`, so a test binary built for another clone never reads this one.
pub fn workspace_root() -> std::path::PathBuf {
    let cwd = std::env::current_dir().expect("a current directory");
    cwd.ancestors()
        .find(|d| {
            std::fs::read_to_string(d.join("Cargo.toml")).is_ok_and(|t| t.lines().any(|l| l.trim() == "[workspace]"))
        })
        .unwrap_or_else(|| panic!("no cargo workspace at or above {}", cwd.display()))
        .to_path_buf()
}

/// The API key the test clients use; no output may ever contain it.
pub const KEY: &str = "sk-test-S3CRET-do-not-print";
