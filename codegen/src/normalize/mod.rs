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
//!
//! [`convert`] and [`typed`] rewrite the schema one construct at a time, [`rules`] walks the
//! original schema for the run-time checks, [`docs`] writes field docs and [`media`] spots media
//! fields.

mod convert;
mod docs;
mod media;
mod rules;
mod typed;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::source::ModelSource;
use crate::Error;

pub(crate) use docs::shown;
pub use rules::{Check, Rule};

/// The name of the root input type in every model module.
pub const ROOT: &str = "Input";
/// The name of the root output type, in the model modules whose document describes a result.
pub const OUTPUT: &str = "Output";
/// The definition that stands for `crate::MediaInput`.
pub const MEDIA: &str = "MediaInput";

/// The result of normalisation: named definitions ready for typify, and the rules.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// Definition name -> schema; refs point at `#/definitions/<name>`. Always holds [`ROOT`].
    pub defs: BTreeMap<String, Value>,
    /// Run-time checks, in schema order.
    pub rules: Vec<Rule>,
    /// Wire paths of fields left as `serde_json::Value`.
    pub loose: Vec<String>,
    /// The definitions that make up the output ([`OUTPUT`] and what it reaches); empty when the
    /// document describes no result.
    pub outputs: BTreeSet<String>,
    /// Wire paths of output fields left as `serde_json::Value`.
    pub loose_output: Vec<String>,
    /// Definition name -> JSON pointer of the schema it was made from, for errors.
    pub origins: BTreeMap<String, String>,
}

/// The state of one model's conversion.
struct Ctx<'a> {
    src: &'a ModelSource,
    doc: &'a Value,
    defs: BTreeMap<String, Value>,
    /// Document pointer -> definition name, for `$ref` targets already named.
    named: BTreeMap<String, String>,
    used: BTreeSet<String>,
    queue: Vec<(String, String)>,
    origins: BTreeMap<String, String>,
    /// Pointers of `$ref` targets that are forms of a union.
    union_members: BTreeSet<String>,
    loose: Vec<String>,
    uses_media: bool,
    /// Converting the output: read leniently (no media, enums as strings, unknown fields and
    /// dangling references allowed), never validated.
    output: bool,
}

/// Normalise the model's input schema.
pub fn normalize(src: &ModelSource) -> Result<Normalized, Error> {
    let doc = &src.document;
    let mut ctx = Ctx {
        src,
        doc,
        defs: BTreeMap::new(),
        named: BTreeMap::new(),
        // Names the generated code uses unqualified (derives, typify's `Default::default()`).
        used: [
            ROOT,
            MEDIA,
            "InputBuilder",
            "Error",
            "Result",
            "Option",
            "String",
            "Vec",
            "Box",
            "Value",
            "Default",
            "Clone",
            "Copy",
            "Debug",
            "PartialEq",
            "Eq",
            "PartialOrd",
            "Ord",
            "Hash",
            "Some",
            "None",
            "Ok",
            "Err",
            "From",
            "Into",
            "Self",
            "Send",
            "Sync",
            "Sized",
            "Iterator",
            "IntoIterator",
            "ToString",
            "Drop",
            "Fn",
            "FnMut",
            "FnOnce",
            "TryFrom",
            "TryInto",
            "AsRef",
            "ToOwned",
            "Unpin",
            "Extend",
            "Defaults",
        ]
        .into_iter()
        .map(str::to_ascii_lowercase)
        .collect(),
        queue: Vec::new(),
        union_members: BTreeSet::new(),
        origins: BTreeMap::new(),
        loose: Vec::new(),
        uses_media: false,
        output: false,
    };
    if src.output_pointer.is_some() {
        ctx.used.insert(OUTPUT.to_ascii_lowercase());
    }
    // The input itself may be a `$ref` to a component: that component is `Input`.
    let root_ptr = root_pointer(src, &src.input_pointer)?;
    if ctx.doc.pointer(&root_ptr).is_none() {
        return Err(ctx.err(&root_ptr, "the input schema is missing"));
    }
    ctx.convert_from(ROOT, &root_ptr)?;
    if ctx.uses_media {
        ctx.defs
            .insert(MEDIA.to_string(), json!({"type": "string", "description": "A URL, or a local file to upload."}));
    }
    let input_loose = std::mem::take(&mut ctx.loose);

    // The output: its own definitions in the same namespace (a `$ref` target the input also
    // reaches is converted again, leniently, under another name).
    let mut outputs = BTreeSet::new();
    let output_root = src.output_pointer.as_deref().and_then(|p| root_pointer(src, p).ok());
    if let Some(out_ptr) = output_root.filter(|p| ctx.doc.pointer(p).is_some()) {
        let before: BTreeSet<String> = ctx.defs.keys().cloned().collect();
        ctx.output = true;
        ctx.named.clear();
        ctx.union_members.clear();
        ctx.convert_from(OUTPUT, &out_ptr)?;
        outputs = ctx.defs.keys().filter(|k| !before.contains(*k)).cloned().collect();
    }

    let root_schema = doc.pointer(&root_ptr).cloned().unwrap_or(Value::Null);
    let rules = rules::collect(src, &root_schema, &root_ptr)?;

    let sorted = |mut v: Vec<String>| {
        v.sort();
        v.dedup();
        v
    };
    Ok(Normalized {
        defs: ctx.defs,
        rules,
        loose: sorted(input_loose),
        outputs,
        loose_output: sorted(ctx.loose),
        origins: ctx.origins,
    })
}

/// `aspect_ratio` -> `AspectRatio`; `16:9 mode` -> `T16x9Mode`; `温柔` -> `WenRou`.
pub fn pascal(s: &str) -> String {
    let s = if s.is_ascii() { s.to_string() } else { deunicode::deunicode(s) };
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

/// The pointer a schema's chain of `$ref`s ends at (the schema itself when it is no reference).
fn root_pointer(src: &ModelSource, start: &str) -> Result<String, Error> {
    let mut ptr = start.to_string();
    for _ in 0..32 {
        match src.document.pointer(&ptr).and_then(|s| s.get("$ref")).and_then(Value::as_str) {
            Some(r) => ptr = ref_pointer(src, r, &format!("{ptr}/$ref"))?,
            None => break,
        }
    }
    Ok(ptr)
}

impl Ctx<'_> {
    /// Convert the root type `name` at `ptr` and everything it reaches.
    fn convert_from(&mut self, name: &str, ptr: &str) -> Result<(), Error> {
        self.named.insert(ptr.to_string(), name.to_string());
        self.queue.push((name.to_string(), ptr.to_string()));
        while let Some((name, ptr)) = self.queue.pop() {
            let schema = self.doc.pointer(&ptr).cloned().unwrap_or(Value::Bool(true));
            let is_root = name == ROOT || name == OUTPUT;
            let path = if is_root { String::new() } else { format!("#{name}") };
            let member = self.union_members.contains(&ptr);
            let at = convert::Site { ptr: &ptr, name: &name, path: &path, is_root, member };
            let converted = self.convert(&schema, at)?;
            // A nullable `$ref` target: the definition is the value, each reference an option of
            // it (`convert_ref`); typify would otherwise name the value and its option alike.
            let converted = match converted.get("anyOf").and_then(Value::as_array) {
                Some(m) if m.len() == 2 && m.iter().any(is_nullish) => {
                    m.iter().find(|x| !is_nullish(x)).cloned().unwrap_or(json!({}))
                }
                _ => converted,
            };
            self.origins.insert(name.clone(), ptr.clone());
            self.defs.insert(name, converted);
        }
        Ok(())
    }

    fn err(&self, pointer: &str, reason: impl Into<String>) -> Error {
        Error::schema(&self.src.file, pointer, reason)
    }

    /// A type name no other type of the model has. Names are told apart without case: typify
    /// recases them (`SEED` and `Seed` are both `Seed` to it).
    fn unique_name(&mut self, wanted: &str, parent: &str) -> String {
        let base = pascal(wanted);
        // Built one at a time: most names are free at the first try.
        let prefixed = (!parent.is_empty() && parent != ROOT).then(|| format!("{}{}", pascal(parent), base));
        let numbered = (2..).map(|i| format!("{base}{i}")).take(10_000);
        for c in std::iter::once(base.clone()).chain(prefixed).chain(numbered) {
            if self.used.insert(c.to_ascii_lowercase()) {
                return c;
            }
        }
        format!("{base}{}", self.used.len())
    }

    /// The definition name for a `$ref` target, queueing it on first sight.
    fn def_for(&mut self, ptr: &str) -> String {
        if let Some(n) = self.named.get(ptr) {
            return n.clone();
        }
        let last = ptr.rsplit('/').next().unwrap_or("Type").replace("~1", "/").replace("~0", "~");
        // An output's `File` meets the input's as `OutputFile`.
        let name = self.unique_name(&last, if self.output { OUTPUT } else { "" });
        self.named.insert(ptr.to_string(), name.clone());
        self.queue.push((name.clone(), ptr.to_string()));
        name
    }
}

/// `#/components/schemas/X` -> `/components/schemas/X`, checked to exist; `at` is where the
/// `$ref` is, for the error.
fn ref_pointer(src: &ModelSource, r: &str, at: &str) -> Result<String, Error> {
    let Some(ptr) = r.strip_prefix('#') else {
        return Err(Error::schema(
            &src.file,
            at,
            format!("$ref {r:?} points outside this file; only local references are supported"),
        ));
    };
    let ptr = percent_decode(ptr);
    if src.document.pointer(&ptr).is_none() {
        return Err(Error::schema(&src.file, at, format!("$ref {r:?} points to nothing")));
    }
    Ok(ptr)
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

fn nullable_schema(v: &Value) -> bool {
    v.get("nullable").and_then(Value::as_bool) == Some(true)
        || v.get("type").and_then(Value::as_array).is_some_and(|t| t.iter().any(|x| x == "null"))
        || v.get("anyOf").or_else(|| v.get("oneOf")).and_then(Value::as_array).is_some_and(|m| m.iter().any(is_nullish))
}

/// A JSON pointer segment for a property name.
fn esc(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
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

/// `%xx` escapes decoded (as a `$ref`'s URI fragment has them); the text as it is when that is not UTF-8.
pub(crate) fn percent_decode(s: &str) -> String {
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
