//! Reading a schema file: which model it describes and where its input schema is.

mod document;
mod kind;
mod output;

use serde_json::Value;

use crate::{Error, SchemaFile, Settings};

/// The platforms a schema can be dropped into (the first folder under `schemas/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Platform {
    /// `schemas/skills-video/<model path>.json`
    SkillsVideo,
    /// `schemas/mindvideo/<slug>.json`
    Mindvideo,
    /// `schemas/v2/<scope>/<model>.json`
    V2,
    /// `schemas/aimlapi/<vendor>/<model>.json`: a published AI/ML API document, unchanged.
    Aimlapi,
    /// `schemas/fal/<endpoint id>.json`: fal's queue OpenAPI document of the endpoint, unchanged.
    Fal,
}

impl Platform {
    /// Folder name and registry id prefix.
    pub fn dir(self) -> &'static str {
        match self {
            Platform::SkillsVideo => "skills-video",
            Platform::Mindvideo => "mindvideo",
            Platform::V2 => "v2",
            Platform::Aimlapi => "aimlapi",
            Platform::Fal => "fal",
        }
    }

    /// Rust module of the platform in the generated crate.
    pub fn module(self) -> &'static str {
        match self {
            Platform::SkillsVideo => "skills_video",
            Platform::Mindvideo => "mindvideo",
            Platform::V2 => "v2",
            Platform::Aimlapi => "aimlapi",
            Platform::Fal => "fal",
        }
    }

    /// The runtime's marker type of the platform (`SkillsVideo`, `MindVideo`).
    pub fn marker(self) -> &'static str {
        match self {
            Platform::SkillsVideo => "SkillsVideo",
            Platform::Mindvideo => "MindVideo",
            Platform::V2 => "V2",
            Platform::Aimlapi => "Aimlapi",
            Platform::Fal => "Fal",
        }
    }

    /// Variant name of `mediagen::Platform`.
    pub fn variant(self) -> &'static str {
        match self {
            Platform::SkillsVideo => "SkillsVideo",
            Platform::Mindvideo => "Mindvideo",
            Platform::V2 => "V2",
            Platform::Aimlapi => "Aimlapi",
            Platform::Fal => "Fal",
        }
    }

    /// All platforms.
    pub const ALL: [Platform; 5] =
        [Platform::SkillsVideo, Platform::Mindvideo, Platform::V2, Platform::Aimlapi, Platform::Fal];
}

/// Output kind of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Video.
    Video,
    /// Image.
    Image,
    /// Audio (speech, music).
    Audio,
}

impl Kind {
    /// Variant name of `mediagen::Kind`.
    pub fn variant(self) -> &'static str {
        match self {
            Kind::Video => "Video",
            Kind::Image => "Image",
            Kind::Audio => "Audio",
        }
    }
}

/// Everything known about a model before its types are generated.
#[derive(Debug, Clone)]
pub struct ModelSource {
    /// The schema file as the user sees it: `schemas/skills-video/google/veo-3.1.json`.
    pub file: String,
    /// Registry id: `skills-video/google/veo-3.1`.
    pub id: String,
    /// Platform.
    pub platform: Platform,
    /// Path within the platform: `google/veo-3.1`, `skyreels-v4-fast`, `videos/veo3`.
    pub path: String,
    /// Value of the envelope's `model` field.
    pub model_name: String,
    /// Whether `model` is removed from the input type because the client sets it (v2; AI/ML API
    /// documents whose `model` allows one value).
    pub strip_model: bool,
    /// The submit path relative to the platform's base URL.
    pub endpoint: String,
    /// Output kind.
    pub kind: Kind,
    /// Human title.
    pub title: String,
    /// One-line summary.
    pub summary: String,
    /// The parsed document (refs are resolved against it), less the component schemas nothing
    /// else in it reaches.
    pub document: Value,
    /// JSON pointer of the input schema inside the document ("" for a JSON Schema file).
    pub input_pointer: String,
    /// JSON pointer of the schema of the model's result, where the document describes one
    /// (OpenAPI documents only; see `source/output.rs` for where each platform keeps it).
    pub output_pointer: Option<String>,
    /// Whether keywords beside a `$ref` apply (OpenAPI 3.1, JSON Schema 2019-09 and later, and a
    /// JSON Schema file that names no draft) or are ignored as the spec says (OpenAPI 3.0,
    /// Swagger 2, JSON Schema draft-07 and earlier).
    pub ref_siblings_apply: bool,
}

impl ModelSource {
    /// The input schema.
    pub fn input(&self) -> &Value {
        self.document.pointer(&self.input_pointer).unwrap_or(&Value::Null)
    }
}

/// Parse a schema file and locate the model's input schema.
pub fn load(file: &SchemaFile, settings: &Settings) -> Result<ModelSource, Error> {
    let shown = format!("{}/{}", settings.schemas_dir.trim_end_matches('/'), file.path);
    let err = |pointer: &str, reason: String| Error::schema(&shown, pointer, reason);

    let document: Value = document::parse(&file.text)
        .map_err(|e| err("", format!("invalid JSON at line {} column {}: {e}", e.line(), e.column())))?;
    if !document.is_object() {
        return Err(err("", "a schema file must hold a JSON object".into()));
    }

    let (platform, path) = split_path(&file.path).map_err(|reason| err("", reason))?;
    let id = format!("{}/{}", platform.dir(), path);

    let is_openapi = document.get("openapi").is_some() || document.get("swagger").is_some();
    let (input_pointer, op, post_path) = if is_openapi {
        let (pointer, op, post_path) = find_request_body(&document).map_err(|(p, reason)| {
            if reason == crate::error::NO_MODEL {
                Error::NoModel { file: shown.clone(), reason }
            } else {
                err(&p, reason)
            }
        })?;
        (pointer, Some(op), Some(post_path))
    } else {
        (String::new(), None, None)
    };
    let input = document.pointer(&input_pointer).cloned().unwrap_or(Value::Null);
    let input = follow_ref(&document, &input);
    let output_pointer = post_path.as_deref().and_then(|p| output::output_pointer(platform, &document, p));
    let output = output_pointer.as_deref().and_then(|p| document.pointer(p)).map(|o| follow_ref(&document, o));

    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    let last = path.rsplit('/').next().unwrap_or(&path).to_string();
    let title_from_info =
        text(op.as_ref().and_then(|o| o.get("summary"))).is_none() && text(document.pointer("/info/title")).is_some();
    let title = text(op.as_ref().and_then(|o| o.get("summary")))
        .or_else(|| text(document.pointer("/info/title")))
        .or_else(|| text(input.get("title")))
        .or_else(|| text(document.get("title")))
        .unwrap_or_else(|| last.clone());
    let summary = text(op.as_ref().and_then(|o| o.get("description")))
        .or_else(|| text(document.pointer("/info/description")))
        .or_else(|| text(document.get("description")))
        .or_else(|| text(input.get("description")))
        .unwrap_or_else(|| title.clone());
    let summary = summary.lines().next().unwrap_or_default().trim().to_string();

    // The body's `model`: a const, a one-value enum, or the first of several (then it stays a field).
    let model_schema = input.pointer("/properties/model").map(|m| follow_ref(&document, m));
    let model_values: Vec<String> = model_schema
        .as_ref()
        .map(|m| {
            m.get("const")
                .map(|c| vec![c.clone()])
                .or_else(|| m.get("enum").and_then(Value::as_array).cloned())
                .or_else(|| m.get("default").map(|d| vec![d.clone()]))
                .unwrap_or_default()
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    // fal: the endpoint id, from `info.x-fal-metadata.endpointId`, else from the POST path.
    let fal_endpoint = text(document.pointer("/info/x-fal-metadata/endpointId"))
        .or_else(|| post_path.as_deref().map(|p| p.trim_matches('/').to_string()))
        .unwrap_or_else(|| path.clone());
    let model_name = match platform {
        Platform::Fal => fal_endpoint.clone(),
        Platform::SkillsVideo => last.clone(),
        Platform::Mindvideo => path.clone(),
        Platform::V2 | Platform::Aimlapi => model_values.first().cloned().unwrap_or_else(|| last.clone()),
    };
    let strip_model = match platform {
        Platform::V2 => true,
        Platform::Aimlapi => model_values.len() <= 1,
        _ => false,
    };

    let kind =
        kind::kind_of(platform, &path, post_path.as_deref(), &document, output.as_ref(), &input, &title, &summary);
    let endpoint = match platform {
        Platform::SkillsVideo => format!("/v1/generation/{path}"),
        Platform::Mindvideo => "/api/v1/tasks".to_string(),
        Platform::V2 => format!("/v2/{}/generations", path.split('/').next().unwrap_or("videos")),
        Platform::Fal => format!("/{fal_endpoint}"),
        Platform::Aimlapi => post_path.clone().unwrap_or_else(|| {
            match kind {
                Kind::Video => "/v2/video/generations",
                Kind::Image => "/v1/images/generations",
                Kind::Audio => "/v1/tts",
            }
            .to_string()
        }),
    };
    // A document whose only title is its publisher's (every AI/ML API document says "AIML API")
    // still names its model: the body's `model`. Say which model it is and what it does.
    let named = !model_values.is_empty() && model_values.iter().all(|m| !title.contains(m.as_str()));
    let (title, summary) = match model_values.as_slice() {
        [first, ..] if title_from_info && named && summary == title => {
            let what = match kind {
                Kind::Video => "Video",
                Kind::Image => "Image",
                Kind::Audio => "Audio",
            };
            let operation = match endpoint.rsplit('/').next().unwrap_or("") {
                "edits" => "editing",
                _ => "generation",
            };
            // One model: its name; several behind one document: the file's model path.
            let name = if model_values.len() == 1 { first.clone() } else { path.clone() };
            let models = model_values.join(" or ");
            (name, format!("{what} {operation} with {models} on {title} (`POST {endpoint}`)."))
        }
        // fal's documents are titled by the queue, and often described by boilerplate.
        _ if platform == Platform::Fal => {
            let boilerplate = summary == "The Fal Queue API." || summary.starts_with("The OpenAPI schema for the");
            let what = match kind {
                Kind::Video => "Video",
                Kind::Image => "Image",
                Kind::Audio => "Audio",
            };
            let summary = if boilerplate || summary == title {
                format!("{what} model {fal_endpoint} on fal.ai (`POST {endpoint}`).")
            } else {
                summary
            };
            (fal_endpoint.clone(), summary)
        }
        _ => (title, summary),
    };
    Ok(ModelSource {
        file: shown,
        id,
        platform,
        path,
        model_name,
        strip_model,
        endpoint,
        kind,
        title,
        summary,
        ref_siblings_apply: ref_siblings_apply(&document),
        document,
        input_pointer,
        output_pointer,
    })
}

/// JSON pointer of a parsed document's input schema, found as [`generate_model`](crate::generate_model) finds it: `""` for a JSON
/// Schema file, the POST operation's request body schema for an OpenAPI document. Needs no path,
/// so two revisions of a document can be compared wherever they come from.
pub fn input_pointer(document: &Value) -> Result<String, String> {
    if document.get("openapi").is_some() || document.get("swagger").is_some() {
        find_request_body(document).map(|(pointer, _, _)| pointer).map_err(|(p, reason)| format!("{p}: {reason}"))
    } else {
        Ok(String::new())
    }
}

/// JSON pointer of the schema of a model's typed `Output` in a parsed document of `platform`
/// (its folder name: `fal`, `aimlapi`), found as [`generate_model`](crate::generate_model) finds
/// it; `None` where the document describes no output.
pub fn output_pointer_of(platform: &str, document: &Value) -> Option<String> {
    let platform = Platform::ALL.into_iter().find(|p| p.dir() == platform)?;
    let (_, _, post) = find_request_body(document).ok()?;
    output::output_pointer(platform, document, &post)
}

/// Whether the document's version lets keywords beside `$ref` apply: OpenAPI 3.1 (JSON Schema
/// 2020-12) and JSON Schema 2019-09 on do; OpenAPI 3.0, Swagger and drafts 3 to 7 ignore them.
fn ref_siblings_apply(document: &Value) -> bool {
    if document.get("swagger").is_some() {
        return false;
    }
    if let Some(v) = document.get("openapi") {
        return !v.as_str().is_some_and(|v| v.starts_with("3.0") || v.starts_with("2."));
    }
    let schema = document.get("$schema").and_then(Value::as_str).unwrap_or("");
    !["draft-03", "draft-04", "draft-05", "draft-06", "draft-07"].iter().any(|d| schema.contains(d))
}

/// Keywords that describe a value rather than constrain it: beside a `$ref` they are honoured in
/// every version (descriptions, defaults and OpenAPI 3.0 `nullable` are written there in practice).
pub fn is_annotation(key: &str) -> bool {
    key.starts_with("x-")
        || matches!(
            key,
            "description"
                | "title"
                | "default"
                | "example"
                | "examples"
                | "nullable"
                | "deprecated"
                | "readOnly"
                | "writeOnly"
                | "$comment"
                | "$id"
                | "$schema"
                | "format"
        )
}

/// `skills-video/google/veo-3.1.json` -> (SkillsVideo, "google/veo-3.1").
fn split_path(path: &str) -> Result<(Platform, String), String> {
    let Some(stem) = path.strip_suffix(".json") else {
        return Err("schema files must end in .json".into());
    };
    let (dir, rest) = stem.split_once('/').ok_or_else(|| {
        "a schema must be inside a platform folder (skills-video/, mindvideo/, v2/, aimlapi/, fal/)".to_string()
    })?;
    let platform = Platform::ALL
        .into_iter()
        .find(|p| p.dir() == dir)
        .ok_or_else(|| format!("unknown platform folder {dir:?}: use skills-video, mindvideo, v2, aimlapi or fal"))?;
    let segments: Vec<&str> = rest.split('/').collect();
    let valid_segment = |s: &&str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && s.chars().any(|c| c.is_ascii_alphanumeric())
    };
    if !segments.iter().all(valid_segment) {
        return Err(format!("model path {rest:?}: segments may hold letters, digits, '-', '_' and '.'"));
    }
    match platform {
        Platform::SkillsVideo if !(1..=4).contains(&segments.len()) => {
            Err(format!("skills.video model path {rest:?} must have 1 to 4 segments"))
        }
        Platform::Mindvideo if segments.len() != 1 => {
            Err(format!("MindVideo schemas are schemas/mindvideo/<slug>.json, not {rest:?}"))
        }
        Platform::Aimlapi if !(1..=4).contains(&segments.len()) => {
            Err(format!("AI/ML API model path {rest:?} must have 1 to 4 segments"))
        }
        Platform::Fal if !(2..=7).contains(&segments.len()) => {
            Err(format!("fal endpoint id {rest:?} must have 2 to 7 segments (owner/app/...)"))
        }
        Platform::V2 if segments.len() != 2 || !["images", "videos", "audio"].contains(&segments[0]) => {
            Err(format!("v2 schemas are schemas/v2/<images|videos|audio>/<model>.json, not {rest:?}"))
        }
        _ => Ok((platform, rest.to_string())),
    }
}

/// Follow `$ref`s (local only) until a schema that is not a bare reference.
pub fn follow_ref(document: &Value, schema: &Value) -> Value {
    let mut current = schema.clone();
    for _ in 0..32 {
        let Some(target) = current.get("$ref").and_then(Value::as_str) else {
            return current;
        };
        match target.strip_prefix('#').and_then(|p| document.pointer(p)) {
            Some(next) => current = next.clone(),
            None => return current,
        }
    }
    current
}

/// The pointer of the request body schema of the document's POST operation.
fn find_request_body(doc: &Value) -> Result<(String, Value, String), (String, String)> {
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| ("/paths".to_string(), "an OpenAPI document needs `paths`".to_string()))?;
    let mut keys: Vec<&String> = paths.keys().collect();
    keys.sort();
    let post = keys
        .into_iter()
        .find(|k| paths[k.as_str()].get("post").is_some())
        .ok_or_else(|| ("/paths".to_string(), crate::error::NO_MODEL.to_string()))?;
    let esc = post.replace('~', "~0").replace('/', "~1");
    let op_pointer = format!("/paths/{esc}/post");
    let op = doc.pointer(&op_pointer).cloned().unwrap_or(Value::Null);
    let mut body_pointer = format!("{op_pointer}/requestBody");
    let mut body = op
        .get("requestBody")
        .cloned()
        .ok_or_else(|| (op_pointer.clone(), "the POST operation has no requestBody".to_string()))?;
    if let Some(r) = body.get("$ref").and_then(Value::as_str) {
        body_pointer = r.trim_start_matches('#').to_string();
        body = doc
            .pointer(&body_pointer)
            .cloned()
            .ok_or_else(|| (format!("{op_pointer}/requestBody/$ref"), format!("$ref {r:?} points to nothing")))?;
    }
    let content = body
        .get("content")
        .and_then(Value::as_object)
        .ok_or_else(|| (format!("{body_pointer}/content"), "the request body has no content".to_string()))?;
    let media = ["application/json", "multipart/form-data", "application/x-www-form-urlencoded"]
        .into_iter()
        .find(|m| content.get(*m).and_then(|c| c.get("schema")).is_some())
        .or_else(|| content.iter().find(|(_, c)| c.get("schema").is_some()).map(|(k, _)| k.as_str()))
        .ok_or_else(|| (format!("{body_pointer}/content"), "the request body has no schema".to_string()))?;
    let esc = media.replace('~', "~0").replace('/', "~1");
    Ok((format!("{body_pointer}/content/{esc}/schema"), op, post.clone()))
}

/// The model's input schema with every local `$ref` it reaches inlined (recursive references
/// stay references): what the registry shows and the CLI describes.
pub fn display_schema(src: &ModelSource) -> Value {
    fn inline(doc: &Value, v: &Value, stack: &mut Vec<String>, apply: bool) -> Value {
        match v {
            Value::Object(m) => {
                if let Some(target) = m.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                    if stack.iter().any(|s| s == target) || stack.len() > 12 {
                        return v.clone();
                    }
                    if let Some(t) = doc.pointer(target) {
                        stack.push(target.to_string());
                        let mut out = inline(doc, t, stack, apply);
                        stack.pop();
                        if let Value::Object(o) = &mut out {
                            for (k, sv) in m.iter().filter(|(k, _)| k.as_str() != "$ref") {
                                // Ignored keywords beside a `$ref` (OpenAPI 3.0, draft-07) are not shown.
                                if !apply && !is_annotation(k) {
                                    continue;
                                }
                                let sv = inline(doc, sv, stack, apply);
                                let stricter = match (k.as_str(), o.get(k).and_then(Value::as_f64), sv.as_f64()) {
                                    ("minimum" | "exclusiveMinimum" | "minLength" | "minItems", Some(a), Some(b)) => {
                                        a > b
                                    }
                                    ("maximum" | "exclusiveMaximum" | "maxLength" | "maxItems", Some(a), Some(b)) => {
                                        a < b
                                    }
                                    _ => false,
                                };
                                if !stricter {
                                    o.insert(k.clone(), sv);
                                }
                            }
                        }
                        return out;
                    }
                }
                Value::Object(
                    m.iter()
                        .filter(|(k, _)| !k.starts_with("x-") && k.as_str() != "examples" && k.as_str() != "example")
                        .map(|(k, sv)| (k.clone(), inline(doc, sv, stack, apply)))
                        .collect(),
                )
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| inline(doc, x, stack, apply)).collect()),
            other => other.clone(),
        }
    }
    inline(&src.document, src.input(), &mut Vec::new(), src.ref_siblings_apply)
}
