//! Server-sent events: a full stream, a stream that breaks and is finished by polling.

use std::time::Duration;

use futures_util::StreamExt as _;
use mediagen::skills_video::Status;
use mediagen::{Error, ErrorKind, Family, Kind, WaitOptions};
use mediagen_tests::{generation, json, sse, SseEnd, TestInput, TestServer};
use serde_json::json;

const SSE_PATH: &str = "/api/v1/generation/sse/google/veo-3.1";
const SUBMIT: &str = "/api/v1/generation/google/veo-3.1";

fn completed(id: &str) -> serde_json::Value {
    let mut done = generation(id, "COMPLETED");
    done["data"] = json!({"type": "video", "videos": [{"url": format!("https://cdn.example/{id}.mp4"), "content_type": "video/mp4"}]});
    done
}

#[tokio::test]
async fn sse_yields_every_event_and_ends_at_the_terminal_one() {
    let server = TestServer::start(|req, _| match req.path.as_str() {
        SSE_PATH => sse(
            vec![
                json!({"id": "gen_s", "status": "IN_QUEUE", "data": null, "usage": {"total": 20, "subscription": 20, "permanent": 0}}),
                json!({"id": "gen_s", "status": "IN_PROGRESS", "data": null}),
                json!({"id": "gen_s", "status": "IN_PROGRESS", "data": null, "progress": 0.5}),
                completed("gen_s"),
                // Anything after the terminal event is not read.
                json!({"id": "gen_s", "status": "IN_PROGRESS"}),
            ],
            SseEnd::Close,
        ),
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let client = server.client();

    let stream = client.call(TestInput::new("sunrise")).stream().await.unwrap();
    let events: Vec<_> = stream.collect().await;
    let statuses: Vec<Status> = events.iter().map(|e| e.as_ref().unwrap().status.clone()).collect();
    assert_eq!(statuses, [Status::Queued, Status::InProgress, Status::InProgress, Status::Completed]);
    let last = events.last().unwrap().as_ref().unwrap();
    assert_eq!(last.id, "gen_s");
    let outputs = last.outputs();
    assert_eq!(outputs.len(), 1);
    assert_eq!(outputs[0].url, "https://cdn.example/gen_s.mp4");
    assert_eq!(outputs[0].kind, Some(Kind::Video));
    assert_eq!(events[0].as_ref().unwrap().usage.unwrap().total, 20.0);

    let seen = server.requests();
    assert_eq!(seen.len(), 1, "only the SSE submit: {seen:#?}");
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].path, SSE_PATH);
    assert_eq!(seen[0].header("accept"), Some("text/event-stream"));
    assert!(seen[0].authorized());
    assert_eq!(seen[0].json(), json!({"prompt": "sunrise"}));
}

#[tokio::test]
async fn sse_that_breaks_midway_is_finished_by_polling_with_one_submit() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), req.path.as_str(), n) {
        ("POST", SSE_PATH, _) => sse(
            vec![
                json!({"id": "gen_b", "status": "IN_QUEUE", "data": null}),
                json!({"id": "gen_b", "status": "IN_PROGRESS", "data": null}),
            ],
            SseEnd::Abort,
        ),
        ("GET", "/api/v1/generation/gen_b", 0 | 1) => json(200, generation("gen_b", "IN_PROGRESS")),
        ("GET", "/api/v1/generation/gen_b", _) => json(200, completed("gen_b")),
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let client = server.client();

    let stream = client.call(TestInput::new("sunrise")).stream().await.unwrap();
    let events: Vec<_> = stream.collect().await;
    let statuses: Vec<Status> = events.iter().map(|e| e.as_ref().unwrap().status.clone()).collect();
    // Repeated IN_PROGRESS polls are not repeated as events.
    assert_eq!(statuses, [Status::Queued, Status::InProgress, Status::Completed]);
    assert_eq!(events[2].as_ref().unwrap().outputs()[0].url, "https://cdn.example/gen_b.mp4");

    // Exactly one submit, then polls of the id the stream announced.
    let posts: Vec<_> = server.requests().into_iter().filter(|r| r.method == "POST").collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].path, SSE_PATH);
    assert!(server.requests_to("POST", SUBMIT).is_empty());
    let polls = server.requests_to("GET", "/api/v1/generation/gen_b");
    assert_eq!(polls.len(), 3);
    assert!(polls.iter().all(|p| p.authorized()));
}

#[tokio::test]
async fn sse_that_ends_without_a_terminal_event_is_finished_by_polling() {
    let server = TestServer::start(|req, _| match req.method.as_str() {
        "POST" => sse(vec![json!({"id": "gen_e", "status": "IN_QUEUE"})], SseEnd::Close),
        _ => json(200, completed("gen_e")),
    })
    .await;
    let done = server.client().call(TestInput::new("p")).stream().await.unwrap().wait().await.unwrap();
    assert_eq!(done.status, Status::Completed);
    assert_eq!(server.requests().iter().filter(|r| r.method == "POST").count(), 1);
    assert_eq!(server.requests_to("GET", "/api/v1/generation/gen_e").len(), 1);
}

#[tokio::test]
async fn sse_that_breaks_before_any_event_is_an_error_and_nothing_is_resubmitted() {
    let server = TestServer::start(|_, _| sse(vec![], SseEnd::Abort)).await;
    let mut stream = server.client().call(TestInput::new("p")).stream().await.unwrap();
    let first = stream.next().await.unwrap();
    assert!(matches!(&first, Err(Error::Stream { message }) if message.contains("may have been created")), "{first:?}");
    assert!(stream.next().await.is_none());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn sse_failed_event_ends_the_stream_and_wait_returns_the_typed_error() {
    let server = TestServer::start(|_, _| {
        let mut failed = generation("gen_x", "FAILED");
        failed["code"] = json!("VIDEO_GENERATION_TIMEOUT");
        failed["message"] = json!("Generation timed out.");
        sse(vec![json!({"id": "gen_x", "status": "IN_PROGRESS"}), failed], SseEnd::Close)
    })
    .await;
    let err = server.client().call(TestInput::new("p")).stream().await.unwrap().wait().await.unwrap_err();
    let Error::JobFailed { id, kind, family, code, message } = &err else { panic!("{err:?}") };
    assert_eq!((id.as_str(), *kind, *family), ("gen_x", ErrorKind::Timeout, Some(Family::Video)));
    assert_eq!(code.as_deref(), Some("VIDEO_GENERATION_TIMEOUT"));
    assert_eq!(message, "Generation timed out.");
    assert!(err.is_retryable());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn sse_error_before_the_stream_is_a_typed_api_error() {
    let server = TestServer::start(|_, _| {
        json(
            402,
            json!({"error": "INSUFFICIENT_CREDITS", "code": "VIDEO_GENERATION_INSUFFICIENT_CREDITS", "message": "Insufficient credits for this generation."}),
        )
    })
    .await;
    let err = server.client().call(TestInput::new("p")).stream().await.unwrap_err();
    let Error::Api { status, kind, family, .. } = &err else { panic!("{err:?}") };
    assert_eq!((*status, *kind, *family), (402, ErrorKind::InsufficientCredits, Some(Family::Video)));
    assert_eq!(server.requests().len(), 1);
}

/// On tokio's paused clock: the silence costs no real time and the deadline is measured exactly.
#[tokio::test(start_paused = true)]
async fn sse_deadline_passes_while_the_stream_is_quiet() {
    let server = TestServer::start(|_, _| {
        // One event, then silence: the body never ends.
        let first = futures_util::stream::iter([Ok::<_, std::io::Error>(axum::body::Bytes::from(
            "data: {\"id\":\"gen_q\",\"status\":\"IN_PROGRESS\"}\n\n",
        ))]);
        let body = axum::body::Body::from_stream(first.chain(futures_util::stream::pending()));
        let mut resp = axum::response::Response::new(body);
        resp.headers_mut().insert("content-type", axum::http::HeaderValue::from_static("text/event-stream"));
        resp
    })
    .await;
    let options = WaitOptions::default().deadline(Duration::from_millis(200));
    let started = tokio::time::Instant::now();
    let events: Vec<_> =
        server.client().call(TestInput::new("p")).wait_options(options).stream().await.unwrap().collect().await;
    let waited = started.elapsed();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].as_ref().unwrap().status, Status::InProgress);
    assert!(
        matches!(&events[1], Err(Error::Deadline { id, last_status, .. }) if id == "gen_q" && last_status == "IN_PROGRESS"),
        "{:?}",
        events[1]
    );
    assert!(waited >= Duration::from_millis(200) && waited < Duration::from_millis(250), "{waited:?}");
    assert_eq!(server.requests().len(), 1);
}
