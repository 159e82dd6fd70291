//! AI/ML API against a local server: video generations submitted to the document's POST path
//! and followed with `GET /v2/video/generations?generation_id=`, images answered directly, the
//! same job lifecycle as every platform.

use mediagen::aimlapi::{google::veo_3_1_t2v, openai::gpt_image_1, Client, GenerationStatus};
use mediagen::{Error, ErrorKind, JobState as _, JobStatus, Kind, RawInput, Submit};
use mediagen_tests::{fast_retry, fast_wait, json, TestServer, KEY};
use serde_json::json;

fn client(server: &TestServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.origin())
        .retry(fast_retry())
        .wait_options(fast_wait())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_video_generation_is_submitted_to_its_path_and_followed_to_completion() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), req.path.as_str(), n) {
        ("POST", "/v2/video/generations", _) => json(200, json!({"id": "gen-7", "status": "queued"})),
        ("GET", "/v2/video/generations", 0) => json(200, json!({"id": "gen-7", "status": "queued"})),
        ("GET", "/v2/video/generations", 1) => json(200, json!({"id": "gen-7", "status": "generating"})),
        ("GET", "/v2/video/generations", _) => json(
            200,
            json!({"id": "gen-7", "status": "completed", "video": {"url": "https://cdn.example.com/gen-7.mp4"}}),
        ),
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let input = veo_3_1_t2v::Input::builder().prompt("a lighthouse in a storm").build().unwrap();
    let job = client(&server).google_veo_3_1_t2v(input).submit().await.unwrap();
    assert_eq!((job.id(), job.submitted().job_status()), ("gen-7", JobStatus::Queued));
    let mut seen = Vec::new();
    let done = job.wait_reporting(fast_wait(), |g| seen.push(g.raw_status().to_string())).await.unwrap();
    assert_eq!(done.parsed_status(), GenerationStatus::Completed);
    assert_eq!(seen.last().map(String::as_str), Some("completed"));
    assert!(seen.contains(&"generating".to_string()), "{seen:?}");
    let outputs = done.outputs();
    assert_eq!((outputs[0].url.as_str(), outputs[0].kind), ("https://cdn.example.com/gen-7.mp4", Some(Kind::Video)));
    // The typed output is the last answer as sent.
    let out: veo_3_1_t2v::Output = job.output().await.unwrap();
    assert_eq!((out.id.as_str(), out.status.as_str()), ("gen-7", "completed"));
    assert_eq!(out.video.map(|v| v.url).as_deref(), Some("https://cdn.example.com/gen-7.mp4"));

    let posts = server.requests_to("POST", "/v2/video/generations");
    assert_eq!(posts.len(), 1);
    assert!(posts[0].authorized());
    // `model` comes from the document's one-value enum; the user never sets it.
    assert_eq!(posts[0].json(), json!({"prompt": "a lighthouse in a storm", "model": "google/veo-3.1-t2v"}));
    let gets = server.requests_to("GET", "/v2/video/generations");
    assert!(gets.len() >= 3);
    assert!(gets.iter().all(|g| g.query.as_deref() == Some("generation_id=gen-7")), "{:?}", gets[0].query);
}

/// A paid result is never lost to what the document did not list: an unknown field, an unknown
/// status value, a field of a known object the document does not name.
#[test]
fn outputs_are_read_leniently() {
    let answer = json!({
        "id": "gen-9", "status": "upscaling", "surprise": {"nested": [1, 2]},
        "video": {"url": "https://cdn.example.com/gen-9.mp4", "duration": 8},
        "meta": {"usage": {"credits_used": 3.0, "usd_spent": 0.1, "tokens": 9}}
    });
    let out: veo_3_1_t2v::Output = serde_json::from_value(answer).unwrap();
    assert_eq!(out.status, "upscaling");
    assert_eq!(out.video.unwrap().url, "https://cdn.example.com/gen-9.mp4");
    assert_eq!(out.meta.and_then(|m| m.usage).map(|u| u.credits_used), Some(3.0));
    // A field the document requires is still required: that is a broken answer, not leniency.
    let broken = serde_json::from_value::<veo_3_1_t2v::Output>(json!({"status": "completed"}));
    assert!(broken.unwrap_err().to_string().contains("missing field `id`"));
}

#[tokio::test]
async fn an_image_generation_answers_directly_and_nothing_is_polled() {
    let server = TestServer::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/v1/images/generations") => json(
            200,
            json!({"created": 1, "data": [{"url": "https://cdn.example.com/a.png"}, {"url": "https://cdn.example.com/b.png"}]}),
        ),
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let input = gpt_image_1::Input::builder().prompt("a red fox").n(1).build().unwrap();
    let job = client(&server).openai_gpt_image_1(input).submit().await.unwrap();
    assert_eq!(job.submitted().job_status(), JobStatus::Succeeded);
    let done = job.wait().await.unwrap();
    let urls: Vec<String> = done.outputs().into_iter().map(|o| o.url).collect();
    assert_eq!(urls, ["https://cdn.example.com/a.png", "https://cdn.example.com/b.png"]);
    assert_eq!(done.outputs()[0].kind, Some(Kind::Image));
    // The typed output is the POST's answer; `created` is not in the document and is dropped.
    let out: gpt_image_1::Output = job.output().await.unwrap();
    let urls: Vec<_> = out.data.unwrap_or_default().into_iter().filter_map(|d| d.url).collect();
    assert_eq!(urls, ["https://cdn.example.com/a.png", "https://cdn.example.com/b.png"]);
    assert_eq!(server.requests().len(), 1, "one POST, no polling");
    assert_eq!(server.requests()[0].json(), json!({"prompt": "a red fox", "n": 1, "model": "openai/gpt-image-1"}));
}

#[tokio::test]
async fn an_error_status_is_a_typed_failure_and_api_errors_are_typed() {
    let server = TestServer::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/v2/video/generations") if req.json()["prompt"] == "broke" => {
            json(402, json!({"error": {"name": "InsufficientCredits", "message": "Not enough credits"}}))
        }
        ("POST", "/v2/video/generations") => json(200, json!({"id": "g2", "status": "queued"})),
        ("GET", "/v2/video/generations") => json(
            200,
            json!({"id": "g2", "status": "error", "error": {"name": "ContentPolicy", "message": "prompt rejected"}}),
        ),
        _ => json(404, json!({"message": "no route"})),
    })
    .await;
    let c = client(&server);
    let input = veo_3_1_t2v::Input::builder().prompt("x").build().unwrap();
    match c.google_veo_3_1_t2v(input).run().await {
        Err(Error::JobFailed { id, message, .. }) => {
            assert_eq!((id.as_str(), message.as_str()), ("g2", "prompt rejected"))
        }
        other => panic!("expected JobFailed, got {other:?}"),
    }
    let broke = veo_3_1_t2v::Input::builder().prompt("broke").build().unwrap();
    match c.google_veo_3_1_t2v(broke).submit().await {
        Err(e @ Error::Api { status: 402, .. }) => assert_eq!(e.kind(), Some(ErrorKind::InsufficientCredits)),
        other => panic!("expected a 402, got {other:?}"),
    }
}

#[tokio::test]
async fn a_model_named_at_run_time_and_a_resumed_handle() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), n) {
        ("POST", _) => json(200, json!({"id": "g3", "status": "queued"})),
        ("GET", 0) => json(200, json!({"id": "g3", "status": "generating"})),
        ("GET", _) => {
            json(200, json!({"id": "g3", "status": "completed", "video": {"url": "https://cdn.example.com/g3.mp4"}}))
        }
        _ => json(404, json!({})),
    })
    .await;
    let info = mediagen::registry::find("aimlapi/google/veo-3.1-t2v").unwrap();
    let body = (info.parse)(json!({"prompt": "dunes"})).unwrap();
    let job = Submit::submit(client(&server).call_raw(RawInput::for_model(info, body))).await.unwrap();
    let saved = serde_json::to_string(&job.handle()).unwrap();
    let other = client(&server);
    let resumed = other.resume(serde_json::from_str(&saved).unwrap());
    let done = resumed.wait().await.unwrap();
    assert_eq!(done.outputs()[0].url, "https://cdn.example.com/g3.mp4");
    assert_eq!(server.requests_to("POST", "/v2/video/generations").len(), 1);
}
