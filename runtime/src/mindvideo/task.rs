//! What MindVideo answers about a task: status, costs, outputs, and the events of its stream.

use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::answer::{parse_progress, string_or_number, unwrap_envelope};
use crate::http::Frame;
use crate::job::{Cost, CostUnit, JobState, JobStatus};
use crate::output::{outputs_in, Output};
use crate::{Error, Family, Platform, Result};

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

/// One event of `GET /api/v1/tasks/{id}/events`.
///
/// The events' format is not documented; any of these is understood: the whole task
/// (`{"task_id", "status", ...}`), a partial one (`{"status": "processing", "progress": 40}`),
/// the task under `task` or `data` (`{"type": "task.succeeded", "task": {...}}`), or only a status
/// as the SSE event name (`event: succeeded`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskEvent {
    /// The SSE event name, or else the event's `type` or `event` field; empty when there is none.
    pub event: String,
    /// The task the event is about, when it says.
    pub task_id: Option<String>,
    /// The task's status after the event, when it says.
    pub status: Option<TaskStatus>,
    /// The task's progress (0.0 to 1.0), when it says.
    pub progress: Option<f64>,
    /// The event's JSON as sent.
    pub data: Value,
}

impl TaskEvent {
    /// The event of one message; `None` for keep-alives and other data that is not JSON.
    pub(crate) fn from_frame(frame: &Frame) -> Option<TaskEvent> {
        let data: Value = serde_json::from_str(frame.data.trim()).ok()?;
        let object = data.as_object()?;
        let name = Some(frame.event.as_str())
            .filter(|e| !e.is_empty() && *e != "message")
            .or_else(|| object.get("type").and_then(Value::as_str))
            .or_else(|| object.get("event").and_then(Value::as_str))
            .unwrap_or("")
            .to_string();
        let fields = task_fields(&data);
        let field = |k: &str| fields.and_then(|f| f.get(k));
        let status = field("status").and_then(Value::as_str).map(TaskStatus::parse).or_else(|| status_in_name(&name));
        Some(TaskEvent {
            task_id: field("task_id").and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }),
            status,
            progress: field("progress").and_then(parse_progress),
            event: name,
            data,
        })
    }

    /// The whole task, when the event carries one.
    pub fn task(&self) -> Option<Task> {
        let fields = task_fields(&self.data)?;
        Task::try_from(Value::Object(fields.clone())).ok()
    }

    /// Whether the event reports an error of the stream (an `error` event, or an error body
    /// without a status).
    pub fn is_error(&self) -> bool {
        self.event.eq_ignore_ascii_case("error")
            || (self.status.is_none() && (self.data.get("error").is_some() || self.data.get("code").is_some()))
    }

    /// The error of an [error event](Self::is_error).
    pub(crate) fn error(&self, family: Option<Family>) -> Error {
        crate::error_body::error_from_body(200, &self.data.to_string(), family)
    }

    /// `state` with what this event tells applied; `None` when the event is about another task
    /// or tells nothing about status, progress or results.
    pub(crate) fn apply(&self, state: &Task) -> Option<Task> {
        if self.task_id.as_deref().is_some_and(|id| id != state.task_id) {
            return None;
        }
        let Ok(Value::Object(mut merged)) = serde_json::to_value(state) else {
            return None;
        };
        let mut told = false;
        for (k, v) in task_fields(&self.data).into_iter().flatten() {
            if v.is_null() || matches!(k.as_str(), "type" | "event") {
                continue;
            }
            told |= matches!(k.as_str(), "status" | "progress" | "output" | "cost_actual");
            merged.insert(k.clone(), v.clone());
        }
        if let Some(status) = self.status.as_ref().filter(|_| !merged_has_status(&self.data)) {
            merged.insert("status".into(), Value::String(status.as_str().to_string()));
            told = true;
        }
        // Progress belongs to a status: a new status without a progress of its own drops the old one.
        if self.status.as_ref().is_some_and(|s| *s != state.status) && self.progress.is_none() {
            merged.remove("progress");
        }
        if !told {
            return None;
        }
        Task::try_from(Value::Object(merged)).ok()
    }
}

/// The object holding the task's fields: the event itself, or its `task` or `data` object.
fn task_fields(data: &Value) -> Option<&Map<String, Value>> {
    let is_task =
        |m: &Map<String, Value>| ["task_id", "status", "progress", "output"].iter().any(|k| m.contains_key(*k));
    let outer = data.as_object()?;
    if is_task(outer) {
        return Some(outer);
    }
    ["task", "data"].iter().filter_map(|k| outer.get(*k).and_then(Value::as_object)).find(|m| is_task(m))
}

fn merged_has_status(data: &Value) -> bool {
    task_fields(data).is_some_and(|f| f.get("status").is_some_and(|s| !s.is_null()))
}

/// A status named by an event (`succeeded`, `task.succeeded`, `task_failed`).
fn status_in_name(name: &str) -> Option<TaskStatus> {
    let last = name.rsplit(['.', '_', ':']).next()?;
    match TaskStatus::parse(last) {
        TaskStatus::Unknown(_) => None,
        status => Some(status),
    }
}

/// The events of one task, ending after the terminal one (or when the server closes the stream).
/// A stream that breaks ends with an [`Error::Stream`].
pub struct TaskEvents {
    inner: BoxStream<'static, Result<TaskEvent>>,
}

impl std::fmt::Debug for TaskEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskEvents").finish_non_exhaustive()
    }
}

impl Stream for TaskEvents {
    type Item = Result<TaskEvent>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl TaskEvents {
    pub(crate) fn new(response: reqwest::Response) -> Self {
        let inner = crate::http::frames(response)
            .filter_map(|frame| async move {
                match frame {
                    Err(reason) => {
                        Some(Err(Error::Stream { message: format!("the task event stream broke: {reason}") }))
                    }
                    Ok(frame) => TaskEvent::from_frame(&frame).map(Ok),
                }
            })
            // Stop after the terminal event (or an error): a server may keep the stream open.
            .scan(false, |ended, item| {
                let out = (!*ended).then(|| {
                    *ended = match &item {
                        Ok(e) => e.status.as_ref().is_some_and(TaskStatus::is_terminal),
                        Err(_) => true,
                    };
                    item
                });
                futures_util::future::ready(out)
            })
            .boxed();
        TaskEvents { inner }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn frame(event: &str, data: Value) -> Frame {
        Frame { event: event.into(), data: data.to_string() }
    }

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

    #[test]
    fn events_of_every_shape_apply_to_the_task() {
        let base = Task::unseen("t1");
        let whole =
            TaskEvent::from_frame(&frame("", json!({"task_id": "t1", "status": "queued", "cost_estimate": 0.1})))
                .unwrap();
        let t = whole.apply(&base).unwrap();
        assert_eq!((t.status.clone(), t.cost_estimate), (TaskStatus::Queued, Some(0.1)));

        let partial =
            TaskEvent::from_frame(&frame("progress", json!({"status": "processing", "progress": 40}))).unwrap();
        assert_eq!(partial.progress, Some(0.4));
        let t = partial.apply(&t).unwrap();
        assert_eq!(
            (t.status.clone(), JobState::progress(&t), t.cost_estimate),
            (TaskStatus::Processing, Some(0.4), Some(0.1))
        );

        let nested = TaskEvent::from_frame(&frame(
            "",
            json!({"type": "task.updated", "task": {"task_id": "t1", "progress": "75%"}}),
        ))
        .unwrap();
        assert_eq!(nested.event, "task.updated");
        assert_eq!(JobState::progress(&nested.apply(&t).unwrap()), Some(0.75));

        let named = TaskEvent::from_frame(&frame("task.succeeded", json!({}))).unwrap();
        assert_eq!(named.status, Some(TaskStatus::Succeeded));
        assert_eq!(named.apply(&t).unwrap().status, TaskStatus::Succeeded);

        let other = TaskEvent::from_frame(&frame("", json!({"task_id": "t2", "status": "failed"}))).unwrap();
        assert!(other.apply(&t).is_none());
        let log = TaskEvent::from_frame(&frame("log", json!({"line": "rendering"}))).unwrap();
        assert!(log.apply(&t).is_none() && !log.is_error());
        assert!(TaskEvent::from_frame(&frame("", json!("ping"))).is_none());

        let err = TaskEvent::from_frame(&frame("error", json!({"message": "stream limit"}))).unwrap();
        assert!(err.is_error());
    }
}
