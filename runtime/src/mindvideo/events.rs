//! MindVideo's task events: `GET /api/v1/tasks/{id}/events` as SSE, JSON lines or a JSON array.

use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt as _};
use serde::Serialize;
use serde_json::{Map, Value};

use super::{Task, TaskStatus};
use crate::answer::parse_progress;
use crate::http::Frame;
use crate::{Error, Family, Result};

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
    use crate::JobState;
    use serde_json::json;

    fn frame(event: &str, data: Value) -> Frame {
        Frame { event: event.into(), data: data.to_string() }
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
