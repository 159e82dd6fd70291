//! The `tracing` spans the SDK opens, named in one place, with OpenTelemetry's GenAI attribute
//! names where they fit (`gen_ai.operation.name`, `gen_ai.provider.name`,
//! `gen_ai.request.model`).
//!
//! | span or event | level | fields |
//! |---|---|---|
//! | span `submit` | info | `gen_ai.operation.name = "generate"`, `gen_ai.provider.name`, `gen_ai.request.model`, `job.id` once known |
//! | span `wait` | info | `gen_ai.provider.name`, `job.id` |
//! | event `poll` | debug | `status`, `progress`, `waited_ms` (the sleep before it), `elapsed_ms` |
//! | event `push_event` | debug | `status`, `progress`, `job.id` |
//! | event `push_broken` | info | `reason` (the channel ended, broke, went quiet, or could not be opened; polling takes over) |
//! | event `retry` | info | `attempt`, `delay_ms`, `reason` (status code or transport error kind), `method`, `url` |
//! | event `request` | trace | `method`, `url`, `attempt` |
//! | span `download` | info | `url` (without query), `bytes` once done |
//! | span `upload` | info | `gen_ai.provider.name`, `host`, `bytes` |
//!
//! Never recorded: the API key (the `Authorization` header is never logged), request bodies,
//! file contents, query strings (presigned URLs carry their signatures there).

use tracing::field::Empty;
use tracing::Span;

use crate::Platform;

/// The span of a submit.
pub(crate) fn submit_span(platform: Platform, model: &str) -> Span {
    tracing::info_span!(
        "submit",
        gen_ai.operation.name = "generate",
        gen_ai.provider.name = platform.as_str(),
        gen_ai.request.model = model,
        job.id = Empty,
    )
}

/// The span of following a job to its end.
pub(crate) fn wait_span(platform: Platform, id: &str) -> Span {
    tracing::info_span!("wait", gen_ai.provider.name = platform.as_str(), job.id = id)
}

/// The span of a download.
pub(crate) fn download_span(url: &str) -> Span {
    tracing::info_span!("download", url = %without_query(url), bytes = Empty)
}

/// The span of an upload to a platform's storage (host only: upload URLs are presigned).
pub(crate) fn upload_span(platform: Platform, url: &str, bytes: Option<u64>) -> Span {
    tracing::info_span!("upload", gen_ai.provider.name = platform.as_str(), host = %host(url), bytes)
}

/// `url` without credentials, query or fragment: what may be logged of it.
pub(crate) fn without_query(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => "<not a URL>".into(),
    }
}

/// The host (and port) of `url`.
pub(crate) fn host(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => String::new(),
        },
        Err(_) => "<not a URL>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_credentials_queries_and_fragments() {
        assert_eq!(
            without_query("https://user:pw@cdn.example.com/a/b.mp4?X-Amz-Signature=s3cret#t"),
            "https://cdn.example.com/a/b.mp4"
        );
        assert_eq!(host("http://127.0.0.1:8080/upload?token=x"), "127.0.0.1:8080");
        assert_eq!(without_query("not a url"), "<not a URL>");
    }
}
