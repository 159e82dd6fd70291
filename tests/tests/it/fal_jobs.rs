//! fal against a local server that speaks its queue: submit, the status stream cut mid-way and
//! finished by polling, the result, a COMPLETED request whose result is a 422, a user start
//! timeout, cancel (and cancel on timeout), storage uploads. One POST per job, always.

use std::time::Duration;

use mediagen::fal::fal_ai::{kling_video, veo3};
use mediagen::{Error, ErrorKind, JobState as _, JobStatus, WaitOptions};
use mediagen_tests::{json, json_with, sse, text, SseEnd, TestServer, KEY};
use serde_json::{json, Value};

const SUBMIT: &str = "/fal-ai/veo3";
const REQUEST: &str = "/fal-ai/veo3/requests/req_1";

fn queued(position: u64) -> Value {
    json!({"request_id": "req_1", "status": "IN_QUEUE", "queue_position": position,
           "response_url": "https://queue.fal.run/fal-ai/veo3/requests/req_1",
           "status_url": "https://queue.fal.run/fal-ai/veo3/requests/req_1/status",
           "cancel_url": "https://queue.fal.run/fal-ai/veo3/requests/req_1/cancel"})
}

fn input() -> veo3::Input {
    veo3::Input::builder().prompt("a cat surfing").build().unwrap()
}

#[tokio::test]
async fn a_job_streams_its_status_finishes_by_polling_when_the_stream_breaks_and_reads_its_result() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), req.path.as_str(), n) {
        ("POST", SUBMIT, _) => json(200, queued(3)),
        ("GET", "/fal-ai/veo3/requests/req_1/status/stream", _) => sse(
            vec![
                json!({"request_id": "req_1", "status": "IN_QUEUE", "queue_position": 1}),
                json!({"request_id": "req_1", "status": "IN_PROGRESS", "logs": [{"message": "rendering frame 10"}]}),
            ],
            SseEnd::Abort,
        ),
        ("GET", "/fal-ai/veo3/requests/req_1/status", _) => {
            json(200, json!({"request_id": "req_1", "status": "COMPLETED"}))
        }
        ("GET", REQUEST, _) => json(
            200,
            json!({"video": {"url": "https://fal.media/files/cat.mp4",
            "content_type": "video/mp4", "file_name": "cat.mp4", "file_size": 1234}, "seed": 7}),
        ),
        _ => json(404, json!({"detail": "not found"})),
    })
    .await;
    let client = server.fal();
    let job = client.fal_ai_veo3(input()).submit().await.unwrap();
    assert_eq!((job.id(), job.submitted().queue_position), ("req_1", Some(3)));
    let mut seen = Vec::new();
    let done =
        job.wait_reporting(mediagen_tests::fast_wait(), |s| seen.push((s.job_status(), s.activity()))).await.unwrap();
    assert_eq!(done.job_status(), JobStatus::Succeeded);
    assert_eq!(done.outputs()[0].url, "https://fal.media/files/cat.mp4");
    assert!(seen.contains(&(JobStatus::Queued, Some("queue position 1".into()))), "{seen:?}");
    assert!(seen.contains(&(JobStatus::Running, Some("rendering frame 10".into()))), "{seen:?}");

    // The typed output, read from the result; `seed` is not in the document and is dropped.
    let out: veo3::Output = job.output().await.unwrap();
    assert_eq!(out.video.url, "https://fal.media/files/cat.mp4");
    assert_eq!((out.video.content_type.as_deref(), out.video.file_size), (Some("video/mp4"), Some(1234)));

    let posts = server.requests_to("POST", SUBMIT);
    assert_eq!(posts.len(), 1, "one submit");
    assert_eq!(posts[0].header("authorization"), Some(format!("Key {KEY}").as_str()));
    assert_eq!(posts[0].json(), json!({"prompt": "a cat surfing"}));
    let stream = &server.requests_to("GET", "/fal-ai/veo3/requests/req_1/status/stream")[0];
    assert_eq!(stream.query.as_deref(), Some("logs=1"));
}

#[tokio::test]
async fn completed_then_422_is_a_failed_job_naming_the_field() {
    let server = TestServer::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
        ("POST", SUBMIT) => json(200, queued(0)),
        ("GET", p) if p.ends_with("/status/stream") => json(404, json!({"detail": "no stream"})),
        ("GET", p) if p.ends_with("/status") => json(200, json!({"request_id": "req_1", "status": "COMPLETED"})),
        ("GET", REQUEST) => json(422, json!({"detail": [{"loc": ["body", "prompt"], "msg": "The prompt was flagged", "type": "content_policy_violation"}]})),
        _ => json(404, json!({"detail": "not found"})),
    })
    .await;
    let job = server.fal().fal_ai_veo3(input()).submit().await.unwrap();
    let err = job.wait().await.unwrap_err();
    let Error::JobFailed { id, kind, message, code, .. } = &err else { panic!("{err:?}") };
    assert_eq!((id.as_str(), *kind), ("req_1", ErrorKind::InvalidInput));
    assert_eq!(message, "prompt: The prompt was flagged");
    assert_eq!(code.as_deref(), Some("content_policy_violation"));
    assert!(matches!(job.output::<Value>().await, Err(Error::JobFailed { .. })));
    assert_eq!(server.requests_to("POST", SUBMIT).len(), 1);
}

#[tokio::test]
async fn a_user_start_timeout_is_final_and_the_submit_is_never_repeated() {
    let server = TestServer::start(|req, _| match req.method.as_str() {
        "POST" => json_with(504, &[("x-fal-request-timeout-type", "user")], json!({"detail": "Request timed out"})),
        _ => json(404, json!({})),
    })
    .await;
    let err = server.fal().fal_ai_veo3(input()).start_timeout(Duration::from_secs(30)).submit().await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 504, .. }), "{err:?}");
    let posts = server.requests_to("POST", SUBMIT);
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].header("x-fal-request-timeout"), Some("30"));

    // A 503 on submit is not repeated either: fal may have started the request.
    let busy = TestServer::start(|_, _| json(503, json!({"detail": "busy"}))).await;
    assert!(busy.fal().fal_ai_veo3(input()).submit().await.is_err());
    assert_eq!(busy.requests().len(), 1);
}

#[tokio::test]
async fn cancel_and_cancel_on_timeout_send_one_put() {
    let server = TestServer::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
        ("POST", SUBMIT) => json(200, queued(5)),
        ("PUT", "/fal-ai/veo3/requests/req_1/cancel") => json(202, json!({"status": "CANCELLATION_REQUESTED"})),
        ("GET", p) if p.ends_with("/status/stream") => json(404, json!({"detail": "no stream"})),
        ("GET", _) => json(202, json!({"request_id": "req_1", "status": "IN_QUEUE", "queue_position": 5})),
        _ => json(404, json!({})),
    })
    .await;
    let client = server.fal();
    let job = client.fal_ai_veo3(input()).submit().await.unwrap();
    job.cancel().await.unwrap();
    assert_eq!(server.requests_to("PUT", "/fal-ai/veo3/requests/req_1/cancel").len(), 1);

    let options = WaitOptions::default()
        .interval(Duration::from_millis(10))
        .deadline(Duration::from_millis(80))
        .cancel_on_timeout(true);
    let err = job.wait_with(options).await.unwrap_err();
    assert!(matches!(err, Error::Deadline { .. }), "{err:?}");
    assert_eq!(
        server.requests_to("PUT", "/fal-ai/veo3/requests/req_1/cancel").len(),
        2,
        "one more cancel at the deadline"
    );
    // Without the option, a deadline cancels nothing.
    let _ = job
        .wait_with(WaitOptions::default().interval(Duration::from_millis(10)).deadline(Duration::from_millis(50)))
        .await;
    assert_eq!(server.requests_to("PUT", "/fal-ai/veo3/requests/req_1/cancel").len(), 2);
    assert_eq!(server.requests_to("POST", SUBMIT).len(), 1);
    // Platforms without a cancel say so.
    let err = server
        .client()
        .resume(
            serde_json::from_value(json!({"platform": "skills-video", "id": "g",
        "submitted": {"id": "g", "status": "IN_QUEUE"}}))
            .unwrap(),
        )
        .cancel()
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "skills-video has no documented way to cancel a job");
}

#[tokio::test]
async fn local_files_are_uploaded_to_fal_storage_and_their_url_is_sent() {
    let server = TestServer::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/rest/storage/upload/initiate") => {
            let host = req.header("host").unwrap_or("").to_string();
            json(200, json!({"upload_url": format!("http://{host}/upload/frame.png"), "file_url": "https://v3.fal.media/files/frame.png"}))
        }
        ("PUT", "/upload/frame.png") => text(200, "text/plain", ""),
        ("POST", "/fal-ai/kling-video/v2.1/master/image-to-video") => {
            json(200, json!({"request_id": "req_k", "status": "IN_QUEUE", "queue_position": 0}))
        }
        _ => json(404, json!({})),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let frame = dir.path().join("frame.png");
    std::fs::write(&frame, b"\x89PNG frame").unwrap();
    let input = kling_video::v2_1::master::image_to_video::Input::builder()
        .prompt("the cat waves")
        .image_url(mediagen::MediaInput::path(&frame))
        .build()
        .unwrap();
    let job = server.fal().fal_ai_kling_video_v2_1_master_image_to_video(input).submit().await.unwrap();
    assert_eq!(job.id(), "req_k");
    let initiate = &server.requests_to("POST", "/rest/storage/upload/initiate")[0];
    assert_eq!(initiate.query.as_deref(), Some("storage_type=fal-cdn-v3"));
    assert_eq!(initiate.json(), json!({"content_type": "image/png", "file_name": "frame.png"}));
    assert_eq!(initiate.header("authorization"), Some(format!("Key {KEY}").as_str()));
    let put = &server.requests_to("PUT", "/upload/frame.png")[0];
    assert_eq!(&put.body[..], b"\x89PNG frame");
    assert_eq!(put.header("authorization"), None, "the presigned URL gets no key");
    let submit = server.requests_to("POST", "/fal-ai/kling-video/v2.1/master/image-to-video")[0].json();
    assert_eq!(submit["image_url"], "https://v3.fal.media/files/frame.png");
}

#[tokio::test]
async fn a_file_above_90_mb_is_uploaded_in_10_mb_parts_then_completed() {
    let server = TestServer::start(|req, _| {
        let host = req.header("host").unwrap_or("").to_string();
        match (req.method.as_str(), req.path.as_str()) {
            ("POST", "/rest/storage/upload/initiate-multipart") => json(
                200,
                json!({"upload_url": format!("http://{host}/multipart/big.mp4"), "file_url": "https://v3.fal.media/files/big.mp4"}),
            ),
            ("PUT", p) if p.starts_with("/multipart/big.mp4/") => {
                let part = p.rsplit('/').next().unwrap_or("0").to_string();
                json_with(200, &[("etag", &format!("\"etag-{part}\""))], json!({}))
            }
            ("POST", "/multipart/big.mp4/complete") => json(200, json!({})),
            _ => json(404, json!({})),
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.mp4");
    let size = mediagen::fal::MULTIPART_THRESHOLD + 1_000_000;
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(size).unwrap();
    drop(file);
    let url = server.fal().upload(&mediagen::MediaInput::path(&path)).await.unwrap();
    assert_eq!(url, "https://v3.fal.media/files/big.mp4");
    let parts = server.requests().into_iter().filter(|r| r.method == "PUT").collect::<Vec<_>>();
    let expected = size.div_ceil(mediagen::fal::PART_SIZE);
    assert_eq!(parts.len() as u64, expected);
    assert_eq!(parts.iter().map(|p| p.body.len() as u64).sum::<u64>(), size, "every byte, once");
    assert!(parts.iter().all(|p| p.body.len() as u64 <= mediagen::fal::PART_SIZE));
    let complete = server.requests_to("POST", "/multipart/big.mp4/complete")[0].json();
    let listed: Vec<Value> =
        (1..=expected).map(|n| json!({"partNumber": n, "etag": format!("\"etag-{n}\"")})).collect();
    assert_eq!(complete, json!({"parts": listed}));
}

#[tokio::test]
async fn a_webhook_rides_on_the_submit() {
    let server = TestServer::start(|_, _| json(200, queued(0))).await;
    let job =
        server.fal().fal_ai_veo3(input()).webhook("https://example.com/hooks/fal?order=42").submit().await.unwrap();
    assert_eq!(job.id(), "req_1");
    let post = &server.requests_to("POST", SUBMIT)[0];
    assert_eq!(post.query.as_deref(), Some("fal_webhook=https:%2F%2Fexample.com%2Fhooks%2Ffal%3Forder%3D42"));
}

#[tokio::test]
async fn a_job_completed_on_its_status_stream_costs_three_requests_with_its_output() {
    let server = TestServer::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
        ("POST", SUBMIT) => json(200, queued(0)),
        ("GET", p) if p.ends_with("/status/stream") => sse(
            vec![
                json!({"request_id": "req_1", "status": "IN_PROGRESS"}),
                json!({"request_id": "req_1", "status": "COMPLETED"}),
            ],
            SseEnd::Close,
        ),
        ("GET", REQUEST) => json(200, json!({"video": {"url": "https://fal.media/files/cat.mp4"}})),
        _ => json(404, json!({"detail": "not found"})),
    })
    .await;
    let job = server.fal().fal_ai_veo3(input()).submit().await.unwrap();
    let done = job.wait().await.unwrap();
    assert_eq!(done.outputs()[0].url, "https://fal.media/files/cat.mp4");
    // The output and a second wait reuse the state the wait saw succeed.
    let out: veo3::Output = job.output().await.unwrap();
    assert_eq!(out.video.url, "https://fal.media/files/cat.mp4");
    assert_eq!(job.wait().await.unwrap().outputs(), done.outputs());
    let seen: Vec<String> = server.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    // The pushed COMPLETED is completed by reading the result alone: no status GET.
    assert_eq!(
        seen,
        ["POST /fal-ai/veo3", "GET /fal-ai/veo3/requests/req_1/status/stream", "GET /fal-ai/veo3/requests/req_1"]
    );
}
