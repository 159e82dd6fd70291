//! Which properties carry media, so they are typed `MediaInput` (a URL or a local file).

use serde_json::Value;

use super::is_nullish;
use crate::source::follow_ref;

const MEDIA_SUFFIXES: &[&str] =
    &["_url", "_urls", "_image", "_images", "_video", "_videos", "_audio", "_file", "_files", "_frame", "_uri"];
const MEDIA_NAMES: &[&str] = &[
    "image",
    "images",
    "video",
    "videos",
    "file",
    "files",
    "mask",
    "audio_file",
    "image_url",
    "image_urls",
    "video_url",
    "audio_url",
    "url",
    "urls",
];

/// Whether a string property carries media: by name (`first_frame_url`, `image_urls`, `images`),
/// by `format: binary`, or by an upload widget. Webhooks and callbacks are not media.
fn is_media_name(name: &str, schema: &Value) -> bool {
    let lower = name.to_ascii_lowercase();
    if ["hook", "callback", "webhook", "notify"].iter().any(|w| lower.contains(w)) {
        return false;
    }
    let format = schema.get("format").and_then(Value::as_str);
    if format == Some("binary") {
        return true;
    }
    let widget = schema.pointer("/x-playground/widget").and_then(Value::as_str).is_some_and(|w| w.contains("upload"));
    widget || MEDIA_NAMES.contains(&lower.as_str()) || MEDIA_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

/// Whether a property (its `$ref`s followed) is a single media string, possibly nullable.
pub(super) fn is_media_string(wire: &str, schema: &Value) -> bool {
    let is_string = schema.get("type").and_then(Value::as_str) == Some("string")
        || schema
            .get("type")
            .and_then(Value::as_array)
            .is_some_and(|t| t.iter().any(|x| x == "string") && t.iter().all(|x| x == "string" || x == "null"))
        || schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Value::as_array).is_some_and(|m| {
            let non_null: Vec<_> = m.iter().filter(|x| !is_nullish(x)).collect();
            non_null.len() == 1
                && non_null[0].get("type").and_then(Value::as_str) == Some("string")
                && non_null[0].get("enum").is_none()
        });
    is_string && schema.get("enum").is_none() && is_media_name(wire, schema)
}

/// Whether a property (its `$ref`s followed) is an array of media strings.
pub(super) fn is_media_array(doc: &Value, wire: &str, schema: &Value) -> bool {
    if schema.get("type").and_then(Value::as_str) != Some("array") {
        return false;
    }
    let Some(items) = schema.get("items") else {
        return false;
    };
    let items = follow_ref(doc, items);
    let item_string = items.get("type").and_then(Value::as_str) == Some("string") && items.get("enum").is_none();
    item_string && (is_media_name(wire, &items) || is_media_name(wire, schema))
}

/// An uploaded-file object as a Node.js (multer) server describes it: `{buffer, mimetype,
/// originalname, encoding, fieldname, size}`. AI/ML API documents its image uploads this way
/// (gpt-image-1-edit's `image` and `mask`); the file itself travels as a URL or a `data:` URI.
fn is_upload_object(schema: &Value) -> bool {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| p.contains_key("originalname") && (p.contains_key("mimetype") || p.contains_key("buffer")))
}

/// Whether a property (its `$ref`s followed) is an uploaded file: such an object, or a union of
/// such objects and arrays of them (one file or several; one is sent).
pub(super) fn is_upload(doc: &Value, schema: &Value) -> bool {
    let member = |m: &Value| {
        let m = follow_ref(doc, m);
        is_upload_object(&m)
            || (m.get("type").and_then(Value::as_str) == Some("array")
                && m.get("items").is_some_and(|i| is_upload_object(&follow_ref(doc, i))))
    };
    if is_upload_object(schema) {
        return true;
    }
    schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Value::as_array).is_some_and(|members| {
        let real: Vec<&Value> = members.iter().filter(|m| !is_nullish(m)).collect();
        !real.is_empty() && real.iter().all(|m| member(m))
    })
}

/// Whether a property (its `$ref`s followed) takes one media input: a media string or an upload.
pub(super) fn is_media_single(doc: &Value, wire: &str, schema: &Value) -> bool {
    is_media_string(wire, schema) || is_upload(doc, schema)
}
