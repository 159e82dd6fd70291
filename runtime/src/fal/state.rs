//! What fal's queue answers about a request: its status, queue position and logs, and (once
//! completed) its result or the error its result holds.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::job::{JobState, JobStatus};
use crate::output::{outputs_in, Output};
use crate::{Error, ErrorKind, Family, Platform};

/// A fal request as the queue answers it (`{request_id, status, queue_position, logs,
/// response_url, status_url, cancel_url}`, the submit's answer and every status), with the
/// result read from `GET .../requests/{id}` once it completed.
///
/// fal reports `COMPLETED` even when the run failed: the failure is only in the result (a 422
/// `{"detail": [{"loc": ["body", "prompt"], "msg": ...}]}`, say). Such a request is
/// [`JobStatus::Failed`] here, and its error names the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The request id.
    pub request_id: String,
    /// `IN_QUEUE`, `IN_PROGRESS` or `COMPLETED`, as fal sent it.
    #[serde(default)]
    pub status: String,
    /// Place in the queue while `IN_QUEUE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_position: Option<u64>,
    /// Log lines (`?logs=1`), the newest last.
    #[serde(default, deserialize_with = "logs", skip_serializing_if = "Vec::is_empty")]
    pub logs: Vec<LogLine>,
    /// Where the result is read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_url: Option<String>,
    /// Where the status is read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_url: Option<String>,
    /// Where the request is canceled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    /// The result (the model's output document), once read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// Why a completed request failed: its result was an error answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

/// One log line of a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogLine {
    /// The text.
    #[serde(default)]
    pub message: String,
    /// `INFO`, `ERROR`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// When, as fal wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
}

/// The error answer a completed request's result gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// Its HTTP status (422 for an input the model refused); 0 when fal named none (a webhook
    /// delivery's `error` may not).
    pub status: u16,
    /// Its machine code, where there is one (`value_error.missing`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// What went wrong, naming the field (`prompt: field required`).
    pub message: String,
}

impl Failure {
    /// The failed job's error: a 400 or 422 is an input the model refused.
    pub(crate) fn to_error(&self, id: &str, family_hint: Option<Family>) -> Error {
        let kind = match self.status {
            400 | 422 => ErrorKind::InvalidInput,
            0 => ErrorKind::Failed,
            other => ErrorKind::from_status(other),
        };
        Error::JobFailed {
            id: id.to_string(),
            kind,
            family: family_hint,
            code: self.code.clone(),
            message: self.message.clone(),
        }
    }
}

/// `logs` as fal sends it: an array of `{message, level, timestamp}`, or null.
fn logs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<LogLine>, D::Error> {
    let v = Option::<Vec<Value>>::deserialize(d)?.unwrap_or_default();
    Ok(v.into_iter().filter_map(|l| serde_json::from_value(l).ok()).collect())
}

impl Request {
    pub(crate) fn completed(&self) -> bool {
        self.status.eq_ignore_ascii_case("COMPLETED")
    }
}

impl JobState for Request {
    const PLATFORM: Platform = Platform::Fal;

    fn job_id(&self) -> &str {
        &self.request_id
    }

    fn job_status(&self) -> JobStatus {
        match self.status.to_ascii_uppercase().as_str() {
            "IN_QUEUE" => JobStatus::Queued,
            "IN_PROGRESS" => JobStatus::Running,
            "COMPLETED" if self.failure.is_some() => JobStatus::Failed,
            "COMPLETED" => JobStatus::Succeeded,
            _ => JobStatus::Unknown,
        }
    }

    fn raw_status(&self) -> &str {
        &self.status
    }

    fn activity(&self) -> Option<String> {
        match (self.queue_position, self.logs.last()) {
            (_, Some(line)) if !line.message.is_empty() => Some(line.message.clone()),
            (Some(n), _) => Some(format!("queue position {n}")),
            _ => None,
        }
    }

    fn outputs(&self) -> Vec<Output> {
        self.result.as_ref().map(|r| outputs_in(r, None, None)).unwrap_or_default()
    }

    fn error(&self, family_hint: Option<Family>) -> Option<Error> {
        Some(self.failure.as_ref()?.to_error(&self.request_id, family_hint))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn statuses_queue_positions_and_logs() {
        let queued: Request = serde_json::from_value(
            json!({"request_id": "r1", "status": "IN_QUEUE", "queue_position": 3, "logs": null}),
        )
        .unwrap();
        assert_eq!((queued.job_status(), queued.activity().as_deref()), (JobStatus::Queued, Some("queue position 3")));
        let running: Request = serde_json::from_value(json!({"request_id": "r1", "status": "IN_PROGRESS",
            "logs": [{"message": "step 1", "level": "INFO"}, {"message": "step 2", "timestamp": "t"}]}))
        .unwrap();
        assert_eq!((running.job_status(), running.activity().as_deref()), (JobStatus::Running, Some("step 2")));
    }

    #[test]
    fn completed_with_an_error_result_is_failed_and_names_the_field() {
        let mut done: Request = serde_json::from_value(json!({"request_id": "r1", "status": "COMPLETED"})).unwrap();
        done.failure = Some(Failure { status: 422, code: None, message: "prompt: field required".into() });
        assert_eq!(done.job_status(), JobStatus::Failed);
        let err = done.error(None).unwrap();
        assert_eq!(err.to_string(), "job r1 failed: prompt: field required");
        assert_eq!(err.kind(), Some(ErrorKind::InvalidInput));
    }
}
