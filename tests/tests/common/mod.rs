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

    /// Serve on `listener`: HTTP/1.1, every request recorded, then answered by `handler`. A
    /// handler that returns [`drop_connection`] makes the server close the connection without
    /// an answer.
    pub fn start_on(
        listener: tokio::net::TcpListener,
        handler: impl Fn(&Recorded, usize) -> Response + Send + Sync + 'static,
    ) -> Self {
        let port = listener.local_addr().unwrap().port();
        let log: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let service_log = log.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let log = service_log.clone();
                let handler = handler.clone();
                let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let log = log.clone();
                    let handler = handler.clone();
                    async move {
                        let (parts, body) = req.into_parts();
                        let body = axum::body::to_bytes(Body::new(body), usize::MAX).await.unwrap_or_default();
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
                        let resp = handler(&rec, n);
                        // A service error makes hyper close the connection without answering.
                        match resp.extensions().get::<DropConnection>() {
                            Some(_) => Err(std::io::Error::other("connection dropped by the test server")),
                            None => Ok(resp),
                        }
                    }
                });
                tokio::spawn(async move {
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                });
            }
        });
        TestServer {
            base_url: format!("http://127.0.0.1:{port}/api"),
            log,
        }
    }

    /// `http://127.0.0.1:{port}`: the base URL for platforms whose paths start at the root.
    pub fn origin(&self) -> String {
        self.base_url.trim_end_matches("/api").to_string()
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

/// Marks a response the server does not send: it closes the connection instead.
#[derive(Clone, Copy)]
struct DropConnection;

/// Close the connection without an answer (after the request was read in full).
pub fn drop_connection() -> Response {
    let mut resp = Response::new(Body::empty());
    resp.extensions_mut().insert(DropConnection);
    resp
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

// ---------------------------------------------------------------------------------------------
// MindVideo and v2 relay helpers.

impl TestServer {
    /// A client for a MindVideo server at this test server's origin, with fast retries and polls.
    pub fn mindvideo(&self) -> mediagen::mindvideo::Client {
        self.mindvideo_builder().build().unwrap()
    }

    pub fn mindvideo_builder(&self) -> mediagen::mindvideo::ClientBuilder {
        mediagen::mindvideo::Client::builder()
            .api_key(KEY)
            .base_url(self.origin())
            .retry(fast_retry())
            .wait_options(fast_wait())
    }

    /// A client for a relay mounted below `/relay` on this server.
    pub fn relay(&self) -> mediagen::v2::Client {
        self.relay_builder().build().unwrap()
    }

    pub fn relay_builder(&self) -> mediagen::v2::ClientBuilder {
        mediagen::v2::Client::builder()
            .api_key(KEY)
            .base_url(format!("{}/relay", self.origin()))
            .retry(fast_retry())
            .wait_options(fast_wait())
    }
}

/// The idempotency ledger of a MindVideo server, as its docs describe it: a new key creates (and
/// charges) a task; the same key with the same payload finds the original task without a new
/// charge; the same key with another payload is a conflict.
#[derive(Debug, Default)]
pub struct Ledger {
    keys: Vec<(String, Value, String)>,
    /// Task ids in the order they were created.
    pub tasks: Vec<String>,
    /// One entry per charge, naming the task.
    pub charges: Vec<String>,
}

/// What the ledger made of a submit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    Created(String),
    Found(String),
    Conflict,
}

impl Ledger {
    pub fn submit(&mut self, key: Option<&str>, body: &Value) -> Submitted {
        if let Some(key) = key {
            if let Some((_, seen, id)) = self.keys.iter().find(|(k, _, _)| k == key) {
                return if seen == body { Submitted::Found(id.clone()) } else { Submitted::Conflict };
            }
        }
        let id = format!("task_{}", self.tasks.len() + 1);
        self.tasks.push(id.clone());
        self.charges.push(id.clone());
        if let Some(key) = key {
            self.keys.push((key.to_string(), body.clone(), id.clone()));
        }
        Submitted::Created(id)
    }
}

/// A MindVideo task answer.
pub fn mv_task(id: &str, status: &str) -> Value {
    serde_json::json!({
        "request_id": format!("req_{id}"),
        "task_id": id,
        "status": status,
        "cost_estimate": 0.2475,
    })
}

/// A MindVideo task that succeeded with one video at `video_url`.
pub fn mv_done(id: &str, video_url: &str) -> Value {
    let mut done = mv_task(id, "succeeded");
    done["cost_actual"] = serde_json::json!(0.2475);
    done["output"] = serde_json::json!({"videos": [{"url": video_url}]});
    done
}

/// The 409 MindVideo answers for a reused key with another payload.
pub fn mv_conflict() -> Response {
    json(
        409,
        serde_json::json!({"error": {"code": "idempotency_key_conflict",
            "message": "Idempotency-Key was already used with a different request body"}, "request_id": "req_conflict"}),
    )
}

/// A v2 relay task answer.
pub fn v2_task(id: &str, status: &str, progress: Value) -> Value {
    serde_json::json!({
        "task_id": id, "action": "google-videos", "status": status, "fail_reason": "",
        "submit_time": 1756693797, "start_time": 1756693808, "finish_time": 0,
        "progress": progress, "data": null,
    })
}

/// A response whose headers come at once and whose JSON body only after `delay`.
pub fn slow_json(status: u16, body: Value, delay: Duration) -> Response {
    let stream = futures_util::stream::once(async move {
        tokio::time::sleep(delay).await;
        Ok::<_, std::io::Error>(Bytes::from(body.to_string()))
    });
    let mut resp = Response::new(Body::from_stream(stream));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap();
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    resp
}

/// A body of `len` bytes that is not all one value, for download checks.
pub fn payload(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u32 * 31 + seed as u32) as u8).collect()
}

/// A response with these bytes and content type.
pub fn bytes(content_type: &'static str, body: Vec<u8>) -> Response {
    let mut resp = Response::new(Body::from(body));
    resp.headers_mut().insert("content-type", HeaderValue::from_static(content_type));
    resp
}
