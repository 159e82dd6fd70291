//! Submit, poll and wait against a local skills.video server.

use std::time::Duration;

use mediagen::skills_video::Status;
use mediagen::{Error, ErrorKind, Family, Kind, WaitOptions};
use mediagen_tests::{generation, json, TestInput, TestServer};
use serde_json::json;

const SUBMIT: &str = "/api/v1/generation/google/veo-3.1";

#[tokio::test]
async fn queued_then_in_progress_then_completed_with_image_and_video_outputs() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), req.path.as_str(), n) {
        ("POST", SUBMIT, _) => json(202, generation("gen_123", "IN_QUEUE")),
        ("GET", "/api/v1/generation/gen_123", 0) => json(200, generation("gen_123", "IN_QUEUE")),
        ("GET", "/api/v1/generation/gen_123", 1) => json(200, generation("gen_123", "IN_PROGRESS")),
        ("GET", "/api/v1/generation/gen_123", _) => {
            let mut done = generation("gen_123", "COMPLETED");
            done["data"] = json!({
                "type": "video",
                "videos": [{"url": "https://cdn.example/gen_123/clip.mp4", "file_name": "clip.mp4",
                            "content_type": "video/mp4", "duration": 8.0, "file_size": 1048576,
                            "width": 1920, "height": 1080}],
                "video": {"url": "https://cdn.example/gen_123/clip.mp4", "content_type": "video/mp4"},
                "poster": {"url": "https://cdn.example/gen_123/poster.png", "file_name": "poster.png",
                           "content_type": "image/png", "width": 1920, "height": 1080}
            });
            json(200, done)
        }
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let client = server.client();

    let job = client.call(TestInput::new("a cat walking through neon rain")).submit().await.unwrap();
    assert_eq!(job.id(), "gen_123");
    let submitted = job.submitted();
    assert_eq!(submitted.status, Status::Queued);
    let usage = submitted.usage.unwrap();
    assert_eq!((usage.total, usage.subscription, usage.permanent), (20.0, 15.0, 5.0));
    assert_eq!(submitted.input["duration"], 8);

    let done = job.wait().await.unwrap();
    assert_eq!(done.status, Status::Completed);
    let outputs = done.outputs();
    assert_eq!(outputs.len(), 2, "{outputs:#?}");
    assert_eq!(outputs[0].url, "https://cdn.example/gen_123/clip.mp4");
    assert_eq!(outputs[0].kind, Some(Kind::Video));
    assert_eq!(outputs[0].content_type.as_deref(), Some("video/mp4"));
    assert_eq!(outputs[0].size, Some(1_048_576));
    assert_eq!(outputs[0].duration, Some(8.0));
    assert_eq!((outputs[0].width, outputs[0].height), (Some(1920), Some(1080)));
    assert_eq!(outputs[1].kind, Some(Kind::Image));
    assert_eq!(outputs[1].file_name.as_deref(), Some("poster.png"));

    // What the server saw: one JSON submit with the key, then polls until COMPLETED.
    let submits = server.requests_to("POST", SUBMIT);
    assert_eq!(submits.len(), 1);
    assert!(submits[0].authorized());
    assert_eq!(submits[0].header("content-type"), Some("application/json"));
    assert_eq!(submits[0].json(), json!({"prompt": "a cat walking through neon rain"}));
    let polls = server.requests_to("GET", "/api/v1/generation/gen_123");
    assert_eq!(polls.len(), 3);
    assert!(polls.iter().all(|p| p.authorized()));
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn older_status_vocabulary_and_unknown_statuses_are_understood() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), n) {
        ("POST", _) => json(200, json!({"id": "old_1", "status": "starting", "usage": {"total": 1}})),
        ("GET", 0) => json(200, json!({"id": "old_1", "status": "processing"})),
        ("GET", 1) => json(200, json!({"id": "old_1", "status": "RENDERING_FRAMES"})),
        ("GET", _) => {
            json(200, json!({"id": "old_1", "status": "succeeded", "outputUrl": "https://cdn.example/o.mp4"}))
        }
        _ => unreachable!(),
    })
    .await;
    let client = server.client();

    let job = client.call(TestInput::new("p")).submit().await.unwrap();
    assert_eq!(job.submitted().status, Status::Queued);
    let polled = client.get("old_1").await.unwrap();
    assert_eq!(polled.status, Status::InProgress);
    let unknown = client.get("old_1").await.unwrap();
    assert_eq!(unknown.status, Status::Unknown("RENDERING_FRAMES".into()));
    assert!(!unknown.is_terminal());
    let done = job.wait().await.unwrap();
    assert_eq!(done.status, Status::Completed);
    let outputs = done.outputs();
    assert_eq!(outputs.len(), 1);
    assert_eq!(outputs[0].url, "https://cdn.example/o.mp4");
    assert_eq!(outputs[0].kind, Some(Kind::Video));
    assert_eq!(server.requests_to("GET", "/api/v1/generation/old_1").len(), 3);
}

#[tokio::test]
async fn failed_generation_is_a_typed_job_failed_error() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), n) {
        ("POST", _) => json(202, generation("gen_f", "IN_QUEUE")),
        ("GET", 0) => json(200, generation("gen_f", "IN_PROGRESS")),
        ("GET", _) => {
            let mut failed = generation("gen_f", "FAILED");
            failed["code"] = json!("VIDEO_GENERATION_CONTENT_REJECTED");
            failed["message"] = json!("The prompt was rejected by moderation.");
            json(200, failed)
        }
        _ => unreachable!(),
    })
    .await;
    let client = server.client();

    let err = client.call(TestInput::new("p")).run().await.unwrap_err();
    match &err {
        Error::JobFailed { id, kind, family, code, message } => {
            assert_eq!(id, "gen_f");
            assert_eq!(*kind, ErrorKind::ContentRejected);
            assert_eq!(*family, Some(Family::Video));
            assert_eq!(code.as_deref(), Some("VIDEO_GENERATION_CONTENT_REJECTED"));
            assert_eq!(message, "The prompt was rejected by moderation.");
        }
        other => panic!("expected JobFailed, got {other:?}"),
    }
    assert!(!err.is_retryable());
    assert_eq!(server.requests_to("POST", SUBMIT).len(), 1);
    assert_eq!(server.requests_to("GET", "/api/v1/generation/gen_f").len(), 2);
}

#[tokio::test]
async fn failed_generation_with_legacy_error_field_keeps_its_reason() {
    let server = TestServer::start(|req, _| match req.method.as_str() {
        "POST" => json(202, json!({"id": "old_f", "status": "starting"})),
        _ => json(200, json!({"id": "old_f", "status": "failed", "error": "upstream exploded"})),
    })
    .await;
    let err = server.client().call(TestInput::new("p")).run().await.unwrap_err();
    let Error::JobFailed { kind, family, code, message, .. } = err else { panic!("expected JobFailed, got {err:?}") };
    assert_eq!((kind, family, code), (ErrorKind::Failed, Some(Family::Video), None));
    assert_eq!(message, "upstream exploded");
}

#[tokio::test]
async fn canceled_generation_is_job_canceled() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), n) {
        ("POST", _) => json(202, generation("gen_c", "IN_QUEUE")),
        ("GET", 0) => json(200, generation("gen_c", "IN_QUEUE")),
        ("GET", _) => json(200, generation("gen_c", "CANCELED")),
        _ => unreachable!(),
    })
    .await;
    let client = server.client();
    let job = client.call(TestInput::new("p")).submit().await.unwrap();
    let err = job.wait().await.unwrap_err();
    assert!(matches!(&err, Error::JobCanceled { id } if id == "gen_c"), "{err:?}");
    // Waiting again by id gives the same answer without a new submit.
    let again = client.wait("gen_c", mediagen_tests::fast_wait()).await.unwrap_err();
    assert!(matches!(again, Error::JobCanceled { .. }));
    assert_eq!(server.requests_to("POST", SUBMIT).len(), 1);
    assert_eq!(server.requests_to("GET", "/api/v1/generation/gen_c").len(), 3);
}

/// On tokio's paused clock: the waits are virtual, so the deadline is measured exactly.
#[tokio::test(start_paused = true)]
async fn deadline_passes_while_the_job_is_still_running() {
    let server = TestServer::start(|req, _| match req.method.as_str() {
        "POST" => json(202, generation("gen_slow", "IN_QUEUE")),
        _ => json(200, generation("gen_slow", "IN_PROGRESS")),
    })
    .await;
    let client = server.client();
    let job = client.call(TestInput::new("p")).submit().await.unwrap();

    let deadline = Duration::from_millis(150);
    let options = WaitOptions::default()
        .interval(Duration::from_millis(10))
        .max_interval(Duration::from_millis(30))
        .deadline(deadline);
    let started = tokio::time::Instant::now();
    let err = job.wait_with(options).await.unwrap_err();
    let waited = started.elapsed();

    match &err {
        Error::Deadline { id, deadline: d, last_status } => {
            assert_eq!(id, "gen_slow");
            assert_eq!(*d, deadline);
            assert_eq!(last_status, "IN_PROGRESS");
        }
        other => panic!("expected Deadline, got {other:?}"),
    }
    assert!(waited >= deadline, "gave up early: {waited:?}");
    assert!(waited < deadline + Duration::from_millis(50), "gave up late: {waited:?}");
    // Polls 10 to 30 ms apart: at least 4, and no busy loop.
    let polls = server.requests_to("GET", "/api/v1/generation/gen_slow");
    assert!((4..=16).contains(&polls.len()), "{} polls", polls.len());
    assert_eq!(server.requests_to("POST", SUBMIT).len(), 1);
}

#[tokio::test]
async fn a_failing_input_check_sends_nothing() {
    let server = TestServer::start(|_, _| json(202, generation("never", "IN_QUEUE"))).await;
    let err = server.client().call(TestInput::new("")).submit().await.unwrap_err();
    assert!(matches!(&err, Error::Validation { path, rule: "minLength", .. } if path == "prompt"), "{err:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn download_streams_an_output_without_the_api_key_under_a_safe_name() {
    let payload: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let served = payload.clone();
    let server = TestServer::start(move |_, _| {
        let mut resp = axum::response::Response::new(axum::body::Body::from(served.clone()));
        resp.headers_mut().insert("content-type", axum::http::HeaderValue::from_static("video/mp4"));
        resp
    })
    .await;
    let client = server.client();
    let output: mediagen::Output = serde_json::from_value(json!({
        "url": format!("{}/files/gen_1/clip.mp4", server.base_url),
        "kind": "video", "content_type": "video/mp4", "file_name": "../../evil name.mp4",
        "width": null, "height": null, "duration": null, "size": null
    }))
    .unwrap();
    let dir = std::env::temp_dir().join(format!("mediagen-download-{}", std::process::id()));
    let path = client.download(&output, &dir).await.unwrap();
    assert_eq!(path, dir.join("evil_name.mp4"));
    assert_eq!(std::fs::read(&path).unwrap(), payload);
    assert!(!dir.join("evil_name.mp4.part").exists());
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/api/files/gen_1/clip.mp4");
    assert_eq!(seen[0].header("authorization"), None);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_job_handle_serializes_and_resumes_in_another_client_without_resubmitting() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), n) {
        ("POST", _) => json(202, generation("gen_h", "IN_QUEUE")),
        ("GET", 0) => json(200, generation("gen_h", "IN_PROGRESS")),
        ("GET", _) => {
            let mut failed = generation("gen_h", "FAILED");
            failed["code"] = json!("INSUFFICIENT_CREDITS");
            failed["message"] = json!("out of credits");
            json(200, failed)
        }
        _ => unreachable!(),
    })
    .await;
    let job = server.client().call(TestInput::new("p")).submit().await.unwrap();
    let saved = serde_json::to_string(&job.handle()).unwrap();
    drop(job);
    let stored: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert_eq!((stored["id"].as_str(), stored["family"].as_str()), (Some("gen_h"), Some("video")));

    let job = server.client().resume(serde_json::from_str(&saved).unwrap());
    assert_eq!(job.id(), "gen_h");
    assert_eq!(job.status().await.unwrap().status, Status::InProgress);
    // The stored family types a code that names none.
    let err = job.wait().await.unwrap_err();
    assert!(
        matches!(&err, Error::JobFailed { kind: ErrorKind::InsufficientCredits, family: Some(Family::Video), .. }),
        "{err:?}"
    );
    assert_eq!(server.requests_to("POST", SUBMIT).len(), 1);
    assert_eq!(server.requests_to("GET", "/api/v1/generation/gen_h").len(), 2);
}
