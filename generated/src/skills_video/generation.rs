//! What skills.video answers about a generation: its status, usage, result data and output media.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::{Family, Kind};

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
pub struct Generation {
    /// Generation id.
    #[serde(deserialize_with = "string_or_number")]
    pub id: String,
    /// Where the generation is.
    pub status: Status,
    /// The input as the platform normalized it (defaults filled in).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub input: Value,
    /// Credit usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// The model-specific result; `None` until the generation completes.
    /// See [`Generation::outputs`] for the media it contains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    /// Machine-readable error code, when the generation failed (`VIDEO_GENERATION_TIMEOUT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Human-readable failure message, when the generation failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Any other field the platform sent (older answers carry `outputUrl` and `error`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!("expected a string id, got {other}"))),
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
    pub fn error(&self, family_hint: Option<Family>) -> Option<crate::Error> {
        match self.status {
            Status::Failed => {
                // Older answers carry the reason in `error`, either as a code or as a sentence.
                let legacy = self.extra.get("error").and_then(Value::as_str);
                let legacy_is_code = legacy.is_some_and(|s| crate::ErrorKind::parse_code(s).is_some());
                let code = self.code.as_deref().or(legacy.filter(|_| legacy_is_code));
                let message = self.message.as_deref().or(legacy.filter(|_| !legacy_is_code));
                Some(crate::http::job_failed(&self.id, code, message, family_hint))
            }
            Status::Canceled => Some(crate::Error::JobCanceled { id: self.id.clone() }),
            _ => None,
        }
    }

    /// `Ok(self)` unless the generation failed or was canceled.
    pub(crate) fn into_result(self, family_hint: Option<Family>) -> crate::Result<Generation> {
        match self.error(family_hint) {
            Some(e) => Err(e),
            None => Ok(self),
        }
    }
}

/// One output file of a generation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Output {
    /// Where to fetch it.
    pub url: String,
    /// Image, video or audio, from the content type, the field name or the extension.
    #[serde(default, deserialize_with = "kind_de")]
    pub kind: Option<Kind>,
    /// MIME type, when given.
    pub content_type: Option<String>,
    /// File name, when given.
    pub file_name: Option<String>,
    /// Width in pixels, when given.
    pub width: Option<u64>,
    /// Height in pixels, when given.
    pub height: Option<u64>,
    /// Duration in seconds, when given.
    pub duration: Option<f64>,
    /// Size in bytes, when given.
    pub size: Option<u64>,
}

impl Output {
    /// A file name that is safe to create in a directory: the given name or the URL's last path
    /// segment, reduced to letters, digits, `.`, `-` and `_`, never starting with a dot.
    pub fn safe_file_name(&self) -> String {
        let from_url = || {
            let path = self.url.split(['?', '#']).next().unwrap_or("");
            path.rsplit('/').next().unwrap_or("").to_string()
        };
        let raw = self.file_name.clone().filter(|n| !n.is_empty()).unwrap_or_else(from_url);
        let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
        let mut name: String = last
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
            .collect();
        name = name.trim_start_matches('.').chars().take(120).collect();
        if name.trim_matches(['_', '.']).is_empty() {
            name = "output".into();
        }
        if !name.contains('.') {
            if let Some(ext) = self.content_type.as_deref().and_then(extension_for) {
                name = format!("{name}.{ext}");
            }
        }
        name
    }
}

fn kind_de<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Kind>, D::Error> {
    Ok(match Option::<String>::deserialize(d)?.as_deref() {
        Some("video") => Some(Kind::Video),
        Some("image") => Some(Kind::Image),
        Some("audio") => Some(Kind::Audio),
        _ => None,
    })
}

fn extension_for(content_type: &str) -> Option<&'static str> {
    Some(match content_type.split(';').next()?.trim() {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        "image/gif" => "gif",
        "video/mp4" => "mp4",
        "video/webm" => "webm",
        "video/quicktime" => "mov",
        "audio/mpeg" => "mp3",
        "audio/wav" | "audio/x-wav" => "wav",
        "audio/ogg" => "ogg",
        "audio/mp4" => "m4a",
        _ => return None,
    })
}

fn kind_from_word(word: &str) -> Option<Kind> {
    let w = word.to_ascii_lowercase();
    if w.starts_with("image") || w.contains("image") {
        Some(Kind::Image)
    } else if w.contains("video") {
        Some(Kind::Video)
    } else if w.contains("audio") || w.contains("speech") || w.contains("tts") {
        Some(Kind::Audio)
    } else {
        None
    }
}

fn kind_from_content_type(ct: &str) -> Option<Kind> {
    match ct.split('/').next()? {
        "image" => Some(Kind::Image),
        "video" => Some(Kind::Video),
        "audio" => Some(Kind::Audio),
        _ => None,
    }
}

fn is_media_url(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("http://")
}

fn collect_outputs(value: &Value, key: Option<&str>, default_kind: Option<Kind>, out: &mut Vec<Output>) {
    let key_kind = key.and_then(kind_from_word).or(default_kind);
    match value {
        Value::Object(m) => {
            if let Some(url) = m.get("url").and_then(Value::as_str).filter(|u| is_media_url(u)) {
                let str_field = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
                let u64_field = |ks: &[&str]| ks.iter().find_map(|k| m.get(*k).and_then(Value::as_u64));
                let content_type = str_field("content_type").or_else(|| str_field("contentType")).or_else(|| str_field("mime_type"));
                let output = Output {
                    url: url.to_string(),
                    kind: None,
                    content_type,
                    file_name: str_field("file_name").or_else(|| str_field("fileName")),
                    width: u64_field(&["width"]),
                    height: u64_field(&["height"]),
                    duration: m.get("duration").and_then(Value::as_f64),
                    size: u64_field(&["file_size", "size", "bytes", "fileSize"]),
                };
                push_output(out, output, key_kind);
                // A media object's own fields (thumbnails, ...) are not outputs of their own.
                return;
            }
            for (k, v) in m {
                collect_outputs(v, Some(k), default_kind, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_outputs(v, key, default_kind, out)),
        Value::String(s) if is_media_url(s) => {
            let output = Output {
                url: s.clone(),
                kind: None,
                content_type: None,
                file_name: None,
                width: None,
                height: None,
                duration: None,
                size: None,
            };
            push_output(out, output, key_kind);
        }
        _ => {}
    }
}

/// Add an output, or fill in what an earlier mention of the same URL lacked.
fn push_output(out: &mut Vec<Output>, mut new: Output, key_kind: Option<Kind>) {
    let guessed = || {
        let path = new.url.split(['?', '#']).next().unwrap_or("");
        kind_from_content_type(crate::media::guess_content_type(path))
    };
    new.kind = new
        .content_type
        .as_deref()
        .and_then(kind_from_content_type)
        .or(key_kind)
        .or_else(guessed);
    match out.iter_mut().find(|o| o.url == new.url) {
        Some(old) => {
            old.content_type = old.content_type.take().or(new.content_type);
            old.file_name = old.file_name.take().or(new.file_name);
            old.width = old.width.or(new.width);
            old.height = old.height.or(new.height);
            old.duration = old.duration.or(new.duration);
            old.size = old.size.or(new.size);
            // A content type is better evidence than a field name.
            if let Some(k) = old.content_type.as_deref().and_then(kind_from_content_type) {
                old.kind = Some(k);
            } else {
                old.kind = old.kind.or(new.kind);
            }
        }
        None => out.push(new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
            serde_json::from_value(json!({"id": "o", "status": "succeeded", "outputUrl": "https://cdn/v.mp4"})).unwrap();
        let outs = legacy.outputs();
        assert_eq!((outs.len(), outs[0].kind), (1, Some(Kind::Video)));
    }

    #[test]
    fn safe_file_names() {
        let mut o = Output {
            url: "https://cdn/a/b/clip.mp4?sig=1".into(),
            kind: None,
            content_type: None,
            file_name: None,
            width: None,
            height: None,
            duration: None,
            size: None,
        };
        assert_eq!(o.safe_file_name(), "clip.mp4");
        o.file_name = Some("../../etc/pass wd".into());
        o.content_type = Some("video/mp4".into());
        assert_eq!(o.safe_file_name(), "pass_wd.mp4");
        o.file_name = Some("..".into());
        assert_eq!(o.safe_file_name(), "output.mp4");
    }
}
