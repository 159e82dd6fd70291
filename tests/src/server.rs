//! The recording server and the clients that talk to it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::FromRequest as _;
use axum::http::HeaderMap;
use axum::response::Response;
use mediagen::{fal, mindvideo, skills_video, v2, RetryPolicy, WaitOptions};
use serde_json::Value;
use tokio::time::Instant;

use crate::respond::DropConnection;
use crate::KEY;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// When the request arrived, on tokio's clock: virtual time in a test with a paused clock.
    pub at: Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("request body is not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
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
    /// handler that returns [`drop_connection`](crate::drop_connection) makes the server close
    /// the connection without an answer.
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
        TestServer { base_url: format!("http://127.0.0.1:{port}/api"), log }
    }

    /// `http://127.0.0.1:{port}`: the base URL for platforms whose paths start at the root.
    pub fn origin(&self) -> String {
        self.base_url.trim_end_matches("/api").to_string()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }

    pub fn requests_to(&self, method: &str, path: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.method == method && r.path == path).collect()
    }

    /// A skills.video client for this server: fast retries and polls so tests stay quick.
    pub fn client(&self) -> skills_video::Client {
        self.builder().build().unwrap()
    }

    pub fn builder(&self) -> skills_video::ClientBuilder {
        skills_video::Client::builder()
            .api_key(KEY)
            .base_url(&self.base_url)
            .retry(fast_retry())
            .wait_options(fast_wait())
    }

    /// A client for a MindVideo server at this test server's origin, with fast retries and polls.
    pub fn mindvideo(&self) -> mindvideo::Client {
        self.mindvideo_builder().build().unwrap()
    }

    pub fn mindvideo_builder(&self) -> mindvideo::ClientBuilder {
        mindvideo::Client::builder().api_key(KEY).base_url(self.origin()).retry(fast_retry()).wait_options(fast_wait())
    }

    /// A fal client: the queue at this server's origin, storage below `/rest`.
    pub fn fal(&self) -> fal::Client {
        self.fal_builder().build().unwrap()
    }

    pub fn fal_builder(&self) -> fal::ClientBuilder {
        fal::Client::builder()
            .api_key(KEY)
            .base_url(self.origin())
            .rest_url(format!("{}/rest", self.origin()))
            .retry(fast_retry())
            .wait_options(fast_wait())
    }

    /// A client for a relay mounted below `/relay` on this server.
    pub fn relay(&self) -> v2::Client {
        self.relay_builder().build().unwrap()
    }

    pub fn relay_builder(&self) -> v2::ClientBuilder {
        v2::Client::builder()
            .api_key(KEY)
            .base_url(format!("{}/relay", self.origin()))
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
        parts.push(Part { name, file_name, content_type, bytes });
    }
    parts
}
