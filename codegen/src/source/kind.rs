//! The output kind of a model (video, image, audio): declared, read from its result, its path,
//! its text or its input.

use serde_json::Value;

use super::{Kind, Platform};

/// The kind of a fal endpoint's result (its output schema, `$ref`s followed): its `video`,
/// `images` or `audio` property.
fn fal_result_kind(schema: &Value) -> Option<Kind> {
    let props = schema.get("properties")?.as_object()?;
    let has = |names: &[&str]| names.iter().any(|n| props.contains_key(*n));
    if has(&["video", "videos"]) {
        Some(Kind::Video)
    } else if has(&["images", "image"]) {
        Some(Kind::Image)
    } else if has(&["audio", "audio_url", "audio_file"]) {
        Some(Kind::Audio)
    } else {
        None
    }
}

/// The model's kind; `output` is its result's schema, `$ref`s followed, where it has one.
#[allow(clippy::too_many_arguments)]
pub(super) fn kind_of(
    platform: Platform,
    path: &str,
    post_path: Option<&str>,
    doc: &Value,
    output: Option<&Value>,
    input: &Value,
    title: &str,
    summary: &str,
) -> Kind {
    let explicit = input
        .get("x-mediagen-kind")
        .or_else(|| doc.get("x-mediagen-kind"))
        .or_else(|| doc.pointer("/info/x-mediagen-kind"))
        .and_then(Value::as_str);
    match explicit {
        Some("video") => return Kind::Video,
        Some("image") => return Kind::Image,
        Some("audio") => return Kind::Audio,
        _ => {}
    }
    if platform == Platform::V2 {
        match path.split('/').next() {
            Some("images") => return Kind::Image,
            Some("audio") => return Kind::Audio,
            _ => return Kind::Video,
        }
    }
    // fal: what its result (the 200 answer of `GET .../requests/{request_id}`) holds.
    if platform == Platform::Fal {
        if let Some(kind) = output.and_then(fal_result_kind) {
            return kind;
        }
    }
    if let Some(post) = post_path {
        let post = post.to_ascii_lowercase();
        if post.contains("video") {
            return Kind::Video;
        }
        if post.contains("image") {
            return Kind::Image;
        }
        if ["tts", "audio", "speech", "music", "voice"].iter().any(|w| post.contains(w)) {
            return Kind::Audio;
        }
    }
    let words = |text: &str| -> Vec<String> {
        text.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect()
    };
    let path_words = words(path);
    let has = |ws: &[String], list: &[&str]| ws.iter().any(|w| list.contains(&w.as_str()));
    const VIDEO: &[&str] = &[
        "video",
        "veo",
        "veo2",
        "veo3",
        "sora",
        "seedance",
        "hailuo",
        "kling",
        "ltx",
        "runway",
        "luma",
        "ray",
        "wan",
        "vidu",
        "viduq3",
        "pixverse",
        "skyreels",
        "lipsync",
        "omnihuman",
        "gen4",
        "aleph",
        "t2v",
        "i2v",
    ];
    const IMAGE: &[&str] =
        &["image", "img", "banana", "seedream", "flux", "kontext", "ideogram", "imagen", "recraft", "dalle", "t2i"];
    const AUDIO: &[&str] = &["audio", "tts", "speech", "voice", "music", "suno", "song", "sound"];
    // The last word of the path wins ("ltx-2.3/audio-to-video" ends in video; "kling-ai/v3/image" in image).
    for w in path_words.iter().rev() {
        if w == "video" {
            return Kind::Video;
        }
        if w == "image" {
            return Kind::Image;
        }
    }
    if has(&path_words, VIDEO) {
        return Kind::Video;
    }
    if has(&path_words, IMAGE) {
        return Kind::Image;
    }
    if has(&path_words, AUDIO) {
        return Kind::Audio;
    }
    let text_words = words(&format!("{title} {summary}"));
    if has(&text_words, &["video"]) {
        return Kind::Video;
    }
    if has(&text_words, &["image", "picture", "photo"]) {
        return Kind::Image;
    }
    if has(&text_words, AUDIO) {
        return Kind::Audio;
    }
    let props = input.get("properties").and_then(Value::as_object);
    let prop_has = |names: &[&str]| props.is_some_and(|p| p.keys().any(|k| names.iter().any(|n| k.contains(n))));
    if prop_has(&["duration", "fps", "video"]) {
        Kind::Video
    } else if prop_has(&["voice", "lyrics"]) {
        Kind::Audio
    } else {
        Kind::Image
    }
}
