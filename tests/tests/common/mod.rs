//! Shared helpers for the skills.video tests: a local axum server that records every request
//! and answers through a closure, response builders (JSON, SSE), a multipart reader, and the
//! hand-written test models.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::FromRequest as _;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::StreamExt as _;
use mediagen::skills_video::{Client, WaitOptions};
use mediagen::{Kind, MediaInput, Model, ModelInfo, Platform, RetryPolicy};
use serde::Serialize;
use serde_json::Value;

/// The API key the test clients use; no output may ever contain it.
pub const KEY: &str = "sk-test-S3CRET-do-not-print";

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub at: Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!("request body is not JSON ({e}): {}", String::from_utf8_lossy(&self.body))
        })
    }

    pub fn authorized(&self) -> bool {
        self.header("authorization") == Some(&format!("Bearer {KEY}"))
    }
}

/// A handler: the request and how many requests with the same method and path came before it.
type Handler = dyn Fn(&Recorded, usize) -> Response + Send + Sync;

/// A local HTTP server on 127.0.0.1 that records what it receives.
pub struct TestServer {
    /// `http://127.0.0.1:{port}/api`
    pub base_url: String,
    log: Arc<Mutex<Vec<Recorded>>>,
}

impl TestServer {
    pub async fn start(handler: impl Fn(&Recorded, usize) -> Response + Send + Sync + 'static) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::start_on(listener, handler)
    }

    pub fn start_on(
        listener: tokio::net::TcpListener,
        handler: impl Fn(&Recorded, usize) -> Response + Send + Sync + 'static,
    ) -> Self {
        let port = listener.local_addr().unwrap().port();
        let log: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let app = {
            let log = log.clone();
            axum::Router::new().fallback(move |req: axum::extract::Request| {
                let log = log.clone();
                let handler = handler.clone();
                async move {
                    let (parts, body) = req.into_parts();
                    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
                    let rec = Recorded {
                        method: parts.method.to_string(),
                        path: parts.uri.path().to_string(),
                        query: parts.uri.query().map(str::to_string),
                        headers: parts.headers,
                        body,
                        at: Instant::now(),
                    };
                    let n = {
                        let mut log = log.lock().unwrap();
                        let n = log.iter().filter(|r| r.method == rec.method && r.path == rec.path).count();
                        log.push(rec.clone());
                        n
                    };
                    handler(&rec, n)
                }
            })
        };
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        TestServer {
            base_url: format!("http://127.0.0.1:{port}/api"),
            log,
        }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }

    pub fn requests_to(&self, method: &str, path: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method && r.path == path)
            .collect()
    }

    /// A client for this server: fast retries and polls so tests stay quick.
    pub fn client(&self) -> Client {
        self.builder().build().unwrap()
    }

    pub fn builder(&self) -> mediagen::skills_video::ClientBuilder {
        Client::builder()
            .api_key(KEY)
            .base_url(&self.base_url)
            .retry(fast_retry())
            .wait_options(fast_wait())
    }
}

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(40))
        .max_elapsed(Duration::from_secs(10))
}

pub fn fast_wait() -> WaitOptions {
    WaitOptions::default()
        .interval(Duration::from_millis(10))
        .max_interval(Duration::from_millis(20))
        .deadline(Duration::from_secs(10))
}

pub fn json(status: u16, body: Value) -> Response {
    json_with(status, &[], body)
}

pub fn json_with(status: u16, headers: &[(&str, &str)], body: Value) -> Response {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap();
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    for (k, v) in headers {
        resp.headers_mut()
            .insert(HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
    }
    resp
}

pub fn text(status: u16, content_type: &'static str, body: &str) -> Response {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap();
    resp.headers_mut().insert("content-type", HeaderValue::from_static(content_type));
    resp
}

/// How an SSE response ends after its events.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SseEnd {
    /// The body ends normally.
    Close,
    /// The connection is cut mid-response (the body fails).
    Abort,
}

/// An SSE response: each value as a `data:` event, 5 ms apart, then `end`.
pub fn sse(events: Vec<Value>, end: SseEnd) -> Response {
    let chunks: Vec<Result<Bytes, std::io::Error>> = events
        .into_iter()
        .map(|e| Ok(Bytes::from(format!(": keep-alive\n\ndata: {e}\n\n"))))
        .chain((end == SseEnd::Abort).then(|| Err(std::io::Error::other("connection cut"))))
        .collect();
    let stream = futures_util::stream::iter(chunks).then(|chunk| async move {
        tokio::time::sleep(Duration::from_millis(5)).await;
        chunk
    });
    let mut resp = Response::new(Body::from_stream(stream));
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("text/event-stream"));
    resp
}

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Bytes,
}

/// Read a recorded multipart body part by part.
pub async fn multipart_parts(rec: &Recorded) -> Vec<Part> {
    let mut req = axum::extract::Request::new(Body::from(rec.body.clone()));
    *req.headers_mut() = rec.headers.clone();
    let mut form = axum::extract::Multipart::from_request(req, &()).await.expect("a multipart request");
    let mut parts = Vec::new();
    while let Some(field) = form.next_field().await.expect("a well-formed multipart body") {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let bytes = field.bytes().await.unwrap();
        parts.push(Part {
            name,
            file_name,
            content_type,
            bytes,
        });
    }
    parts
}

/// A generation as the platform sends it.
pub fn generation(id: &str, status: &str) -> Value {
    serde_json::json!({
        "id": id,
        "status": status,
        "input": {"prompt": "a cat walking through neon rain", "duration": 8, "n": 1},
        "usage": {"total": 20, "subscription": 15, "permanent": 5},
        "data": null,
    })
}

/// A test model: a video model at `google/veo-3.1`.
#[derive(Debug, Clone, Serialize)]
pub struct TestInput {
    pub prompt: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub image_urls: Vec<MediaInput>,
}

impl TestInput {
    pub fn new(prompt: &str) -> Self {
        TestInput {
            prompt: prompt.into(),
            image_urls: Vec::new(),
        }
    }
}

pub static VIDEO_INFO: ModelInfo = ModelInfo {
    id: "skills-video/google/veo-3.1",
    platform: Platform::SkillsVideo,
    kind: Kind::Video,
    path: "google/veo-3.1",
    model_name: "veo-3.1",
    endpoint: "/v1/generation/test",
    title: "Veo 3.1 (test)",
    summary: "hand-written test model",
    schema: "{}",
    schema_file: "tests/tests/common/mod.rs",
    parse: |v| Ok(v),
};

impl Model for TestInput {
    const INFO: &'static ModelInfo = &VIDEO_INFO;
    fn validate(&self) -> Result<(), mediagen::Error> {
        // Just enough of a check to show that a failing one sends nothing.
        if self.prompt.is_empty() {
            return Err(mediagen::Error::Validation {
                path: "prompt".into(),
                rule: "minLength",
                message: "must not be empty".into(),
            });
        }
        Ok(())
    }
}

/// A test model: an image model at `google/nano-banana-pro`.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct ImageInput(pub TestInput);

pub static IMAGE_INFO: ModelInfo = ModelInfo {
    id: "skills-video/google/nano-banana-pro",
    platform: Platform::SkillsVideo,
    kind: Kind::Image,
    path: "google/nano-banana-pro",
    model_name: "nano-banana-pro",
    endpoint: "/v1/generation/test",
    title: "Nano Banana Pro (test)",
    summary: "hand-written test model",
    schema: "{}",
    schema_file: "tests/tests/common/mod.rs",
    parse: |v| Ok(v),
};

impl Model for ImageInput {
    const INFO: &'static ModelInfo = &IMAGE_INFO;
    fn validate(&self) -> Result<(), mediagen::Error> {
        self.0.validate()
    }
}
