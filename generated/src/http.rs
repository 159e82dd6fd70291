//! The HTTP transport shared by the platform clients: base URL, bearer auth, timeouts, the retry
//! policy, and the mapping of error answers to [`Error::Api`].
//!
//! A platform client builds a [`Request`] (method, path below the base URL, body, and whether
//! sending it twice could charge twice) and hands it to [`Transport::send`]. The transport owns the
//! retry loop, so every platform gets the same rules:
//!
//! - [`Replay::Safe`] requests (reads, and writes protected by an idempotency key) are retried on
//!   429, 500, 502, 503, 504, on connection errors and timeouts, and when the connection drops
//!   before the whole answer was read.
//! - [`Replay::Unsafe`] requests (a submit that creates and charges a job) are retried only where no
//!   job can have been created: on 429 and 503, and when the connection could not be opened.
//! - Nothing else is retried (in particular 400, 401, 402, 404, 422, and 502/504 on a submit).
//!
//! Retries back off exponentially with jitter, honour `Retry-After` (seconds or an HTTP date), and
//! stop at [`RetryPolicy::max_attempts`] or when the next wait would pass
//! [`RetryPolicy::max_elapsed`], returning the last error.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use eventsource_stream::Eventsource as _;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt as _};
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tokio::io::{AsyncWrite, AsyncWriteExt as _};

use crate::{Error, ErrorKind, Family, Result};

/// How failed requests are retried: attempts, exponential backoff with jitter, and a total time
/// budget. `Retry-After` from the server replaces the computed backoff.
///
/// ```
/// use std::time::Duration;
/// let policy = mediagen::RetryPolicy::default()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(250))
///     .max_elapsed(Duration::from_secs(30));
/// assert_eq!(policy.get_max_attempts(), 5);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    multiplier: f64,
    jitter: f64,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, backoff from 500 ms doubling up to 20 s with 50 % jitter, 60 s in total.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(20),
            multiplier: 2.0,
            jitter: 0.5,
            max_elapsed: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry: every request is sent once.
    pub fn disabled() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Attempts in total, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest computed wait between two attempts (`Retry-After` is not capped by this).
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Growth of the wait from one retry to the next (at least 1.0).
    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = if multiplier.is_finite() { multiplier.max(1.0) } else { 1.0 };
        self
    }

    /// Share of each wait that is randomised, from 0.0 (none) to 1.0 ("full jitter"): a wait
    /// `d` becomes a random value in `[d * (1 - jitter), d]`.
    pub fn jitter(mut self, jitter: f64) -> Self {
        self.jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
        self
    }

    /// Total time one operation may spend retrying. A retry whose wait would end after this is not
    /// made; the last error is returned instead.
    pub fn max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = budget;
        self
    }

    /// Attempts in total.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Total retry budget.
    pub fn get_max_elapsed(&self) -> Duration {
        self.max_elapsed
    }

    /// The jittered wait after failed attempt number `attempt` (1-based).
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.multiplier.powi(attempt.saturating_sub(1).min(64) as i32);
        let base = self.initial_backoff.as_secs_f64() * exp;
        let capped = base.min(self.max_backoff.as_secs_f64()).max(0.0);
        let jittered = capped * (1.0 - self.jitter * fastrand::f64());
        Duration::from_secs_f64(jittered)
    }
}

/// Whether sending a request a second time could do something twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Reads, and writes the server deduplicates (an idempotency key).
    Safe,
    /// A submit that creates (and charges) a job.
    Unsafe,
}

impl Replay {
    fn retries_status(self, status: u16) -> bool {
        match self {
            Replay::Safe => matches!(status, 429 | 500 | 502 | 503 | 504),
            Replay::Unsafe => matches!(status, 429 | 503),
        }
    }

    fn retries_transport(self, err: &reqwest::Error) -> bool {
        match self {
            // `is_request`: the connection closed before an answer; `is_body`: while reading it.
            Replay::Safe => err.is_connect() || err.is_timeout() || err.is_request() || err.is_body(),
            // A connect error means no byte of the request reached the server.
            Replay::Unsafe => err.is_connect(),
        }
    }
}

/// A request body.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Empty,
    /// Sent as `application/json`.
    Json(Value),
    /// A JSON object whose fields become form fields, with file markers as streamed file parts
    /// (see [`crate::media::to_multipart`]). Built anew for every attempt, so files are reopened.
    Multipart(Value),
}

/// Where a request goes.
#[derive(Debug, Clone)]
enum Target {
    /// A path below the base URL; sent with the API key.
    Api(String),
    /// Any URL (an output file on a CDN); sent without the API key.
    External(String),
}

/// One request as a platform client describes it.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    method: Method,
    target: Target,
    body: Body,
    headers: HeaderMap,
    replay: Replay,
    family: Option<Family>,
    streaming: bool,
}

impl Request {
    fn new(method: Method, target: Target, replay: Replay) -> Self {
        Request {
            method,
            target,
            body: Body::Empty,
            headers: HeaderMap::new(),
            replay,
            family: None,
            streaming: false,
        }
    }

    /// `GET {base}{path}`, safe to repeat.
    pub(crate) fn get(path: impl Into<String>) -> Self {
        Request::new(Method::GET, Target::Api(path.into()), Replay::Safe)
    }

    /// `POST {base}{path}` with a body; unsafe to repeat unless [`Request::replay`] says otherwise.
    pub(crate) fn post(path: impl Into<String>, body: Body) -> Self {
        let mut req = Request::new(Method::POST, Target::Api(path.into()), Replay::Unsafe);
        req.body = body;
        req
    }

    /// `GET url` without the API key (downloads).
    pub(crate) fn get_external(url: impl Into<String>) -> Self {
        Request::new(Method::GET, Target::External(url.into()), Replay::Safe)
    }

    /// Override whether the request may be repeated.
    pub(crate) fn replay(mut self, replay: Replay) -> Self {
        self.replay = replay;
        self
    }

    /// The generation family for error codes that do not name one.
    pub(crate) fn family(mut self, family: Option<Family>) -> Self {
        self.family = family;
        self
    }

    /// Add a header.
    pub(crate) fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// The response is read for a long time (SSE, downloads): the request timeout covers only
    /// the wait for the response headers; the caller watches the body itself.
    pub(crate) fn streaming(mut self) -> Self {
        self.streaming = true;
        self
    }
}

/// Connection settings a platform client builder collects; turned into a [`Transport`] by
/// [`Settings::build`].
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) api_key: Option<String>,
    pub(crate) base_url: Option<String>,
    pub(crate) retry: RetryPolicy,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) http: Option<reqwest::Client>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            api_key: None,
            base_url: None,
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(120),
            http: None,
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("retry", &self.retry)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The environment variables and default a platform reads its settings from.
pub struct Env {
    pub(crate) api_key: &'static str,
    pub(crate) base_url: &'static str,
    /// `None` for platforms without a fixed host (a relay): the base URL must then be given.
    pub(crate) default_base_url: Option<&'static str>,
}

impl Settings {
    /// Explicit settings first, then the environment, then the platform default.
    pub(crate) fn build(self, env: &Env) -> Result<Transport> {
        let key = match self.api_key {
            Some(k) => k,
            None => std::env::var(env.api_key).map_err(|_| {
                Error::Config(format!("no API key: set {} or give one to the builder", env.api_key))
            })?,
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(Error::Config(format!("the API key is empty: set {} or give one to the builder", env.api_key)));
        }
        let mut auth = HeaderValue::from_str(&format!("Bearer {key}"))
            .map_err(|_| Error::Config("the API key contains characters not allowed in an HTTP header".into()))?;
        auth.set_sensitive(true);

        let base_url = match self.base_url {
            Some(u) => u,
            None => std::env::var(env.base_url)
                .ok()
                .filter(|u| !u.trim().is_empty())
                .or_else(|| env.default_base_url.map(str::to_string))
                .ok_or_else(|| {
                    Error::Config(format!("no base URL: set {} or give one to the builder", env.base_url))
                })?,
        };
        let base_url = base_url.trim().trim_end_matches('/').to_string();
        match reqwest::Url::parse(&base_url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            _ => return Err(Error::Config(format!("base URL {base_url:?} is not an http(s) URL"))),
        }

        let http = match self.http {
            Some(c) => c,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .tcp_keepalive(Duration::from_secs(60))
                .user_agent(concat!("mediagen/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| Error::Config(format!("building the HTTP client: {e}")))?,
        };
        Ok(Transport {
            http,
            base_url,
            auth,
            retry: self.retry,
            timeout: self.timeout,
        })
    }
}

/// A configured connection to one platform: one shared connection pool, the API key, the retry
/// policy. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
    base_url: String,
    auth: HeaderValue,
    retry: RetryPolicy,
    timeout: Duration,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Transport {
    /// The base URL, without a trailing slash.
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The request timeout.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// A `reqwest` request builder for one attempt. Multipart bodies are rebuilt (and files
    /// reopened) each time because a streamed body can be sent only once.
    async fn prepare(&self, req: &Request) -> Result<reqwest::RequestBuilder> {
        let mut b = match &req.target {
            Target::Api(path) => self
                .http
                .request(req.method.clone(), format!("{}{path}", self.base_url))
                .header(header::AUTHORIZATION, self.auth.clone()),
            Target::External(url) => self.http.request(req.method.clone(), url.as_str()),
        };
        if !req.headers.contains_key(header::ACCEPT) {
            b = b.header(header::ACCEPT, "application/json");
        }
        b = b.headers(req.headers.clone());
        if !req.streaming {
            b = b.timeout(self.timeout);
        }
        Ok(match &req.body {
            Body::Empty => b,
            Body::Json(v) => b.json(v),
            Body::Multipart(v) => b.multipart(crate::media::to_multipart(v).await?),
        })
    }

    async fn attempt(&self, req: &Request) -> Result<std::result::Result<reqwest::Response, reqwest::Error>> {
        let builder = self.prepare(req).await?;
        if !req.streaming {
            return Ok(builder.send().await);
        }
        match tokio::time::timeout(self.timeout, builder.send()).await {
            Ok(outcome) => Ok(outcome),
            Err(_) => Err(Error::Stream {
                message: format!(
                    "no response within {:?}{}",
                    self.timeout,
                    if req.replay == Replay::Unsafe { "; the job may have been created" } else { "" }
                ),
            }),
        }
    }

    /// Send a request, retrying as its [`Replay`] and the policy allow. A 2xx response is
    /// returned as is; any other status becomes [`Error::Api`].
    pub(crate) async fn send(&self, req: &Request) -> Result<reqwest::Response> {
        self.execute(req, |resp| async { Ok(resp) }).await
    }

    /// Send a request and decode its JSON answer. For a [`Replay::Safe`] request, an answer that
    /// breaks off while it is read counts as a failed attempt and is retried.
    pub(crate) async fn send_json<T: DeserializeOwned>(&self, req: &Request) -> Result<T> {
        let text = self.send_text(req).await?;
        decode_str(text)
    }

    /// Send a request and read its whole answer as text (retried like [`Transport::send_json`]).
    pub(crate) async fn send_text(&self, req: &Request) -> Result<String> {
        self.execute(req, |resp| resp.text()).await
    }

    /// The retry loop: one attempt, then `finish` on a 2xx answer (reading its body), until
    /// success, an error that is not retried, or the end of the policy.
    async fn execute<T, F, Fut>(&self, req: &Request, finish: F) -> Result<T>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: Future<Output = std::result::Result<T, reqwest::Error>>,
    {
        let started = tokio::time::Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let (err, retry_after) = match self.attempt(req).await? {
                Ok(resp) if resp.status().is_success() => match finish(resp).await {
                    Ok(value) => return Ok(value),
                    Err(e) if req.replay.retries_transport(&e) => (Error::Transport(e), None),
                    Err(e) => return Err(Error::Transport(e)),
                },
                Ok(resp) => {
                    let retryable = req.replay.retries_status(resp.status().as_u16());
                    let err = api_error(resp, req.family).await;
                    if !retryable {
                        return Err(err);
                    }
                    let retry_after = match &err {
                        Error::Api { retry_after, .. } => *retry_after,
                        _ => None,
                    };
                    (err, retry_after)
                }
                Err(e) if req.replay.retries_transport(&e) => (Error::Transport(e), None),
                Err(e) => return Err(Error::Transport(e)),
            };
            if attempt >= self.retry.max_attempts {
                return Err(err);
            }
            let wait = retry_after.unwrap_or_else(|| self.retry.backoff(attempt));
            if started.elapsed() + wait > self.retry.max_elapsed {
                return Err(err);
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// Stream the body of `GET url` (no API key) into `writer`. Returns the bytes written. A body
    /// that stalls for longer than the request timeout is an [`Error::Stream`].
    pub(crate) async fn download_to<W: AsyncWrite + Unpin + ?Sized>(&self, url: &str, writer: &mut W) -> Result<u64> {
        self.copy_body(url, writer, "the writer").await
    }

    /// Stream the body of `GET url` (no API key) into `dest`, through `dest.part` so a broken
    /// download never leaves a truncated file under the final name. Returns the bytes written.
    pub(crate) async fn download(&self, url: &str, dest: &Path) -> Result<u64> {
        let part = part_path(dest);
        let io = |context: String| move |source| Error::Io { context, source };
        let mut file = tokio::fs::File::create(&part)
            .await
            .map_err(io(format!("creating {}", part.display())))?;
        let result = self.copy_body(url, &mut file, &part.display().to_string()).await;
        drop(file);
        let written = match result {
            Ok(n) => n,
            Err(e) => {
                let _ = tokio::fs::remove_file(&part).await;
                return Err(e);
            }
        };
        tokio::fs::rename(&part, dest)
            .await
            .map_err(io(format!("renaming {} to {}", part.display(), dest.display())))?;
        Ok(written)
    }

    async fn copy_body<W: AsyncWrite + Unpin + ?Sized>(&self, url: &str, writer: &mut W, what: &str) -> Result<u64> {
        let resp = self.send(&Request::get_external(url).streaming()).await?;
        let io = |source| Error::Io {
            context: format!("writing {what}"),
            source,
        };
        let mut written = 0u64;
        let mut body = resp.bytes_stream();
        while let Some(chunk) = tokio::time::timeout(self.timeout, body.next()).await.map_err(|_| Error::Stream {
            message: format!("download of {url} stalled for {:?}", self.timeout),
        })? {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(io)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(io)?;
        Ok(written)
    }
}

fn part_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".part");
    dest.with_file_name(name)
}

/// Decode a successful answer; a body that does not parse is kept in [`Error::Decode`].
pub(crate) async fn decode_json<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T> {
    decode_str(resp.text().await?)
}

/// Decode a successful answer's text; one that does not parse is kept in [`Error::Decode`].
pub(crate) fn decode_str<T: DeserializeOwned>(text: String) -> Result<T> {
    serde_json::from_str(&text).map_err(|e| Error::Decode {
        message: e.to_string(),
        body: text,
    })
}

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
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let media_type = content_type.split(';').next().unwrap_or("").trim().to_string();
    match media_type.as_str() {
        "text/event-stream" => resp
            .bytes_stream()
            .eventsource()
            .map(|r| {
                r.map(|e| Frame {
                    event: e.event,
                    data: e.data,
                })
                .map_err(|e| e.to_string())
            })
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
    let data = |data: String| {
        Ok(Frame {
            event: String::new(),
            data,
        })
    };
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
    Some(Frame {
        event: String::new(),
        data: data.to_string(),
    })
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
    let state = Lines {
        body: body.boxed(),
        buf: Vec::new(),
        ended: false,
    };
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

/// Percent-encode one path segment. Unreserved characters and `:` and `@` (legal in a segment,
/// and part of relay task ids like `veo3:1756693796-YQ`) stay as they are.
pub(crate) fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':' | b'@') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `Retry-After` as a wait: delay-seconds, or an HTTP date (a date in the past means now).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Turn an error answer into [`Error::Api`].
pub(crate) async fn api_error(resp: reqwest::Response, family: Option<Family>) -> Error {
    let status = resp.status();
    let headers = resp.headers();
    let retry_after = header_str(headers, "retry-after").and_then(|v| parse_retry_after(v, SystemTime::now()));
    let request_id = ["x-request-id", "request-id"]
        .iter()
        .find_map(|h| header_str(headers, h))
        .map(str::to_string);
    let body = resp.text().await.unwrap_or_default();
    let mut err = error_from_body(status.as_u16(), &body, family);
    if let Error::Api {
        request_id: rid,
        retry_after: ra,
        message,
        ..
    } = &mut err
    {
        if rid.is_none() {
            *rid = request_id;
        }
        *ra = retry_after;
        if message.is_empty() {
            *message = status.canonical_reason().unwrap_or("error").to_string();
        }
    }
    err
}

/// Whether a string is a machine code (`VIDEO_GENERATION_FAILED`, `invalid_api_key`) rather than
/// a sentence.
fn looks_like_code(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Map an error body to [`Error::Api`]. Understands `{"error": CODE, "code": CODE, "message": ..}`,
/// the older `{"error": CODE, "message": ..}`, `{"error": {"code", "message"}}` and `{"message"}`.
/// The machine code is the first candidate that names a known kind (`code` before `error`), or
/// else the first code-like one. A body in none of these shapes is kept in `raw_body`.
pub(crate) fn error_from_body(status: u16, body: &str, family_hint: Option<Family>) -> Error {
    let obj = match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    };
    let str_of = |m: &Map<String, Value>, k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);

    let mut codes: Vec<String> = Vec::new();
    let mut message = None;
    let mut request_id = None;
    if let Some(m) = &obj {
        codes.extend(str_of(m, "code"));
        match m.get("error") {
            Some(Value::String(s)) if looks_like_code(s) => codes.push(s.clone()),
            Some(Value::String(s)) => message = Some(s.clone()),
            Some(Value::Object(e)) => {
                codes.extend(str_of(e, "code").or_else(|| str_of(e, "type")));
                message = str_of(e, "message");
            }
            _ => {}
        }
        message = str_of(m, "message").filter(|s| !s.is_empty()).or(message);
        request_id = str_of(m, "request_id").or_else(|| str_of(m, "requestId"));
    }
    codes.retain(|c| looks_like_code(c));
    let parsed = codes.iter().find_map(|c| ErrorKind::parse_code(c).map(|p| (c.clone(), p)));
    let (code, kind, family) = match parsed {
        Some((code, (family, kind))) => (Some(code), kind, family),
        None => (codes.first().cloned(), ErrorKind::from_status(status), None),
    };
    let recognized = !codes.is_empty() || message.is_some();
    Error::Api {
        status,
        kind,
        family: if is_generation_kind(kind) { family.or(family_hint) } else { family },
        code,
        message: message.unwrap_or_default(),
        request_id,
        raw_body: (!recognized && !body.is_empty()).then(|| body.to_string()),
        retry_after: None,
    }
}

/// The eight sub-codes every generation family shares.
fn is_generation_kind(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::Failed
            | ErrorKind::Timeout
            | ErrorKind::RateLimited
            | ErrorKind::ProviderUnavailable
            | ErrorKind::UnsupportedModel
            | ErrorKind::InvalidInput
            | ErrorKind::InsufficientCredits
            | ErrorKind::ContentRejected
    )
}

/// The typed error of a job that ended as failed, from the generation's `code` and `message`.
pub(crate) fn job_failed(id: &str, code: Option<&str>, message: Option<&str>, family_hint: Option<Family>) -> Error {
    let (family, kind) = code
        .and_then(ErrorKind::parse_code)
        .unwrap_or((None, ErrorKind::Failed));
    Error::JobFailed {
        id: id.to_string(),
        kind,
        family: family.or(family_hint),
        code: code.map(str::to_string),
        message: message.unwrap_or("the generation failed").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_escaped() {
        assert_eq!(encode_segment("gen_1.a-b~"), "gen_1.a-b~");
        assert_eq!(encode_segment("a/b c?#%"), "a%2Fb%20c%3F%23%25");
        assert_eq!(encode_segment("veo3:1756693796-YQ"), "veo3:1756693796-YQ");
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
        assert_eq!(parse_retry_after(" 120 ", now), Some(Duration::from_secs(120)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let p = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350))
            .multiplier(2.0)
            .jitter(0.5);
        for _ in 0..200 {
            let d1 = p.backoff(1);
            assert!(d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100), "{d1:?}");
            let d2 = p.backoff(2);
            assert!(d2 >= Duration::from_millis(100) && d2 <= Duration::from_millis(200), "{d2:?}");
            let d9 = p.backoff(9);
            assert!(d9 >= Duration::from_millis(175) && d9 <= Duration::from_millis(350), "{d9:?}");
        }
        let fixed = p.clone().jitter(0.0);
        assert_eq!(fixed.backoff(3), Duration::from_millis(350));
        assert_eq!(fixed.backoff(2), Duration::from_millis(200));
    }

    #[test]
    fn error_bodies() {
        let e = error_from_body(
            429,
            r#"{"error":"RATE_LIMITED","code":"VIDEO_GENERATION_RATE_LIMITED","message":"slow down"}"#,
            Some(Family::Image),
        );
        let Error::Api { kind, family, code, message, raw_body, .. } = e else { panic!() };
        assert_eq!(kind, ErrorKind::RateLimited);
        assert_eq!(family, Some(Family::Video));
        assert_eq!(code.as_deref(), Some("VIDEO_GENERATION_RATE_LIMITED"));
        assert_eq!(message, "slow down");
        assert_eq!(raw_body, None);

        // legacy code without a family: the family comes from the model
        let e = error_from_body(402, r#"{"error":"INSUFFICIENT_CREDITS","message":"top up"}"#, Some(Family::Video));
        let Error::Api { kind, family, code, .. } = e else { panic!() };
        assert_eq!((kind, family, code.as_deref()), (ErrorKind::InsufficientCredits, Some(Family::Video), Some("INSUFFICIENT_CREDITS")));

        // a sentence in `error` is a message, not a code
        let e = error_from_body(401, r#"{"error":"invalid api key"}"#, Some(Family::Video));
        let Error::Api { kind, family, code, message, .. } = e else { panic!() };
        assert_eq!((kind, family, code, message.as_str()), (ErrorKind::Unauthorized, None, None, "invalid api key"));

        // nested error object
        let e = error_from_body(400, r#"{"error":{"code":"IMAGE_GENERATION_INVALID_INPUT","message":"bad"}}"#, None);
        assert_eq!(e.kind(), Some(ErrorKind::InvalidInput));

        // not the error shape: kept raw
        let e = error_from_body(500, "<html>oops</html>", None);
        let Error::Api { kind, raw_body, code, .. } = e else { panic!() };
        assert_eq!((kind, raw_body.as_deref(), code), (ErrorKind::Server, Some("<html>oops</html>"), None));
        let e = error_from_body(502, r#"{"unexpected":true}"#, None);
        let Error::Api { raw_body, .. } = e else { panic!() };
        assert_eq!(raw_body.as_deref(), Some(r#"{"unexpected":true}"#));
    }

    #[test]
    fn failed_jobs() {
        let e = job_failed("g1", Some("TTS_GENERATION_TIMEOUT"), Some("slow"), Some(Family::Video));
        let Error::JobFailed { kind, family, .. } = &e else { panic!() };
        assert_eq!((*kind, *family), (ErrorKind::Timeout, Some(Family::Tts)));
        assert!(e.is_retryable());
        let e = job_failed("g1", Some("SOMETHING_NEW"), None, Some(Family::Image));
        let Error::JobFailed { kind, family, code, .. } = &e else { panic!() };
        assert_eq!((*kind, *family, code.as_deref()), (ErrorKind::Failed, Some(Family::Image), Some("SOMETHING_NEW")));
    }
}
