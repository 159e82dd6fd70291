//! What AI/ML API answers about a generation.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::answer::string_or_number;
use crate::job::{JobState, JobStatus};
use crate::output::{default_kind, outputs_in, Output};
use crate::{Error, Family, Kind, Platform};

/// The status of a generation. Matching ignores case; any other value is kept in
/// [`Unknown`](GenerationStatus::Unknown) and treated as not finished.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GenerationStatus {
    /// `queued` (also `waiting`)
    Queued,
    /// `generating` (also `active`, `processing`)
    Generating,
    /// `completed`
    Completed,
    /// `error` (also `failed`)
    Error,
    /// A status this SDK does not know, as sent.
    Unknown(String),
}

impl GenerationStatus {
    /// Parse a status as sent.
    pub fn parse(s: &str) -> GenerationStatus {
        match s.trim().to_ascii_lowercase().as_str() {
            "queued" | "waiting" | "pending" => GenerationStatus::Queued,
            "generating" | "active" | "processing" | "in_progress" => GenerationStatus::Generating,
            "completed" | "succeeded" | "success" => GenerationStatus::Completed,
            "error" | "failed" | "failure" => GenerationStatus::Error,
            _ => GenerationStatus::Unknown(s.to_string()),
        }
    }

    /// The status in the words every platform shares.
    pub fn normalized(&self) -> JobStatus {
        match self {
            GenerationStatus::Queued => JobStatus::Queued,
            GenerationStatus::Generating => JobStatus::Running,
            GenerationStatus::Completed => JobStatus::Succeeded,
            GenerationStatus::Error => JobStatus::Failed,
            GenerationStatus::Unknown(_) => JobStatus::Unknown,
        }
    }
}

/// A generation: a video job as `GET /v2/video/generations?generation_id=` tells it, or the
/// direct answer of an image (or other synchronous) generation, taken as completed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Generation {
    /// Generation id (for a synchronous answer without one, an id made by the client).
    #[serde(default, deserialize_with = "string_or_number")]
    pub id: String,
    /// The status as sent (`queued`, `generating`, `completed`, `error`).
    #[serde(default)]
    pub status: String,
    /// What went wrong: an object (`{name, message}`) or a string, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    /// Every other field: `video`, `images`, `data`, `meta`, `usage`, ...
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// The kind the model produces, for outputs whose URL tells none.
    #[serde(skip)]
    pub(crate) kind: Option<Kind>,
    /// The answer exactly as the platform sent it, which a model's typed `Output` reads: the
    /// fields above are normalized (a made-up id and `completed` for a synchronous answer, ids as
    /// strings), which the document's answer is not.
    #[serde(skip)]
    pub(crate) answer: Option<Map<String, Value>>,
}

impl Generation {
    /// The parsed status.
    pub fn parsed_status(&self) -> GenerationStatus {
        GenerationStatus::parse(&self.status)
    }

    /// A generation as the platform sent it (`Map`), keeping the answer for `Job::output`.
    pub(crate) fn from_answer(answer: Map<String, Value>) -> serde_json::Result<Generation> {
        let mut g: Generation = serde_json::from_value(Value::Object(answer.clone()))?;
        g.answer = Some(answer);
        Ok(g)
    }

    /// A synchronous answer (an image generation's `{data: [...]}`) as a completed generation.
    pub(crate) fn completed(mut answer: Map<String, Value>) -> Generation {
        let sent = answer.clone();
        let id = answer
            .remove("id")
            .and_then(|v| v.as_str().map(String::from).or_else(|| v.as_i64().map(|n| n.to_string())))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("sync-{}", uuid::Uuid::new_v4()));
        answer.remove("status");
        let error = answer.remove("error").filter(|e| !e.is_null());
        Generation {
            id,
            status: if error.is_some() { "error" } else { "completed" }.to_string(),
            error,
            extra: answer,
            kind: None,
            answer: Some(sent),
        }
    }
}

impl JobState for Generation {
    const PLATFORM: Platform = Platform::Aimlapi;

    fn job_id(&self) -> &str {
        &self.id
    }

    fn job_status(&self) -> JobStatus {
        self.parsed_status().normalized()
    }

    fn raw_status(&self) -> &str {
        &self.status
    }

    /// From `video`, `videos`, `images`, `image`, `data`, `output(s)`, `audio`, `audio_file`;
    /// each URL once.
    fn outputs(&self) -> Vec<Output> {
        let mut out: Vec<Output> = Vec::new();
        for key in ["video", "videos", "images", "image", "data", "output", "outputs", "audio", "audio_file"] {
            if let Some(value) = self.extra.get(key) {
                for o in outputs_in(value, Some(key), None) {
                    if !out.iter().any(|seen| seen.url == o.url) {
                        out.push(o);
                    }
                }
            }
        }
        default_kind(&mut out, self.kind);
        out
    }

    fn error(&self, family_hint: Option<Family>) -> Option<Error> {
        if self.parsed_status() != GenerationStatus::Error {
            return None;
        }
        let (code, message) = match &self.error {
            Some(Value::String(s)) => (None, Some(s.clone())),
            Some(Value::Object(o)) => (
                o.get("code").or_else(|| o.get("name")).and_then(Value::as_str).map(String::from),
                o.get("message").and_then(Value::as_str).map(String::from),
            ),
            _ => (None, None),
        };
        Some(crate::error_body::job_failed(
            &self.id,
            code.as_deref(),
            Some(message.as_deref().unwrap_or("the generation failed")),
            family_hint,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn video_answers_and_statuses() {
        let g: Generation = serde_json::from_value(json!({
            "id": "gen-1", "status": "completed", "video": {"url": "https://cdn.example.com/a.mp4"}
        }))
        .unwrap();
        assert_eq!(g.job_status(), JobStatus::Succeeded);
        assert_eq!(g.outputs()[0].url, "https://cdn.example.com/a.mp4");
        assert_eq!(g.outputs()[0].kind, Some(Kind::Video));
        for (raw, status) in [
            ("queued", JobStatus::Queued),
            ("generating", JobStatus::Running),
            ("error", JobStatus::Failed),
            ("mystery", JobStatus::Unknown),
        ] {
            assert_eq!(GenerationStatus::parse(raw).normalized(), status, "{raw}");
        }
    }

    #[test]
    fn a_synchronous_image_answer_is_a_completed_generation() {
        let answer =
            json!({"data": [{"url": "https://cdn.example.com/x.png"}, {"url": "https://cdn.example.com/y.png"}]});
        let g = Generation::completed(answer.as_object().unwrap().clone());
        assert!(g.id.starts_with("sync-"));
        assert_eq!(g.job_status(), JobStatus::Succeeded);
        assert_eq!(g.outputs().len(), 2);
    }

    #[test]
    fn the_answer_is_kept_as_sent() {
        let answer = json!({"id": 42, "data": [{"url": "https://cdn.example.com/x.png"}], "meta": {"usage": null}});
        let g = Generation::completed(answer.as_object().unwrap().clone());
        // The state's id is a string and its status is made up; the answer stays as sent.
        assert_eq!((g.id.as_str(), g.status.as_str()), ("42", "completed"));
        assert_eq!(g.answer.map(Value::Object), Some(answer.clone()));
        let g = Generation::from_answer(answer.as_object().unwrap().clone()).unwrap();
        assert_eq!((g.id.as_str(), g.answer.map(Value::Object)), ("42", Some(answer)));
    }

    #[test]
    fn errors_keep_name_and_message() {
        let g: Generation = serde_json::from_value(
            json!({"id": "g", "status": "error", "error": {"name": "ContentPolicy", "message": "rejected"}}),
        )
        .unwrap();
        let e = g.error(Some(Family::Video)).unwrap();
        assert!(e.to_string().contains("rejected"), "{e}");
    }
}
