//! The converter: [`Ctx::convert`] dispatches a schema node to one function per construct.
//! `$ref`, `allOf` and unions are here; what `type`, `enum` or `const` describe is in
//! [`super::typed`].

use serde_json::{json, Map, Value};

use super::{display_path, field_name, is_nullish, nullable_schema, Ctx};
use crate::source::follow_ref;
use crate::Error;

/// Where a schema node sits.
#[derive(Clone, Copy)]
pub(super) struct Site<'a> {
    /// Its JSON pointer in the document, for errors.
    pub ptr: &'a str,
    /// The type name it gets if it needs one.
    pub name: &'a str,
    /// Its wire path, for loose-field reports: empty at the root, `#Name` in a `$ref` target.
    pub path: &'a str,
    /// Whether it is the model's input itself.
    pub is_root: bool,
    /// Whether it is one of the forms of a union: its constants then tell the forms apart and
    /// must not fill themselves in when parsed.
    pub member: bool,
}

pub(super) type Object = Map<String, Value>;

/// Keywords that change what a value is (not only which values are allowed).
const SHAPING: &[&str] =
    &["properties", "items", "enum", "const", "oneOf", "anyOf", "allOf", "additionalProperties", "required"];

/// `T` or, when `nullable`, `T | null`.
pub(super) fn or_null(v: Value, nullable: bool) -> Value {
    let already = v.get("anyOf").and_then(Value::as_array).is_some_and(|m| m.len() == 2 && m.iter().any(is_nullish));
    if nullable && !already {
        json!({"anyOf": [v, {"type": "null"}]})
    } else {
        v
    }
}

impl Ctx<'_> {
    /// Convert one schema node.
    pub(super) fn convert(&mut self, schema: &Value, at: Site<'_>) -> Result<Value, Error> {
        let obj = match schema {
            Value::Bool(true) => return Ok(json!({})),
            Value::Bool(false) => return Ok(Value::Bool(false)),
            Value::Object(o) => o,
            _ => return Err(self.err(at.ptr, "a schema must be an object or a boolean")),
        };
        // A `type` JSON Schema does not know is the schema's mistake: say where it is.
        const TYPES: &[&str] = &["string", "number", "integer", "boolean", "object", "array", "null"];
        let named: Vec<&Value> = match obj.get("type") {
            Some(Value::Array(types)) => types.iter().collect(),
            Some(t) => vec![t],
            None => vec![],
        };
        if let Some(bad) = named.iter().find(|t| !t.as_str().is_some_and(|t| TYPES.contains(&t))) {
            return Err(self.err(
                &format!("{}/type", at.ptr),
                format!("{bad} is not a JSON Schema type (string, number, integer, boolean, object, array, null)"),
            ));
        }
        // OpenAPI 3.0 `nullable` applies to whichever construct the rest of the schema is.
        let nullable = obj.get("nullable").and_then(Value::as_bool) == Some(true);
        if let Some(r) = obj.get("$ref") {
            // OpenAPI 3.1 / 2020-12: a `$ref` beside keywords that shape the value is the `allOf`
            // of both. Constraints beside it are rules (`rules.rs`); annotations are docs.
            let shaping = |k: &str| SHAPING.contains(&k);
            if self.src.ref_siblings_apply && obj.keys().any(|k| shaping(k)) {
                let (mut shape, mut rest): (Object, Object) = obj
                    .iter()
                    .filter(|(k, _)| k.as_str() != "$ref")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .partition(|(k, _)| shaping(k));
                if let Some(t) = rest.remove("type") {
                    shape.insert("type".into(), t);
                }
                let all = vec![json!({ "$ref": r }), Value::Object(shape)];
                return self.convert_all_of(&rest, &all, at, nullable);
            }
            return self.convert_ref(r, at, nullable);
        }
        if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
            return self.convert_all_of(obj, all, at, nullable);
        }
        let union = ["oneOf", "anyOf"].into_iter().find_map(|key| Some((key, obj.get(key)?.as_array()?)));
        if let Some((key, members)) = union {
            return self.convert_union(obj, key, members, at, nullable);
        }
        self.convert_typed(obj, at, nullable)
    }

    /// `$ref`: the target becomes a definition of its own, converted when the queue reaches it.
    fn convert_ref(&mut self, r: &Value, at: Site<'_>, nullable: bool) -> Result<Value, Error> {
        let ref_at = format!("{}/$ref", at.ptr);
        let r = r.as_str().ok_or_else(|| self.err(&ref_at, "$ref must be a string"))?;
        let target = match super::ref_pointer(self.src, r, &ref_at) {
            Ok(target) => target,
            // An output is read, never sent: a reference to nothing types that field loosely
            // rather than failing the model.
            Err(_) if self.output => {
                self.loose.push(display_path(at.path));
                return Ok(json!({}));
            }
            Err(e) => return Err(e),
        };
        // A chain of bare references that comes back to itself (`x: {$ref: #/properties/x}`)
        // describes no value at all: typed loosely rather than as a type that contains itself.
        let mut chain = vec![target.clone()];
        while let Some(next) = self.doc.pointer(chain.last().expect("not empty")).and_then(|t| {
            let o = t.as_object()?;
            let only_ref = o.keys().all(|k| matches!(k.as_str(), "$ref" | "description" | "title"));
            o.get("$ref").and_then(Value::as_str).filter(|_| only_ref)
        }) {
            let next = super::ref_pointer(self.src, next, &ref_at)?;
            if chain.contains(&next) {
                self.loose.push(display_path(at.path));
                return Ok(json!({"description": "Typed loosely: this `$ref` refers only to itself."}));
            }
            chain.push(next);
        }
        // A nullable target is a definition of the value; the reference is its option.
        let nullable = nullable || self.doc.pointer(&target).is_some_and(nullable_schema);
        let def = self.def_for(&target);
        let reference = json!({ "$ref": format!("#/definitions/{def}") });
        Ok(or_null(reference, nullable))
    }

    /// `allOf`: a single member stands for itself; object members merge into one object; any
    /// other combination is typed loosely.
    fn convert_all_of(&mut self, obj: &Object, all: &[Value], at: Site<'_>, nullable: bool) -> Result<Value, Error> {
        let members: Vec<&Value> = all.iter().filter(|m| m.as_object().is_some_and(|o| !o.is_empty())).collect();
        let rest: Object =
            obj.iter().filter(|(k, _)| k.as_str() != "allOf").map(|(k, v)| (k.clone(), v.clone())).collect();
        let rest_has_shape =
            rest.keys().any(|k| matches!(k.as_str(), "properties" | "type" | "items" | "enum" | "oneOf" | "anyOf"));
        if members.len() == 1 && !rest_has_shape {
            let idx = all.iter().position(|m| std::ptr::eq(m, members[0])).unwrap_or(0);
            let ptr = format!("{}/allOf/{idx}", at.ptr);
            let inner = self.convert(members[0], Site { ptr: &ptr, ..at })?;
            return Ok(or_null(inner, nullable));
        }
        match merge_objects(self.doc, all, rest) {
            // Merged properties keep pointers into their members; report at the allOf.
            Some(merged) => self.convert(&Value::Object(merged), at),
            None => {
                self.loose.push(display_path(at.path));
                Ok(json!({"description": "Typed loosely: this `allOf` combines schemas that are not all objects."}))
            }
        }
    }

    /// `oneOf`/`anyOf`: null members make the value nullable, a single member left stands for
    /// itself, several become a union of named types.
    fn convert_union(
        &mut self,
        obj: &Object,
        key: &str,
        members: &[Value],
        at: Site<'_>,
        mut nullable: bool,
    ) -> Result<Value, Error> {
        let non_null: Vec<(usize, &Value)> = members.iter().enumerate().filter(|(_, m)| !is_nullish(m)).collect();
        if non_null.len() < members.len() {
            nullable = true;
        }
        if non_null.is_empty() {
            return Ok(json!({"type": "null"}));
        }
        let mut inner = if non_null.len() == 1 {
            let (i, m) = non_null[0];
            let ptr = format!("{}/{key}/{i}", at.ptr);
            self.convert(m, Site { ptr: &ptr, ..at })?
        } else {
            let mut converted = Vec::new();
            for (i, m) in non_null {
                let followed = follow_ref(self.doc, m);
                let hint = followed
                    .get("title")
                    .and_then(Value::as_str)
                    .map(String::from)
                    .unwrap_or_else(|| format!("{}Variant{i}", at.name));
                let ptr = format!("{}/{key}/{i}", at.ptr);
                let member = Site { ptr: &ptr, name: &hint, path: at.path, is_root: false, member: true };
                if let Some(target) = m.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                    self.union_members.insert(super::percent_decode(target));
                }
                let c = self.convert(m, member)?;
                let used_by = format!("One of the forms of `{}`.", field_name(at.path));
                converted.push(self.hoist(c, &hint, at.name, &used_by, &ptr));
            }
            // A union where one member accepts any value is just any value.
            if converted.iter().any(|c| c.as_object().is_some_and(|o| o.is_empty())) {
                json!({})
            } else {
                json!({ key: converted })
            }
        };
        if let (Some(d), Value::Object(m)) = (obj.get("description"), &mut inner) {
            m.entry("description").or_insert(d.clone());
        }
        Ok(or_null(inner, nullable))
    }

    /// Give a converted schema that needs a named Rust type (enum, struct, union) its own
    /// definition, and return a reference to it.
    /// `ptr` is where the schema is in the document, for errors.
    pub(super) fn hoist(&mut self, converted: Value, wanted: &str, parent: &str, used_by: &str, ptr: &str) -> Value {
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
                let inner = self.hoist(inner, wanted, parent, used_by, ptr);
                return or_null(inner, true);
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
        self.origins.insert(name.clone(), ptr.to_string());
        self.defs.insert(name.clone(), converted);
        json!({ "$ref": format!("#/definitions/{name}") })
    }
}

/// The members of an `allOf` merged into one object schema, over the `allOf`'s sibling keys
/// (`rest`); `None` when a member is neither an object nor annotations only.
fn merge_objects(doc: &Value, all: &[Value], mut merged: Object) -> Option<Object> {
    let mut props = Map::new();
    let mut required: Vec<Value> = Vec::new();
    for m in all {
        let m = follow_ref(doc, m);
        if m.get("properties").is_none() && m.get("type").and_then(Value::as_str) != Some("object") {
            // A member holding only a description or a default adds nothing to merge.
            let annotations_only = m.as_object().is_some_and(|o| {
                o.keys().all(|k| matches!(k.as_str(), "description" | "title" | "default" | "example" | "examples"))
            });
            if !annotations_only {
                return None;
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
    Some(merged)
}
