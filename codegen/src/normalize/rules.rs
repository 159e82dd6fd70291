//! Rule collection: a walk over the original input schema that turns every constraint typify does
//! not enforce into a [`Rule`] checked at run time, keyed by wire path.

use serde_json::{Map, Value};

use super::{esc, is_nullish, media, ref_pointer};
use crate::source::{follow_ref, ModelSource};
use crate::Error;

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
    /// `format: uri`
    Uri,
    /// A media field: an http(s) URL or a `data:` URI (or a local file, which is uploaded)
    MediaUrl,
}

/// Every run-time check of the input schema `root` (at `root_ptr`), in schema order.
pub(super) fn collect(src: &ModelSource, root: &Value, root_ptr: &str) -> Result<Vec<Rule>, Error> {
    let mut walker = Walker { src, rules: Vec::new(), stack: Vec::new() };
    let at = Node { ptr: root_ptr, path: String::new(), when: None, at_root: true };
    walker.walk(root, at)?;
    Ok(walker.rules)
}

struct Walker<'a> {
    src: &'a ModelSource,
    rules: Vec<Rule>,
    /// `$ref` targets being walked, so a recursive schema ends.
    stack: Vec<String>,
}

/// Where the walk is.
#[derive(Clone)]
struct Node<'a> {
    /// JSON pointer in the document, for errors.
    ptr: &'a str,
    /// Wire path of the value; empty at the root, whose own constraints are not checked.
    path: String,
    /// The root discriminator the rules here depend on.
    when: Option<(String, String)>,
    /// Whether the value is the root input (or a form of it).
    at_root: bool,
}

impl Walker<'_> {
    fn walk(&mut self, schema: &Value, at: Node<'_>) -> Result<(), Error> {
        let Value::Object(obj) = schema else {
            return Ok(());
        };
        if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
            self.walk_ref(r, at.clone())?;
            // OpenAPI 3.1 / 2020-12: the keywords beside it apply too (`maximum` beside a ref
            // to `{minimum: 1}` bounds both ends); in 3.0 and draft-07 they are ignored.
            if !self.src.ref_siblings_apply {
                return Ok(());
            }
        }
        self.checks(obj, &at);
        self.walk_properties(obj, &at)?;
        self.walk_items(obj, &at)?;
        self.walk_all_of(obj, &at)?;
        self.walk_unions(obj, &at)
    }

    /// `$ref`: the target's rules apply here; a recursive reference is walked once.
    fn walk_ref(&mut self, r: &str, at: Node<'_>) -> Result<(), Error> {
        let target = ref_pointer(self.src, r, &format!("{}/$ref", at.ptr))?;
        if self.stack.contains(&target) || self.stack.len() > 16 {
            return Ok(());
        }
        self.stack.push(target.clone());
        let t = self.src.document.pointer(&target).cloned().unwrap_or(Value::Null);
        self.walk(&t, Node { ptr: &target, ..at })?;
        self.stack.pop();
        Ok(())
    }

    /// The node's own constraints.
    fn checks(&mut self, obj: &Map<String, Value>, at: &Node<'_>) {
        let mut push = |check: Check| {
            if !at.path.is_empty() {
                self.rules.push(Rule { path: at.path.clone(), when: at.when.clone(), check });
            }
        };
        let num = |k: &str| obj.get(k).and_then(Value::as_f64);
        // OpenAPI 3.0 spells an exclusive bound as `exclusiveMinimum: true` beside `minimum`.
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
            // The runtime matches with regress too: a pattern it cannot compile would check nothing.
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
        if obj.get("format").and_then(Value::as_str) == Some("uri") {
            push(Check::Uri);
        }
        // String enums and constants are Rust enums already; other values are checked here.
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
    }

    fn walk_properties(&mut self, obj: &Map<String, Value>, at: &Node<'_>) -> Result<(), Error> {
        let Some(props) = obj.get("properties").and_then(Value::as_object) else {
            return Ok(());
        };
        for (wire, prop) in props {
            // The client sets the envelope's `model`; the input type has no such field.
            if at.at_root && at.path.is_empty() && self.src.strip_model && wire == "model" {
                continue;
            }
            let path = if at.path.is_empty() { wire.clone() } else { format!("{}/{wire}", at.path) };
            // A media field takes a URL a platform can fetch (or a local file, uploaded instead).
            let followed = follow_ref(&self.src.document, prop);
            let doc = &self.src.document;
            let media_at = if media::is_media_single(doc, wire, &followed) {
                Some(path.clone())
            } else if media::is_media_array(doc, wire, &followed) {
                Some(format!("{path}/*"))
            } else {
                None
            };
            if let Some(media_path) = media_at {
                self.rules.push(Rule { path: media_path, when: at.when.clone(), check: Check::MediaUrl });
                // An uploaded-file object is a media input as a whole: its parts are not fields.
                if media::is_upload(doc, &followed) {
                    continue;
                }
            }
            let ptr = format!("{}/properties/{}", at.ptr, esc(wire));
            let field = Node { ptr: &ptr, path, when: at.when.clone(), at_root: false };
            self.walk(prop, field)?;
        }
        Ok(())
    }

    fn walk_items(&mut self, obj: &Map<String, Value>, at: &Node<'_>) -> Result<(), Error> {
        // A rule needs a wire path, and the root's items have none.
        if at.path.is_empty() {
            return Ok(());
        }
        let Some(items) = obj.get("items").filter(|i| i.is_object()) else {
            return Ok(());
        };
        let ptr = format!("{}/items", at.ptr);
        let item = Node { ptr: &ptr, path: format!("{}/*", at.path), when: at.when.clone(), at_root: false };
        self.walk(items, item)
    }

    /// `allOf`: every member's rules apply to the same value.
    fn walk_all_of(&mut self, obj: &Map<String, Value>, at: &Node<'_>) -> Result<(), Error> {
        let Some(all) = obj.get("allOf").and_then(Value::as_array) else {
            return Ok(());
        };
        for (i, m) in all.iter().enumerate() {
            let ptr = format!("{}/allOf/{i}", at.ptr);
            self.walk(m, Node { ptr: &ptr, ..at.clone() })?;
        }
        Ok(())
    }

    /// `oneOf`/`anyOf`: a single non-null member's rules apply to the value; the tagged forms of
    /// the root each bring their rules, which apply when their tag is set.
    fn walk_unions(&mut self, obj: &Map<String, Value>, at: &Node<'_>) -> Result<(), Error> {
        for key in ["oneOf", "anyOf"] {
            let Some(members) = obj.get(key).and_then(Value::as_array) else {
                continue;
            };
            let non_null: Vec<(usize, &Value)> = members.iter().enumerate().filter(|(_, m)| !is_nullish(m)).collect();
            if non_null.len() == 1 {
                let (i, m) = non_null[0];
                let ptr = format!("{}/{key}/{i}", at.ptr);
                self.walk(m, Node { ptr: &ptr, ..at.clone() })?;
            } else if at.at_root && at.path.is_empty() {
                for (i, m) in non_null {
                    let followed = follow_ref(&self.src.document, m);
                    if let Some(tag) = discriminator(&followed) {
                        let ptr = format!("{}/{key}/{i}", at.ptr);
                        let form = Node { ptr: &ptr, path: String::new(), when: Some(tag), at_root: true };
                        self.walk(m, form)?;
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
        let c = v
            .get("const")
            .or_else(|| v.get("enum").and_then(Value::as_array).filter(|e| e.len() == 1).and_then(|e| e.first()))?;
        c.is_string().then(|| (k.clone(), c.to_string()))
    })
}
