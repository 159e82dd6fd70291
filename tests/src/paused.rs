//! A job followed by the default wait on tokio's paused clock: the server decides each answer
//! from the time since the submit, on the same clock. Used by the polling tests and the figures
//! bench.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mediagen::{JobState as _, JobStatus, RetryPolicy, WaitOptions};
use serde_json::json;
use tokio::time::Instant;

use crate::{json, TestInput, TestServer};

const GET: &str = "/api/v1/generation/gen_1";

/// A skills.video job that ends `length` after its submit, followed with the default
/// [`WaitOptions`]; with `progress`, running answers report the share done, rounded down to a
/// percent. The number of `GET`s and how late the end was noticed. Call it on a paused clock
/// (`#[tokio::test(start_paused = true)]`), or it takes `length` of real time.
pub async fn follow_paused(length: Duration, progress: bool) -> (usize, Duration) {
    let submitted: Arc<Mutex<Option<Instant>>> = Arc::default();
    let at = submitted.clone();
    let server = TestServer::start(move |req, _| {
        if req.method == "POST" {
            *at.lock().unwrap() = Some(req.at);
            return json(200, json!({"id": "gen_1", "status": "IN_QUEUE"}));
        }
        let since = req.at.duration_since(at.lock().unwrap().expect("submitted first"));
        if since >= length {
            return json(200, json!({"id": "gen_1", "status": "COMPLETED"}));
        }
        let done = (since.as_secs_f64() / length.as_secs_f64() * 100.0).floor() / 100.0;
        match progress {
            true => json(200, json!({"id": "gen_1", "status": "IN_PROGRESS", "progress": done})),
            false => json(200, json!({"id": "gen_1", "status": "IN_PROGRESS"})),
        }
    })
    .await;
    // The default schedule, and retries that never fire.
    let client = server.builder().wait_options(WaitOptions::default()).retry(RetryPolicy::disabled()).build().unwrap();
    let done = client.call(TestInput::new("p")).run().await.unwrap();
    assert_eq!(done.job_status(), JobStatus::Succeeded);
    let gets = server.requests_to("GET", GET);
    let end = submitted.lock().unwrap().unwrap() + length;
    (gets.len(), gets.last().unwrap().at.duration_since(end))
}
