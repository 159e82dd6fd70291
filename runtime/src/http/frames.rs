//! Event-stream frames: server-sent events, JSON lines and JSON arrays, as one stream of
//! `(event, data)` messages.

use bytes::Bytes;
use eventsource_stream::Eventsource as _;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt as _};
use reqwest::header;
use serde_json::Value;

/// One message of an event stream: the SSE event name (empty when none) and its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Frame {
    pub(crate) event: String,
    pub(crate) data: String,
}

/// The messages of a streamed answer, by its content type: server-sent events
/// (`text/event-stream`); one JSON array or object (`application/json`); otherwise one JSON
/// document per line (`application/x-ndjson`, `application/jsonl`, or no type), where SSE-style
/// `data:` prefixes are stripped and other SSE field lines skipped. An error item is the reason
/// the body broke off; the stream ends after it.
pub(crate) fn frames(resp: reqwest::Response) -> BoxStream<'static, std::result::Result<Frame, String>> {
    let content_type =
        resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let media_type = content_type.split(';').next().unwrap_or("").trim().to_string();
    match media_type.as_str() {
        "text/event-stream" => resp
            .bytes_stream()
            .eventsource()
            .map(|r| r.map(|e| Frame { event: e.event, data: e.data }).map_err(|e| e.to_string()))
            .boxed(),
        "application/json" => futures_util::stream::once(async move { resp.text().await })
            .flat_map(|text| {
                let items: Vec<std::result::Result<Frame, String>> = match text {
                    Ok(text) => json_document_frames(&text),
                    Err(e) => vec![Err(e.to_string())],
                };
                futures_util::stream::iter(items)
            })
            .boxed(),
        _ => json_lines(resp.bytes_stream()).boxed(),
    }
}

/// The elements of a JSON array (or the one object) as frames; a body that is not one JSON
/// document is read as JSON lines.
fn json_document_frames(text: &str) -> Vec<std::result::Result<Frame, String>> {
    let data = |data: String| Ok(Frame { event: String::new(), data });
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => items.into_iter().map(|v| data(v.to_string())).collect(),
        Ok(v) => vec![data(v.to_string())],
        Err(_) => text.lines().filter_map(line_frame).map(Ok).collect(),
    }
}

/// One line of a JSON-lines body as a frame; `None` for blank lines and SSE field lines other
/// than `data:`.
fn line_frame(line: &str) -> Option<Frame> {
    let line = line.trim();
    let data = match line.strip_prefix("data:") {
        Some(rest) => rest.trim_start(),
        None if line.is_empty() || line.starts_with(':') => return None,
        None if ["event:", "id:", "retry:"].iter().any(|p| line.starts_with(p)) => return None,
        None => line,
    };
    Some(Frame { event: String::new(), data: data.to_string() })
}

/// Split a byte stream into lines as they arrive.
fn json_lines(
    body: impl Stream<Item = reqwest::Result<Bytes>> + Send + 'static,
) -> impl Stream<Item = std::result::Result<Frame, String>> + Send + 'static {
    struct Lines {
        body: BoxStream<'static, reqwest::Result<Bytes>>,
        buf: Vec<u8>,
        ended: bool,
    }
    let state = Lines { body: body.boxed(), buf: Vec::new(), ended: false };
    futures_util::stream::unfold(state, |mut st| async move {
        loop {
            let line = match st.buf.iter().position(|&b| b == b'\n') {
                Some(pos) => Some(st.buf.drain(..=pos).collect::<Vec<u8>>()),
                None if st.ended && !st.buf.is_empty() => Some(std::mem::take(&mut st.buf)),
                None if st.ended => return None,
                None => None,
            };
            if let Some(line) = line {
                if let Some(frame) = line_frame(&String::from_utf8_lossy(&line)) {
                    return Some((Ok(frame), st));
                }
                continue;
            }
            match st.body.next().await {
                Some(Ok(chunk)) => st.buf.extend_from_slice(&chunk),
                Some(Err(e)) => {
                    st.ended = true;
                    st.buf.clear();
                    return Some((Err(e.to_string()), st));
                }
                None => st.ended = true,
            }
        }
    })
}
