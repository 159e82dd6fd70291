//! `-v`: the SDK's spans and events on stderr, stdout untouched, the key never shown.

use mediagen_tests::{json, TestServer, KEY};
use serde_json::json;

use crate::{command, stderr, stdout_json};

#[tokio::test]
async fn vv_prints_spans_to_stderr_and_one_json_line_to_stdout() {
    // One server for the three runs: the first submit is rate limited, the first poll half done.
    let server = TestServer::start(|req, n| match (req.method.as_str(), n) {
        ("POST", 0) => json(429, json!({"code": "VIDEO_GENERATION_RATE_LIMITED", "message": "slow down"})),
        ("POST", _) => json(200, json!({"id": "gen_1", "status": "IN_QUEUE"})),
        (_, 0) => json(200, json!({"id": "gen_1", "status": "IN_PROGRESS", "progress": 0.5})),
        _ => json(200, json!({"id": "gen_1", "status": "COMPLETED"})),
    })
    .await;
    let args = ["--prompt", "a cat", "--base-url", &server.base_url, "--poll-interval", "20ms", "--json"];
    let mut run = vec!["run", "skills-video/google/veo-3.1", "-vv"];
    run.extend(args);
    let out = command(&run).env_remove("RUST_LOG").output().await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout_json(&out)["id"], "gen_1");
    let err = stderr(&out);
    for want in [
        "submit{",
        "gen_ai.operation.name=\"generate\"",
        "gen_ai.provider.name=\"skills-video\"",
        "gen_ai.request.model=\"google/veo-3.1\"",
        "retry",
        "delay_ms=",
        "reason=429",
        "wait{",
        "poll",
        "progress=0.5",
    ] {
        assert!(err.contains(want), "{want:?} not on stderr:\n{err}");
    }
    assert!(!err.contains(KEY), "{err}");

    // `-v` before the subcommand works too; without it (and without RUST_LOG), no spans.
    let mut top = vec!["-v", "run", "skills-video/google/veo-3.1"];
    top.extend(args);
    let out = command(&top).env_remove("RUST_LOG").output().await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("submit{"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("poll"), "-v is info: polls are debug\n{}", stderr(&out));
    let mut quiet = vec!["run", "skills-video/google/veo-3.1"];
    quiet.extend(args);
    let out = command(&quiet).env_remove("RUST_LOG").output().await.unwrap();
    assert!(!stderr(&out).contains("submit{"), "{}", stderr(&out));
}
