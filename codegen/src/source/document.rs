//! Parsing a document without building what nothing in it can reach.
//!
//! A published OpenAPI document often carries its platform's whole component set (hundreds of
//! schemas, megabytes) for one operation that uses a handful. Everything the generator reads is
//! reached from the document's other parts through `$ref`s, so only the component schemas those
//! reach are built as [`Value`]s; the others are checked as JSON (serde_json skims them) and left
//! out of the document. Whether a text parses, and the error when it does not, stay those of
//! `serde_json::from_str::<Value>`: a document this module cannot vouch for that way (nested
//! deeper than serde_json's limit, a `\u` escape of a surrogate, a number that might not fit an
//! `f64`, a repeated key where it splits the document, a `$ref` to the component set itself) is
//! parsed whole instead.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// The document in `text`: every part of it, except component schemas that nothing outside
/// them reaches. The same result as `serde_json::from_str::<Value>` for everything reachable,
/// and the same error.
pub(super) fn parse(text: &str) -> Result<Value, serde_json::Error> {
    match pruned(text) {
        Some(document) => Ok(document),
        None => serde_json::from_str(text),
    }
}

/// The pruned document, or `None` when the whole one must be parsed (no component schemas, or
/// a case where skimming and parsing could disagree).
fn pruned(text: &str) -> Option<Value> {
    // Without component schemas there is nothing to leave out.
    if !text.contains("\"schemas\"") || !skimmable(text.as_bytes()) {
        return None;
    }
    let top: Members = serde_json::from_str(text).ok()?;
    let components = top.get("components")?;
    let sections: Members = serde_json::from_str(components.get()).ok()?;
    let schemas: Members = serde_json::from_str(sections.get("schemas")?.get()).ok()?;

    // Everything but the component schemas, built; then the schemas they reach, transitively.
    let mut built: Vec<(String, Value)> = Vec::with_capacity(top.0.len());
    let mut wanted = Vec::new();
    for (key, raw) in &top.0 {
        if key == "components" {
            continue;
        }
        let value: Value = serde_json::from_str(raw.get()).ok()?;
        refs(&value, &mut wanted)?;
        built.push((key.clone(), value));
    }
    let mut built_sections: Vec<(String, Value)> = Vec::with_capacity(sections.0.len());
    for (key, raw) in &sections.0 {
        if key == "schemas" {
            continue;
        }
        let value: Value = serde_json::from_str(raw.get()).ok()?;
        refs(&value, &mut wanted)?;
        built_sections.push((key.clone(), value));
    }
    let mut reached: Vec<Option<Value>> = vec![None; schemas.0.len()];
    while let Some(name) = wanted.pop() {
        let Some(i) = schemas.0.iter().position(|(k, _)| *k == name) else {
            continue;
        };
        if reached[i].is_some() {
            continue;
        }
        let value: Value = serde_json::from_str(schemas.0[i].1.get()).ok()?;
        refs(&value, &mut wanted)?;
        reached[i] = Some(value);
    }

    // Put it back together in the document's order.
    let mut schema_map: Option<Map<String, Value>> =
        Some(schemas.0.iter().zip(reached).filter_map(|((k, _), v)| Some((k.clone(), v?))).collect());
    let mut section_map = Map::new();
    let mut built_sections = built_sections.into_iter();
    for (key, _) in &sections.0 {
        if key == "schemas" {
            section_map.insert(key.clone(), Value::Object(schema_map.take()?));
        } else {
            let (k, v) = built_sections.next()?;
            section_map.insert(k, v);
        }
    }
    let mut section_map = Some(section_map);
    let mut document = Map::new();
    let mut built = built.into_iter();
    for (key, _) in &top.0 {
        if key == "components" {
            document.insert(key.clone(), Value::Object(section_map.take()?));
        } else {
            let (k, v) = built.next()?;
            document.insert(k, v);
        }
    }
    Some(Value::Object(document))
}

/// An object's members in order, their values unparsed; no key twice.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'a> Members<'a> {
    fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
}

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members: Vec<(String, &'de RawValue)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, &'de RawValue>()? {
                    if members.iter().any(|(k, _)| *k == key) {
                        // serde_json keeps the first place and the last value: not worth copying.
                        return Err(serde::de::Error::custom("a repeated key"));
                    }
                    members.push((key, value));
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

/// The component schemas `value` may refer to, added to `out`: the name after
/// `/components/schemas/` in every string that could be used as a pointer (a `$ref`, or any
/// string starting with `#`), as written and percent-decoded. `None` when one points at the
/// component set itself, or above it: then nothing can be left out.
fn refs(value: &Value, out: &mut Vec<String>) -> Option<()> {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match v {
                    Value::String(s) if key == "$ref" || s.starts_with('#') => pointer_ref(s, out)?,
                    _ => refs(v, out)?,
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                refs(v, out)?;
            }
        }
        Value::String(s) if s.starts_with('#') => pointer_ref(s, out)?,
        _ => {}
    }
    Some(())
}

fn pointer_ref(s: &str, out: &mut Vec<String>) -> Option<()> {
    let pointer = s.trim_start_matches('#');
    let decoded = crate::normalize::percent_decode(pointer);
    for p in [pointer, decoded.as_str()] {
        if !(p.is_empty() || p.starts_with('/')) {
            continue;
        }
        let segments: Vec<String> = p.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
        match segments.as_slice() {
            // The whole document, the components, or all the schemas: everything is needed.
            [] => return None,
            [c] | [c, _] if c == "components" && segments.get(1).is_none_or(|s| s == "schemas") => return None,
            [c, s, name, ..] if c == "components" && s == "schemas" => out.push(name.clone()),
            _ => {}
        }
    }
    Some(())
}

/// Whether skimming `text` (as serde_json does for a value it is not asked to build) accepts
/// exactly what parsing it would: no nesting near serde_json's limit of 128, no `\u` escape of a
/// surrogate (parsing checks they pair up, skimming does not), and no number that might not fit
/// an `f64` (a run of 100 digits, or an exponent of three digits). Errs on the side of `false`.
fn skimmable(text: &[u8]) -> bool {
    let mut depth = 0usize;
    let mut digits = 0usize;
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        if b.is_ascii_digit() {
            digits += 1;
            if digits >= 100 {
                return false;
            }
            i += 1;
            continue;
        }
        let after_digit = digits > 0;
        digits = 0;
        match b {
            b'"' => {
                // Skip the string: only escapes matter in it.
                i += 1;
                loop {
                    // (Past the end after an escape at the very end of a truncated text.)
                    let Some(at) = text.get(i..).and_then(|rest| memchr::memchr2(b'"', b'\\', rest)) else {
                        return false;
                    };
                    i += at;
                    if text[i] == b'"' {
                        break;
                    }
                    if text.get(i + 1) == Some(&b'u')
                        && text.get(i + 2).is_some_and(|c| matches!(c, b'd' | b'D'))
                        && text.get(i + 3).is_some_and(|c| matches!(c, b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F'))
                    {
                        return false;
                    }
                    i += 2;
                }
            }
            b'{' | b'[' => {
                depth += 1;
                if depth >= 100 {
                    return false;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'e' | b'E' if after_digit => {
                let mut j = i + 1;
                if matches!(text.get(j), Some(b'+' | b'-')) {
                    j += 1;
                }
                let exponent = text[j.min(text.len())..].iter().take_while(|c| c.is_ascii_digit()).count();
                if exponent >= 3 {
                    return false;
                }
                i = j + exponent;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    true
}
