//! Where a document describes a model's result: the schema its typed `Output` is made from.

use serde_json::Value;

use super::{follow_ref, Platform};

/// Properties of an answer that only names a job to follow, not its result.
const JOB_ONLY: &[&str] = &["id", "status", "generation_id", "request_id", "task_id"];

/// The JSON pointer of the schema of the model's result, where the document describes one:
/// - fal: the 200 answer of `GET .../requests/{request_id}` (the queue's result document; the
///   POST answers only the queue status);
/// - AI/ML API: the 200 (or 201) answer of the POST operation, which is the generation as its
///   status `GET` tells it; where the POST answers only a job (`{id, status}`) or nothing, the
///   200 answer of the document's `GET`;
/// - any other OpenAPI document: the POST operation's 200 answer.
///
/// Only JSON answers count, and only schemas that say something: an empty schema, or a `$ref`
/// the document never defines, describes no output.
pub(super) fn output_pointer(platform: Platform, doc: &Value, post_path: &str) -> Option<String> {
    let paths = doc.get("paths")?.as_object()?;
    let mut keys: Vec<&String> = paths.keys().collect();
    keys.sort();
    let op = |path: &str, method: &str| format!("/paths/{}/{method}", esc(path));
    match platform {
        Platform::Fal => keys
            .into_iter()
            .filter(|p| p.ends_with("/requests/{request_id}"))
            .find_map(|p| answer(doc, &op(p, "get"), &["200"])),
        Platform::Aimlapi => {
            let post = answer(doc, &op(post_path, "post"), &["200", "201"]);
            let job_only = post.as_deref().is_some_and(|ptr| {
                let schema = follow_ref(doc, doc.pointer(ptr).unwrap_or(&Value::Null));
                schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|props| props.keys().all(|k| JOB_ONLY.contains(&k.as_str())))
            });
            if post.is_some() && !job_only {
                return post;
            }
            keys.into_iter().find_map(|p| answer(doc, &op(p, "get"), &["200"])).or(post)
        }
        _ => answer(doc, &op(post_path, "post"), &["200"]),
    }
}

/// The pointer of the JSON schema of the operation's first answer among `codes` that describes
/// something; a `$ref`ed response is followed.
fn answer(doc: &Value, op: &str, codes: &[&str]) -> Option<String> {
    codes.iter().find_map(|code| {
        let mut at = format!("{op}/responses/{code}");
        let mut response = doc.pointer(&at)?;
        if let Some(target) = response.get("$ref").and_then(Value::as_str) {
            at = target.strip_prefix('#')?.to_string();
            response = doc.pointer(&at)?;
        }
        let content = response.get("content")?.as_object()?;
        let media = content
            .keys()
            .filter(|m| m.starts_with("application/json"))
            .chain(content.keys().filter(|m| m.contains("json")))
            .find(|m| content[m.as_str()].get("schema").is_some())?;
        let ptr = format!("{at}/content/{}/schema", esc(media));
        describes(doc, doc.pointer(&ptr)?).then_some(ptr)
    })
}

/// Whether a schema says anything about a value: not empty, not only annotations, and not a
/// `$ref` to nothing.
fn describes(doc: &Value, schema: &Value) -> bool {
    let schema = follow_ref(doc, schema);
    schema.get("$ref").is_none()
        && schema.as_object().is_some_and(|o| {
            o.keys().any(|k| {
                matches!(k.as_str(), "type" | "properties" | "items" | "allOf" | "anyOf" | "oneOf" | "enum" | "const")
            })
        })
}

fn esc(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
