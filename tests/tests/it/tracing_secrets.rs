//! The SDK's tracing output at its most verbose never carries the API key, request bodies or file
//! contents, over a failing, a retried and a successful job, a download and an upload.

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use mediagen::{Error, MediaInput};
use mediagen_tests::{json, text, TestInput, TestServer, KEY};
use serde_json::json;

/// Everything the subscriber writes, shared with the test.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const FILE_CONTENTS: &str = "FILE-CONTENTS-never-logged";
const PROMPT: &str = "PROMPT-never-logged";

async fn jobs() {
    // A job that fails.
    let failing = TestServer::start(|req, _| match req.method.as_str() {
        "POST" => json(200, json!({"id": "gen_fail", "status": "IN_QUEUE"})),
        _ => json(200, json!({"id": "gen_fail", "status": "FAILED", "error": {"code": "VIDEO_GENERATION_FAILED", "message": "no"}})),
    })
    .await;
    let err = failing.client().call(TestInput::new(PROMPT)).run().await.unwrap_err();
    assert!(matches!(err, Error::JobFailed { .. }), "{err:?}");

    // A job whose submit is retried (429, then 200), then succeeds with an output downloaded.
    let retried = TestServer::start(|req, n| match (req.method.as_str(), req.path.as_str(), n) {
        ("POST", _, 0) => json(429, json!({"code": "VIDEO_GENERATION_RATE_LIMITED", "message": "slow down"})),
        ("POST", _, _) => json(200, json!({"id": "gen_ok", "status": "IN_QUEUE"})),
        ("GET", "/files/out.mp4", _) => text(200, "video/mp4", FILE_CONTENTS),
        ("GET", _, 0) => json(200, json!({"id": "gen_ok", "status": "IN_PROGRESS", "progress": 0.5})),
        ("GET", _, _) => json(200, json!({"id": "gen_ok", "status": "COMPLETED", "data": {"videos": [
            {"url": format!("http://{}/files/out.mp4?token=SIGNATURE-never-logged", req.header("host").unwrap_or(""))}
        ]}})),
        _ => json(404, json!({})),
    })
    .await;
    let client = retried.client();
    let done = client.call(TestInput::new(PROMPT)).run().await.unwrap();
    let mut video = Vec::new();
    client.download_to(&done.outputs()[0], &mut video).await.unwrap();
    assert_eq!(video, FILE_CONTENTS.as_bytes());
    assert_eq!(retried.requests().iter().filter(|r| r.method == "POST").count(), 2);

    // An upload to fal storage.
    let storage = TestServer::start(|req, _| match req.method.as_str() {
        "POST" => {
            let host = req.header("host").unwrap_or("").to_string();
            json(200, json!({"upload_url": format!("http://{host}/upload/a.txt?sig=SIGNATURE-never-logged"), "file_url": "https://v3.fal.media/files/a.txt"}))
        }
        _ => text(200, "text/plain", ""),
    })
    .await;
    let media = MediaInput::bytes(FILE_CONTENTS.as_bytes().to_vec(), "a.txt", "text/plain");
    assert_eq!(storage.fal().upload(&media).await.unwrap(), "https://v3.fal.media/files/a.txt");
}

#[test]
fn the_key_never_appears_in_tracing_output_at_trace_level() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber =
        tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || writer.clone()).finish();
    // A thread-scoped subscriber and a runtime on this thread alone: tests on other threads
    // write nothing here, and every task of these jobs (servers included) logs here.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // tracing-core asks only the registering thread's default subscriber about a callsite while
    // a single dispatcher is registered: a callsite first hit by a test on another thread would
    // be cached as unwanted. A second registered dispatcher makes it ask every one.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    tracing::subscriber::with_default(subscriber, || runtime.block_on(jobs()));

    let log = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(!log.is_empty());
    for want in [
        "submit{",
        "gen_ai.operation.name=\"generate\"",
        "gen_ai.provider.name=\"skills-video\"",
        "gen_ai.request.model=\"google/veo-3.1\"",
        "job.id=\"gen_ok\"",
        "wait{",
        "poll",
        "retry",
        "reason=429",
        "download{",
        "upload{",
        "bytes=",
        "request",
    ] {
        assert!(log.contains(want), "{want:?} missing from the log:\n{log}");
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    for secret in [
        KEY.to_string(),
        b64.encode(KEY),
        b64.encode(format!("Bearer {KEY}")),
        format!("Bearer {KEY}"),
        format!("Key {KEY}"),
        "authorization".into(),
        FILE_CONTENTS.into(),
        PROMPT.into(),
        "SIGNATURE-never-logged".into(),
    ] {
        assert!(!log.to_ascii_lowercase().contains(&secret.to_ascii_lowercase()), "{secret:?} in the log:\n{log}");
    }
}
