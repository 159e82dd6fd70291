//! Schemas a `type`, `enum` or `const` describes: scalars, arrays and objects.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::convert::{or_null, Object, Site};
use super::media::{is_media_array, is_media_single};
use super::{display_path, docs, esc, field_name, nullable_schema, pascal, path_is_field, Ctx, MEDIA, ROOT};
use crate::source::{follow_ref, Platform};
use crate::Error;

fn media_ref() -> Value {
    json!({"$ref": format!("#/definitions/{MEDIA}")})
}

impl Ctx<'_> {
    /// A schema that is no `$ref`, `allOf` or union: its `type` (a string, or an array possibly
    /// holding "null"), `enum` or `const`, then an array's items and an object's properties.
    pub(super) fn convert_typed(&mut self, obj: &Object, at: Site<'_>, mut nullable: bool) -> Result<Value, Error> {
        let mut out = Map::new();
        let mut types: Vec<String> = match obj.get("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).map(String::from).collect(),
            _ => Vec::new(),
        };
        if types.iter().any(|t| t == "null") {
            nullable = true;
            types.retain(|t| t != "null");
        }

        // `enum` and `const` decide the type themselves.
        if let Some(values) = obj.get("enum").and_then(Value::as_array) {
            nullable |= self.convert_enum(values, at.path, &mut out);
            types.clear();
        } else if let Some(c) = obj.get("const") {
            convert_const(c, &mut out);
            if self.output && c.is_string() {
                out.remove("enum");
            }
            types.clear();
        }

        if types.is_empty() && out.get("type").is_none() {
            if obj.get("properties").is_some()
                || obj.get("additionalProperties").is_some()
                || obj.get("required").is_some()
            {
                types.push("object".into());
            } else if obj.get("items").is_some() {
                types.push("array".into());
            }
        }

        match types.as_slice() {
            [] => {
                if out.get("type").is_none() && !at.is_root && path_is_field(at.path) {
                    self.loose.push(display_path(at.path));
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
            self.convert_array(obj, at, &mut out)?;
        }
        if ty == "object" || types.iter().any(|t| t == "object") {
            self.convert_object(obj, at, &mut out)?;
        }

        // Below the root, a description becomes the docs of the field using it (`convert_property`).
        if let Some(d) = obj.get("description") {
            if at.is_root {
                out.insert("description".into(), d.clone());
            }
        }
        Ok(or_null(Value::Object(out), nullable && !at.is_root))
    }

    /// `enum`: strings stay an enum; anything else becomes a checked rule on a plain type.
    /// Writes the type into `out`; returns whether `null` is one of the values.
    fn convert_enum(&mut self, values: &[Value], path: &str, out: &mut Object) -> bool {
        let has_null = values.iter().any(Value::is_null);
        let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
        if !values.is_empty() && values.iter().all(|v| v.is_string()) && self.output {
            // An output is read leniently: a value the document did not list must not fail a
            // paid result. The allowed values are in the field's docs.
            out.insert("type".into(), json!("string"));
        } else if !values.is_empty() && values.iter().all(|v| v.is_string()) {
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
        has_null
    }

    /// `items` of an array; tuple forms stay loose rather than guessed.
    fn convert_array(&mut self, obj: &Object, at: Site<'_>, out: &mut Object) -> Result<(), Error> {
        match obj.get("items") {
            Some(items @ Value::Object(_)) | Some(items @ Value::Bool(_)) => {
                let item_name = format!("{}Item", at.name);
                let ptr = format!("{}/items", at.ptr);
                let path = format!("{}/*", at.path);
                let item = Site { ptr: &ptr, name: &item_name, path: &path, is_root: false, member: false };
                let c = self.convert(items, item)?;
                let used_by = format!("One item of `{}`.", field_name(at.path));
                out.insert("items".into(), self.hoist(c, &item_name, at.name, &used_by, &ptr));
            }
            Some(Value::Array(_)) => {
                out.insert("items".into(), json!({}));
                self.loose.push(display_path(at.path));
            }
            _ => {}
        }
        Ok(())
    }

    /// `properties`, `required` and `additionalProperties` of an object.
    fn convert_object(&mut self, obj: &Object, at: Site<'_>, out: &mut Object) -> Result<(), Error> {
        // The envelope's `model` is set by the client from the model id.
        let strip_model = at.is_root && self.src.strip_model && !self.output;
        let props = obj.get("properties").and_then(Value::as_object);
        let mut required: Vec<String> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).map(String::from).collect())
            .unwrap_or_default();
        let mut new_props = Map::new();
        let mut filled = Vec::new();
        for (wire, prop) in props.into_iter().flatten() {
            if strip_model && wire == "model" {
                continue;
            }
            let mut c = self.convert_property(wire, prop, at)?;
            // A required constant fills itself in: for typify a property with a default (always
            // sent, filled in when parsed), which the builder uses too. (A string constant is a
            // one-value enum.)
            let constant = follow_ref(self.doc, prop).get("const").cloned();
            if let (Some(k), Value::Object(m)) = (constant, &mut c) {
                let typed = ((k.is_number() || k.is_boolean()) && m.contains_key("type"))
                    || (k.is_string() && m.contains_key("$ref"));
                if required.contains(wire) && typed && !at.member && !self.output {
                    m.insert("default".into(), k);
                    filled.push(wire.clone());
                }
            }
            new_props.insert(wire.clone(), c);
        }
        required.retain(|r| new_props.contains_key(r) || props.is_none_or(|p| !p.contains_key(r)));
        required.retain(|r| !filled.contains(r));
        if strip_model {
            required.retain(|r| r != "model");
        }
        out.insert("properties".into(), Value::Object(new_props));
        if !required.is_empty() {
            let mut seen = BTreeSet::new();
            required.retain(|r| seen.insert(r.clone()));
            out.insert("required".into(), json!(required));
        }
        match obj.get("additionalProperties") {
            // An output never refuses a field the document did not list.
            Some(Value::Bool(false)) if self.output => {}
            Some(Value::Bool(b)) => {
                out.insert("additionalProperties".into(), json!(b));
            }
            Some(ap @ Value::Object(_)) => {
                let ptr = format!("{}/additionalProperties", at.ptr);
                let name = format!("{}Extra", at.name);
                let path = format!("{}/*", at.path);
                let extra = Site { ptr: &ptr, name: &name, path: &path, is_root: false, member: false };
                let c = self.convert(ap, extra)?;
                // An empty schema would make typify add a flattened map of arbitrary values:
                // allowing unknown fields is already the default.
                if !c.as_object().is_some_and(|o| o.is_empty()) {
                    out.insert("additionalProperties".into(), c);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// One property of the object at `at`: a media input, or its converted schema under a name
    /// of its own; with the field's docs.
    fn convert_property(&mut self, wire: &str, prop: &Value, at: Site<'_>) -> Result<Value, Error> {
        let ptr = format!("{}/properties/{}", at.ptr, esc(wire));
        let path = if at.path.is_empty() { wire.to_string() } else { format!("{}/{wire}", at.path) };
        let followed = follow_ref(self.doc, prop);
        let mut docs = docs::field_docs(prop, &followed, self.src.ref_siblings_apply);
        if !self.output && self.src.platform == Platform::V2 && docs::is_callback(wire) {
            docs = Some(docs::with_unsigned_note(docs));
        }
        // Output URLs stay strings: nothing is uploaded from a result.
        let mut c = if !self.output && is_media_single(self.doc, wire, &followed) {
            self.uses_media = true;
            or_null(media_ref(), nullable_schema(prop) || nullable_schema(&followed))
        } else if !self.output && is_media_array(self.doc, wire, &followed) {
            self.uses_media = true;
            json!({"type": "array", "items": media_ref()})
        } else {
            let hint = if at.name == ROOT { wire.to_string() } else { format!("{}_{wire}", at.name) };
            let field = Site { ptr: &ptr, name: &pascal(&hint), path: &path, is_root: false, member: false };
            let c = self.convert(prop, field)?;
            let used_by = format!("The type of `{}`.", display_path(&path));
            self.hoist(c, &hint, at.name, &used_by, &ptr)
        };
        if let (Value::Object(m), Some(d)) = (&mut c, docs) {
            m.insert("description".into(), json!(d));
        }
        Ok(c)
    }
}

/// `const`: a string is a one-value enum; any other value gives its plain type (the value itself
/// is a run-time rule).
fn convert_const(c: &Value, out: &mut Object) {
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
}
