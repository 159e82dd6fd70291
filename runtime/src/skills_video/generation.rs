//! What skills.video answers about a generation: its status, usage, result data and output media.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::answer::{parse_progress, string_or_number};
use crate::job::{Cost, CostUnit, JobState, JobStatus};
use crate::output::{collect_outputs, kind_from_word, Output};
use crate::{Error, Family, Platform};

/// The status of a generation.
///
/// Both vocabularies the platform documents are understood and mapped onto one set of variants:
///
/// | variant | current API | older API |
/// |---|---|---|
/// | [`Queued`](Status::Queued) | `IN_QUEUE` | `starting` |
/// | [`InProgress`](Status::InProgress) | `IN_PROGRESS` | `processing` |
/// | [`Completed`](Status::Completed) | `COMPLETED` | `succeeded` |
/// | [`Failed`](Status::Failed) | `FAILED` | `failed` |
/// | [`Canceled`](Status::Canceled) | `CANCELED` | `canceled` |
///
/// Matching ignores case (and accepts `cancelled`). Any other value is kept in
/// [`Unknown`](Status::Unknown) and treated as not finished. Serializes as the current vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Status {
    /// Waiting in the queue.
    Queued,
    /// Running.
    InProgress,
    /// Finished with a result.
    Completed,
    /// Finished with an error (`code`, `message`).
    Failed,
    /// Canceled before it finished.
    Canceled,
    /// A status this SDK does not know, as sent.
    Unknown(String),
}

impl Status {
    /// Parse a status as sent by the platform.
    pub fn parse(s: &str) -> Status {
        const NAMES: &[(&str, Status)] = &[
            ("IN_QUEUE", Status::Queued),
            ("starting", Status::Queued),
            ("IN_PROGRESS", Status::InProgress),
            ("processing", Status::InProgress),
            ("COMPLETED", Status::Completed),
            ("succeeded", Status::Completed),
            ("FAILED", Status::Failed),
            ("CANCELED", Status::Canceled),
            ("cancelled", Status::Canceled),
        ];
        NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s.trim()))
            .map(|(_, status)| status.clone())
            .unwrap_or_else(|| Status::Unknown(s.to_string()))
    }

    /// The current-vocabulary name (`IN_PROGRESS`), or the unknown value as sent.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Queued => "IN_QUEUE",
            Status::InProgress => "IN_PROGRESS",
            Status::Completed => "COMPLETED",
            Status::Failed => "FAILED",
            Status::Canceled => "CANCELED",
            Status::Unknown(s) => s,
        }
    }

    /// Whether the generation has ended (completed, failed or canceled).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Status::Completed | Status::Failed | Status::Canceled)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Status::parse(&s))
    }
}

/// Credits a generation costs, split by the balance they come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// All credits.
    #[serde(default)]
    pub total: f64,
    /// Credits taken from the subscription allowance.
    #[serde(default)]
    pub subscription: f64,
    /// Credits taken from the permanent balance.
    #[serde(default)]
    pub permanent: f64,
}

/// A generation as returned by submit, `GET /v1/generation/{id}` and each SSE event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "GenerationWire")]
pub struct Generation {
    /// Generation id.
    pub id: String,
    /// Where the generation is.
    #[serde(skip_serializing)]
    pub status: Status,
    /// The status as sent (`processing` in older answers, where [`Generation::status`] says
    /// `InProgress`).
    #[serde(rename = "status")]
    raw_status: String,
    /// The input as the platform normalized it (defaults filled in).
    #[serde(skip_serializing_if = "Value::is_null")]
    pub input: Value,
    /// Credit usage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// The model-specific result; `None` until the generation completes.
    /// See [`Generation::outputs`] for the media it contains.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    /// Machine-readable error code, when the generation failed (`VIDEO_GENERATION_TIMEOUT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Human-readable failure message, when the generation failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Any other field the platform sent (older answers carry `outputUrl` and `error`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// [`Generation`] as it arrives: the status still a string.
#[derive(Deserialize)]
struct GenerationWire {
    #[serde(deserialize_with = "string_or_number")]
    id: String,
    status: String,
    #[serde(default)]
    input: Value,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    data: Option<Value>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl From<GenerationWire> for Generation {
    fn from(w: GenerationWire) -> Self {
        Generation {
            id: w.id,
            status: Status::parse(&w.status),
            raw_status: w.status,
            input: w.input,
            usage: w.usage,
            data: w.data,
            code: w.code,
            message: w.message,
            extra: w.extra,
        }
    }
}

impl Generation {
    /// Whether the generation has ended.
    pub fn is_terminal(&self) -> bool {
        self.status.is_terminal()
    }

    /// The output media in [`data`](Self::data), in the order the platform lists them, each URL
    /// once. A media object (`{url, content_type, file_name, width, height, ...}`) gives its
    /// metadata; a bare URL string gives what its field name and extension tell. Falls back to
    /// the older top-level `outputUrl`.
    pub fn outputs(&self) -> Vec<Output> {
        let mut out = Vec::new();
        if let Some(data) = &self.data {
            let default_kind = data.get("type").and_then(Value::as_str).and_then(kind_from_word);
            collect_outputs(data, None, default_kind, &mut out);
        }
        if out.is_empty() {
            for key in ["outputUrl", "output_url"] {
                if let Some(v) = self.extra.get(key) {
                    collect_outputs(v, Some(key), None, &mut out);
                }
            }
        }
        out
    }

    /// The error a generation that ended badly stands for: [`crate::Error::JobFailed`] (with the
    /// code parsed into a kind and family) or [`crate::Error::JobCanceled`]; `None` otherwise.
    pub fn error(&self, family_hint: Option<Family>) -> Option<Error> {
        match self.status {
            Status::Failed => {
                // Older answers carry the reason in `error`, either as a code or as a sentence.
                let legacy = self.extra.get("error").and_then(Value::as_str);
                let legacy_is_code = legacy.is_some_and(|s| crate::ErrorKind::parse_code(s).is_some());
                let code = self.code.as_deref().or(legacy.filter(|_| legacy_is_code));
                let message = self.message.as_deref().or(legacy.filter(|_| !legacy_is_code));
                Some(crate::error_body::job_failed(&self.id, code, message, family_hint))
            }
            Status::Canceled => Some(Error::JobCanceled { id: self.id.clone() }),
            _ => None,
        }
    }
}

impl JobState for Generation {
    const PLATFORM: Platform = Platform::SkillsVideo;

    fn job_id(&self) -> &str {
        &self.id
    }

    fn job_status(&self) -> JobStatus {
        match self.status {
            Status::Queued => JobStatus::Queued,
            Status::InProgress => JobStatus::Running,
            Status::Completed => JobStatus::Succeeded,
            Status::Failed => JobStatus::Failed,
            Status::Canceled => JobStatus::Canceled,
            Status::Unknown(_) => JobStatus::Unknown,
        }
    }

    fn raw_status(&self) -> &str {
        &self.raw_status
    }

    /// skills.video documents no progress; a `progress` field is read when an answer has one
    /// (a fraction up to 1.0, a percent above, or `"37%"`).
    fn progress(&self) -> Option<f64> {
        self.extra.get("progress").and_then(parse_progress)
    }

    fn outputs(&self) -> Vec<Output> {
        Generation::outputs(self)
    }

    fn cost(&self) -> Option<Cost> {
        self.usage.map(|u| Cost { estimated: None, charged: Some(u.total), unit: CostUnit::Credits })
    }

    fn error(&self, family_hint: Option<Family>) -> Option<Error> {
        Generation::error(self, family_hint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Kind;
    use serde_json::json;

    #[test]
    fn statuses() {
        for (wire, status) in [
            ("IN_QUEUE", Status::Queued),
            ("starting", Status::Queued),
            ("IN_PROGRESS", Status::InProgress),
            ("processing", Status::InProgress),
            ("COMPLETED", Status::Completed),
            ("succeeded", Status::Completed),
            ("FAILED", Status::Failed),
            ("failed", Status::Failed),
            ("CANCELED", Status::Canceled),
            ("canceled", Status::Canceled),
            ("cancelled", Status::Canceled),
        ] {
            assert_eq!(Status::parse(wire), status, "{wire}");
        }
        let odd = Status::parse("PAUSED");
        assert_eq!(odd, Status::Unknown("PAUSED".into()));
        assert!(!odd.is_terminal());
        assert_eq!(serde_json::to_value(Status::parse("processing")).unwrap(), json!("IN_PROGRESS"));
    }

    #[test]
    fn the_raw_status_is_kept_and_round_trips() {
        let g: Generation =
            serde_json::from_value(json!({"id": "g", "status": "processing", "progress": 0.25})).unwrap();
        assert_eq!(
            (g.status.clone(), g.raw_status(), g.job_status()),
            (Status::InProgress, "processing", JobStatus::Running)
        );
        assert_eq!(JobState::progress(&g), Some(0.25));
        let back: Generation = serde_json::from_value(serde_json::to_value(&g).unwrap()).unwrap();
        assert_eq!(back, g);
    }

    #[test]
    fn outputs_from_image_data() {
        let g: Generation = serde_json::from_value(json!({
            "id": "g", "status": "COMPLETED", "input": {}, "usage": {"total": 2, "subscription": 2, "permanent": 0},
            "data": {"type": "image", "n": 1, "actual_prompt": "a cat",
                     "images": [{"url": "https://cdn/x.png", "file_name": "x.png", "content_type": "image/png", "width": 1024, "height": 768}],
                     "image": {"url": "https://cdn/x.png", "file_name": "x.png", "content_type": "image/png", "width": 1024, "height": 768}}
        }))
        .unwrap();
        let outs = g.outputs();
        assert_eq!(outs.len(), 1);
        assert_eq!(outs[0].kind, Some(Kind::Image));
        assert_eq!((outs[0].width, outs[0].height), (Some(1024), Some(768)));
        assert_eq!(g.usage.unwrap().total, 2.0);
    }

    #[test]
    fn outputs_from_tts_and_legacy() {
        let g: Generation = serde_json::from_value(json!({
            "id": 7, "status": "succeeded",
            "data": {"audio_url": "https://cdn/a.mp3", "audio": {"url": "https://cdn/a.mp3", "content_type": "audio/mpeg", "duration": 3.2}}
        }))
        .unwrap();
        assert_eq!(g.id, "7");
        let outs = g.outputs();
        assert_eq!(outs.len(), 1);
        assert_eq!(outs[0].content_type.as_deref(), Some("audio/mpeg"));
        assert_eq!(outs[0].duration, Some(3.2));
        assert_eq!(outs[0].kind, Some(Kind::Audio));

        let legacy: Generation =
            serde_json::from_value(json!({"id": "o", "status": "succeeded", "outputUrl": "https://cdn/v.mp4"}))
                .unwrap();
        let outs = legacy.outputs();
        assert_eq!((outs.len(), outs[0].kind), (1, Some(Kind::Video)));
    }
}
