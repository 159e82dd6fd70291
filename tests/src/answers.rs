//! Each platform's answers, and MindVideo's idempotency ledger.

use axum::response::Response;
use serde_json::Value;

use crate::json;

/// A skills.video generation as the platform sends it.
pub fn generation(id: &str, status: &str) -> Value {
    serde_json::json!({
        "id": id,
        "status": status,
        "input": {"prompt": "a cat walking through neon rain", "duration": 8, "n": 1},
        "usage": {"total": 20, "subscription": 15, "permanent": 5},
        "data": null,
    })
}

/// The idempotency ledger of a MindVideo server, as its docs describe it: a new key creates (and
/// charges) a task; the same key with the same payload finds the original task without a new
/// charge; the same key with another payload is a conflict.
#[derive(Debug, Default)]
pub struct Ledger {
    keys: Vec<(String, Value, String)>,
    /// Task ids in the order they were created.
    pub tasks: Vec<String>,
    /// One entry per charge, naming the task.
    pub charges: Vec<String>,
}

/// What the ledger made of a submit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    Created(String),
    Found(String),
    Conflict,
}

impl Ledger {
    pub fn submit(&mut self, key: Option<&str>, body: &Value) -> Submitted {
        if let Some(key) = key {
            if let Some((_, seen, id)) = self.keys.iter().find(|(k, _, _)| k == key) {
                return if seen == body { Submitted::Found(id.clone()) } else { Submitted::Conflict };
            }
        }
        let id = format!("task_{}", self.tasks.len() + 1);
        self.tasks.push(id.clone());
        self.charges.push(id.clone());
        if let Some(key) = key {
            self.keys.push((key.to_string(), body.clone(), id.clone()));
        }
        Submitted::Created(id)
    }
}

/// A MindVideo task answer.
pub fn mv_task(id: &str, status: &str) -> Value {
    serde_json::json!({
        "request_id": format!("req_{id}"),
        "task_id": id,
        "status": status,
        "cost_estimate": 0.2475,
    })
}

/// A MindVideo task that succeeded with one video at `video_url`.
pub fn mv_done(id: &str, video_url: &str) -> Value {
    let mut done = mv_task(id, "succeeded");
    done["cost_actual"] = serde_json::json!(0.2475);
    done["output"] = serde_json::json!({"videos": [{"url": video_url}]});
    done
}

/// The 409 MindVideo answers for a reused key with another payload.
pub fn mv_conflict() -> Response {
    json(
        409,
        serde_json::json!({"error": {"code": "idempotency_key_conflict",
            "message": "Idempotency-Key was already used with a different request body"}, "request_id": "req_conflict"}),
    )
}

/// A v2 relay task answer.
pub fn v2_task(id: &str, status: &str, progress: Value) -> Value {
    serde_json::json!({
        "task_id": id, "action": "google-videos", "status": status, "fail_reason": "",
        "submit_time": 1756693797, "start_time": 1756693808, "finish_time": 0,
        "progress": progress, "data": null,
    })
}
