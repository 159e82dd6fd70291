//! MindVideo against a local server that keeps an idempotency ledger: the task envelope, one
//! key per logical submit reused on every retry, 409 conflicts, task events, typed answers.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use mediagen::mindvideo::{skyreels_v4_fast, TaskStatus};
use mediagen::{Error, ErrorKind, Family, JobState as _, JobStatus, Kind};
use mediagen_tests::{
    drop_connection, json, mv_conflict, mv_done, mv_task, slow_json, sse, text, Ledger, SseEnd, Submitted, TestServer,
};
use serde_json::json;

const TASKS: &str = "/api/v1/tasks";

fn input(prompt: &str) -> skyreels_v4_fast::Input {
    skyreels_v4_fast::Input::builder()
        .prompt(prompt)
        .aspect_ratio(skyreels_v4_fast::AspectRatio::R16x9)
        .duration(5)
        .build()
        .unwrap()
}

/// What the ledger says, as the HTTP answer MindVideo gives.
fn answer(ledger: &Mutex<Ledger>, req: &mediagen_tests::Recorded) -> Submitted {
    ledger.lock().unwrap().submit(req.header("idempotency-key"), &req.json())
}

#[tokio::test]
async fn submit_sends_the_envelope_with_a_fresh_key_per_logical_submit_and_types_the_answer() {
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let book = ledger.clone();
    let server = TestServer::start(move |req, _| match answer(&book, req) {
        Submitted::Created(id) | Submitted::Found(id) => json(201, mv_task(&id, "queued")),
        Submitted::Conflict => mv_conflict(),
    })
    .await;
    let client = server.mindvideo();

    let job = client.skyreels_v4_fast(input("a forest at sunset")).submit().await.unwrap();
    let task = job.submitted();
    assert_eq!(task.request_id.as_deref(), Some("req_task_1"));
    assert_eq!(
        (task.task_id.as_str(), task.status.clone(), task.cost_estimate),
        ("task_1", TaskStatus::Queued, Some(0.2475))
    );
    assert_eq!((job.id(), task.job_status(), task.raw_status()), ("task_1", JobStatus::Queued, "queued"));
    assert_eq!(job.platform(), mediagen::Platform::Mindvideo);

    // The same input submitted again is a second logical submit: a new key, a new task.
    let again = client.skyreels_v4_fast(input("a forest at sunset")).submit().await.unwrap();
    assert_eq!(again.id(), "task_2");

    let posts = server.requests_to("POST", TASKS);
    assert_eq!(posts.len(), 2);
    for post in &posts {
        assert!(post.authorized());
        assert_eq!(post.header("content-type"), Some("application/json"));
        assert_eq!(
            post.json(),
            json!({"model": "skyreels-v4-fast", "input": {"prompt": "a forest at sunset", "aspect_ratio": "16:9", "duration": 5}})
        );
        let key = post.header("idempotency-key").expect("an Idempotency-Key");
        assert_eq!(key.len(), 36, "a UUID: {key}");
        assert_eq!(key.matches('-').count(), 4, "a UUID: {key}");
    }
    assert_ne!(posts[0].header("idempotency-key"), posts[1].header("idempotency-key"));
    assert_eq!(ledger.lock().unwrap().charges.len(), 2);
}

#[tokio::test]
async fn a_dropped_connection_is_retried_with_the_same_key_and_the_server_charges_once() {
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let book = ledger.clone();
    let server = TestServer::start(move |req, _| match answer(&book, req) {
        // The task is created and charged, then the connection drops before the answer.
        Submitted::Created(_) => drop_connection(),
        Submitted::Found(id) => json(200, mv_task(&id, "queued")),
        Submitted::Conflict => mv_conflict(),
    })
    .await;

    let started = Instant::now();
    let job = server.mindvideo().skyreels_v4_fast(input("p")).submit().await.unwrap();
    eprintln!("dropped connection -> retried submit answered after {:?}", started.elapsed());

    assert_eq!(job.id(), "task_1");
    let posts = server.requests_to("POST", TASKS);
    assert_eq!(posts.len(), 2, "one drop, one retry");
    let key = posts[0].header("idempotency-key").unwrap();
    assert_eq!(posts[1].header("idempotency-key"), Some(key));
    assert_eq!(posts[0].json(), posts[1].json());
    let ledger = ledger.lock().unwrap();
    assert_eq!(ledger.tasks, ["task_1"]);
    assert_eq!(ledger.charges, ["task_1"]);
}

/// On tokio's paused clock: the client's 300 ms timeout fires only on the slow answer, however
/// slow the machine is, and costs no real time.
#[tokio::test(start_paused = true)]
async fn timeouts_and_5xx_are_retried_with_the_same_key() {
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let book = ledger.clone();
    let server = TestServer::start(move |req, n| {
        let outcome = answer(&book, req);
        match (n, outcome) {
            (0, _) => json(503, json!({"error": {"code": "upstream_unavailable", "message": "try again"}})),
            (1, _) => json(500, json!({"message": "internal error"})),
            // Headers at once, the body after the client's timeout.
            (2, Submitted::Found(id)) => slow_json(200, mv_task(&id, "queued"), Duration::from_secs(5)),
            (_, Submitted::Created(id) | Submitted::Found(id)) => json(200, mv_task(&id, "queued")),
            (_, Submitted::Conflict) => mv_conflict(),
        }
    })
    .await;
    let client = server.mindvideo_builder().timeout(Duration::from_millis(300)).build().unwrap();

    let job = client.skyreels_v4_fast(input("p")).submit().await.unwrap();
    assert_eq!(job.id(), "task_1");
    let posts = server.requests_to("POST", TASKS);
    assert_eq!(posts.len(), 4);
    let keys: Vec<_> = posts.iter().map(|p| p.header("idempotency-key").unwrap().to_string()).collect();
    assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
    assert_eq!(ledger.lock().unwrap().charges, ["task_1"]);
}

#[tokio::test]
async fn the_same_key_with_another_payload_is_a_typed_conflict() {
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let book = ledger.clone();
    let server = TestServer::start(move |req, _| match answer(&book, req) {
        Submitted::Created(id) | Submitted::Found(id) => json(201, mv_task(&id, "queued")),
        Submitted::Conflict => mv_conflict(),
    })
    .await;
    let client = server.mindvideo();

    let first = client.skyreels_v4_fast(input("a cat")).idempotency_key("order-42").submit().await.unwrap();
    let err = client.skyreels_v4_fast(input("a dog")).idempotency_key("order-42").submit().await.unwrap_err();
    match &err {
        Error::Api { status, kind, code, message, request_id, .. } => {
            assert_eq!((*status, *kind), (409, ErrorKind::Conflict));
            assert_eq!(code.as_deref(), Some("idempotency_key_conflict"));
            assert!(message.contains("different request body"), "{message}");
            assert_eq!(request_id.as_deref(), Some("req_conflict"));
        }
        other => panic!("expected a 409 Api error, got {other:?}"),
    }
    assert!(!err.is_retryable());
    // The original payload under the same key finds the original task.
    let again = client.skyreels_v4_fast(input("a cat")).idempotency_key("order-42").submit().await.unwrap();
    assert_eq!((first.id(), again.id()), ("task_1", "task_1"));

    let posts = server.requests_to("POST", TASKS);
    assert_eq!(posts.len(), 3, "the 409 was not retried");
    assert!(posts.iter().all(|p| p.header("idempotency-key") == Some("order-42")));
    assert_eq!(ledger.lock().unwrap().charges, ["task_1"]);
}

#[tokio::test]
async fn task_events_are_followed_to_the_terminal_state() {
    let server = TestServer::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
        ("POST", TASKS) => json(201, mv_task("task_e", "queued")),
        ("GET", "/api/v1/tasks/task_e/events") => sse(
            vec![
                json!({"task_id": "task_e", "status": "queued"}),
                json!({"type": "task.progress", "task_id": "task_e", "status": "processing", "progress": 20}),
                json!({"type": "task.progress", "task_id": "task_e", "status": "processing", "progress": 0.6}),
                json!({"type": "log", "line": "encoding"}),
                json!({"type": "task.succeeded", "task": mv_done("task_e", "https://cdn.example/task_e.mp4")}),
            ],
            SseEnd::Close,
        ),
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let client = server.mindvideo();
    let job = client.skyreels_v4_fast(input("p")).submit().await.unwrap();

    let mut seen = Vec::new();
    let done =
        job.wait_reporting(mediagen_tests::fast_wait(), |t| seen.push((t.status.clone(), t.progress()))).await.unwrap();
    assert_eq!(
        seen,
        [
            (TaskStatus::Queued, None),
            (TaskStatus::Processing, Some(0.2)),
            (TaskStatus::Processing, Some(0.6)),
            (TaskStatus::Succeeded, None),
        ]
    );
    assert_eq!((done.cost_estimate, done.cost_actual), (Some(0.2475), Some(0.2475)));
    let outputs = done.outputs();
    assert_eq!(outputs.len(), 1);
    assert_eq!((outputs[0].url.as_str(), outputs[0].kind), ("https://cdn.example/task_e.mp4", Some(Kind::Video)));
    let cost = done.cost().unwrap();
    assert_eq!((cost.estimated, cost.charged, cost.unit), (Some(0.2475), Some(0.2475), mediagen::CostUnit::Currency));

    // The events were the push channel: no polls.
    let events = server.requests_to("GET", "/api/v1/tasks/task_e/events");
    assert_eq!(events.len(), 1);
    assert!(events[0].authorized());
    assert!(events[0].header("accept").unwrap().starts_with("text/event-stream"));
    assert!(server.requests_to("GET", "/api/v1/tasks/task_e").is_empty());
    assert_eq!(server.requests_to("POST", TASKS).len(), 1);

    // The same stream read as typed events.
    let events: Vec<_> = client.events("task_e").await.unwrap().collect().await;
    let events: Vec<_> = events.into_iter().map(Result::unwrap).collect();
    assert_eq!(events.len(), 5);
    assert_eq!(events[1].event, "task.progress");
    assert_eq!((events[1].status.clone(), events[1].progress), (Some(TaskStatus::Processing), Some(0.2)));
    assert_eq!(events[3].status, None);
    assert_eq!(events[4].task().unwrap().output.unwrap().videos[0].url, "https://cdn.example/task_e.mp4");
}

#[tokio::test]
async fn a_bare_terminal_event_is_completed_by_one_lookup() {
    let server = TestServer::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/api/v1/tasks/task_b/events") => {
            text(200, "text/event-stream", "event: processing\ndata: {}\n\nevent: succeeded\ndata: {}\n\n")
        }
        ("GET", "/api/v1/tasks/task_b") => json(200, mv_done("task_b", "https://cdn.example/b.mp4")),
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let done = server.mindvideo().wait("task_b", mediagen_tests::fast_wait()).await.unwrap();
    assert_eq!(done.status, TaskStatus::Succeeded);
    assert_eq!(done.outputs()[0].url, "https://cdn.example/b.mp4");
    assert_eq!(server.requests_to("GET", "/api/v1/tasks/task_b").len(), 1);
}

#[tokio::test]
async fn events_that_break_off_are_finished_by_polling_without_a_second_submit() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), req.path.as_str(), n) {
        ("POST", TASKS, _) => json(201, mv_task("task_x", "queued")),
        ("GET", "/api/v1/tasks/task_x/events", _) => {
            sse(vec![json!({"task_id": "task_x", "status": "processing", "progress": "10%"})], SseEnd::Abort)
        }
        ("GET", "/api/v1/tasks/task_x", 0) => json(200, mv_task("task_x", "processing")),
        ("GET", "/api/v1/tasks/task_x", _) => json(200, mv_done("task_x", "https://cdn.example/x.mp4")),
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let done = server.mindvideo().skyreels_v4_fast(input("p")).run().await.unwrap();
    assert_eq!(done.task_id, "task_x");
    assert_eq!(server.requests_to("POST", TASKS).len(), 1);
    assert_eq!(server.requests_to("GET", "/api/v1/tasks/task_x").len(), 2);
}

#[tokio::test]
async fn json_lines_and_json_array_events_are_understood() {
    let lines =
        [json!({"task_id": "t", "status": "processing", "progress": 50}), mv_done("t", "https://cdn.example/t.mp4")]
            .map(|v| v.to_string())
            .join("\n");
    let array = json!([{"task_id": "t", "status": "queued"}, mv_done("t", "https://cdn.example/t.mp4")]).to_string();
    for (content_type, body) in [("application/x-ndjson", lines), ("application/json", array)] {
        let server = TestServer::start(move |req, _| match req.path.as_str() {
            "/api/v1/tasks/t/events" => text(200, content_type, &body),
            _ => json(404, json!({"message": "no route"})),
        })
        .await;
        let done = server.mindvideo().wait("t", mediagen_tests::fast_wait()).await.unwrap();
        assert_eq!(done.job_status(), JobStatus::Succeeded, "{content_type}");
        assert_eq!(done.outputs()[0].url, "https://cdn.example/t.mp4");
        assert!(server.requests_to("GET", "/api/v1/tasks/t").is_empty(), "{content_type}: polled");
    }
}

#[tokio::test]
async fn without_an_events_endpoint_the_task_is_polled() {
    let server = TestServer::start(|req, n| match (req.path.as_str(), n) {
        ("/api/v1/tasks/t/events", _) => json(404, json!({"message": "Not Found"})),
        ("/api/v1/tasks/t", 0) => json(200, mv_task("t", "processing")),
        ("/api/v1/tasks/t", _) => json(200, mv_done("t", "https://cdn.example/t.mp4")),
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let done = server.mindvideo().wait("t", mediagen_tests::fast_wait()).await.unwrap();
    assert_eq!(done.status, TaskStatus::Succeeded);
    assert_eq!(server.requests_to("GET", "/api/v1/tasks/t/events").len(), 1);
    assert_eq!(server.requests_to("GET", "/api/v1/tasks/t").len(), 2);
}

#[tokio::test]
async fn failed_and_cancelled_tasks_are_typed_errors() {
    let server = TestServer::start(|req, _| match req.path.as_str() {
        "/api/v1/tasks/f" => {
            let mut failed = mv_task("f", "failed");
            failed["error"] = json!({"code": "VIDEO_GENERATION_CONTENT_REJECTED", "message": "rejected by moderation"});
            json(200, failed)
        }
        "/api/v1/tasks/c" => json(200, mv_task("c", "cancelled")),
        _ => json(404, json!({"message": "Not Found"})),
    })
    .await;
    let client = server.mindvideo();
    let err = client.wait("f", mediagen_tests::fast_wait()).await.unwrap_err();
    let Error::JobFailed { id, kind, family, code, message } = &err else { panic!("{err:?}") };
    assert_eq!((id.as_str(), *kind, *family), ("f", ErrorKind::ContentRejected, Some(Family::Video)));
    assert_eq!(
        (code.as_deref(), message.as_str()),
        (Some("VIDEO_GENERATION_CONTENT_REJECTED"), "rejected by moderation")
    );
    let err = client.wait("c", mediagen_tests::fast_wait()).await.unwrap_err();
    assert!(matches!(&err, Error::JobCanceled { id } if id == "c"), "{err:?}");
    // A task that does not exist: the events 404, then the lookup 404s too.
    let err = client.get("nope").await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 404, kind: ErrorKind::NotFound, .. }), "{err:?}");
}

#[tokio::test]
async fn a_local_file_goes_inline_as_a_data_uri_streamed_from_disk_on_every_attempt() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    let frame = dir.path().join("frame.png");
    let bytes = mediagen_tests::payload(200_003, 7);
    std::fs::write(&frame, &bytes).unwrap();
    // The first attempt meets a 503 (retried: the idempotency key makes the submit safe).
    let server = TestServer::start(|_, n| match n {
        0 => json(503, json!({"error": {"message": "busy"}})),
        _ => json(201, mv_task("task_1", "queued")),
    })
    .await;
    let input = skyreels_v4_fast::Input::builder()
        .prompt("p")
        .aspect_ratio(skyreels_v4_fast::AspectRatio::R16x9)
        .duration(5)
        .first_frame_image(mediagen::MediaInput::path(&frame))
        .build()
        .unwrap();
    server.mindvideo().skyreels_v4_fast(input).submit().await.unwrap();
    let expected = format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(&bytes));
    let posts = server.requests_to("POST", TASKS);
    assert_eq!(posts.len(), 2);
    for post in &posts {
        assert_eq!(post.header("content-type"), Some("application/json"));
        assert_eq!(post.header("content-length"), Some(post.body.len().to_string().as_str()));
        let body = post.json();
        assert_eq!(body["input"]["first_frame_image"], json!(expected));
        assert_eq!((body["model"].as_str(), body["input"]["prompt"].as_str()), (Some("skyreels-v4-fast"), Some("p")));
    }
}
