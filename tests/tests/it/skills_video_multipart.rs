//! Local files go as multipart/form-data, checked part by part on the server side.

use mediagen::{Error, MediaInput};
use mediagen_tests::{generation, json, multipart_parts, ImageInput, TestInput, TestServer};
use serde_json::json;

const SUBMIT: &str = "/api/v1/generation/google/nano-banana-pro";

/// Bytes that are not text and not a repeating pattern, so any corruption shows.
fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

#[tokio::test]
async fn multipart_mixes_url_and_file_items_with_file_bytes_intact() {
    let server = TestServer::start(|_, _| json(202, generation("gen_mp", "IN_QUEUE"))).await;
    let dir = tempfile::tempdir().unwrap();
    let sketch = noise(300_000, 7); // larger than one read buffer, so it streams in chunks
    let sketch_path = dir.path().join("sketch.png");
    std::fs::write(&sketch_path, &sketch).unwrap();
    let in_memory = noise(4096, 11);

    let input = ImageInput(TestInput {
        prompt: "Turn this sketch into a clean product mockup".into(),
        image_urls: vec![
            MediaInput::path(&sketch_path),
            MediaInput::url("https://images.example.com/reference.jpg"),
            MediaInput::bytes(in_memory.clone(), "mask.webp", "image/webp"),
        ],
    });
    let job = server.client().call(input).submit().await.unwrap();
    assert_eq!(job.id(), "gen_mp");

    let seen = server.requests_to("POST", SUBMIT);
    assert_eq!(seen.len(), 1);
    let req = &seen[0];
    assert!(req.authorized());
    assert!(
        req.header("content-type").unwrap().starts_with("multipart/form-data; boundary="),
        "{:?}",
        req.header("content-type")
    );
    let parts = multipart_parts(req).await;
    assert_eq!(parts.len(), 4, "{:?}", parts.iter().map(|p| (&p.name, &p.file_name)).collect::<Vec<_>>());

    assert_eq!(parts[0].name, "prompt");
    assert_eq!(parts[0].file_name, None);
    assert_eq!(&parts[0].bytes[..], b"Turn this sketch into a clean product mockup");

    // image_urls repeated, in the input's order: file, URL, file.
    assert_eq!(parts[1].name, "image_urls");
    assert_eq!(parts[1].file_name.as_deref(), Some("sketch.png"));
    assert_eq!(parts[1].content_type.as_deref(), Some("image/png"));
    assert_eq!(parts[1].bytes.len(), sketch.len());
    assert!(parts[1].bytes == sketch, "file bytes changed on the way");

    assert_eq!(parts[2].name, "image_urls");
    assert_eq!(parts[2].file_name, None);
    assert_eq!(&parts[2].bytes[..], b"https://images.example.com/reference.jpg");

    assert_eq!(parts[3].name, "image_urls");
    assert_eq!(parts[3].file_name.as_deref(), Some("mask.webp"));
    assert_eq!(parts[3].content_type.as_deref(), Some("image/webp"));
    assert!(parts[3].bytes == in_memory);
}

#[tokio::test]
async fn urls_only_go_as_json() {
    let server = TestServer::start(|_, _| json(202, generation("gen_j", "IN_QUEUE"))).await;
    let input = ImageInput(TestInput {
        prompt: "p".into(),
        image_urls: vec![MediaInput::url("https://a.example/1.png"), "https://a.example/2.png".into()],
    });
    server.client().call(input).submit().await.unwrap();
    let seen = server.requests_to("POST", SUBMIT);
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    assert_eq!(
        seen[0].json(),
        json!({"prompt": "p", "image_urls": ["https://a.example/1.png", "https://a.example/2.png"]})
    );
}

#[tokio::test]
async fn a_missing_file_is_an_io_error_and_nothing_is_sent() {
    let server = TestServer::start(|_, _| json(202, generation("never", "IN_QUEUE"))).await;
    let input =
        ImageInput(TestInput { prompt: "p".into(), image_urls: vec![MediaInput::path("/definitely/not/here.png")] });
    let err = server.client().call(input).submit().await.unwrap_err();
    assert!(matches!(&err, Error::Io { context, .. } if context.contains("/definitely/not/here.png")), "{err:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_retried_multipart_submit_sends_the_file_again_in_full() {
    // 429 then success: the file part must be rebuilt (reopened) for the second attempt.
    let server = TestServer::start(|_, n| match n {
        0 => {
            json(429, json!({"error": "RATE_LIMITED", "code": "IMAGE_GENERATION_RATE_LIMITED", "message": "slow down"}))
        }
        _ => json(202, generation("gen_r", "IN_QUEUE")),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = noise(70_000, 3);
    let path = dir.path().join("frame.jpg");
    std::fs::write(&path, &bytes).unwrap();
    let input = ImageInput(TestInput { prompt: "p".into(), image_urls: vec![MediaInput::path(&path)] });
    let job = server.client().call(input).submit().await.unwrap();
    assert_eq!(job.id(), "gen_r");
    let seen = server.requests_to("POST", SUBMIT);
    assert_eq!(seen.len(), 2);
    for req in &seen {
        let parts = multipart_parts(req).await;
        assert_eq!(parts[1].file_name.as_deref(), Some("frame.jpg"));
        assert_eq!(parts[1].content_type.as_deref(), Some("image/jpeg"));
        assert!(parts[1].bytes == bytes);
    }
}
