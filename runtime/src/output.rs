//! Output media: the files a finished job produced, typed the same way for every platform, and
//! where to find them in a platform's answer.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::Kind;

/// One output file of a job: a URL with what is known about it. Every platform's outputs come
/// as this type ([`crate::JobState::outputs`]); fetch one with `download` on the job or client.
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
    /// segment (percent-decoded), keeping letters and digits of any script (`日落.png` stays
    /// `日落.png`) and `.`, `-`, `_`; anything else (path separators, control characters,
    /// characters Windows forbids, spaces) becomes `_`. Never empty, never starting with a dot,
    /// at most 120 characters. Downloads make it unique in their folder (`output-2.png`).
    pub fn safe_file_name(&self) -> String {
        let from_url = || {
            let path = self.url.split(['?', '#']).next().unwrap_or("");
            percent_decode(path.rsplit('/').next().unwrap_or(""))
        };
        let raw = self.file_name.clone().filter(|n| !n.is_empty()).unwrap_or_else(from_url);
        let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
        let mut name: String =
            last.chars().map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
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

/// A result document as the model's typed output (`veo3::Output`); one that does not fit is
/// [`Error::Decode`](crate::Error::Decode) naming where, with the document.
pub(crate) fn typed<O: serde::de::DeserializeOwned>(value: Value) -> crate::Result<O> {
    let text = value.to_string();
    serde_path_to_error::deserialize(value).map_err(|e| crate::Error::Decode {
        message: format!("the result does not fit the model's output at {}: {}", e.path(), e.inner()),
        body: text,
    })
}

/// `%E6%97%A5` as the UTF-8 it encodes; anything that is not valid escapes or UTF-8 stays as it is.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b))) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
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

pub(crate) fn kind_from_word(word: &str) -> Option<Kind> {
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

pub(crate) fn collect_outputs(value: &Value, key: Option<&str>, default_kind: Option<Kind>, out: &mut Vec<Output>) {
    let key_kind = key.and_then(kind_from_word).or(default_kind);
    match value {
        Value::Object(m) => {
            if let Some(url) = m.get("url").and_then(Value::as_str).filter(|u| is_media_url(u)) {
                let str_field = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
                let u64_field = |ks: &[&str]| ks.iter().find_map(|k| m.get(*k).and_then(Value::as_u64));
                let content_type =
                    str_field("content_type").or_else(|| str_field("contentType")).or_else(|| str_field("mime_type"));
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
    new.kind = new.content_type.as_deref().and_then(kind_from_content_type).or(key_kind).or_else(guessed);
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

/// The media in `value`, in the order listed, each URL once (see [`collect_outputs`]).
pub(crate) fn outputs_in(value: &Value, key: Option<&str>, default_kind: Option<Kind>) -> Vec<Output> {
    let mut out = Vec::new();
    collect_outputs(value, key, default_kind, &mut out);
    out
}

/// Fill in the kind of outputs nothing else told, from what the model makes.
pub(crate) fn default_kind(outputs: &mut [Output], kind: Option<Kind>) {
    for o in outputs.iter_mut().filter(|o| o.kind.is_none()) {
        o.kind = kind;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // Letters of any script stay; what a file system or a shell could misread does not.
        o.file_name = Some("夕阳 sunset<1>|\u{7}.mp4".into());
        assert_eq!(o.safe_file_name(), "夕阳_sunset_1___.mp4");
        o.file_name = None;
        o.url = "https://cdn/x/%E6%97%A5%E8%90%BD.png?sig=%2F".into();
        assert_eq!(o.safe_file_name(), "日落.png");
        o.url = "https://cdn/x/%2e%2e%2Fetc%2Fpasswd".into();
        assert_eq!(o.safe_file_name(), "passwd.mp4");
    }

    #[test]
    fn bare_urls_take_the_kind_of_their_key_then_their_extension() {
        let outs = outputs_in(
            &serde_json::json!({"videos": ["https://cdn/a"], "output": "https://cdn/b.png", "n": "x"}),
            None,
            None,
        );
        let kinds: Vec<_> = outs.iter().map(|o| o.kind).collect();
        assert_eq!(kinds, [Some(Kind::Video), Some(Kind::Image)]);
    }
}
