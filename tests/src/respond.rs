//! What the test servers answer: JSON, text, bytes, event streams, slow bodies, no answer.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::StreamExt as _;
use serde_json::Value;

/// Marks a response the server does not send: it closes the connection instead.
#[derive(Clone, Copy)]
pub(crate) struct DropConnection;

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
    resp.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    for (k, v) in headers {
        resp.headers_mut().insert(HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    resp.headers_mut().insert("content-type", HeaderValue::from_static("text/event-stream"));
    resp
}

/// A response whose headers come at once and whose JSON body only after `delay`.
pub fn slow_json(status: u16, body: Value, delay: Duration) -> Response {
    let stream = futures_util::stream::once(async move {
        tokio::time::sleep(delay).await;
        Ok::<_, std::io::Error>(Bytes::from(body.to_string()))
    });
    let mut resp = Response::new(Body::from_stream(stream));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap();
    resp.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
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
