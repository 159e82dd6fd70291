//! What MindVideo answers about a task: status, costs, outputs, and the events of its stream.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::answer::{parse_progress, string_or_number, unwrap_envelope};
use crate::job::{Cost, CostUnit, JobState, JobStatus};
use crate::output::{outputs_in, Output};
use crate::{Error, Family, Platform};

/// The status of a task, as MindVideo normalizes it across models.
///
/// Matching ignores case and accepts `canceled`; any other value is kept in
/// [`Unknown`](TaskStatus::Unknown) and treated as not finished.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TaskStatus {
    /// `queued`
    Queued,
    /// `processing`
    Processing,
    /// `succeeded`
    Succeeded,
    /// `failed`
    Failed,
    /// `cancelled`
    Cancelled,
    /// A status this SDK does not know, as sent.
    Unknown(String),
}

impl TaskStatus {
    /// Parse a status as sent.
    pub fn parse(s: &str) -> TaskStatus {
        match s.trim().to_ascii_lowercase().as_str() {
            "queued" => TaskStatus::Queued,
            "processing" => TaskStatus::Processing,
            "succeeded" => TaskStatus::Succeeded,
            "failed" => TaskStatus::Failed,
            "cancelled" | "canceled" => TaskStatus::Cancelled,
            _ => TaskStatus::Unknown(s.to_string()),
        }
    }

    /// The wire name (`processing`), or the unknown value as sent.
    pub fn as_str(&self) -> &str {
        match self {
            TaskStatus::Queued => "queued",
            TaskStatus::Processing => "processing",
            TaskStatus::Succeeded => "succeeded",
            TaskStatus::Failed => "failed",
            TaskStatus::Cancelled => "cancelled",
            TaskStatus::Unknown(s) => s,
        }
    }

    /// The status in the words every platform shares.
    pub fn normalized(&self) -> JobStatus {
        match self {
            TaskStatus::Queued => JobStatus::Queued,
            TaskStatus::Processing => JobStatus::Running,
            TaskStatus::Succeeded => JobStatus::Succeeded,
            TaskStatus::Failed => JobStatus::Failed,
            TaskStatus::Cancelled => JobStatus::Canceled,
            TaskStatus::Unknown(_) => JobStatus::Unknown,
        }
    }

    /// Whether the task has ended.
    pub fn is_terminal(&self) -> bool {
        self.normalized().is_terminal()
    }
}

impl std::fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for TaskStatus {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TaskStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(TaskStatus::parse(&String::deserialize(d)?))
    }
}

/// A task as returned by submit and `GET /api/v1/tasks/{id}`:
///
/// ```json
/// {"request_id": "req_demo", "task_id": "task_demo", "status": "succeeded",
///  "cost_estimate": 0.2475, "cost_actual": 0.2475,
///  "output": {"videos": [{"url": "https://example.com/output/demo.mp4"}]}}
/// ```
///
/// An answer wrapped as `{"data": {...task...}}` is accepted too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Value")]
pub struct Task {
    /// The id of the request that created (or, with an idempotency key, found) the task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Task id.
    pub task_id: String,
    /// Where the task is.
    #[serde(skip_serializing)]
    pub status: TaskStatus,
    #[serde(rename = "status")]
    raw_status: String,
    /// The price announced at submit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_estimate: Option<f64>,
    /// What was charged, once known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_actual: Option<f64>,
    /// The results; `None` until the task succeeds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<TaskOutput>,
    /// Any other field (`progress`, `error`, `created_at`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The results of a task: `output.videos[]` for video models, `output.images[]` for image models.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskOutput {
    /// Output videos.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub videos: Vec<OutputFile>,
    /// Output images.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<OutputFile>,
    /// Any other result field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One output file: `{"url": ...}` and whatever else the platform says about it. A bare URL
/// string is accepted too.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutputFile {
    /// Where to fetch it.
    pub url: String,
    /// Other fields (`content_type`, `width`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for OutputFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Object {
            url: String,
            #[serde(flatten)]
            extra: Map<String, Value>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Url(String),
            Object(Object),
        }
        Ok(match Wire::deserialize(d)? {
            Wire::Url(url) => OutputFile { url, extra: Map::new() },
            Wire::Object(o) => OutputFile { url: o.url, extra: o.extra },
        })
    }
}

#[derive(Deserialize)]
struct TaskWire {
    #[serde(default)]
    request_id: Option<String>,
    #[serde(deserialize_with = "string_or_number")]
    task_id: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    cost_estimate: Option<f64>,
    #[serde(default)]
    cost_actual: Option<f64>,
    #[serde(default)]
    output: Option<Value>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl TryFrom<Value> for Task {
    type Error = String;
    fn try_from(value: Value) -> std::result::Result<Self, String> {
        let w: TaskWire = serde_json::from_value(unwrap_envelope(value, "task_id")).map_err(|e| e.to_string())?;
        let raw_status = w.status.unwrap_or_default();
        // An output of an unexpected shape is kept rather than failing the whole answer.
        let output = match w.output {
            None | Some(Value::Null) => None,
            Some(v @ Value::Object(_)) => Some(serde_json::from_value(v.clone()).unwrap_or_else(|_| TaskOutput {
                extra: Map::from_iter([("output".to_string(), v)]),
                ..TaskOutput::default()
            })),
            Some(v) => Some(TaskOutput { extra: Map::from_iter([("output".to_string(), v)]), ..TaskOutput::default() }),
        };
        Ok(Task {
            request_id: w.request_id,
            task_id: w.task_id,
            status: TaskStatus::parse(&raw_status),
            raw_status,
            cost_estimate: w.cost_estimate,
            cost_actual: w.cost_actual,
            output,
            extra: w.extra,
        })
    }
}

impl Task {
    /// A task known only by its id, before anything was heard about it.
    pub(crate) fn unseen(task_id: &str) -> Task {
        Task {
            request_id: None,
            task_id: task_id.to_string(),
            status: TaskStatus::Unknown(String::new()),
            raw_status: String::new(),
            cost_estimate: None,
            cost_actual: None,
            output: None,
            extra: Map::new(),
        }
    }

    /// The failure code and message of a failed task, from the fields MindVideo's answers may
    /// carry (`error: {code, message}`, `error: "..."`, `error_code`, `error_message`, `message`).
    fn failure(&self) -> (Option<&str>, Option<&str>) {
        fn str_of(v: Option<&Value>) -> Option<&str> {
            v.and_then(Value::as_str).filter(|s| !s.is_empty())
        }
        let error = self.extra.get("error");
        let code = str_of(error.and_then(|e| e.get("code")))
            .or_else(|| str_of(self.extra.get("error_code")))
            .or_else(|| str_of(self.extra.get("code")));
        let message = str_of(error.and_then(|e| e.get("message")))
            .or_else(|| str_of(error))
            .or_else(|| str_of(self.extra.get("error_message")))
            .or_else(|| str_of(self.extra.get("message")))
            .or_else(|| str_of(self.extra.get("fail_reason")));
        (code, message)
    }
}

impl JobState for Task {
    const PLATFORM: Platform = Platform::Mindvideo;

    fn job_id(&self) -> &str {
        &self.task_id
    }

    fn job_status(&self) -> JobStatus {
        self.status.normalized()
    }

    fn raw_status(&self) -> &str {
        &self.raw_status
    }

    /// From a `progress` field where an answer or event has one (a fraction up to 1.0, a
    /// percent above, or `"37%"`).
    fn progress(&self) -> Option<f64> {
        self.extra.get("progress").and_then(parse_progress)
    }

    /// `output.videos[]` (kind video), `output.images[]` (kind image), then media URLs in any
    /// other output field.
    fn outputs(&self) -> Vec<Output> {
        match &self.output {
            Some(output) => serde_json::to_value(output).map(|v| outputs_in(&v, None, None)).unwrap_or_default(),
            None => Vec::new(),
        }
    }

    fn cost(&self) -> Option<Cost> {
        (self.cost_estimate.is_some() || self.cost_actual.is_some()).then_some(Cost {
            estimated: self.cost_estimate,
            charged: self.cost_actual,
            unit: CostUnit::Currency,
        })
    }

    fn error(&self, family_hint: Option<Family>) -> Option<Error> {
        match self.status {
            TaskStatus::Failed => {
                let (code, message) = self.failure();
                Some(crate::error_body::job_failed(&self.task_id, code, message, family_hint))
            }
            TaskStatus::Cancelled => Some(Error::JobCanceled { id: self.task_id.clone() }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn seed_002_answer_is_typed() {
        let t: Task = serde_json::from_value(json!({
            "request_id": "req_demo_model", "task_id": "task_demo_model", "status": "succeeded",
            "cost_estimate": 0.2475, "cost_actual": 0.2475,
            "output": {"videos": [{"url": "https://example.com/output/demo.mp4"}]}
        }))
        .unwrap();
        assert_eq!(
            (t.status.clone(), t.job_status(), t.raw_status()),
            (TaskStatus::Succeeded, JobStatus::Succeeded, "succeeded")
        );
        assert_eq!(t.output.as_ref().unwrap().videos[0].url, "https://example.com/output/demo.mp4");
        let outs = t.outputs();
        assert_eq!((outs.len(), outs[0].kind), (1, Some(crate::Kind::Video)));
        assert_eq!(t.cost().unwrap().charged, Some(0.2475));
        // Round trip (job handles store the task).
        let back: Task = serde_json::from_value(serde_json::to_value(&t).unwrap()).unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn wrapped_answers_bare_urls_and_odd_outputs() {
        let t: Task = serde_json::from_value(json!({"code": 0, "data": {"task_id": 7, "status": "Processing",
            "output": {"images": ["https://cdn/a.png"]}}}))
        .unwrap();
        assert_eq!((t.task_id.as_str(), t.status.clone(), t.raw_status()), ("7", TaskStatus::Processing, "Processing"));
        assert_eq!(t.outputs()[0].kind, Some(crate::Kind::Image));
        let odd: Task =
            serde_json::from_value(json!({"task_id": "t", "status": "succeeded", "output": "https://cdn/v.mp4"}))
                .unwrap();
        assert_eq!(odd.outputs()[0].url, "https://cdn/v.mp4");
    }
}
