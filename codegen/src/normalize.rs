//! Rewrite a model's input schema into the subset typify types well.
//!
//! Real schemas carry constructs typify ignores, mistypes or panics on. This pass:
//! - reaches only what the request body reaches (never a document's whole component set);
//! - gives every inline enum, object and union a name of its own (`AspectRatio`, `RefImagesItem`),
//!   unique within the model, and rewrites `$ref`s to those names;
//! - turns OpenAPI 3.0 `nullable`, boolean `exclusiveMinimum`, `type: [T, "null"]` and null
//!   members of `anyOf`/`oneOf` into one form;
//! - moves every constraint typify does not enforce (ranges, lengths, patterns, item counts,
//!   numeric enums, constants) into [`Rule`]s checked at run time, and drops `default`s so an
//!   unset field is never sent;
//! - types media URL fields as `MediaInput` (URL or file);
//! - writes each field's description, default, range and allowed values into its docs.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::source::ModelSource;
use crate::Error;

/// The name of the root input type in every model module.
pub const ROOT: &str = "Input";
/// The definition that stands for `crate::MediaInput`.
pub const MEDIA: &str = "MediaInput";

/// A constraint checked at run time (see `mediagen::validate`).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Wire names joined by `/`, `*` for array items.
    pub path: String,
    /// Root discriminator `(property, JSON value)` the rule depends on.
    pub when: Option<(String, String)>,
    /// The check.
    pub check: Check,
}

/// The checks of [`Rule`], mirroring `mediagen::validate::Check`.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// `minimum`
    Minimum(f64),
    /// `exclusiveMinimum`
    ExclusiveMinimum(f64),
    /// `maximum`
    Maximum(f64),
    /// `exclusiveMaximum`
    ExclusiveMaximum(f64),
    /// `multipleOf`
    MultipleOf(f64),
    /// `minLength`
    MinLength(u64),
    /// `maxLength`
    MaxLength(u64),
    /// `pattern`
    Pattern(String),
    /// `minItems`
    MinItems(u64),
    /// `maxItems`
    MaxItems(u64),
    /// `uniqueItems`
    UniqueItems,
    /// `const`, JSON text
    Const(String),
    /// `enum` of non-string values, JSON texts
    Enum(Vec<String>),
}

/// The result of normalisation: named definitions ready for typify, and the rules.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// Definition name -> schema; refs point at `#/definitions/<name>`. Always holds [`ROOT`].
    pub defs: BTreeMap<String, Value>,
    /// Run-time checks, in schema order.
    pub rules: Vec<Rule>,
    /// Wire paths of fields left as `serde_json::Value`.
    pub loose: Vec<String>,
}

struct Ctx<'a> {
    src: &'a ModelSource,
    doc: &'a Value,
    defs: BTreeMap<String, Value>,
    /// Document pointer -> definition name, for `$ref` targets already named.
    named: BTreeMap<String, String>,
    used: BTreeSet<String>,
    queue: Vec<(String, String)>,
    rules: Vec<Rule>,
    loose: Vec<String>,
    uses_media: bool,
}

/// Normalise the model's input schema.
pub fn normalize(src: &ModelSource) -> Result<Normalized, Error> {
    let doc = &src.document;
    let mut ctx = Ctx {
        src,
        doc,
        defs: BTreeMap::new(),
        named: BTreeMap::new(),
        used: [ROOT, MEDIA, "InputBuilder", "Error", "Result", "Option", "String", "Vec", "Box", "Value"]
            .into_iter()
            .map(String::from)
            .collect(),
        queue: Vec::new(),
        rules: Vec::new(),
        loose: Vec::new(),
        uses_media: false,
    };
    // The input itself may be a `$ref` to a component: that component is `Input`.
    let mut root_ptr = src.input_pointer.clone();
    for _ in 0..32 {
        match ctx.doc.pointer(&root_ptr).and_then(|s| s.get("$ref")).and_then(Value::as_str) {
            Some(r) => root_ptr = ctx.ref_pointer(r, &format!("{root_ptr}/$ref"))?,
            None => break,
        }
    }
    if ctx.doc.pointer(&root_ptr).is_none() {
        return Err(ctx.err(&root_ptr, "the input schema is missing"));
    }
    ctx.named.insert(root_ptr.clone(), ROOT.to_string());
    ctx.queue.push((ROOT.to_string(), root_ptr.clone()));

    while let Some((name, ptr)) = ctx.queue.pop() {
        let schema = ctx.doc.pointer(&ptr).cloned().unwrap_or(Value::Bool(true));
        let is_root = name == ROOT;
        let path = if is_root { String::new() } else { format!("#{name}") };
        let converted = ctx.convert(&schema, &ptr, &name, &path, is_root)?;
        ctx.defs.insert(name, converted);
    }
    if ctx.uses_media {
        ctx.defs.insert(
            MEDIA.to_string(),
            json!({"type": "string", "description": "A URL, or a local file to upload."}),
        );
    }

    let root_schema = doc.pointer(&root_ptr).cloned().unwrap_or(Value::Null);
    let mut stack = Vec::new();
    ctx.collect_rules(&root_schema, &root_ptr, String::new(), None, &mut stack, true)?;

    let mut loose = ctx.loose;
    loose.sort();
    loose.dedup();
    Ok(Normalized {
        defs: ctx.defs,
        rules: ctx.rules,
        loose,
    })
}

/// `aspect_ratio` -> `AspectRatio`; `16:9 mode` -> `T16x9Mode`.
pub fn pascal(s: &str) -> String {
    let mut out = String::new();
    for word in s.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        // Split camelCase words too, so `imageSize` becomes `ImageSize`.
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() {
        out.push_str("Type");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    if out == "Self" {
        out.push_str("Type");
    }
    out
}

fn is_nullish(v: &Value) -> bool {
    // `{"nullable": true}` alone is how some OpenAPI 3.0 documents spell the null member of a union.
    let bare_nullable = v.as_object().is_some_and(|o| {
        o.get("nullable").and_then(Value::as_bool) == Some(true)
            && o.keys().all(|k| matches!(k.as_str(), "nullable" | "description" | "title"))
    });
    bare_nullable
        || v.get("type").and_then(Value::as_str) == Some("null")
        || v.get("enum").and_then(Value::as_array).is_some_and(|e| e.len() == 1 && e[0].is_null())
        || v.get("const").is_some_and(Value::is_null)
}

const MEDIA_SUFFIXES: &[&str] = &[
    "_url", "_urls", "_image", "_images", "_video", "_videos", "_audio", "_file", "_files", "_frame", "_uri",
];
const MEDIA_NAMES: &[&str] = &[
    "image", "images", "video", "videos", "file", "files", "mask", "audio_file", "image_url", "image_urls",
    "video_url", "audio_url", "url", "urls",
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
    let widget = schema
        .pointer("/x-playground/widget")
        .and_then(Value::as_str)
        .is_some_and(|w| w.contains("upload"));
    widget || MEDIA_NAMES.contains(&lower.as_str()) || MEDIA_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

fn fmt_num(v: &Value) -> String {
    match v.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        _ => v.to_string(),
    }
}

fn esc(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

impl Ctx<'_> {
    fn err(&self, pointer: &str, reason: impl Into<String>) -> Error {
        Error::schema(&self.src.file, pointer, reason)
    }

    /// `#/components/schemas/X` -> `/components/schemas/X`, checked to exist.
    fn ref_pointer(&self, r: &str, at: &str) -> Result<String, Error> {
        let Some(ptr) = r.strip_prefix('#') else {
            return Err(self.err(at, format!("$ref {r:?} points outside this file; only local references are supported")));
        };
        let ptr = percent_decode(ptr);
        if self.doc.pointer(&ptr).is_none() {
            return Err(self.err(at, format!("$ref {r:?} points to nothing")));
        }
        Ok(ptr)
    }

    fn unique_name(&mut self, wanted: &str, parent: &str) -> String {
        let base = pascal(wanted);
        let mut candidates = vec![base.clone()];
        if !parent.is_empty() && parent != ROOT {
            candidates.push(format!("{}{}", pascal(parent), base));
        }
        for c in candidates {
            if !self.used.contains(&c) {
                self.used.insert(c.clone());
                return c;
            }
        }
        let mut i = 2;
        loop {
            let c = format!("{base}{i}");
            if !self.used.contains(&c) {
                self.used.insert(c.clone());
                return c;
            }
            i += 1;
        }
    }

    /// The definition name for a `$ref` target, queueing it on first sight.
    fn def_for(&mut self, ptr: &str) -> String {
        if let Some(n) = self.named.get(ptr) {
            return n.clone();
        }
        let last = ptr.rsplit('/').next().unwrap_or("Type").replace("~1", "/").replace("~0", "~");
        let name = self.unique_name(&last, "");
        self.named.insert(ptr.to_string(), name.clone());
        self.queue.push((name.clone(), ptr.to_string()));
        name
    }

    /// Convert one schema node. `name` is the type name it would get if it needs one; `path` is
    /// its wire path (for loose-field reports).
    fn convert(&mut self, schema: &Value, ptr: &str, name: &str, path: &str, is_root: bool) -> Result<Value, Error> {
        let obj = match schema {
            Value::Bool(true) => return Ok(json!({})),
            Value::Bool(false) => return Ok(Value::Bool(false)),
            Value::Object(o) => o,
            _ => return Err(self.err(ptr, "a schema must be an object or a boolean")),
        };
        let mut nullable = obj.get("nullable").and_then(Value::as_bool) == Some(true);
        let mut out = Map::new();

        if let Some(r) = obj.get("$ref") {
            let r = r.as_str().ok_or_else(|| self.err(&format!("{ptr}/$ref"), "$ref must be a string"))?;
            let target = self.ref_pointer(r, &format!("{ptr}/$ref"))?;
            let def = self.def_for(&target);
            let reference = json!({ "$ref": format!("#/definitions/{def}") });
            return Ok(if nullable { json!({"anyOf": [reference, {"type": "null"}]}) } else { reference });
        }

        // allOf: merge object members into one object; a single member stands for itself.
        if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
            let members: Vec<&Value> = all.iter().filter(|m| m.as_object().is_some_and(|o| !o.is_empty())).collect();
            let rest: Map<String, Value> = obj.iter().filter(|(k, _)| k.as_str() != "allOf").map(|(k, v)| (k.clone(), v.clone())).collect();
            let rest_has_shape = rest.keys().any(|k| matches!(k.as_str(), "properties" | "type" | "items" | "enum" | "oneOf" | "anyOf"));
            if members.len() == 1 && !rest_has_shape {
                let idx = all.iter().position(|m| std::ptr::eq(m, members[0])).unwrap_or(0);
                let inner = self.convert(members[0], &format!("{ptr}/allOf/{idx}"), name, path, is_root)?;
                return Ok(if nullable { json!({"anyOf": [inner, {"type": "null"}]}) } else { inner });
            }
            let mut merged = rest;
            let mut props = Map::new();
            let mut required: Vec<Value> = Vec::new();
            let mut mergeable = true;
            for m in all {
                let m = crate::source::follow_ref(self.doc, m);
                if m.get("properties").is_none() && m.get("type").and_then(Value::as_str) != Some("object") {
                    mergeable = m.as_object().is_some_and(|o| o.keys().all(|k| matches!(k.as_str(), "description" | "title" | "default" | "example" | "examples")));
                    if !mergeable {
                        break;
                    }
                    continue;
                }
                if let Some(p) = m.get("properties").and_then(Value::as_object) {
                    for (k, v) in p {
                        props.insert(k.clone(), v.clone());
                    }
                }
                if let Some(r) = m.get("required").and_then(Value::as_array) {
                    required.extend(r.iter().cloned());
                }
            }
            if mergeable {
                if let Some(p) = merged.get("properties").and_then(Value::as_object) {
                    for (k, v) in p {
                        props.insert(k.clone(), v.clone());
                    }
                }
                if let Some(r) = merged.get("required").and_then(Value::as_array) {
                    required.extend(r.iter().cloned());
                }
                merged.insert("type".into(), json!("object"));
                merged.insert("properties".into(), Value::Object(props));
                merged.insert("required".into(), Value::Array(required));
                // Merged properties keep pointers into their members; report at the allOf.
                return self.convert(&Value::Object(merged), ptr, name, path, is_root);
            }
            self.loose.push(display_path(path));
            return Ok(json!({"description": "Typed loosely: this `allOf` combines schemas that are not all objects."}));
        }

        // Unions: drop null members (they make the field nullable), collapse single members.
        for key in ["oneOf", "anyOf"] {
            let Some(members) = obj.get(key).and_then(Value::as_array) else { continue };
            let non_null: Vec<(usize, &Value)> = members.iter().enumerate().filter(|(_, m)| !is_nullish(m)).collect();
            if non_null.len() < members.len() {
                nullable = true;
            }
            if non_null.is_empty() {
                return Ok(json!({"type": "null"}));
            }
            let inner = if non_null.len() == 1 {
                let (i, m) = non_null[0];
                // Keep sibling keys such as `type`, `properties` that describe the same value.
                self.convert(m, &format!("{ptr}/{key}/{i}"), name, path, is_root)?
            } else {
                let mut converted = Vec::new();
                for (i, m) in non_null {
                    let followed = crate::source::follow_ref(self.doc, m);
                    let hint = followed
                        .get("title")
                        .and_then(Value::as_str)
                        .map(String::from)
                        .unwrap_or_else(|| format!("{name}Variant{i}"));
                    let c = self.convert(m, &format!("{ptr}/{key}/{i}"), &hint, path, false)?;
                    converted.push(self.hoist(c, &hint, name, &format!("One of the forms of `{}`.", field_name(path))));
                }
                // A union where one member accepts any value is just any value.
                if converted.iter().any(|c| c.as_object().is_some_and(|o| o.is_empty())) {
                    json!({})
                } else {
                    json!({ key: converted })
                }
            };
            let mut inner = inner;
            if let (Some(d), Value::Object(m)) = (obj.get("description"), &mut inner) {
                m.entry("description").or_insert(d.clone());
            }
            return Ok(if nullable { json!({"anyOf": [inner, {"type": "null"}]}) } else { inner });
        }

        // type: a string, or an array possibly including "null".
        let mut types: Vec<String> = match obj.get("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).map(String::from).collect(),
            _ => Vec::new(),
        };
        if types.iter().any(|t| t == "null") {
            nullable = true;
            types.retain(|t| t != "null");
        }

        // enum: strings stay an enum; anything else becomes a checked rule on a plain type.
        if let Some(values) = obj.get("enum").and_then(Value::as_array) {
            if values.iter().any(Value::is_null) {
                nullable = true;
            }
            let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            if !values.is_empty() && values.iter().all(|v| v.is_string()) {
                let mut seen = BTreeSet::new();
                let uniq: Vec<Value> = values.into_iter().filter(|v| seen.insert(v.to_string())).cloned().collect();
                out.insert("type".into(), json!("string"));
                out.insert("enum".into(), Value::Array(uniq));
            } else if !values.is_empty() {
                let all_int = values.iter().all(|v| v.is_i64() || v.is_u64());
                let all_num = values.iter().all(|v| v.is_number());
                let all_bool = values.iter().all(|v| v.is_boolean());
                // Only whole numbers allowed: an integer, even where the schema says `number`.
                let t = if all_int {
                    "integer"
                } else if all_num {
                    "number"
                } else if all_bool {
                    "boolean"
                } else {
                    ""
                };
                if !t.is_empty() {
                    out.insert("type".into(), json!(t));
                } else if path_is_field(path) {
                    self.loose.push(display_path(path));
                }
            }
            types.clear();
        } else if let Some(c) = obj.get("const") {
            if let Some(s) = c.as_str() {
                out.insert("type".into(), json!("string"));
                out.insert("enum".into(), json!([s]));
            } else if c.is_i64() || c.is_u64() {
                out.insert("type".into(), json!("integer"));
            } else if c.is_number() {
                out.insert("type".into(), json!("number"));
            } else if c.is_boolean() {
                out.insert("type".into(), json!("boolean"));
            }
            types.clear();
        }

        let has_props = obj.get("properties").is_some();
        if types.is_empty() && out.get("type").is_none() {
            if has_props || obj.get("additionalProperties").is_some() || obj.get("required").is_some() {
                types.push("object".into());
            } else if obj.get("items").is_some() {
                types.push("array".into());
            }
        }

        match types.as_slice() {
            [] => {
                if out.get("type").is_none() && !is_root && path_is_field(path) {
                    self.loose.push(display_path(path));
                }
            }
            [t] => {
                out.insert("type".into(), json!(t));
            }
            many => {
                // Several types: typify makes an untagged enum of them.
                out.insert("type".into(), json!(many));
            }
        }
        let ty = out.get("type").and_then(Value::as_str).unwrap_or("").to_string();

        if ty == "array" || types.iter().any(|t| t == "array") {
            match obj.get("items") {
                Some(items @ Value::Object(_)) | Some(items @ Value::Bool(_)) => {
                    let item_name = format!("{name}Item");
                    let c = self.convert(items, &format!("{ptr}/items"), &item_name, &format!("{path}/*"), false)?;
                    out.insert("items".into(), self.hoist(c, &item_name, name, &format!("One item of `{}`.", field_name(path))));
                }
                Some(Value::Array(_)) => {
                    // Tuple form: keep it loose rather than guess.
                    out.insert("items".into(), json!({}));
                    self.loose.push(display_path(path));
                }
                _ => {}
            }
        }

        if ty == "object" || types.iter().any(|t| t == "object") {
            let props = obj.get("properties").and_then(Value::as_object);
            let mut required: Vec<String> = obj
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).map(String::from).collect())
                .unwrap_or_default();
            let mut new_props = Map::new();
            if let Some(props) = props {
                for (wire, prop) in props {
                    if is_root && self.src.strip_model && wire == "model" {
                        // The envelope's `model` is set by the client from the model id.
                        continue;
                    }
                    let pptr = format!("{ptr}/properties/{}", esc(wire));
                    let ppath = if path.is_empty() { wire.clone() } else { format!("{path}/{wire}") };
                    let followed = crate::source::follow_ref(self.doc, prop);
                    let docs = self.docs(prop, &followed);
                    let mut c = if self.media_string(wire, &followed) {
                        self.uses_media = true;
                        let media = json!({"$ref": format!("#/definitions/{MEDIA}")});
                        if nullable_schema(prop) || nullable_schema(&followed) {
                            json!({"anyOf": [media, {"type": "null"}]})
                        } else {
                            media
                        }
                    } else if self.media_array(wire, &followed) {
                        self.uses_media = true;
                        json!({"type": "array", "items": {"$ref": format!("#/definitions/{MEDIA}")}})
                    } else {
                        let hint = if name == ROOT { wire.clone() } else { format!("{name}_{wire}") };
                        let c = self.convert(prop, &pptr, &pascal(&hint), &ppath, false)?;
                        self.hoist(c, &hint, name, &format!("The type of `{}`.", display_path(&ppath)))
                    };
                    if let (Value::Object(m), Some(d)) = (&mut c, docs) {
                        m.insert("description".into(), json!(d));
                    }
                    new_props.insert(wire.clone(), c);
                }
            }
            required.retain(|r| new_props.contains_key(r) || props.is_none_or(|p| !p.contains_key(r)));
            if is_root && self.src.strip_model {
                required.retain(|r| r != "model");
            }
            out.insert("properties".into(), Value::Object(new_props));
            if !required.is_empty() {
                let mut seen = BTreeSet::new();
                required.retain(|r| seen.insert(r.clone()));
                out.insert("required".into(), json!(required));
            }
            match obj.get("additionalProperties") {
                Some(Value::Bool(b)) => {
                    out.insert("additionalProperties".into(), json!(b));
                }
                Some(ap @ Value::Object(_)) => {
                    let c = self.convert(ap, &format!("{ptr}/additionalProperties"), &format!("{name}Extra"), &format!("{path}/*"), false)?;
                    // An empty schema would make typify add a flattened map of arbitrary values:
                    // allowing unknown fields is already the default.
                    if !c.as_object().is_some_and(|o| o.is_empty()) {
                        out.insert("additionalProperties".into(), c);
                    }
                }
                _ => {}
            }
        }

        if let Some(d) = obj.get("description") {
            if is_root {
                out.insert("description".into(), d.clone());
            }
        }
        let out = Value::Object(out);
        Ok(if nullable && !is_root { json!({"anyOf": [out, {"type": "null"}]}) } else { out })
    }

    /// Whether a property is a single media string.
    fn media_string(&self, wire: &str, schema: &Value) -> bool {
        let is_string = schema.get("type").and_then(Value::as_str) == Some("string")
            || schema
                .get("type")
                .and_then(Value::as_array)
                .is_some_and(|t| t.iter().any(|x| x == "string") && t.iter().all(|x| x == "string" || x == "null"))
            || schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Value::as_array).is_some_and(|m| {
                let non_null: Vec<_> = m.iter().filter(|x| !is_nullish(x)).collect();
                non_null.len() == 1 && non_null[0].get("type").and_then(Value::as_str) == Some("string") && non_null[0].get("enum").is_none()
            });
        is_string && schema.get("enum").is_none() && is_media_name(wire, schema)
    }

    /// Whether a property is an array of media strings.
    fn media_array(&self, wire: &str, schema: &Value) -> bool {
        if schema.get("type").and_then(Value::as_str) != Some("array") {
            return false;
        }
        let Some(items) = schema.get("items") else { return false };
        let items = crate::source::follow_ref(self.doc, items);
        let item_string = items.get("type").and_then(Value::as_str) == Some("string") && items.get("enum").is_none();
        item_string && (is_media_name(wire, &items) || is_media_name(wire, schema))
    }

    /// Give a converted schema that needs a named Rust type (enum, struct, union) its own
    /// definition, and return a reference to it.
    fn hoist(&mut self, converted: Value, wanted: &str, parent: &str, used_by: &str) -> Value {
        let needs_name = |v: &Value| {
            v.get("enum").is_some()
                || v.get("properties").is_some_and(|p| p.as_object().is_some_and(|o| !o.is_empty()))
                || v.get("oneOf").is_some()
                || v.get("anyOf").is_some_and(|a| {
                    // `anyOf: [T, null]` is an Option of T: name T, not the option.
                    a.as_array().is_some_and(|m| !(m.len() == 2 && m.iter().any(is_nullish)))
                })
        };
        if let Some(members) = converted.get("anyOf").and_then(Value::as_array) {
            if members.len() == 2 && members.iter().any(is_nullish) {
                let inner = members.iter().find(|m| !is_nullish(m)).cloned().unwrap_or(json!({}));
                let inner = self.hoist(inner, wanted, parent, used_by);
                return json!({"anyOf": [inner, {"type": "null"}]});
            }
        }
        if !needs_name(&converted) {
            return converted;
        }
        let name = self.unique_name(wanted, parent);
        let mut converted = converted;
        if let Value::Object(m) = &mut converted {
            // The type's own doc says where it is used; the field keeps the schema's description.
            m.insert("description".into(), json!(used_by));
        }
        self.defs.insert(name.clone(), converted);
        json!({ "$ref": format!("#/definitions/{name}") })
    }

    /// The rustdoc text for a property: description, then allowed values, default and range.
    fn docs(&self, prop: &Value, followed: &Value) -> Option<String> {
        let pick = |k: &str| prop.get(k).or_else(|| followed.get(k));
        let mut parts: Vec<String> = Vec::new();
        if let Some(d) = pick("description").and_then(Value::as_str).filter(|d| !d.trim().is_empty()) {
            parts.push(d.trim().to_string());
        } else if let Some(t) = pick("title").and_then(Value::as_str) {
            parts.push(t.trim().to_string());
        }
        let mut facts: Vec<String> = Vec::new();
        if let Some(values) = pick("enum").and_then(Value::as_array) {
            let shown: Vec<String> = values.iter().map(|v| format!("`{}`", v.as_str().map(String::from).unwrap_or_else(|| v.to_string()))).collect();
            facts.push(format!("Allowed values: {}.", shown.join(", ")));
        }
        if let Some(c) = pick("const") {
            facts.push(format!("Always `{c}`."));
        }
        if let Some(d) = pick("default") {
            facts.push(format!("Default (applied by the platform when unset): `{d}`."));
        }
        let lo = pick("exclusiveMinimum").filter(|v| v.is_number()).map(|v| format!("{} <", fmt_num(v))).or_else(|| {
            pick("minimum").map(|v| {
                let excl = pick("exclusiveMinimum").and_then(Value::as_bool) == Some(true);
                format!("{} {}", fmt_num(v), if excl { "<" } else { "≤" })
            })
        });
        let hi = pick("exclusiveMaximum").filter(|v| v.is_number()).map(|v| format!("< {}", fmt_num(v))).or_else(|| {
            pick("maximum").map(|v| {
                let excl = pick("exclusiveMaximum").and_then(Value::as_bool) == Some(true);
                format!("{} {}", if excl { "<" } else { "≤" }, fmt_num(v))
            })
        });
        if lo.is_some() || hi.is_some() {
            facts.push(format!("Range: {} x {}.", lo.unwrap_or_default(), hi.unwrap_or_default()).replace("  ", " "));
        }
        for (k, label) in [("minLength", "Minimum length"), ("maxLength", "Maximum length"), ("minItems", "Minimum items"), ("maxItems", "Maximum items")] {
            if let Some(v) = pick(k) {
                facts.push(format!("{label}: {}.", fmt_num(v)));
            }
        }
        if let Some(p) = pick("pattern").and_then(Value::as_str) {
            facts.push(format!("Pattern: `{p}`."));
        }
        if let Some(f) = pick("format").and_then(Value::as_str) {
            facts.push(format!("Format: `{f}`."));
        }
        if !facts.is_empty() {
            parts.push(facts.join("\n"));
        }
        (!parts.is_empty()).then(|| parts.join("\n\n"))
    }

    /// Walk the original schema from the root and record every run-time check, with wire paths.
    fn collect_rules(
        &mut self,
        schema: &Value,
        ptr: &str,
        path: String,
        when: Option<(String, String)>,
        stack: &mut Vec<String>,
        at_root: bool,
    ) -> Result<(), Error> {
        let Value::Object(obj) = schema else { return Ok(()) };
        if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
            let target = self.ref_pointer(r, &format!("{ptr}/$ref"))?;
            if stack.contains(&target) || stack.len() > 16 {
                return Ok(());
            }
            stack.push(target.clone());
            let t = self.doc.pointer(&target).cloned().unwrap_or(Value::Null);
            self.collect_rules(&t, &target, path, when, stack, at_root)?;
            stack.pop();
            return Ok(());
        }
        let mut push = |check: Check| {
            if !path.is_empty() {
                self.rules.push(Rule { path: path.clone(), when: when.clone(), check });
            }
        };
        let num = |k: &str| obj.get(k).and_then(Value::as_f64);
        if let Some(m) = num("minimum") {
            if obj.get("exclusiveMinimum").and_then(Value::as_bool) == Some(true) {
                push(Check::ExclusiveMinimum(m));
            } else {
                push(Check::Minimum(m));
            }
        }
        if let Some(m) = num("exclusiveMinimum") {
            push(Check::ExclusiveMinimum(m));
        }
        if let Some(m) = num("maximum") {
            if obj.get("exclusiveMaximum").and_then(Value::as_bool) == Some(true) {
                push(Check::ExclusiveMaximum(m));
            } else {
                push(Check::Maximum(m));
            }
        }
        if let Some(m) = num("exclusiveMaximum") {
            push(Check::ExclusiveMaximum(m));
        }
        if let Some(m) = num("multipleOf").filter(|m| *m > 0.0) {
            push(Check::MultipleOf(m));
        }
        let count = |k: &str| obj.get(k).and_then(Value::as_u64);
        if let Some(n) = count("minLength") {
            push(Check::MinLength(n));
        }
        if let Some(n) = count("maxLength") {
            push(Check::MaxLength(n));
        }
        if let Some(p) = obj.get("pattern").and_then(Value::as_str) {
            if regress::Regex::new(p).is_ok() {
                push(Check::Pattern(p.to_string()));
            }
        }
        if let Some(n) = count("minItems") {
            push(Check::MinItems(n));
        }
        if let Some(n) = count("maxItems") {
            push(Check::MaxItems(n));
        }
        if obj.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
            push(Check::UniqueItems);
        }
        if let Some(values) = obj.get("enum").and_then(Value::as_array) {
            let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            if !non_null.iter().all(|v| v.is_string()) {
                let mut texts: Vec<String> = values.iter().map(Value::to_string).collect();
                texts.dedup();
                push(Check::Enum(texts));
            }
        }
        if let Some(c) = obj.get("const") {
            if !c.is_string() {
                push(Check::Const(c.to_string()));
            }
        }
        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            for (wire, prop) in props {
                if at_root && path.is_empty() && self.src.strip_model && wire == "model" {
                    continue;
                }
                let p = if path.is_empty() { wire.clone() } else { format!("{path}/{wire}") };
                self.collect_rules(prop, &format!("{ptr}/properties/{}", esc(wire)), p, when.clone(), stack, false)?;
            }
        }
        if let Some(items) = obj.get("items").filter(|i| i.is_object()) {
            let p = if path.is_empty() { "*".to_string() } else { format!("{path}/*") };
            if !path.is_empty() {
                self.collect_rules(items, &format!("{ptr}/items"), p, when.clone(), stack, false)?;
            }
        }
        if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
            for (i, m) in all.iter().enumerate() {
                self.collect_rules(m, &format!("{ptr}/allOf/{i}"), path.clone(), when.clone(), stack, at_root)?;
            }
        }
        for key in ["oneOf", "anyOf"] {
            let Some(members) = obj.get(key).and_then(Value::as_array) else { continue };
            let non_null: Vec<(usize, &Value)> = members.iter().enumerate().filter(|(_, m)| !is_nullish(m)).collect();
            if non_null.len() == 1 {
                let (i, m) = non_null[0];
                self.collect_rules(m, &format!("{ptr}/{key}/{i}"), path.clone(), when.clone(), stack, at_root)?;
            } else if at_root && path.is_empty() {
                // Tagged variants of the root: each variant's rules apply when its tag is set.
                for (i, m) in non_null {
                    let followed = crate::source::follow_ref(self.doc, m);
                    if let Some(tag) = discriminator(&followed) {
                        self.collect_rules(m, &format!("{ptr}/{key}/{i}"), String::new(), Some(tag), stack, true)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// The `(property, JSON value)` that tags an object variant: a property with a string `const`
/// or a one-value `enum`.
fn discriminator(variant: &Value) -> Option<(String, String)> {
    let props = variant.get("properties")?.as_object()?;
    props.iter().find_map(|(k, v)| {
        let c = v.get("const").or_else(|| v.get("enum").and_then(Value::as_array).filter(|e| e.len() == 1).and_then(|e| e.first()))?;
        c.is_string().then(|| (k.clone(), c.to_string()))
    })
}

fn nullable_schema(v: &Value) -> bool {
    v.get("nullable").and_then(Value::as_bool) == Some(true)
        || v.get("type").and_then(Value::as_array).is_some_and(|t| t.iter().any(|x| x == "null"))
        || v.get("anyOf").or_else(|| v.get("oneOf")).and_then(Value::as_array).is_some_and(|m| m.iter().any(is_nullish))
}

fn path_is_field(path: &str) -> bool {
    !path.is_empty() && !path.starts_with('#')
}

/// A wire path for docs; the root or a definition reads as "the input".
fn field_name(path: &str) -> String {
    if path_is_field(path) {
        display_path(path)
    } else {
        "the input".to_string()
    }
}

fn display_path(path: &str) -> String {
    path.replace("/*", "[]").replace('/', ".")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}
