//! A model's input given as JSON (the CLI's flags and `--input`, [`crate::ModelInfo::parse`]),
//! checked against the model's schema before it is typed, so that JSON can never do what typed
//! code cannot:
//!
//! - a local-file marker in JSON is refused: a file becomes an input only through typed code
//!   ([`crate::MediaInput::path`]) or the CLI's explicit `--file`;
//! - an unknown parameter is an error naming the closest known one (`durration: unknown
//!   parameter; did you mean duration?`), unless the schema allows additional properties, in
//!   which case it is forwarded on the wire;
//! - a missing required parameter reads `prompt: is required`; a required constant (`const`, or an
//!   `enum` of one value) fills itself in;
//! - a whole number written as a float (`5.0`, what Python's `json.dumps(5.0)` gives) is an
//!   integer where the schema says `integer` (JSON Schema draft-06 and later).

use serde_json::{Map, Value};

use crate::media::FILE_MARKER;
use crate::{Error, Result};

/// Parameters the schema lets through untyped, to add back to the typed body.
pub(crate) type Extras = Map<String, Value>;

/// Check and normalize `value` against `schema` (the model's input schema with its `$ref`s
/// inlined). Returns the top-level parameters to forward as they are.
pub(crate) fn prepare(value: &mut Value, schema: &Value) -> Result<Extras> {
    refuse_files(value, &mut Vec::new())?;
    let mut extras = Extras::new();
    walk(value, &views(schema), &mut Vec::new(), Some(&mut extras))?;
    Ok(extras)
}

/// `a.b[0].c`, as the SDK's validation errors name fields.
fn render(path: &[String]) -> String {
    let mut out = String::new();
    for seg in path {
        if seg.starts_with('[') {
            out.push_str(seg);
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(seg);
        }
    }
    out
}

fn refuse_files(value: &Value, path: &mut Vec<String>) -> Result<()> {
    match value {
        Value::Object(map) => {
            if map.contains_key(FILE_MARKER) {
                return Err(Error::validation(
                    render(path),
                    "type",
                    "a local file cannot be given in JSON input; give a URL, or the file with --file \
                     PARAM=PATH (CLI) or MediaInput::path (Rust)",
                ));
            }
            for (k, v) in map {
                path.push(k.clone());
                refuse_files(v, path)?;
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(format!("[{i}]"));
                refuse_files(v, path)?;
                path.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

/// The schemas a value must satisfy at once (`allOf` members and the schema itself), each with
/// the alternatives it offers (`oneOf`/`anyOf` members) flattened in: a parameter is known when
/// any of them names it.
fn views(schema: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    let mut stack = vec![schema];
    while let Some(s) = stack.pop() {
        if !s.is_object() {
            continue;
        }
        out.push(s);
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = s.get(key) {
                stack.extend(members.iter());
            }
        }
    }
    out
}

/// Whether the schemas type the value as an integer (and nothing wider).
fn says_integer(views: &[&Value]) -> bool {
    let types: Vec<&str> = views
        .iter()
        .filter_map(|v| v.get("type"))
        .flat_map(|t| match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        })
        .collect();
    types.contains(&"integer") && !types.contains(&"number")
}

fn walk(value: &mut Value, views: &[&Value], path: &mut Vec<String>, extras: Option<&mut Extras>) -> Result<()> {
    match value {
        Value::Number(n) if says_integer(views) => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && n.is_f64() && f.abs() < 9.0e15) {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => {
            let item_views: Vec<&Value> = views.iter().filter_map(|v| v.get("items")).flat_map(self::views).collect();
            for (i, item) in items.iter_mut().enumerate() {
                path.push(format!("[{i}]"));
                walk(item, &item_views, path, None)?;
                path.pop();
            }
        }
        Value::Object(map) => walk_object(map, views, path, extras)?,
        _ => {}
    }
    Ok(())
}

fn walk_object(
    map: &mut Map<String, Value>,
    views: &[&Value],
    path: &mut Vec<String>,
    extras: Option<&mut Extras>,
) -> Result<()> {
    let props: Vec<&Map<String, Value>> = views.iter().filter_map(|v| v.get("properties")?.as_object()).collect();
    if props.is_empty() {
        // A free-form object (no properties stated): nothing to check against.
        return Ok(());
    }
    let is_union = views.iter().any(|v| v.get("oneOf").is_some() || v.get("anyOf").is_some());
    let open =
        views.iter().any(|v| matches!(v.get("additionalProperties"), Some(Value::Bool(true)) | Some(Value::Object(_))));
    let known = |name: &str| props.iter().any(|p| p.contains_key(name));

    // Unknown parameters: an error (a typo must not silently fall back to the default), or,
    // where the schema allows more, kept to be forwarded.
    let unknown: Vec<String> = map.keys().filter(|k| !known(k)).cloned().collect();
    let mut extras = extras;
    for name in unknown {
        if !open {
            let names: Vec<&str> = props.iter().flat_map(|p| p.keys().map(String::as_str)).collect();
            path.push(name.clone());
            let message = match closest(&name, &names) {
                Some(near) => format!("unknown parameter; did you mean {near}?"),
                None => format!("unknown parameter; the parameters are {}", names.join(", ")),
            };
            return Err(Error::validation(render(path), "unknown", message));
        }
        if let (Some(extras), Some(v)) = (extras.as_deref_mut(), map.get(&name)) {
            extras.insert(name.clone(), v.clone());
        }
    }

    // Required parameters (of the schema and its `allOf` members; a union's are its variants'
    // business): a constant fills itself in, anything else missing is named.
    if !is_union {
        for view in views {
            let Some(required) = view.get("required").and_then(Value::as_array) else { continue };
            for name in required.iter().filter_map(Value::as_str) {
                if map.contains_key(name) {
                    continue;
                }
                // A constant: `const`, or an `enum` of one value (AI/ML API's `model`).
                let constant = props.iter().find_map(|p| {
                    let s = p.get(name)?;
                    s.get("const").or_else(|| s.get("enum")?.as_array().filter(|e| e.len() == 1)?.first())
                });
                match constant {
                    Some(c) => {
                        map.insert(name.to_string(), c.clone());
                    }
                    None => {
                        path.push(name.to_string());
                        let err = Error::validation(render(path), "required", "is required");
                        return Err(err);
                    }
                }
            }
        }
    }

    for (name, v) in map.iter_mut() {
        let prop_views: Vec<&Value> = props.iter().filter_map(|p| p.get(name)).flat_map(self::views).collect();
        if prop_views.is_empty() {
            continue;
        }
        path.push(name.clone());
        walk(v, &prop_views, path, None)?;
        path.pop();
    }
    Ok(())
}

/// The known name closest to a misspelt one, when one is close enough to be what was meant.
fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::normalized_damerau_levenshtein(&lower, &k.to_lowercase()), *k))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema() -> Value {
        json!({"type": "object", "required": ["prompt", "n"], "properties": {
            "prompt": {"type": "string"},
            "n": {"type": "integer", "const": 1},
            "duration": {"type": "integer", "enum": [5, 10]},
            "guidance": {"type": "number"},
            "image_url": {"type": "string", "format": "uri"},
            "shots": {"type": "array", "items": {"type": "object", "properties": {"seconds": {"type": ["integer", "null"]}}}}
        }})
    }

    #[test]
    fn a_typo_names_the_closest_parameter() {
        let mut v = json!({"prompt": "p", "durration": 6});
        let err = prepare(&mut v, &schema()).unwrap_err();
        assert_eq!(err.to_string(), "durration: unknown parameter; did you mean duration?");
        let mut v = json!({"prompt": "p", "zzz": 6});
        let err = prepare(&mut v, &schema()).unwrap_err();
        assert!(err.to_string().starts_with("zzz: unknown parameter; the parameters are prompt, n,"), "{err}");
        let mut nested = json!({"prompt": "p", "shots": [{"second": 2}]});
        let err = prepare(&mut nested, &schema()).unwrap_err();
        assert_eq!(err.to_string(), "shots[0].second: unknown parameter; did you mean seconds?");
    }

    #[test]
    fn open_schemas_forward_what_they_do_not_name() {
        let mut open = schema();
        open["additionalProperties"] = json!(true);
        let mut v = json!({"prompt": "p", "seed_hint": 7});
        assert_eq!(prepare(&mut v, &open).unwrap(), json!({"seed_hint": 7}).as_object().unwrap().clone());
    }

    #[test]
    fn whole_floats_are_integers_where_the_schema_says_integer() {
        let mut v = json!({"prompt": "p", "duration": 5.0, "guidance": 7.0, "shots": [{"seconds": 3.0}]});
        prepare(&mut v, &schema()).unwrap();
        assert_eq!(v["duration"], json!(5));
        assert!(v["duration"].is_i64());
        assert!(v["guidance"].is_f64(), "a number stays a number");
        assert!(v["shots"][0]["seconds"].is_i64());
        let mut half = json!({"prompt": "p", "duration": 5.5});
        prepare(&mut half, &schema()).unwrap();
        assert!(half["duration"].is_f64(), "5.5 is left for the type to refuse");
    }

    #[test]
    fn required_constants_fill_themselves_in_and_the_missing_are_named() {
        let mut v = json!({"prompt": "p"});
        prepare(&mut v, &schema()).unwrap();
        assert_eq!(v["n"], json!(1));
        let mut v = json!({});
        assert_eq!(prepare(&mut v, &schema()).unwrap_err().to_string(), "prompt: is required");
    }

    #[test]
    fn file_markers_in_json_are_refused_wherever_they_are() {
        let mut v = json!({"prompt": "p", "image_url": {"$mediagen_file": {"path": "credentials.env"}}});
        let err = prepare(&mut v, &schema()).unwrap_err();
        assert!(err.to_string().starts_with("image_url: a local file cannot be given in JSON input"), "{err}");
        let mut v = json!({"prompt": "p", "shots": [{"x": {"$mediagen_file": {"path": "/etc/passwd"}}}]});
        assert!(prepare(&mut v, &schema()).unwrap_err().to_string().starts_with("shots[0].x: a local file"));
    }
}
