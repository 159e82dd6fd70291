//! Runs on every platform: success, failures, exit statuses, `--json`, status and streams.

use mediagen_tests::{json, text, TestServer, KEY};
use serde_json::{json, Value};

use crate::{mediagen, stderr, stdout_json, FAST};

#[tokio::test]
async fn skills_video_run_to_success_with_json_and_download() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), req.path.as_str(), n) {
        ("POST", "/api/v1/generation/google/veo-3.1", _) => json(200, json!({"id": "gen_1", "status": "IN_QUEUE", "usage": {"total": 20, "subscription": 20, "permanent": 0}})),
        ("GET", "/api/v1/generation/gen_1", 0) => json(200, json!({"id": "gen_1", "status": "IN_PROGRESS", "usage": {"total": 20, "subscription": 20, "permanent": 0}})),
        ("GET", "/api/v1/generation/gen_1", _) => json(200, json!({
            "id": "gen_1", "status": "COMPLETED", "usage": {"total": 20, "subscription": 20, "permanent": 0},
            "data": {"videos": [{"url": format!("http://{}/files/out.mp4", req.header("host").unwrap_or("")), "content_type": "video/mp4"}]}
        })),
        ("GET", "/files/out.mp4", _) => text(200, "video/mp4", "MP4BYTES"),
        _ => json(404, json!({"error": "NOT_FOUND", "message": "no route"})),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let out = mediagen(&[
        "run",
        "skills-video/google/veo-3.1",
        "--prompt",
        "a cat in neon rain",
        "--aspect-ratio",
        "9:16",
        "--duration",
        "8",
        "--generate-audio",
        "false",
        "--base-url",
        &server.base_url,
        "--download",
        dir.path().to_str().unwrap(),
        "--poll-interval",
        "20ms",
        "--json",
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = stdout_json(&out);
    assert_eq!(report["id"], "gen_1");
    assert_eq!(report["model"], "skills-video/google/veo-3.1");
    assert_eq!(report["platform"], "skills-video");
    assert_eq!(report["status"], "succeeded");
    assert_eq!(report["raw_status"], "COMPLETED");
    assert_eq!(report["outputs"][0]["kind"], "video");
    assert!(report["outputs"][0]["url"].as_str().unwrap().ends_with("/files/out.mp4"));
    assert_eq!(report["usage"]["total"].as_f64(), Some(20.0));
    assert_eq!(report["error"], Value::Null);
    assert!(report.get("progress").is_some() && report.get("cost").is_some());
    assert_eq!(std::fs::read(dir.path().join("out.mp4")).unwrap(), b"MP4BYTES");

    let posts = server.requests_to("POST", "/api/v1/generation/google/veo-3.1");
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0].json(),
        json!({"prompt": "a cat in neon rain", "aspect_ratio": "9:16", "duration": 8, "generate_audio": false})
    );
    assert!(posts[0].authorized());
}

#[tokio::test]
async fn an_invalid_flag_value_exits_2_and_sends_nothing() {
    let server = TestServer::start(|_, _| json(500, json!({}))).await;
    for args in [
        vec!["--prompt", "x", "--aspect-ratio", "21:9"],
        vec!["--prompt", "x", "--duration", "5"],
        vec!["--prompt", "x", "--n", "many"],
        vec!["--aspect-ratio", "9:16"],
    ] {
        let mut full = vec!["run", "skills-video/google/veo-3.1", "--base-url", &server.base_url];
        full.extend(args.iter().copied());
        let out = mediagen(&full).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).trim().lines().count(), 1, "one line: {}", stderr(&out));
    }
    let out = mediagen(&[
        "run",
        "skills-video/google/veo-3.1",
        "--prompt",
        "x",
        "--aspect-ratio",
        "21:9",
        "--base-url",
        &server.base_url,
    ])
    .await;
    assert!(stderr(&out).contains("aspect_ratio") && stderr(&out).contains("21:9"), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 0, "no request may reach the server");
}

#[tokio::test]
async fn a_failed_job_exits_3_with_the_error_in_the_json() {
    let server = TestServer::start(|req, _| match req.method.as_str() {
        "POST" => json(200, json!({"id": "gen_f", "status": "IN_QUEUE"})),
        _ => json(200, json!({"id": "gen_f", "status": "FAILED", "code": "VIDEO_GENERATION_CONTENT_REJECTED", "message": "Prompt rejected"})),
    })
    .await;
    let mut args = vec!["run", "skills-video/google/veo-3.1", "--prompt", "x", "--base-url", &server.base_url];
    args.extend(FAST);
    let out = mediagen(&args).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report = stdout_json(&out);
    assert_eq!(report["status"], "failed");
    assert_eq!(report["error"], json!({"code": "VIDEO_GENERATION_CONTENT_REJECTED", "message": "Prompt rejected"}));
    assert!(stderr(&out).contains("Prompt rejected"));
}

#[tokio::test]
async fn a_402_exits_4_and_names_the_problem() {
    let server = TestServer::start(|_, _| json(402, json!({"error": "VIDEO_GENERATION_INSUFFICIENT_CREDITS", "message": "Insufficient credits for this generation."}))).await;
    let out = mediagen(&["run", "skills-video/google/veo-3.1", "--prompt", "x", "--base-url", &server.base_url]).await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("Insufficient credits"), "{}", stderr(&out));
    assert!(!stderr(&out).contains(KEY));
    assert_eq!(server.requests().len(), 1, "402 is not retried");
}

#[tokio::test]
async fn a_deadline_exits_5() {
    let server = TestServer::start(|req, _| match req.method.as_str() {
        "POST" => json(200, json!({"id": "gen_d", "status": "IN_QUEUE"})),
        _ => json(200, json!({"id": "gen_d", "status": "IN_PROGRESS"})),
    })
    .await;
    let mut args = vec![
        "run",
        "skills-video/google/veo-3.1",
        "--prompt",
        "x",
        "--timeout",
        "300ms",
        "--base-url",
        &server.base_url,
    ];
    args.extend(FAST);
    let out = mediagen(&args).await;
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert_eq!(stdout_json(&out)["status"], "running");
}

#[tokio::test]
async fn no_wait_prints_the_submitted_job() {
    let server = TestServer::start(|_, _| json(200, json!({"id": "gen_n", "status": "IN_QUEUE"}))).await;
    let out = mediagen(&[
        "run",
        "skills-video/google/veo-3.1",
        "--prompt",
        "x",
        "--no-wait",
        "--json",
        "--base-url",
        &server.base_url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = stdout_json(&out);
    assert_eq!((report["id"].as_str(), report["status"].as_str()), (Some("gen_n"), Some("queued")));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn mindvideo_run_sends_the_idempotency_key_and_reports_cost() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), n) {
        ("POST", _) => json(200, json!({"request_id": "req_1", "task_id": "task_1", "status": "queued", "cost_estimate": 0.2475})),
        ("GET", _) if req.path.ends_with("/events") => json(404, json!({"message": "no events"})),
        ("GET", 0) => json(200, json!({"request_id": "req_1", "task_id": "task_1", "status": "processing", "cost_estimate": 0.2475})),
        ("GET", _) => json(200, json!({"request_id": "req_1", "task_id": "task_1", "status": "succeeded", "cost_estimate": 0.2475, "cost_actual": 0.2475,
            "output": {"videos": [{"url": "https://example.com/output/demo.mp4"}]}})),
        _ => json(404, json!({})),
    })
    .await;
    let mut args = vec![
        "run",
        "mindvideo/skyreels-v4-fast",
        "--prompt",
        "a forest",
        "--duration",
        "5",
        "--idempotency-key",
        "biz-42",
        "--base-url",
    ];
    let origin = server.origin();
    args.push(&origin);
    args.extend(FAST);
    let out = mediagen(&args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = stdout_json(&out);
    assert_eq!(
        (report["id"].as_str(), report["status"].as_str(), report["raw_status"].as_str()),
        (Some("task_1"), Some("succeeded"), Some("succeeded"))
    );
    assert_eq!(report["cost"]["charged"].as_f64(), Some(0.2475));
    assert_eq!(report["outputs"][0]["url"], "https://example.com/output/demo.mp4");
    let posts = server.requests_to("POST", "/api/v1/tasks");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].header("idempotency-key"), Some("biz-42"));
    assert_eq!(posts[0].json(), json!({"model": "skyreels-v4-fast", "input": {"prompt": "a forest", "duration": 5}}));

    // Out of range: exit 2, nothing sent.
    let before = server.requests().len();
    let out =
        mediagen(&["run", "mindvideo/skyreels-v4-fast", "--prompt", "x", "--duration", "99", "--base-url", &origin])
            .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("duration: 99 is above the maximum 15"), "{}", stderr(&out));
    assert_eq!(server.requests().len(), before);
}

#[tokio::test]
async fn v2_relay_run_a_failure_exits_3_with_fail_reason() {
    let server = TestServer::start(|req, _| match req.method.as_str() {
        "POST" => json(200, json!({"task_id": "t9"})),
        _ => json(
            200,
            json!({"task_id": "t9", "status": "FAILURE", "fail_reason": "upstream quota", "progress": "100%"}),
        ),
    })
    .await;
    let relay = format!("{}/relay", server.origin());
    let mut args = vec!["run", "v2/videos/veo3", "--prompt", "a cat", "--base-url", &relay];
    args.extend(FAST);
    let out = mediagen(&args).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report = stdout_json(&out);
    assert_eq!((report["status"].as_str(), report["raw_status"].as_str()), (Some("failed"), Some("FAILURE")));
    assert_eq!(report["error"]["message"], "upstream quota");
    assert_eq!(report["progress"].as_f64(), Some(1.0));
    assert_eq!(
        server.requests_to("POST", "/relay/v2/videos/generations")[0].json(),
        json!({"prompt": "a cat", "model": "veo3"})
    );
}

#[tokio::test]
async fn v2_relay_success_and_aimlapi_image() {
    let server = TestServer::start(|req, n| match (req.method.as_str(), req.path.as_str(), n) {
        ("POST", "/relay/v2/videos/generations", _) => json(200, json!({"code": "success", "data": {"task_id": "t1", "status": "NOT_START"}})),
        ("GET", _, 0) if req.path.starts_with("/relay") => json(200, json!({"task_id": "t1", "status": "IN_PROGRESS", "progress": "37%"})),
        ("GET", _, _) if req.path.starts_with("/relay") => json(200, json!({"task_id": "t1", "status": "SUCCESS", "progress": "100%", "data": {"output": "https://cdn.example.com/t1.mp4"}})),
        ("POST", "/v1/images/generations", _) => json(200, json!({"data": [{"url": "https://cdn.example.com/img.png"}]})),
        _ => json(404, json!({})),
    })
    .await;
    let relay = format!("{}/relay", server.origin());
    let mut args = vec!["run", "v2/videos/veo3", "--prompt", "a cat", "--base-url", &relay];
    args.extend(FAST);
    let out = mediagen(&args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = stdout_json(&out);
    assert_eq!((report["id"].as_str(), report["status"].as_str()), (Some("t1"), Some("succeeded")));
    assert_eq!(
        report["outputs"],
        json!([{"url": "https://cdn.example.com/t1.mp4", "kind": "video", "content_type": null}])
    );

    let origin = server.origin();
    let mut args = vec!["run", "aimlapi/openai/gpt-image-1", "--prompt", "a fox", "--base-url", &origin];
    args.extend(FAST);
    let out = mediagen(&args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = stdout_json(&out);
    assert_eq!((report["platform"].as_str(), report["status"].as_str()), (Some("aimlapi"), Some("succeeded")));
    assert_eq!(report["outputs"][0]["url"], "https://cdn.example.com/img.png");
    assert_eq!(
        server.requests_to("POST", "/v1/images/generations")[0].json(),
        json!({"prompt": "a fox", "model": "openai/gpt-image-1"})
    );
}

#[tokio::test]
async fn models_describe_and_a_missing_key() {
    let out = mediagen(&["models", "--platform", "mindvideo", "--json"]).await;
    assert_eq!(out.status.code(), Some(0));
    let list = stdout_json(&out);
    let ids: Vec<&str> = list.as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"mindvideo/skyreels-v4-fast"), "{ids:?}");
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["platform"] == "mindvideo" && m["kind"].is_string() && m["summary"].is_string()));

    let out = mediagen(&["describe", "skills-video/google/veo-3.1", "--json"]).await;
    let d = stdout_json(&out);
    let ar = d["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "aspect_ratio").unwrap();
    assert_eq!(
        (ar["allowed"].clone(), ar["default"].clone(), ar["flag"].clone()),
        (json!(["16:9", "9:16"]), json!("16:9"), json!("--aspect-ratio"))
    );
    let n = d["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "n").unwrap();
    assert_eq!(n["range"], "1..4");

    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_mediagen"))
        .args(["run", "mindvideo/skyreels-v4-fast", "--prompt", "x"])
        .env_remove("MINDVIDEO_API_KEY")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("MINDVIDEO_API_KEY"), "{}", stderr(&out));

    let out = mediagen(&["run", "nope/model"]).await;
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test]
async fn input_json_with_flags_overriding_and_a_local_file() {
    let server = TestServer::start(|_, _| json(200, json!({"id": "gen_i", "status": "IN_QUEUE"}))).await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.json");
    std::fs::write(
        &input,
        r#"{"prompt": "from file", "aspect_ratio": "16:9", "image_urls": ["https://example.com/ref.jpg"]}"#,
    )
    .unwrap();
    let sketch = dir.path().join("sketch.png");
    std::fs::write(&sketch, b"\x89PNG fake").unwrap();
    let file_arg = format!("image_urls={}", sketch.display());
    let out = mediagen(&[
        "run",
        "skills-video/google/nano-banana-pro",
        "--input",
        input.to_str().unwrap(),
        "--aspect-ratio",
        "1:1",
        "--file",
        &file_arg,
        "--no-wait",
        "--json",
        "--base-url",
        &server.base_url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let post = &server.requests_to("POST", "/api/v1/generation/google/nano-banana-pro")[0];
    let ct = post.header("content-type").unwrap_or("");
    assert!(ct.starts_with("multipart/form-data"), "a file goes as multipart: {ct}");
    let parts = mediagen_tests::multipart_parts(post).await;
    let names: Vec<(&str, Option<&str>)> = parts.iter().map(|p| (p.name.as_str(), p.file_name.as_deref())).collect();
    assert!(names.contains(&("prompt", None)) && names.contains(&("aspect_ratio", None)), "{names:?}");
    assert!(names.contains(&("image_urls", Some("sketch.png"))), "{names:?}");
    let aspect = parts.iter().find(|p| p.name == "aspect_ratio").unwrap();
    assert_eq!(aspect.bytes.as_ref(), b"1:1", "the flag overrides --input");
}

#[tokio::test]
async fn status_looks_a_job_up_and_waits_for_it() {
    let server = TestServer::start(|req, n| match (req.path.as_str(), n) {
        ("/api/v1/generation/gen_s", 0) => json(200, json!({"id": "gen_s", "status": "IN_PROGRESS"})),
        ("/api/v1/generation/gen_s", _) => json(200, json!({"id": "gen_s", "status": "COMPLETED", "data": {"images": [{"url": "https://cdn.example.com/s.png"}]}})),
        _ => json(404, json!({"error": "NOT_FOUND", "message": "no such generation"})),
    })
    .await;
    let out =
        mediagen(&["status", "skills-video/google/veo-3.1", "gen_s", "--json", "--base-url", &server.base_url]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout_json(&out)["status"], "running");
    let out = mediagen(&[
        "status",
        "skills-video/google/veo-3.1",
        "gen_s",
        "--wait",
        "--poll-interval",
        "20ms",
        "--json",
        "--base-url",
        &server.base_url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = stdout_json(&out);
    assert_eq!(
        (report["status"].as_str(), report["outputs"][0]["url"].as_str()),
        (Some("succeeded"), Some("https://cdn.example.com/s.png"))
    );
    let out = mediagen(&["status", "skills-video/google/veo-3.1", "nope", "--base-url", &server.base_url]).await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(server.requests().iter().filter(|r| r.method == "POST").count(), 0, "status never submits");

    let out = mediagen(&["cancel", "skills-video/google/veo-3.1", "gen_s"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no documented way to cancel"), "{}", stderr(&out));
}

#[tokio::test]
async fn every_model_has_a_working_run_help_and_describe() {
    let out = mediagen(&["models", "--json"]).await;
    let models = stdout_json(&out);
    let ids: Vec<String> = models.as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids.len(), mediagen::registry::all().len());
    for id in &ids {
        let help = mediagen(&["run", id, "--help"]).await;
        assert_eq!(help.status.code(), Some(0), "{id}: {}", stderr(&help));
        let text = String::from_utf8_lossy(&help.stdout);
        let described = stdout_json(&mediagen(&["describe", id, "--json"]).await);
        for p in described["parameters"].as_array().unwrap() {
            let flag = p["flag"].as_str().unwrap();
            assert!(text.contains(flag), "{id}: {flag} missing from --help");
        }
    }
}

#[tokio::test]
async fn stream_follows_skills_video_sse_and_finishes_by_polling_when_it_breaks() {
    let server = TestServer::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/api/v1/generation/sse/google/veo-3.1") => mediagen_tests::sse(
            vec![json!({"id": "gen_e", "status": "IN_QUEUE"}), json!({"id": "gen_e", "status": "IN_PROGRESS"})],
            mediagen_tests::SseEnd::Abort,
        ),
        ("GET", "/api/v1/generation/gen_e") => json(
            200,
            json!({"id": "gen_e", "status": "COMPLETED", "data": {"video": {"url": "https://cdn.example.com/e.mp4"}}}),
        ),
        _ => json(404, json!({"error": "NOT_FOUND", "message": "no route"})),
    })
    .await;
    let mut args =
        vec!["run", "skills-video/google/veo-3.1", "--prompt", "x", "--stream", "--base-url", &server.base_url];
    args.extend(FAST);
    let out = mediagen(&args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = stdout_json(&out);
    assert_eq!(
        (report["status"].as_str(), report["outputs"][0]["url"].as_str()),
        (Some("succeeded"), Some("https://cdn.example.com/e.mp4"))
    );
    let posts: Vec<_> = server.requests().into_iter().filter(|r| r.method == "POST").collect();
    assert_eq!(posts.len(), 1, "one submit, over SSE");
    assert_eq!(posts[0].header("accept"), Some("text/event-stream"));
    assert!(!server.requests_to("GET", "/api/v1/generation/gen_e").is_empty(), "finished by polling");
}
