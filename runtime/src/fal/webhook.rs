//! fal's webhook deliveries, verified and typed.
//!
//! fal `POST`s a request's outcome to the URL given with [`Call::webhook`](crate::Call) and signs
//! it (fal's "Webhooks" docs): the headers `X-Fal-Webhook-Request-Id`, `X-Fal-Webhook-User-Id`,
//! `X-Fal-Webhook-Timestamp` (Unix seconds) and `X-Fal-Webhook-Signature` (hex) carry an Ed25519
//! signature of
//!
//! ```text
//! {request id}\n{user id}\n{timestamp}\n{sha256 of the raw body, lowercase hex}
//! ```
//!
//! by a key of fal's JWKS (`https://rest.fal.ai/.well-known/jwks.json`, cached by `jwks.rs`).
//! The body is `{request_id, gateway_request_id, status: "OK" | "ERROR", payload, error?,
//! payload_error?}`, `payload` being the model's output.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ed25519_dalek::Signature;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::{Failure, Fal};
use crate::error_body::error_from_body;
use crate::{Client, Error, Result};

/// The request id header.
pub const HEADER_REQUEST_ID: &str = "X-Fal-Webhook-Request-Id";
/// The fal user id header.
pub const HEADER_USER_ID: &str = "X-Fal-Webhook-User-Id";
/// The timestamp header (Unix seconds).
pub const HEADER_TIMESTAMP: &str = "X-Fal-Webhook-Timestamp";
/// The signature header (64 bytes as hex).
pub const HEADER_SIGNATURE: &str = "X-Fal-Webhook-Signature";
/// How far a delivery's timestamp may be from the receiver's clock, either way (300 s, as fal
/// asks): an older delivery may be a replay.
pub const TIMESTAMP_TOLERANCE: Duration = Duration::from_secs(300);

/// Why a webhook delivery was refused ([`Error::Webhook`]): nothing in it is to be trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A signature header is missing (its name).
    #[error("the {0} header is missing")]
    MissingHeader(&'static str),
    /// A signature header is not what fal sends (a timestamp that is not a number, a signature
    /// that is not 64 bytes of hex).
    #[error("the {header} header {reason}")]
    InvalidHeader {
        /// The header's name.
        header: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The timestamp is more than [`TIMESTAMP_TOLERANCE`] in the past: perhaps a replay.
    #[error("the timestamp {timestamp} is {} s old; {} s are allowed", now - timestamp, TIMESTAMP_TOLERANCE.as_secs())]
    StaleTimestamp {
        /// The delivery's timestamp (Unix seconds).
        timestamp: i64,
        /// The receiver's clock (Unix seconds).
        now: i64,
    },
    /// The timestamp is more than [`TIMESTAMP_TOLERANCE`] in the future.
    #[error("the timestamp {timestamp} is {} s in the future; {} s are allowed", timestamp - now, TIMESTAMP_TOLERANCE.as_secs())]
    FutureTimestamp {
        /// The delivery's timestamp (Unix seconds).
        timestamp: i64,
        /// The receiver's clock (Unix seconds).
        now: i64,
    },
    /// fal's signing keys could not be fetched (or their last fetch, under a minute ago, failed).
    #[error("the signing keys at {url} could not be fetched: {reason}")]
    KeysUnavailable {
        /// The JWKS URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The JWKS holds no Ed25519 key.
    #[error("the JWKS at {url} holds no Ed25519 key")]
    NoKey {
        /// The JWKS URL.
        url: String,
    },
    /// The signature verifies with no key of the JWKS, fetched again since: the headers or the
    /// body were changed, or fal did not send it.
    #[error("the signature matches no key of the JWKS at {url}")]
    BadSignature {
        /// The JWKS URL.
        url: String,
    },
    /// The signature is fal's, but the body is not a delivery (`{request_id, status, payload}`).
    #[error("the body is not a fal delivery: {reason}")]
    MalformedBody {
        /// What does not parse.
        reason: String,
    },
}

/// A verified delivery of a request that succeeded: `output` is the model's output (the model's
/// typed `Output`, or [`serde_json::Value`] when none is named).
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery<O = Value> {
    /// The request id (the body's `request_id`, else the signed header's).
    pub request_id: String,
    /// The gateway's request id, where fal sends one.
    pub gateway_request_id: Option<String>,
    /// The fal user the request ran for (`X-Fal-Webhook-User-Id`).
    pub user_id: String,
    /// When fal signed the delivery (`X-Fal-Webhook-Timestamp`).
    pub timestamp: SystemTime,
    /// The model's output (`payload`).
    pub output: O,
}

/// The body fal delivers.
#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    gateway_request_id: Option<String>,
    status: String,
    #[serde(default)]
    payload: Value,
    #[serde(default)]
    error: Option<Value>,
    #[serde(default)]
    payload_error: Option<String>,
}

/// The four signature headers, read.
struct Signed<'a> {
    request_id: &'a str,
    user_id: &'a str,
    /// As sent: the message is signed over this text, not over a number printed again.
    timestamp_text: &'a str,
    timestamp: i64,
    signature: Signature,
}

fn header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, WebhookError> {
    let value = headers.get(name).ok_or(WebhookError::MissingHeader(name))?;
    value.to_str().map_err(|_| WebhookError::InvalidHeader { header: name, reason: "is not ASCII".into() })
}

fn read_headers(headers: &HeaderMap) -> Result<Signed<'_>, WebhookError> {
    let request_id = header(headers, HEADER_REQUEST_ID)?;
    let user_id = header(headers, HEADER_USER_ID)?;
    let timestamp_text = header(headers, HEADER_TIMESTAMP)?;
    let signature = header(headers, HEADER_SIGNATURE)?;
    let invalid = |header, reason: &str| WebhookError::InvalidHeader { header, reason: reason.into() };
    let timestamp = match timestamp_text.parse::<i64>() {
        Ok(t) if timestamp_text.bytes().all(|b| b.is_ascii_digit()) => t,
        _ => return Err(invalid(HEADER_TIMESTAMP, "is not Unix seconds")),
    };
    let mut bytes = [0u8; 64];
    hex::decode_to_slice(signature, &mut bytes).map_err(|_| invalid(HEADER_SIGNATURE, "is not 64 bytes of hex"))?;
    Ok(Signed { request_id, user_id, timestamp_text, timestamp, signature: Signature::from_bytes(&bytes) })
}

/// What fal signs: `{request id}\n{user id}\n{timestamp}\n{sha256_hex(body)}`.
fn signed_message(signed: &Signed<'_>, body: &[u8]) -> Vec<u8> {
    let digest = hex::encode(Sha256::digest(body));
    format!("{}\n{}\n{}\n{digest}", signed.request_id, signed.user_id, signed.timestamp_text).into_bytes()
}

fn check_timestamp(timestamp: i64, now: SystemTime) -> Result<(), WebhookError> {
    let now = match now.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    let tolerance = TIMESTAMP_TOLERANCE.as_secs() as i64;
    if timestamp < now.saturating_sub(tolerance) {
        Err(WebhookError::StaleTimestamp { timestamp, now })
    } else if timestamp > now.saturating_add(tolerance) {
        Err(WebhookError::FutureTimestamp { timestamp, now })
    } else {
        Ok(())
    }
}

impl Client<Fal> {
    /// Verify a webhook delivery and read it: the headers and raw body exactly as received
    /// (before any JSON parsing), from any web framework. `O` is the model's output
    /// (`veo3::Output`), or [`serde_json::Value`]:
    ///
    /// ```no_run
    /// # async fn demo(client: mediagen_runtime::Client<mediagen_runtime::fal::Fal>, headers: reqwest::header::HeaderMap, body: bytes::Bytes) -> mediagen_runtime::Result<()> {
    /// let delivery: mediagen_runtime::fal::Delivery = client.verify(&headers, &body).await?;
    /// println!("{} finished: {}", delivery.request_id, delivery.output);
    /// # Ok(()) }
    /// ```
    ///
    /// The signature must verify with a key of fal's JWKS (the builder's
    /// [`jwks_url`](crate::ClientBuilder::jwks_url)), fetched on first use, kept at most 24 h and
    /// fetched again when no cached key verifies (at most once a minute); the timestamp must be
    /// within [`TIMESTAMP_TOLERANCE`] of the system clock.
    ///
    /// Errors: [`Error::Webhook`] when the delivery is refused (naming what failed);
    /// [`Error::JobFailed`] for a verified delivery of a request that failed (`status: "ERROR"`;
    /// the message names the field a 422 names); [`Error::Decode`] when the output does not fit
    /// `O`, or fal could not put it in the delivery (`payload_error`: read it with
    /// [`get`](Self::get)).
    pub async fn verify<O: DeserializeOwned>(&self, headers: &HeaderMap, body: &[u8]) -> Result<Delivery<O>> {
        self.verify_at(headers, body, SystemTime::now()).await
    }

    /// [`verify`](Self::verify) with `now` as the receiver's clock: a delivery stored on receipt
    /// and verified later, or a test.
    pub async fn verify_at<O: DeserializeOwned>(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Delivery<O>> {
        let refused = |reason| Error::Webhook { reason };
        let signed = read_headers(headers).map_err(refused)?;
        check_timestamp(signed.timestamp, now).map_err(refused)?;
        let message = signed_message(&signed, body);
        self.core.webhook_keys.verify(self.transport(), &message, &signed.signature, now).await.map_err(refused)?;

        let envelope: Envelope =
            serde_json::from_slice(body).map_err(|e| refused(WebhookError::MalformedBody { reason: e.to_string() }))?;
        let request_id = envelope.request_id.clone().unwrap_or_else(|| signed.request_id.to_string());
        match envelope.status.as_str() {
            "OK" => {}
            "ERROR" => return Err(failure(&envelope).to_error(&request_id, None)),
            other => {
                let reason = format!("the status {other:?} is neither OK nor ERROR");
                return Err(refused(WebhookError::MalformedBody { reason }));
            }
        }
        if envelope.payload.is_null() {
            if let Some(why) = &envelope.payload_error {
                return Err(Error::Decode {
                    message: format!("the delivery of {request_id} carries no output ({why}); read it from the queue"),
                    body: String::from_utf8_lossy(body).into_owned(),
                });
            }
        }
        Ok(Delivery {
            output: crate::output::typed(envelope.payload)?,
            request_id,
            gateway_request_id: envelope.gateway_request_id,
            user_id: signed.user_id.to_string(),
            timestamp: UNIX_EPOCH + Duration::from_secs(signed.timestamp as u64),
        })
    }
}

/// Why a delivered request failed: a FastAPI `detail` in the payload names the field; otherwise
/// `payload_error` or `error` (`Invalid status code: 422`, whose status types the failure).
fn failure(envelope: &Envelope) -> Failure {
    let error = match &envelope.error {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    let status = error
        .as_deref()
        .and_then(|e| e.rsplit(|c: char| !c.is_ascii_digit()).find(|d| d.len() == 3))
        .and_then(|d| d.parse().ok())
        .unwrap_or(0);
    let (code, detail) = match error_from_body(status, &envelope.payload.to_string(), None) {
        Error::Api { code, message, .. } if !message.is_empty() => (code, Some(message)),
        _ => (None, None),
    };
    let message =
        detail.or_else(|| envelope.payload_error.clone()).or(error).unwrap_or_else(|| "the request failed".into());
    Failure { status, code, message }
}

/// The largest body [`Client::verify_request`] reads (32 MiB): fal's outputs are URLs, but a
/// `sync_mode` result may inline its media.
#[cfg(feature = "axum")]
pub const MAX_BODY: usize = 32 * 1024 * 1024;

#[cfg(feature = "axum")]
impl Client<Fal> {
    /// [`verify`](Self::verify) an axum request (its body read up to [`MAX_BODY`]); feature
    /// `axum`. A body that cannot be read is [`WebhookError::MalformedBody`].
    pub async fn verify_request<O: DeserializeOwned>(&self, request: axum::extract::Request) -> Result<Delivery<O>> {
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, MAX_BODY).await.map_err(|e| Error::Webhook {
            reason: WebhookError::MalformedBody { reason: format!("reading it: {e}") },
        })?;
        self.verify(&parts.headers, &body).await
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn envelope(v: Value) -> Envelope {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn failures_name_the_field_or_keep_fal_text() {
        let f = failure(&envelope(json!({"status": "ERROR", "error": "Invalid status code: 422",
            "payload": {"detail": [{"loc": ["body", "prompt"], "msg": "field required", "type": "value_error.missing"}]}})));
        assert_eq!(
            (f.status, f.code.as_deref(), f.message.as_str()),
            (422, Some("value_error.missing"), "prompt: field required")
        );
        let f = failure(&envelope(
            json!({"status": "ERROR", "error": "boom", "payload": null, "payload_error": "not JSON"}),
        ));
        assert_eq!((f.status, f.message.as_str()), (0, "not JSON"));
        let f = failure(&envelope(json!({"status": "ERROR", "error": "Invalid status code: 504"})));
        assert_eq!((f.status, f.message.as_str()), (504, "Invalid status code: 504"));
        let f = failure(&envelope(json!({"status": "ERROR"})));
        assert_eq!((f.status, f.message.as_str()), (0, "the request failed"));
        assert_eq!(f.to_error("r1", None).kind(), Some(crate::ErrorKind::Failed));
    }

    #[test]
    fn timestamps_within_five_minutes_either_way() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let t = 1_700_000_000;
        assert!(check_timestamp(t + 300, now).is_ok() && check_timestamp(t - 300, now).is_ok());
        assert_eq!(check_timestamp(t + 301, now), Err(WebhookError::FutureTimestamp { timestamp: t + 301, now: t }));
        assert_eq!(check_timestamp(t - 301, now), Err(WebhookError::StaleTimestamp { timestamp: t - 301, now: t }));
        assert_eq!(
            WebhookError::StaleTimestamp { timestamp: t - 301, now: t }.to_string(),
            "the timestamp 1699999699 is 301 s old; 300 s are allowed"
        );
    }
}
