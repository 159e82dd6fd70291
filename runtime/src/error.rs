//! The one public error type of the SDK.

use std::time::Duration;

/// Which generation family a platform error code belongs to (`IMAGE_`, `VIDEO_`, `TTS_GENERATION_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// `IMAGE_GENERATION_*`
    Image,
    /// `VIDEO_GENERATION_*`
    Video,
    /// `TTS_GENERATION_*`
    Tts,
}

/// What went wrong, independent of platform and family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Generic upstream failure (`*_FAILED`, HTTP 502).
    Failed,
    /// Generation exceeded the upstream timeout (`*_TIMEOUT`, 504).
    Timeout,
    /// Rate limited (`*_RATE_LIMITED`, 429).
    RateLimited,
    /// Upstream provider is down (`*_PROVIDER_UNAVAILABLE`, 503).
    ProviderUnavailable,
    /// The provider/model combination is not supported (`*_UNSUPPORTED_MODEL`, 400).
    UnsupportedModel,
    /// The request body failed the platform's validation (`*_INVALID_INPUT`, 400).
    InvalidInput,
    /// Not enough credits (`*_INSUFFICIENT_CREDITS`, 402).
    InsufficientCredits,
    /// Moderation rejected the prompt or inputs (`*_CONTENT_REJECTED`, 422).
    ContentRejected,
    /// Authentication required or failed (401, 403).
    Unauthorized,
    /// Resource not found (404).
    NotFound,
    /// Idempotency conflict: the same key was used with a different payload (409).
    Conflict,
    /// Server error without a more specific code (500).
    Server,
    /// Anything else.
    Other,
}

impl ErrorKind {
    /// The sub-code as the platforms spell it (`RATE_LIMITED`).
    pub fn sub_code(self) -> &'static str {
        match self {
            ErrorKind::Failed => "FAILED",
            ErrorKind::Timeout => "TIMEOUT",
            ErrorKind::RateLimited => "RATE_LIMITED",
            ErrorKind::ProviderUnavailable => "PROVIDER_UNAVAILABLE",
            ErrorKind::UnsupportedModel => "UNSUPPORTED_MODEL",
            ErrorKind::InvalidInput => "INVALID_INPUT",
            ErrorKind::InsufficientCredits => "INSUFFICIENT_CREDITS",
            ErrorKind::ContentRejected => "CONTENT_REJECTED",
            ErrorKind::Unauthorized => "UNAUTHORIZED",
            ErrorKind::NotFound => "NOT_FOUND",
            ErrorKind::Conflict => "CONFLICT",
            ErrorKind::Server => "SERVER_ERROR",
            ErrorKind::Other => "OTHER",
        }
    }

    /// Whether an operation that failed this way may succeed when tried again (seed 004's table:
    /// timeouts, rate limits and unavailable providers are; input, credit and moderation errors are not).
    pub fn is_retryable(self) -> bool {
        matches!(self, ErrorKind::Timeout | ErrorKind::RateLimited | ErrorKind::ProviderUnavailable | ErrorKind::Server)
    }

    /// The kind an HTTP status implies when the body has no machine code.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => ErrorKind::InvalidInput,
            401 | 403 => ErrorKind::Unauthorized,
            402 => ErrorKind::InsufficientCredits,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            422 => ErrorKind::ContentRejected,
            429 => ErrorKind::RateLimited,
            500 => ErrorKind::Server,
            502 => ErrorKind::Failed,
            503 => ErrorKind::ProviderUnavailable,
            504 => ErrorKind::Timeout,
            _ => ErrorKind::Other,
        }
    }

    /// Parse a machine code such as `VIDEO_GENERATION_RATE_LIMITED` (or a bare `RATE_LIMITED`).
    pub fn parse_code(code: &str) -> Option<(Option<Family>, ErrorKind)> {
        let (family, rest) = if let Some(rest) = code.strip_prefix("IMAGE_GENERATION_") {
            (Some(Family::Image), rest)
        } else if let Some(rest) = code.strip_prefix("VIDEO_GENERATION_") {
            (Some(Family::Video), rest)
        } else if let Some(rest) = code.strip_prefix("TTS_GENERATION_") {
            (Some(Family::Tts), rest)
        } else {
            (None, code)
        };
        let kind = match rest {
            "FAILED" => ErrorKind::Failed,
            "TIMEOUT" => ErrorKind::Timeout,
            "RATE_LIMITED" => ErrorKind::RateLimited,
            "PROVIDER_UNAVAILABLE" => ErrorKind::ProviderUnavailable,
            "UNSUPPORTED_MODEL" => ErrorKind::UnsupportedModel,
            "INVALID_INPUT" => ErrorKind::InvalidInput,
            "INSUFFICIENT_CREDITS" => ErrorKind::InsufficientCredits,
            "CONTENT_REJECTED" => ErrorKind::ContentRejected,
            _ => return None,
        };
        Some((family, kind))
    }
}

/// Every error the SDK returns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input breaks a constraint of the model's schema; nothing was sent.
    #[error("{path}: {message}")]
    Validation {
        /// Field path, e.g. `duration` or `ref_images[0].image_urls`.
        path: String,
        /// The schema keyword that failed (`maximum`, `pattern`, `required`, ...).
        rule: &'static str,
        /// What is wrong, e.g. `99 is above the maximum 15`.
        message: String,
    },
    /// The platform answered with an HTTP error.
    #[error("{status} {}: {message}", code.as_deref().unwrap_or(kind.sub_code()))]
    Api {
        /// HTTP status.
        status: u16,
        /// What went wrong.
        kind: ErrorKind,
        /// The generation family of the code, where the code names one.
        family: Option<Family>,
        /// The platform's machine code (`VIDEO_GENERATION_RATE_LIMITED`), if any.
        code: Option<String>,
        /// The platform's message (or the HTTP reason when the body had none).
        message: String,
        /// The platform's request id, if it sent one.
        request_id: Option<String>,
        /// The body as received when it could not be parsed as the platform's error shape.
        raw_body: Option<String>,
        /// `Retry-After` as sent by the server.
        retry_after: Option<Duration>,
    },
    /// The job reached a failed terminal state.
    #[error("job {id} failed: {}{message}", code.as_deref().map(|c| format!("{c}: ")).unwrap_or_default())]
    JobFailed {
        /// Job id.
        id: String,
        /// What went wrong, parsed from the code where possible.
        kind: ErrorKind,
        /// Family of the code.
        family: Option<Family>,
        /// The platform's machine code, if any.
        code: Option<String>,
        /// The platform's failure message.
        message: String,
    },
    /// The job was canceled.
    #[error("job {id} was canceled")]
    JobCanceled {
        /// Job id.
        id: String,
    },
    /// The overall deadline passed before the job reached a terminal state.
    #[error("deadline of {deadline:?} passed while job {id} was still {last_status}")]
    Deadline {
        /// Job id.
        id: String,
        /// The configured deadline.
        deadline: Duration,
        /// The platform's last raw status.
        last_status: String,
    },
    /// The request could not be sent or the connection broke.
    #[error("transport error: {0}")]
    Transport(#[from] reqwest::Error),
    /// A successful answer whose body was not what the platform documents.
    #[error("could not decode the server's answer: {message}")]
    Decode {
        /// What did not parse.
        message: String,
        /// The body as received.
        body: String,
    },
    /// The input could not be encoded.
    #[error("could not encode the request: {message}")]
    Encode {
        /// Why.
        message: String,
    },
    /// An event stream (or a long download) failed in a way the client could not recover from,
    /// e.g. it broke before the job id was known, or no response came in time.
    #[error("stream: {message}")]
    Stream {
        /// What happened.
        message: String,
    },
    /// A missing or invalid setting (API key, base URL).
    #[error("configuration: {0}")]
    Config(String),
    /// The platform documents no way to do this (cancel a skills.video job, say).
    #[error("{platform} has no documented way to {what}")]
    Unsupported {
        /// The platform.
        platform: crate::Platform,
        /// What was asked (`cancel a job`).
        what: &'static str,
    },
    /// A webhook delivery was refused: it is not proven to come from the platform
    /// ([`Client<Fal>::verify`](crate::Client::verify)). Nothing in it is to be trusted.
    #[error("webhook delivery refused: {reason}")]
    Webhook {
        /// What failed: a missing header, the timestamp, the keys, the signature, the body.
        reason: crate::fal::WebhookError,
    },
    /// Reading an input file or writing an output file failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Whether trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api { kind, .. } | Error::JobFailed { kind, .. } => kind.is_retryable(),
            Error::Transport(e) => e.is_connect() || e.is_timeout(),
            _ => false,
        }
    }

    /// The error kind, for API errors and failed jobs.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            Error::Api { kind, .. } | Error::JobFailed { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    pub(crate) fn validation(path: impl Into<String>, rule: &'static str, message: impl Into<String>) -> Self {
        Error::Validation { path: path.into(), rule, message: message.into() }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
