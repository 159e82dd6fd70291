//! How often the default wait polls and how late it notices the end, on tokio's paused clock: the
//! server decides each answer from the time since the submit, on the same clock.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mediagen::RetryPolicy;
use mediagen::{JobState as _, JobStatus, WaitOptions};
use mediagen_tests::{json, TestInput, TestServer};
use serde_json::json;
use tokio::time::Instant;

const GET: &str = "/api/v1/generation/gen_1";

/// A job that ends `length` after its submit; with `progress`, running answers report the share
/// done, rounded down to a percent. The number of `GET`s and how late the end was noticed.
async fn follow(length: Duration, progress: bool) -> (usize, Duration) {
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

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

#[tokio::test(start_paused = true)]
async fn without_hints_10_minutes_cost_at_most_40_gets_and_the_end_is_noticed_within_10_s_on_average() {
    let mut delays = Vec::new();
    for (minutes, max_gets) in [(0.5, 8), (1.0, 10), (10.0, 40), (29.0, 110)] {
        let (gets, late) = follow(Duration::from_secs_f64(minutes * 60.0), false).await;
        eprintln!("{minutes} min: {gets} GETs, noticed {:.1} s late", secs(late));
        assert!(gets <= max_gets, "{minutes} min: {gets} GETs");
        assert!(late <= Duration::from_secs(18), "{minutes} min: noticed {late:?} late");
        delays.push(secs(late));
    }
    // Before: 45 GETs for 10 minutes, 121 for 29, and a 30-second job noticed 11.6 s late.
    assert!(delays[0] <= 10.0, "30 s noticed {:.1} s late", delays[0]);
    let mean = delays.iter().sum::<f64>() / delays.len() as f64;
    assert!(mean <= 10.0, "mean delay {mean:.1} s: {delays:?}");
}

#[tokio::test(start_paused = true)]
async fn with_linear_progress_the_end_is_noticed_within_5_s_on_average() {
    let mut delays = Vec::new();
    for seconds in [570, 590, 600, 610, 630] {
        let (gets, late) = follow(Duration::from_secs(seconds), true).await;
        eprintln!("{seconds} s with progress: {gets} GETs, noticed {:.1} s late", secs(late));
        assert!(gets <= 30, "{seconds} s: {gets} GETs");
        delays.push(secs(late));
    }
    let mean = delays.iter().sum::<f64>() / delays.len() as f64;
    assert!(mean <= 5.0, "mean delay {mean:.1} s: {delays:?}");
}
