//! Input JSON and flags can do no more than typed code: they never read a local file, never
//! drop a misspelt parameter, and take whole numbers written as floats. Nothing refused is sent.

use mediagen_tests::{json, TestServer};
use serde_json::json;

use crate::{mediagen, stderr, stdout_json};

/// A server that would accept anything; every test here counts what reached it.
async fn server() -> TestServer {
    TestServer::start(|_, _| json(200, json!({"id": "gen_1", "status": "IN_QUEUE"}))).await
}

async fn run_with_input(server: &TestServer, input: serde_json::Value) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("input.json");
    std::fs::write(&file, input.to_string()).unwrap();
    let file = file.to_str().unwrap().to_string();
    mediagen(&[
        "run",
        "skills-video/google/veo-3.1",
        "--input",
        &file,
        "--no-wait",
        "--json",
        "--base-url",
        &server.base_url,
    ])
    .await
}

#[tokio::test]
async fn a_file_marker_in_input_json_is_refused_and_nothing_is_read_or_sent() {
    let server = server().await;
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "API_KEY=do-not-upload").unwrap();
    let input = json!({"prompt": "p", "first_frame_url": {"$mediagen_file": {"path": secret.path()}}});
    let out = run_with_input(&server, input).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("first_frame_url: a local file cannot be given in JSON input"), "{}", stderr(&out));
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_misspelt_parameter_is_refused_with_the_closest_name() {
    let server = server().await;
    let out = run_with_input(&server, json!({"prompt": "p", "durration": 6})).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("durration: unknown parameter; did you mean duration?"), "{}", stderr(&out));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_whole_float_is_an_integer() {
    let server = server().await;
    let out = run_with_input(&server, json!({"prompt": "p", "duration": 8.0})).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout_json(&out)["id"], "gen_1");
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].json()["duration"], json!(8));
    assert!(sent[0].json()["duration"].is_i64(), "{}", sent[0].json());
}

#[tokio::test]
async fn a_missing_required_parameter_is_named() {
    let server = server().await;
    let out = run_with_input(&server, json!({"duration": 8})).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("prompt: is required"), "{}", stderr(&out));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_url_parameter_gets_a_url_or_an_existing_file() {
    let server = server().await;
    let out = mediagen(&[
        "run",
        "skills-video/google/veo-3.1",
        "--prompt",
        "p",
        "--first-frame-url",
        "not-a-url",
        "--no-wait",
        "--base-url",
        &server.base_url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("first_frame_url: \"not-a-url\" is not an http(s) URL"), "{}", stderr(&out));
    assert!(server.requests().is_empty(), "nothing sent");

    // A path on disk given to a media flag is that file, uploaded as `--file` would.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fox.png"), b"\x89PNG fox").unwrap();
    let out = crate::command(&[
        "run",
        "skills-video/google/veo-3.1",
        "--prompt",
        "p",
        "--first-frame-url",
        "fox.png",
        "--no-wait",
        "--json",
        "--base-url",
        &server.base_url,
    ])
    .current_dir(dir.path())
    .output()
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("--first-frame-url fox.png: uploading the local file"), "{}", stderr(&out));
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    let parts = mediagen_tests::multipart_parts(&sent[0]).await;
    let frame = parts.iter().find(|p| p.name == "first_frame_url").expect("a first_frame_url part");
    assert_eq!(frame.file_name.as_deref(), Some("fox.png"));
    assert_eq!(&frame.bytes[..], b"\x89PNG fox");
}

#[tokio::test]
async fn file_is_for_media_parameters_only() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fox.png"), b"\x89PNG fox").unwrap();
    let out = crate::command(&[
        "run",
        "skills-video/google/veo-3.1",
        "--prompt",
        "p",
        "--file",
        "prompt=fox.png",
        "--no-wait",
        "--base-url",
        &server.base_url,
    ])
    .current_dir(dir.path())
    .output()
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--file prompt: prompt takes no file (its media parameters: first_frame_url"),
        "{}",
        stderr(&out)
    );
    assert!(server.requests().is_empty());
}
