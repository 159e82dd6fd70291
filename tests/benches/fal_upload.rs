//! Benchmark: upload a 200 MB file to a local fal storage server through `Client<Fal>::upload`
//! (multipart, 10 MB parts) and report throughput and the process's peak RSS, which must stay
//! under 64 MiB (memory bounded by one part, not the file).
//!
//! `cargo bench -p mediagen-tests --bench fal_upload` (Linux: peak RSS from /proc/self/status).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{post, put};
use axum::{Json, Router};
use futures_util::StreamExt as _;
use serde_json::{json, Value};

const SIZE: u64 = 200 * 1024 * 1024;
const LIMIT_KIB: u64 = 64 * 1024;

/// Peak resident set size of this process, in KiB (`VmHWM`).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let received = Arc::new(AtomicU64::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let upload_url = format!("{origin}/multipart/bench.bin");
    let app =
        Router::new()
            .route(
                "/rest/storage/upload/initiate-multipart",
                post(move || {
                    let upload_url = upload_url.clone();
                    async move {
                        Json(json!({"upload_url": upload_url, "file_url": "https://v3.fal.media/files/bench.bin"}))
                    }
                }),
            )
            .route(
                "/multipart/bench.bin/{part}",
                put(|State(received): State<Arc<AtomicU64>>, Path(part): Path<String>, body: Body| async move {
                    // Drain the part without keeping it: the server must not be what uses memory.
                    let mut stream = body.into_data_stream();
                    while let Some(chunk) = stream.next().await {
                        received.fetch_add(chunk.map(|c| c.len() as u64).unwrap_or(0), Ordering::Relaxed);
                    }
                    let mut headers = HeaderMap::new();
                    headers.insert("etag", format!("\"{part}\"").parse().unwrap());
                    (headers, "")
                }),
            )
            .route("/multipart/bench.bin/complete", post(|Json(_): Json<Value>| async { Json(json!({})) }))
            .with_state(received.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.bin");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(SIZE).unwrap();
    drop(file);

    let client = mediagen::fal::Client::builder()
        .api_key("bench")
        .base_url(&origin)
        .rest_url(format!("{origin}/rest"))
        .build()
        .unwrap();
    let before = peak_rss_kib();
    let started = Instant::now();
    let url = client.upload(&mediagen::MediaInput::path(&path)).await.unwrap();
    let elapsed = started.elapsed();
    let peak = peak_rss_kib();
    assert_eq!(url, "https://v3.fal.media/files/bench.bin");
    assert_eq!(received.load(Ordering::Relaxed), SIZE, "every byte arrived");
    let mb_s = SIZE as f64 / 1e6 / elapsed.as_secs_f64();
    println!(
        "fal upload: {} MB in {:.2} s ({mb_s:.0} MB/s), peak RSS {:.1} MiB (before the upload {:.1} MiB), limit {} MiB",
        SIZE / 1_000_000,
        elapsed.as_secs_f64(),
        peak as f64 / 1024.0,
        before as f64 / 1024.0,
        LIMIT_KIB / 1024
    );
    if peak >= LIMIT_KIB {
        eprintln!("peak RSS above the limit");
        std::process::exit(1);
    }
}
