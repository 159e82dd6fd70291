//! Error answers: a platform's error body (any of the shapes the platforms send) as
//! [`Error::Api`], and a failed job's code as [`Error::JobFailed`].

use std::time::SystemTime;

use reqwest::header::HeaderMap;
use serde_json::{Map, Value};

use crate::http::parse_retry_after;
use crate::{Error, ErrorKind, Family};

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Turn an error answer into [`Error::Api`].
pub(crate) async fn api_error(resp: reqwest::Response, family: Option<Family>) -> Error {
    let status = resp.status();
    let headers = resp.headers();
    let retry_after = header_str(headers, "retry-after").and_then(|v| parse_retry_after(v, SystemTime::now()));
    let request_id = ["x-request-id", "request-id"].iter().find_map(|h| header_str(headers, h)).map(str::to_string);
    let body = resp.text().await.unwrap_or_default();
    let mut err = error_from_body(status.as_u16(), &body, family);
    if let Error::Api { request_id: rid, retry_after: ra, message, .. } = &mut err {
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
        // FastAPI's (fal's) validation answer: `{"detail": [{"loc": ["body", "prompt"], "msg",
        // "type"}]}` or `{"detail": "text"}`; the message names the field.
        match m.get("detail") {
            Some(Value::String(s)) if message.is_none() => message = Some(s.clone()),
            Some(Value::Array(items)) if message.is_none() => {
                let parts: Vec<String> = items.iter().filter_map(detail_item).collect();
                if !parts.is_empty() {
                    message = Some(parts.join("; "));
                }
                if let Some(t) = items.first().and_then(|i| i.get("type")).and_then(Value::as_str) {
                    codes.push(t.to_string());
                }
            }
            _ => {}
        }
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

/// `prompt: field required` from one FastAPI validation item (`loc` without its `body` prefix).
fn detail_item(item: &Value) -> Option<String> {
    let msg = item.get("msg").and_then(Value::as_str)?;
    let loc: Vec<String> = item
        .get("loc")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter(|p| p.as_str() != Some("body"))
                .map(|p| match p {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(if loc.is_empty() { msg.to_string() } else { format!("{}: {msg}", loc.join(".")) })
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
    let (family, kind) = code.and_then(ErrorKind::parse_code).unwrap_or((None, ErrorKind::Failed));
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
        assert_eq!(
            (kind, family, code.as_deref()),
            (ErrorKind::InsufficientCredits, Some(Family::Video), Some("INSUFFICIENT_CREDITS"))
        );

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
    fn fastapi_validation_details_name_the_field() {
        let body = r#"{"detail": [{"loc": ["body", "prompt"], "msg": "field required", "type": "value_error.missing"},
                                  {"loc": ["body", "image_size", 0], "msg": "bad size", "type": "value_error"}]}"#;
        let Error::Api { kind, code, message, raw_body, .. } = error_from_body(422, body, None) else { panic!() };
        assert_eq!(message, "prompt: field required; image_size.0: bad size");
        assert_eq!((kind, code.as_deref(), raw_body), (ErrorKind::ContentRejected, Some("value_error.missing"), None));
        let Error::Api { message, .. } = error_from_body(400, r#"{"detail": "Unprocessable"}"#, None) else { panic!() };
        assert_eq!(message, "Unprocessable");
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
