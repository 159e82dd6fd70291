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

mod decode;
mod download;
mod frames;
mod inline;
mod retry;

use std::future::Future;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error_body::api_error;
use crate::{Error, Family, Result};
pub(crate) use decode::{decode_json, decode_str};
pub(crate) use download::download_into;
pub(crate) use frames::{frames, Frame};
pub use retry::RetryPolicy;
pub(crate) use retry::{parse_retry_after, Replay};

/// A request body.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Empty,
    /// Sent as `application/json`.
    Json(Value),
    /// A JSON object whose fields become form fields, with file markers as streamed file parts
    /// (see [`crate::media::to_multipart`]). Built anew for every attempt, so files are reopened.
    Multipart(Value),
    /// Sent as `application/json`, each file marker a `data:` URI streamed from disk (see
    /// [`inline`]). Built anew for every attempt, so files are reopened.
    JsonFiles(Value),
    /// Raw bytes with their content type (one part of an upload).
    Bytes(bytes::Bytes, String),
    /// A file streamed from disk with its content type, reopened for every attempt.
    File(std::path::PathBuf, String),
}

/// Where a request goes.
#[derive(Debug, Clone)]
enum Target {
    /// A path below the base URL; sent with the API key.
    Api(String),
    /// Any URL (an output file on a CDN, a presigned upload URL); sent without the API key.
    External(String),
    /// A URL of the platform's own on another host (fal's storage API); sent with the API key.
    Trusted(String),
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
        Request { method, target, body: Body::Empty, headers: HeaderMap::new(), replay, family: None, streaming: false }
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

    /// `method url` with a body, without the API key (a presigned upload URL); safe to repeat.
    pub(crate) fn external(method: Method, url: impl Into<String>, body: Body) -> Self {
        let mut req = Request::new(method, Target::External(url.into()), Replay::Safe);
        req.body = body;
        req
    }

    /// `method url` with a body and the API key, to a host of the platform's own that is not
    /// the base URL (fal's storage API).
    pub(crate) fn trusted(method: Method, url: impl Into<String>, body: Body) -> Self {
        let mut req = Request::new(method, Target::Trusted(url.into()), Replay::Safe);
        req.body = body;
        req
    }

    /// `PUT {base}{path}`; unsafe to repeat unless [`Request::replay`] says otherwise.
    pub(crate) fn put(path: impl Into<String>, body: Body) -> Self {
        let mut req = Request::new(Method::PUT, Target::Api(path.into()), Replay::Unsafe);
        req.body = body;
        req
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
    /// The platform's second host (fal's storage API), where it has one.
    pub(crate) storage_url: Option<String>,
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
            storage_url: None,
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
    /// How the key is sent: `Authorization: {scheme} {key}` (`Bearer`; fal's `Key`).
    pub(crate) auth_scheme: &'static str,
    /// The variable and default of a second host (fal's storage API), where there is one.
    pub(crate) storage: Option<(&'static str, &'static str)>,
}

impl Settings {
    /// Explicit settings first, then the environment, then the platform default.
    pub(crate) fn build(self, env: &Env) -> Result<Transport> {
        let key = match self.api_key {
            Some(k) => k,
            None => std::env::var(env.api_key)
                .map_err(|_| Error::Config(format!("no API key: set {} or give one to the builder", env.api_key)))?,
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(Error::Config(format!("the API key is empty: set {} or give one to the builder", env.api_key)));
        }
        let mut auth = HeaderValue::from_str(&format!("{} {key}", env.auth_scheme))
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
        let base_url = http_url(&base_url, "base URL")?;
        let storage_url = match (self.storage_url, env.storage) {
            (Some(u), _) => Some(http_url(&u, "storage URL")?),
            (None, Some((var, default))) => {
                let u = std::env::var(var).ok().filter(|u| !u.trim().is_empty()).unwrap_or_else(|| default.into());
                Some(http_url(&u, var)?)
            }
            (None, None) => None,
        };

        let http = match self.http {
            Some(c) => c,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .tcp_keepalive(Duration::from_secs(60))
                .user_agent(concat!("mediagen/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| Error::Config(format!("building the HTTP client: {e}")))?,
        };
        Ok(Transport { http, base_url, storage_url, auth, retry: self.retry, timeout: self.timeout })
    }
}

/// `url` without a trailing slash, when it is an http(s) URL.
pub(crate) fn http_url(url: &str, what: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/').to_string();
    match reqwest::Url::parse(&url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(url),
        _ => Err(Error::Config(format!("{what} {url:?} is not an http(s) URL"))),
    }
}

/// A configured connection to one platform: one shared connection pool, the API key, the retry
/// policy. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
    base_url: String,
    storage_url: Option<String>,
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

    /// The platform's second host (fal's storage API), without a trailing slash.
    pub(crate) fn storage_url(&self) -> Option<&str> {
        self.storage_url.as_deref()
    }

    /// The request timeout.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Where a request goes, as it may be logged: without query string or credentials.
    fn loggable_url(&self, req: &Request) -> String {
        match &req.target {
            Target::Api(path) => crate::telemetry::without_query(&format!("{}{path}", self.base_url)),
            Target::External(url) | Target::Trusted(url) => crate::telemetry::without_query(url),
        }
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
            Target::Trusted(url) => {
                self.http.request(req.method.clone(), url.as_str()).header(header::AUTHORIZATION, self.auth.clone())
            }
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
            Body::JsonFiles(v) => {
                let (len, stream) = inline::json_with_data_uris(v).await?;
                b.header(header::CONTENT_TYPE, "application/json")
                    .header(header::CONTENT_LENGTH, len)
                    .body(reqwest::Body::wrap_stream(stream))
            }
            Body::Bytes(bytes, content_type) => {
                b.header(header::CONTENT_TYPE, content_type.as_str()).body(bytes.clone())
            }
            Body::File(path, content_type) => {
                let file = tokio::fs::File::open(path)
                    .await
                    .map_err(|source| Error::Io { context: format!("opening {}", path.display()), source })?;
                let len = file.metadata().await.map(|m| m.len()).ok();
                // 64 KiB reads: one blocking-pool hop per 64 KiB, not per 4 KiB.
                let stream = tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024);
                let mut b = b.header(header::CONTENT_TYPE, content_type.as_str());
                if let Some(len) = len {
                    b = b.header(header::CONTENT_LENGTH, len);
                }
                b.body(reqwest::Body::wrap_stream(stream))
            }
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
                    if matches!(req.replay, Replay::Unsafe | Replay::Unsent) {
                        "; the job may have been created"
                    } else {
                        ""
                    }
                ),
            }),
        }
    }

    /// The error of a transport failure that is not retried. A submit that timed out or broke
    /// after it was sent may have created (and charged) a job: say so, rather than suggest that
    /// nothing was sent.
    fn not_retried(&self, req: &Request, e: reqwest::Error) -> Error {
        let sent = e.is_timeout() || e.is_request() || e.is_body();
        if matches!(req.replay, Replay::Unsafe | Replay::Unsent) && sent && !e.is_connect() {
            let what = if e.is_timeout() { format!("no answer within {:?}", self.timeout) } else { e.to_string() };
            return Error::Stream { message: format!("the submit was sent but {what}; the job may have been created") };
        }
        Error::Transport(e)
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
            tracing::trace!(name: "request", method = %req.method, url = %self.loggable_url(req), attempt, "request");
            let (err, retry_after) = match self.attempt(req).await? {
                Ok(resp) if resp.status().is_success() => match finish(resp).await {
                    Ok(value) => return Ok(value),
                    Err(e) if req.replay.retries_transport(&e) => (Error::Transport(e), None),
                    Err(e) => return Err(self.not_retried(req, e)),
                },
                Ok(resp) => {
                    // A 504 that says the caller's own start deadline passed (fal's
                    // `X-Fal-Request-Timeout-Type: user`) is final.
                    let user_timeout = resp
                        .headers()
                        .get("x-fal-request-timeout-type")
                        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"user"));
                    let retryable = req.replay.retries_status(resp.status().as_u16()) && !user_timeout;
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
                Err(e) => return Err(self.not_retried(req, e)),
            };
            if attempt >= self.retry.max_attempts {
                return Err(err);
            }
            let wait = retry_after.unwrap_or_else(|| self.retry.backoff(attempt));
            if started.elapsed() + wait > self.retry.max_elapsed {
                return Err(err);
            }
            tracing::info!(
                name: "retry",
                attempt,
                delay_ms = wait.as_millis() as u64,
                reason = %retry_reason(&err),
                method = %req.method,
                url = %self.loggable_url(req),
                "retry"
            );
            tokio::time::sleep(wait).await;
        }
    }
}

/// Why an attempt is retried, for the `retry` event: the status code, or the kind of transport
/// error (never its text, which may quote a URL with its query).
fn retry_reason(err: &Error) -> String {
    match err {
        Error::Api { status, .. } => status.to_string(),
        Error::Transport(e) if e.is_connect() => "connect".into(),
        Error::Transport(e) if e.is_timeout() => "timeout".into(),
        Error::Transport(e) if e.is_body() || e.is_decode() => "body".into(),
        Error::Transport(e) if e.is_request() => "request".into(),
        Error::Transport(_) => "transport".into(),
        _ => "other".into(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_escaped() {
        assert_eq!(encode_segment("gen_1.a-b~"), "gen_1.a-b~");
        assert_eq!(encode_segment("a/b c?#%"), "a%2Fb%20c%3F%23%25");
        assert_eq!(encode_segment("veo3:1756693796-YQ"), "veo3:1756693796-YQ");
    }
}
