//! fal from the shell: a run that completes, a COMPLETED request whose result is a 422 (exit 3,
//! naming the field), `--cancel-on-timeout`, `cancel`.

use mediagen_tests::{json, TestServer};
use serde_json::json;

use crate::{mediagen, stderr, stdout_json};

const MODEL: &str = "fal/fal-ai/veo3";

async fn fal_server(result_status: u16, result: serde_json::Value, completes: bool) -> TestServer {
    TestServer::start(move |req, _| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/fal-ai/veo3") => {
            json(200, json!({"request_id": "req_1", "status": "IN_QUEUE", "queue_position": 2}))
        }
        ("GET", p) if p.ends_with("/status/stream") => json(404, json!({"detail": "no stream"})),
        ("GET", "/fal-ai/veo3/requests/req_1/status") if completes => {
            json(200, json!({"request_id": "req_1", "status": "COMPLETED"}))
        }
        ("GET", "/fal-ai/veo3/requests/req_1/status") => {
            json(202, json!({"request_id": "req_1", "status": "IN_QUEUE", "queue_position": 2}))
        }
        ("GET", "/fal-ai/veo3/requests/req_1") => json(result_status, result.clone()),
        ("PUT", "/fal-ai/veo3/requests/req_1/cancel") => json(202, json!({"status": "CANCELLATION_REQUESTED"})),
        _ => json(404, json!({"detail": "no route"})),
    })
    .await
}

#[tokio::test]
async fn a_fal_run_prints_its_typed_output_and_a_failed_result_exits_3() {
    let video = json!({"video": {"url": "https://fal.media/files/cat.mp4", "content_type": "video/mp4"}});
    let server = fal_server(200, video.clone(), true).await;
    let out = mediagen(&[
        "run",
        MODEL,
        "--prompt",
        "a cat",
        "--json",
        "--poll-interval",
        "20ms",
        "--base-url",
        &server.origin(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = stdout_json(&out);
    assert_eq!(report["id"], "req_1");
    assert_eq!(report["output"], video);
    assert_eq!(report["outputs"][0]["url"], "https://fal.media/files/cat.mp4");

    let flagged = json!({"detail": [{"loc": ["body", "prompt"], "msg": "The prompt was flagged", "type": "content_policy_violation"}]});
    let server = fal_server(422, flagged, true).await;
    let out = mediagen(&[
        "run",
        MODEL,
        "--prompt",
        "a cat",
        "--json",
        "--poll-interval",
        "20ms",
        "--base-url",
        &server.origin(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(stdout_json(&out)["error"]["message"], "prompt: The prompt was flagged");
    assert_eq!(server.requests_to("POST", "/fal-ai/veo3").len(), 1);
}

#[tokio::test]
async fn cancel_on_timeout_sends_one_cancel_and_cancel_sends_one_more() {
    let server = fal_server(200, json!({}), false).await;
    let out = mediagen(&[
        "run",
        MODEL,
        "--prompt",
        "a cat",
        "--timeout",
        "200ms",
        "--poll-interval",
        "20ms",
        "--cancel-on-timeout",
        "--base-url",
        &server.origin(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("the deadline passed; cancellation of job req_1 requested"), "{}", stderr(&out));
    assert_eq!(server.requests_to("PUT", "/fal-ai/veo3/requests/req_1/cancel").len(), 1);

    let out = mediagen(&["cancel", MODEL, "req_1", "--base-url", &server.origin()]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(server.requests_to("PUT", "/fal-ai/veo3/requests/req_1/cancel").len(), 2);

    let out = mediagen(&["cancel", "skills-video/google/veo-3.1", "gen_1"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("skills-video has no documented way to cancel a job"), "{}", stderr(&out));
}
