//! What a v2 relay answers about a task (new-api's task envelope).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::answer::{parse_percent, string_or_number, unwrap_envelope};
use crate::job::{JobState, JobStatus};
use crate::output::{default_kind, outputs_in, Output};
use crate::{Error, Family, Kind, Platform};

/// The status of a relay task.
///
/// Matching ignores case; any other value is kept in [`Unknown`](TaskStatus::Unknown) and
/// treated as not finished.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TaskStatus {
    /// `NOT_START`: accepted, not started.
    NotStart,
    /// `SUBMITTED`: handed to the upstream provider.
    Submitted,
    /// `QUEUED`
    Queued,
    /// `IN_PROGRESS`
    InProgress,
    /// `SUCCESS`
    Success,
    /// `FAILURE` (see [`Task::fail_reason`]).
    Failure,
    /// A status this SDK does not know, as sent.
    Unknown(String),
}

impl TaskStatus {
    /// Parse a status as sent.
    pub fn parse(s: &str) -> TaskStatus {
        match s.trim().to_ascii_uppercase().as_str() {
            "NOT_START" => TaskStatus::NotStart,
            "SUBMITTED" => TaskStatus::Submitted,
            "QUEUED" => TaskStatus::Queued,
            "IN_PROGRESS" => TaskStatus::InProgress,
            "SUCCESS" => TaskStatus::Success,
            "FAILURE" => TaskStatus::Failure,
            _ => TaskStatus::Unknown(s.to_string()),
        }
    }

    /// The wire name (`IN_PROGRESS`), or the unknown value as sent.
    pub fn as_str(&self) -> &str {
        match self {
            TaskStatus::NotStart => "NOT_START",
            TaskStatus::Submitted => "SUBMITTED",
            TaskStatus::Queued => "QUEUED",
            TaskStatus::InProgress => "IN_PROGRESS",
            TaskStatus::Success => "SUCCESS",
            TaskStatus::Failure => "FAILURE",
            TaskStatus::Unknown(s) => s,
        }
    }

    /// The status in the words every platform shares.
    pub fn normalized(&self) -> JobStatus {
        match self {
            TaskStatus::NotStart | TaskStatus::Submitted | TaskStatus::Queued => JobStatus::Queued,
            TaskStatus::InProgress => JobStatus::Running,
            TaskStatus::Success => JobStatus::Succeeded,
            TaskStatus::Failure => JobStatus::Failed,
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
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TaskStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(TaskStatus::parse(&String::deserialize(d)?))
    }
}

/// A relay task, as `GET /v2/{scope}/generations/{task_id}` answers it:
///
/// ```json
/// {"task_id": "veo3:1756693796-YQVHH4A3Lg", "action": "google-videos", "status": "SUCCESS",
///  "fail_reason": "", "submit_time": 1756693797, "start_time": 1756693808,
///  "finish_time": 1756693898, "progress": "100%",
///  "data": {"output": "https://filesystem.site/cdn/20250901/018eg2.mp4"}}
/// ```
///
/// The same wrapped as `{"code": "success", "data": {...}}` is accepted. A submit answer that
/// names no status (`{"task_id": "..."}`) is taken as `SUBMITTED`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Value")]
pub struct Task {
    /// Task id.
    pub task_id: String,
    /// Where the task is.
    #[serde(skip_serializing)]
    pub status: TaskStatus,
    #[serde(rename = "status")]
    raw_status: String,
    /// Progress in percent, 0 to 100 (`"37%"` and `37` both give 37.0).
    #[serde(rename = "progress", skip_serializing_if = "Option::is_none")]
    pub progress_percent: Option<f64>,
    /// Why the task failed; `None` while it has not (the relay sends `""`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail_reason: Option<String>,
    /// When the task was submitted, in Unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submit_time: Option<i64>,
    /// When the task started, in Unix seconds; `None` before (the relay sends 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    /// When the task finished, in Unix seconds; `None` before (the relay sends 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_time: Option<i64>,
    /// The relay's task kind (`google-videos`, `MUSIC`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The results (`output`, `outputs`, provider fields); `None` until there are some.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    /// Any other field (`platform`, top-level `output`/`outputs`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// The kind the scope of the task produces, for outputs whose URL tells none.
    #[serde(skip)]
    pub(crate) kind: Option<Kind>,
}

#[derive(Deserialize)]
struct TaskWire {
    #[serde(deserialize_with = "string_or_number")]
    task_id: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    progress: Option<Value>,
    #[serde(default)]
    fail_reason: Option<String>,
    #[serde(default)]
    submit_time: Option<Value>,
    #[serde(default)]
    start_time: Option<Value>,
    #[serde(default)]
    finish_time: Option<Value>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    data: Option<Value>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

/// A Unix time as a number or a numeric string; 0 means "not yet".
fn unix_seconds(v: Option<Value>) -> Option<i64> {
    let n = match v? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64))?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    (n > 0).then_some(n)
}

impl TryFrom<Value> for Task {
    type Error = String;
    fn try_from(value: Value) -> Result<Self, String> {
        let w: TaskWire = serde_json::from_value(unwrap_envelope(value, "task_id")).map_err(|e| e.to_string())?;
        let raw_status = w.status.unwrap_or_default();
        Ok(Task {
            task_id: w.task_id,
            status: TaskStatus::parse(&raw_status),
            raw_status,
            progress_percent: w.progress.as_ref().and_then(parse_percent),
            fail_reason: w.fail_reason.filter(|r| !r.is_empty()),
            submit_time: unix_seconds(w.submit_time),
            start_time: unix_seconds(w.start_time),
            finish_time: unix_seconds(w.finish_time),
            action: w.action,
            data: w.data.filter(|d| !d.is_null()),
            extra: w.extra,
            kind: None,
        })
    }
}

impl Task {
    /// A submit answer that named no status: the relay accepted the task.
    pub(crate) fn submitted(mut self) -> Task {
        self.status = TaskStatus::Submitted;
        self.raw_status = TaskStatus::Submitted.as_str().to_string();
        self
    }
}

impl JobState for Task {
    const PLATFORM: Platform = Platform::V2;

    fn job_id(&self) -> &str {
        &self.task_id
    }

    fn job_status(&self) -> JobStatus {
        self.status.normalized()
    }

    fn raw_status(&self) -> &str {
        &self.raw_status
    }

    fn progress(&self) -> Option<f64> {
        self.progress_percent.map(|p| (p / 100.0).clamp(0.0, 1.0))
    }

    /// From `data.output`, `data.outputs[]`, and the top-level `output` and `outputs[]`, each URL
    /// once. The kind comes from the content type or the URL's extension, else from the scope.
    fn outputs(&self) -> Vec<Output> {
        let mut sources: Vec<(&str, &Value)> = Vec::new();
        for map in [self.data.as_ref().and_then(Value::as_object), Some(&self.extra)].into_iter().flatten() {
            for key in ["output", "outputs"] {
                if let Some(v) = map.get(key) {
                    sources.push((key, v));
                }
            }
        }
        let mut out: Vec<Output> = Vec::new();
        for (key, value) in sources {
            for o in outputs_in(value, Some(key), None) {
                if !out.iter().any(|seen| seen.url == o.url) {
                    out.push(o);
                }
            }
        }
        default_kind(&mut out, self.kind);
        out
    }

    fn error(&self, family_hint: Option<Family>) -> Option<Error> {
        match self.status {
            TaskStatus::Failure => Some(crate::error_body::job_failed(
                &self.task_id,
                None,
                Some(self.fail_reason.as_deref().unwrap_or("the task failed")),
                family_hint,
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn seed_003_answer_is_typed() {
        let t: Task = serde_json::from_value(json!({
            "task_id": "veo3:1756693796-YQVHH4A3Lg", "platform": "google", "action": "google-videos",
            "status": "SUCCESS", "fail_reason": "", "submit_time": 1756693797, "start_time": 1756693808,
            "finish_time": 1756693898, "progress": "100%",
            "data": {"output": "https://filesystem.site/cdn/20250901/018eg2SgUpHMT6EEuQbfeRLWeUhE75.mp4"},
            "search_item": ""
        }))
        .unwrap();
        assert_eq!((t.status.clone(), t.job_status()), (TaskStatus::Success, JobStatus::Succeeded));
        assert_eq!((t.progress_percent, JobState::progress(&t)), (Some(100.0), Some(1.0)));
        assert_eq!((t.fail_reason.clone(), t.submit_time, t.finish_time), (None, Some(1756693797), Some(1756693898)));
        assert_eq!(t.extra["platform"], "google");
        let outs = t.outputs();
        assert_eq!((outs.len(), outs[0].kind), (1, Some(Kind::Video)));
        let back: Task = serde_json::from_value(serde_json::to_value(&t).unwrap()).unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn new_api_fetch_envelope_with_nothing_yet() {
        let t: Task = serde_json::from_value(json!({"code": "success", "message": "", "data": {
            "task_id": "dcb8", "action": "MUSIC", "status": "NOT_START", "fail_reason": "",
            "submit_time": 1747203819, "start_time": 1747203819, "finish_time": 0, "progress": "0%", "data": null}}))
        .unwrap();
        assert_eq!(
            (t.task_id.as_str(), t.job_status(), t.finish_time, t.data.clone()),
            ("dcb8", JobStatus::Queued, None, None)
        );
        assert_eq!(JobState::progress(&t), Some(0.0));
        assert!(t.outputs().is_empty());
    }

    #[test]
    fn outputs_from_every_place_once_with_the_scope_kind() {
        let mut t: Task = serde_json::from_value(json!({"task_id": "t", "status": "SUCCESS",
            "data": {"output": "https://cdn/a", "outputs": ["https://cdn/a", "https://cdn/b.png"]},
            "output": "https://cdn/c.mp4", "outputs": [{"url": "https://cdn/d", "content_type": "audio/mpeg"}]}))
        .unwrap();
        t.kind = Some(Kind::Video);
        let got: Vec<(String, Option<Kind>)> = t.outputs().into_iter().map(|o| (o.url, o.kind)).collect();
        assert_eq!(
            got,
            [
                ("https://cdn/a".to_string(), Some(Kind::Video)),
                ("https://cdn/b.png".to_string(), Some(Kind::Image)),
                ("https://cdn/c.mp4".to_string(), Some(Kind::Video)),
                ("https://cdn/d".to_string(), Some(Kind::Audio)),
            ]
        );
    }
}
