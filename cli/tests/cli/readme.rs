//! The README is tested: every shell command it shows either runs here, as written, against one
//! local server that speaks all four platforms, or is one of the few commands exercised elsewhere
//! (named below). A command added to the README without a home fails this test.

use mediagen_tests::{json, text, workspace_root, TestServer};
use serde_json::json;

use crate::{command, stderr};

/// Commands the README shows that are exercised outside this test, and where.
const ELSEWHERE: &[(&str, &str)] = &[
    ("cargo xtask codegen", "tests/tests/it/codegen.rs runs xtask::codegen on scratch workspaces"),
    ("cargo xtask ci", ".ci/run runs it on every CI run"),
    ("cargo xtask bench --smoke", "cargo xtask ci runs it"),
    ("cargo xtask bench", "the same measurements as --smoke (which cargo xtask ci runs), at full size"),
    ("cargo install --locked --path cli", "cargo xtask ci installs the binary the same way"),
];

/// The command lines of the README's ```sh blocks, comments removed.
fn shell_lines(readme: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        match (in_sh, line.trim()) {
            (false, "```sh") => in_sh = true,
            (true, "```") => in_sh = false,
            (true, l) if !l.is_empty() => lines.push(l.split(" #").next().unwrap_or(l).trim().to_string()),
            _ => {}
        }
    }
    lines
}

/// Words as a POSIX shell splits them, for the quoting the README uses (double and single quotes).
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quote, mut started) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            (_, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

/// One server for every platform: each submit finishes at once with one output file.
async fn every_platform() -> TestServer {
    TestServer::start(|req, _| {
        let host = req.header("host").unwrap_or("").to_string();
        let file = |name: &str| format!("http://{host}/files/{name}");
        match (req.method.as_str(), req.path.as_str()) {
            ("POST", "/api/v1/generation/google/veo-3.1") => json(
                200,
                json!({"id": "gen_1", "status": "COMPLETED",
                "data": {"videos": [{"url": file("cat.mp4"), "content_type": "video/mp4"}]}}),
            ),
            ("POST", "/api/v1/tasks") => json(
                200,
                json!({"request_id": "req_1", "task_id": "task_1", "status": "succeeded",
                "cost_estimate": 0.25, "cost_actual": 0.25, "output": {"videos": [{"url": file("forest.mp4")}]}}),
            ),
            ("GET", "/api/v1/tasks/task_1") => json(
                200,
                json!({"task_id": "task_1", "status": "succeeded",
                "cost_actual": 0.25, "output": {"videos": [{"url": file("forest.mp4")}]}}),
            ),
            ("POST", "/v2/videos/generations") => json(
                200,
                json!({"task_id": "t_1", "status": "SUCCESS",
                "data": {"output": file("surf.mp4")}}),
            ),
            ("POST", "/images/edits" | "/v1/images/edits") => json(200, json!({"data": [{"url": file("fox.png")}]})),
            ("POST", "/fal-ai/veo3") => {
                json(200, json!({"request_id": "req_1", "status": "IN_QUEUE", "queue_position": 0}))
            }
            ("GET", "/fal-ai/veo3/requests/req_1/status") => {
                json(200, json!({"request_id": "req_1", "status": "COMPLETED"}))
            }
            ("GET", "/fal-ai/veo3/requests/req_1") => json(200, json!({"video": {"url": file("surf.mp4")}})),
            ("GET", p) if p.starts_with("/files/") => text(200, "application/octet-stream", "BYTES"),
            _ => json(404, json!({"error": "NOT_FOUND", "message": format!("no route {} {}", req.method, req.path)})),
        }
    })
    .await
}

#[tokio::test]
async fn every_shell_command_of_the_readme_runs_as_written() {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let lines = shell_lines(&readme);
    assert!(lines.len() >= 9, "the README's shell commands: {lines:?}");
    let server = every_platform().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fox.png"), b"\x89PNG fox").unwrap();
    let mut ran = 0;
    for line in &lines {
        if let Some((_, why)) = ELSEWHERE.iter().find(|(cmd, _)| line == cmd) {
            eprintln!("{line}: {why}");
            continue;
        }
        let words = shell_words(line);
        let (env, rest): (Vec<&String>, Vec<&String>) = {
            let at = words.iter().position(|w| !w.contains('=') || w.starts_with('-')).unwrap_or(words.len());
            (words[..at].iter().collect(), words[at..].iter().collect())
        };
        assert_eq!(rest.first().map(|s| s.as_str()), Some("mediagen"), "a README command with no test: {line}");
        let args: Vec<&str> = rest[1..].iter().map(|s| s.as_str()).collect();
        let mut cmd = command(&args);
        cmd.current_dir(dir.path());
        for assignment in env {
            let (k, v) = assignment.split_once('=').unwrap();
            cmd.env(k, v);
        }
        // Every platform's base URL is the local server, whatever the line sets.
        cmd.env("SKILLS_VIDEO_BASE_URL", &server.base_url)
            .env("MINDVIDEO_BASE_URL", server.origin())
            .env("V2_BASE_URL", server.origin())
            .env("AIMLAPI_BASE_URL", server.origin())
            .env("FAL_QUEUE_URL", server.origin())
            .env("FAL_REST_URL", server.origin());
        let out = cmd.output().await.unwrap();
        assert_eq!(out.status.code(), Some(0), "{line}\n{}", stderr(&out));
        ran += 1;
    }
    assert!(ran >= 7, "ran {ran} commands");
    // The runs reached the server: one submit per platform, and the download was saved.
    for (method, path) in [
        ("POST", "/api/v1/generation/google/veo-3.1"),
        ("POST", "/api/v1/tasks"),
        ("POST", "/v2/videos/generations"),
        ("POST", "/images/edits"),
        ("POST", "/fal-ai/veo3"),
    ] {
        assert_eq!(server.requests_to(method, path).len(), 1, "{method} {path}");
    }
    let mindvideo = &server.requests_to("POST", "/api/v1/tasks")[0];
    assert_eq!(mindvideo.header("idempotency-key"), Some("order-42"));
    let edit = server.requests_to("POST", "/images/edits")[0].json();
    assert!(edit["image"].as_str().is_some_and(|s| s.starts_with("data:image/png;base64,")), "{edit}");
    assert_eq!(std::fs::read(dir.path().join("out/cat.mp4")).unwrap(), b"BYTES");
}
