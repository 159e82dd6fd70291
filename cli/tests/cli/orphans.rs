//! A submitted job is never orphaned: whatever fails after the submit (saving, waiting, a signal),
//! the job's id and the command that picks it up are printed, `--json` still prints its object,
//! and the exit status is never 2 ("nothing was sent").

use std::process::Stdio;
use std::time::Duration;

use mediagen_tests::{json, slow_json, text, TestServer};
use serde_json::json;

use crate::{command, mediagen, stderr, stdout_json};

const MODEL: &str = "skills-video/google/veo-3.1";

/// A generation that completes on the second poll with one output served by the same server.
async fn completing_server() -> TestServer {
    TestServer::start(|req, n| match (req.method.as_str(), req.path.as_str(), n) {
        ("POST", _, _) => json(200, json!({"id": "gen_7", "status": "IN_QUEUE"})),
        ("GET", "/api/v1/generation/gen_7", 0) => json(200, json!({"id": "gen_7", "status": "IN_PROGRESS"})),
        ("GET", "/api/v1/generation/gen_7", _) => json(200, json!({"id": "gen_7", "status": "COMPLETED",
            "data": {"images": [{"url": format!("http://{}/files/out.png", req.header("host").unwrap_or("")), "content_type": "image/png"}]}})),
        ("GET", "/files/out.png", _) => text(200, "image/png", "PNG"),
        _ => json(404, json!({"error": "NOT_FOUND"})),
    })
    .await
}

/// A generation that never ends.
async fn endless_server(submit_delay: Duration) -> TestServer {
    TestServer::start(move |req, _| match req.method.as_str() {
        "POST" => slow_json(200, json!({"id": "gen_9", "status": "IN_QUEUE"}), submit_delay),
        _ => json(200, json!({"id": "gen_9", "status": "IN_PROGRESS"})),
    })
    .await
}

#[tokio::test]
async fn outputs_that_cannot_be_saved_keep_the_job_id_and_the_way_back() {
    let server = completing_server().await;
    let dir = tempfile::tempdir().unwrap();
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, "a regular file").unwrap();
    let target = blocked.join("sub");
    let target = target.to_str().unwrap();
    let out = mediagen(&[
        "run",
        MODEL,
        "--prompt",
        "x",
        "--json",
        "--download",
        target,
        "--poll-interval",
        "20ms",
        "--base-url",
        &server.base_url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let report = stdout_json(&out);
    assert_eq!(report["id"], "gen_7");
    assert_eq!(report["status"], "succeeded");
    assert_eq!(report["error"]["code"], "SAVE_FAILED");
    let err = stderr(&out);
    assert!(
        err.contains(&format!("pick it up with: mediagen status {MODEL} gen_7 --wait --download {target}")),
        "{err}"
    );
    assert_eq!(server.requests_to("POST", "/api/v1/generation/google/veo-3.1").len(), 1);

    // The command it prints does pick the job up, without a second submit.
    let saved = dir.path().join("saved");
    let saved = saved.to_str().unwrap();
    let out =
        mediagen(&["status", MODEL, "gen_7", "--wait", "--download", saved, "--json", "--base-url", &server.base_url])
            .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout_json(&out)["files"], json!([format!("{saved}/out.png")]));
    assert_eq!(std::fs::read_to_string(format!("{saved}/out.png")).unwrap(), "PNG");
    assert_eq!(server.requests_to("POST", "/api/v1/generation/google/veo-3.1").len(), 1);
}

async fn interrupt(signal: &str, submit_delay: Duration, wait_for_poll: bool) {
    let server = endless_server(submit_delay).await;
    let child =
        command(&["run", MODEL, "--prompt", "x", "--json", "--poll-interval", "20ms", "--base-url", &server.base_url])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
    let pid = child.id().unwrap().to_string();
    // Signal once the run is where the test wants it: polling, or with its submit in flight.
    for _ in 0..500 {
        let seen = server.requests();
        let ready = if wait_for_poll { seen.iter().any(|r| r.method == "GET") } else { !seen.is_empty() };
        if ready {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let status = std::process::Command::new("kill").args([signal, &pid]).status().unwrap();
    assert!(status.success());
    let out = child.wait_with_output().await.unwrap();
    assert_eq!(out.status.code(), Some(130), "{signal}: {}", stderr(&out));
    let report = stdout_json(&out);
    assert_eq!(report["id"], "gen_9", "{signal}");
    assert_eq!(report["error"]["code"], "INTERRUPTED");
    assert!(
        stderr(&out).contains(&format!("pick it up with: mediagen status {MODEL} gen_9 --wait")),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.requests_to("POST", "/api/v1/generation/google/veo-3.1").len(), 1);
}

#[tokio::test]
async fn sigint_while_waiting_prints_the_job_and_exits_130() {
    interrupt("-INT", Duration::ZERO, true).await;
}

#[tokio::test]
async fn sigterm_while_waiting_prints_the_job_and_exits_130() {
    interrupt("-TERM", Duration::ZERO, true).await;
}

#[tokio::test]
async fn sigint_during_the_submit_waits_for_its_answer_so_the_job_is_not_lost() {
    interrupt("-INT", Duration::from_millis(400), false).await;
}

#[tokio::test]
async fn a_rejected_submit_still_prints_the_json_object() {
    for (status, code) in
        [(401, "UNAUTHORIZED"), (402, "INSUFFICIENT_CREDITS"), (409, "CONFLICT"), (500, "SERVER_ERROR")]
    {
        let server = TestServer::start(move |_, _| json(status, json!({"error": code, "message": "no"}))).await;
        let out = mediagen(&["run", MODEL, "--prompt", "x", "--json", "--base-url", &server.base_url]).await;
        assert_eq!(out.status.code(), Some(4), "{status}: {}", stderr(&out));
        let report = stdout_json(&out);
        assert_eq!(report["id"], serde_json::Value::Null);
        assert_eq!(report["error"]["code"], code, "{status}");
        assert!(!stderr(&out).contains("pick it up"), "no job was created");
    }
}

#[tokio::test]
async fn no_wait_prints_the_follow_up_and_refuses_a_download() {
    let server = completing_server().await;
    let out = mediagen(&["run", MODEL, "--prompt", "x", "--no-wait", "--base-url", &server.base_url]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("follow it with: mediagen status {MODEL} gen_7 --wait")),
        "{}",
        stderr(&out)
    );

    let before = server.requests().len();
    let out =
        mediagen(&["run", MODEL, "--prompt", "x", "--no-wait", "--download", "out", "--base-url", &server.base_url])
            .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--download needs the job to finish"), "{}", stderr(&out));
    assert_eq!(server.requests().len(), before, "nothing sent");
}

#[tokio::test]
async fn status_of_a_failed_job_shows_its_error_and_exits_3() {
    let server = TestServer::start(|_, _| {
        json(200, json!({"id": "gen_f", "status": "FAILED", "code": "VIDEO_GENERATION_CONTENT_REJECTED", "message": "Prompt rejected"}))
    })
    .await;
    let out = mediagen(&["status", MODEL, "gen_f", "--json", "--base-url", &server.base_url]).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(stdout_json(&out)["error"]["code"], "VIDEO_GENERATION_CONTENT_REJECTED");
    assert!(stderr(&out).contains("Prompt rejected"), "{}", stderr(&out));
}

#[tokio::test]
async fn a_second_signal_during_a_hung_submit_stops_waiting() {
    let server = endless_server(Duration::from_secs(30)).await;
    let child = command(&["run", MODEL, "--prompt", "x", "--base-url", &server.base_url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().unwrap().to_string();
    for _ in 0..500 {
        if !server.requests().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for _ in 0..2 {
        std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let out =
        tokio::time::timeout(Duration::from_secs(10), child.wait_with_output()).await.expect("it stopped").unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("interrupt again to stop waiting") && err.contains("the job may have been created"), "{err}");
}

#[tokio::test]
async fn status_of_an_unknown_job_does_not_suggest_itself() {
    let server =
        TestServer::start(|_, _| json(404, json!({"error": "NOT_FOUND", "message": "no such generation"}))).await;
    let out = mediagen(&["status", MODEL, "nosuchjob", "--base-url", &server.base_url]).await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(!stderr(&out).contains("pick it up"), "{}", stderr(&out));
}

#[tokio::test]
async fn a_submit_that_gets_no_answer_is_bounded_by_timeout_and_says_a_job_may_exist() {
    let server = endless_server(Duration::from_secs(30)).await;
    let started = std::time::Instant::now();
    let out =
        mediagen(&["run", MODEL, "--prompt", "x", "--timeout", "1s", "--json", "--base-url", &server.base_url]).await;
    assert!(started.elapsed() < Duration::from_secs(15), "bounded by --timeout, not the 120 s request timeout");
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the submit was sent but no answer within 1s; the job may have been created"),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.requests_to("POST", "/api/v1/generation/google/veo-3.1").len(), 1, "never sent twice");
}
