//! A model's parameters, read from the schema the registry carries.

use serde_json::{Map, Value};

/// How a parameter's value is written on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// A string (or a media URL).
    String,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// Anything else, written as JSON.
    Json,
}

impl ParamType {
    fn name(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Integer => "integer",
            ParamType::Number => "number",
            ParamType::Boolean => "boolean",
            ParamType::Json => "json",
        }
    }
}

/// One top-level input field of a model.
#[derive(Debug, Clone)]
pub struct Param {
    /// The wire name (`aspect_ratio`).
    pub name: String,
    /// The flag without dashes (`aspect-ratio`).
    pub flag: String,
    /// The type of one value.
    pub ty: ParamType,
    /// Whether the flag may repeat (an array).
    pub array: bool,
    /// Allowed values, as written on the command line.
    pub allowed: Vec<String>,
    /// The schema's default, as JSON text.
    pub default: Option<String>,
    /// `min ≤ x ≤ max` and the like.
    pub range: Option<String>,
    /// Required by the schema.
    pub required: bool,
    /// The schema's description.
    pub description: String,
}

/// Flags the `run` command itself uses: a parameter with such a name gets `--param-<name>`.
pub const RESERVED: &[&str] =
    &["input", "file", "no-wait", "timeout", "stream", "idempotency-key", "download", "base-url", "json", "help"];

fn resolve<'a>(root: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match v.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')).and_then(|p| root.pointer(p)) {
            Some(t) => v = t,
            None => break,
        }
    }
    v
}

/// The non-null members of a union, or the schema itself.
fn members<'a>(root: &'a Value, v: &'a Value) -> Vec<&'a Value> {
    let v = resolve(root, v);
    for key in ["anyOf", "oneOf"] {
        if let Some(ms) = v.get(key).and_then(Value::as_array) {
            return ms
                .iter()
                .map(|m| resolve(root, m))
                .filter(|m| {
                    m.get("type").and_then(Value::as_str) != Some("null")
                        && !m.as_object().is_some_and(|o| o.len() == 1 && o.contains_key("nullable"))
                })
                .collect();
        }
    }
    if let Some(all) = v.get("allOf").and_then(Value::as_array) {
        if all.len() == 1 {
            return members(root, &all[0]);
        }
    }
    vec![v]
}

fn type_of(root: &Value, v: &Value) -> (ParamType, bool) {
    let ms = members(root, v);
    if ms.len() != 1 {
        // A union of scalars is written as JSON, except when every member is a string form.
        let all_strings = ms.iter().all(|m| m.get("type").and_then(Value::as_str) == Some("string"));
        return (if all_strings { ParamType::String } else { ParamType::Json }, false);
    }
    let m = ms[0];
    let t = match m.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or(""),
        _ => "",
    };
    let from_enum = || {
        // A constant is a one-value enum.
        let constant = m.get("const").map(|c| vec![c.clone()]);
        let e = m.get("enum").and_then(Value::as_array).or(constant.as_ref())?;
        Some(if e.iter().all(|x| x.is_i64() || x.is_u64()) {
            ParamType::Integer
        } else if e.iter().all(Value::is_number) {
            ParamType::Number
        } else if e.iter().all(|x| x.is_string() || x.is_null()) {
            ParamType::String
        } else if e.iter().all(Value::is_boolean) {
            ParamType::Boolean
        } else {
            ParamType::Json
        })
    };
    match t {
        "string" => (ParamType::String, false),
        "integer" => (from_enum().unwrap_or(ParamType::Integer), false),
        "number" => (from_enum().unwrap_or(ParamType::Number), false),
        "boolean" => (ParamType::Boolean, false),
        "array" => {
            let item = m.get("items").map(|i| type_of(root, i).0).unwrap_or(ParamType::Json);
            (if item == ParamType::Json { ParamType::Json } else { item }, item != ParamType::Json)
        }
        "object" => (ParamType::Json, false),
        _ => (from_enum().unwrap_or(ParamType::Json), false),
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The parameters of a model's input schema (the variants' fields, for a union of objects).
pub fn params(schema: &Value) -> Vec<Param> {
    // The schema's own properties, then those of its members (`allOf` beside `properties`, the
    // variants of a `oneOf`).
    let mut objects: Vec<&Value> = Vec::new();
    if schema.get("properties").is_some() {
        objects.push(schema);
    }
    objects.extend(members(schema, schema));
    if objects.is_empty() {
        objects.push(schema);
    }
    let mut out: Vec<Param> = Vec::new();
    for obj in objects {
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(props) = obj.get("properties").and_then(Value::as_object) else { continue };
        for (name, prop) in props {
            if out.iter().any(|p| &p.name == name) {
                continue;
            }
            let (ty, array) = type_of(schema, prop);
            let p = resolve(schema, prop);
            let ms = members(schema, prop);
            let first = ms.first().copied().unwrap_or(p);
            let items = if array { first.get("items").map(|i| resolve(schema, i)) } else { None };
            let source = items.unwrap_or(first);
            let allowed = source
                .get("enum")
                .or_else(|| source.get("const").map(|_| &Value::Null))
                .and_then(Value::as_array)
                .map(|e| e.iter().filter(|x| !x.is_null()).map(show).collect())
                .or_else(|| source.get("const").map(|c| vec![show(c)]))
                .unwrap_or_default();
            let pick = |k: &str| prop.get(k).or_else(|| p.get(k)).or_else(|| first.get(k));
            let lo = pick("minimum").map(show).or_else(|| {
                pick("exclusiveMinimum").filter(|v| v.is_number()).map(|v| format!("{} (exclusive)", show(v)))
            });
            let hi = pick("maximum").map(show).or_else(|| {
                pick("exclusiveMaximum").filter(|v| v.is_number()).map(|v| format!("{} (exclusive)", show(v)))
            });
            let range = match (lo, hi) {
                (Some(l), Some(h)) => Some(format!("{l}..{h}")),
                (Some(l), None) => Some(format!("≥ {l}")),
                (None, Some(h)) => Some(format!("≤ {h}")),
                _ => None,
            };
            let flag: String =
                name.to_ascii_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
            let flag = flag.trim_matches('-').to_string();
            let mut flag =
                if RESERVED.contains(&flag.as_str()) || flag.is_empty() { format!("param-{flag}") } else { flag };
            // `aspect_ratio` and `aspect-ratio` in one schema: the second gets a number.
            let base = flag.clone();
            let mut n = 2;
            while out.iter().any(|p| p.flag == flag) {
                flag = format!("{base}-{n}");
                n += 1;
            }
            out.push(Param {
                name: name.clone(),
                flag,
                ty,
                array,
                allowed,
                default: pick("default").map(|d| d.to_string()),
                range,
                // A required constant fills itself in (the model's type sets it when parsing).
                required: required.contains(&name.as_str()) && first.get("const").is_none(),
                description: pick("description")
                    .or_else(|| pick("title"))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .trim()
                    .to_string(),
            });
        }
    }
    out
}

impl Param {
    /// Parse one command-line value into JSON.
    pub fn value(&self, raw: &str) -> Result<Value, String> {
        let bad = |what: &str| format!("--{}: {raw:?} is not {what}", self.flag);
        match self.ty {
            ParamType::String => Ok(Value::String(raw.to_string())),
            ParamType::Integer => raw.trim().parse::<i64>().map(Value::from).map_err(|_| bad("an integer")),
            ParamType::Number => raw
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
                .ok_or_else(|| bad("a number")),
            ParamType::Boolean => match raw.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" | "on" => Ok(Value::Bool(true)),
                "false" | "no" | "0" | "off" => Ok(Value::Bool(false)),
                _ => Err(bad("true or false")),
            },
            ParamType::Json => serde_json::from_str(raw).or_else(|_| Ok(Value::String(raw.to_string()))),
        }
    }

    /// The parameter as JSON, for `describe --json`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), self.name.clone().into());
        m.insert("flag".into(), format!("--{}", self.flag).into());
        m.insert(
            "type".into(),
            if self.array { format!("{}[]", self.ty.name()) } else { self.ty.name().to_string() }.into(),
        );
        m.insert("required".into(), self.required.into());
        m.insert("allowed".into(), self.allowed.clone().into());
        m.insert(
            "default".into(),
            self.default.as_deref().and_then(|d| serde_json::from_str(d).ok()).unwrap_or(Value::Null),
        );
        m.insert("range".into(), self.range.clone().map(Value::from).unwrap_or(Value::Null));
        m.insert("description".into(), self.description.clone().into());
        Value::Object(m)
    }

    /// One line of help: type, allowed values, default, range.
    pub fn help(&self) -> String {
        let mut parts = vec![];
        if !self.description.is_empty() {
            parts.push(self.description.lines().next().unwrap_or_default().to_string());
        }
        let mut facts = vec![format!("{}{}", self.ty.name(), if self.array { ", repeatable" } else { "" })];
        if self.required {
            facts.push("required".into());
        }
        if !self.allowed.is_empty() {
            facts.push(format!("one of: {}", self.allowed.join(", ")));
        }
        if let Some(r) = &self.range {
            facts.push(format!("range {r}"));
        }
        if let Some(d) = &self.default {
            facts.push(format!("default {d}"));
        }
        parts.push(format!("[{}]", facts.join("; ")));
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_that_collide_after_conversion_get_distinct_flags_and_constants_are_not_asked_for() {
        let schema = json!({"type": "object", "required": ["n", "watermark"], "properties": {
            "seed": {"type": "integer"}, "_seed": {"type": "integer"},
            "image_url": {"type": "string"}, "imageUrl": {"type": "string"},
            "n": {"const": 1}, "watermark": {"const": false}
        }});
        let ps = params(&schema);
        let flags: Vec<(&str, &str)> = ps.iter().map(|p| (p.name.as_str(), p.flag.as_str())).collect();
        assert_eq!(
            flags,
            [
                ("seed", "seed"),
                ("_seed", "seed-2"),
                ("image_url", "image-url"),
                ("imageUrl", "imageurl"),
                ("n", "n"),
                ("watermark", "watermark")
            ]
        );
        let n = ps.iter().find(|p| p.name == "n").unwrap();
        assert_eq!((n.ty, n.required, n.allowed.as_slice()), (ParamType::Integer, false, ["1".to_string()].as_slice()));
        let w = ps.iter().find(|p| p.name == "watermark").unwrap();
        assert_eq!((w.ty, w.required), (ParamType::Boolean, false));
    }

    #[test]
    fn properties_beside_a_top_level_all_of_are_all_flags() {
        let schema = json!({"type": "object", "allOf": [{"type": "object", "properties": {"seed": {"type": "integer"}}}],
            "required": ["prompt"], "properties": {"prompt": {"type": "string"}, "fps": {"type": "integer"}}});
        let names: Vec<String> = params(&schema).into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["prompt", "fps", "seed"]);
    }

    #[test]
    fn flags_are_unique_and_never_clash_with_run_flags() {
        let schema = json!({"type": "object", "required": ["json"], "properties": {
            "json": {"type": "boolean"}, "aspect_ratio": {"type": "string", "enum": ["16:9", "9:16"]},
            "aspect-ratio": {"type": "string"}, "image_urls": {"type": "array", "items": {"type": "string"}},
            "seed": {"anyOf": [{"type": "integer"}, {"type": "null"}], "minimum": 0, "maximum": 9},
            "size": {"anyOf": [{"type": "string", "enum": ["square"]}, {"type": "object"}]}
        }});
        let ps = params(&schema);
        let flags: Vec<&str> = ps.iter().map(|p| p.flag.as_str()).collect();
        assert_eq!(
            flags,
            ["json", "aspect-ratio", "aspect-ratio-2", "image-urls", "seed", "size"].map(|f| if f == "json" {
                "param-json"
            } else {
                f
            })
        );
        let seed = ps.iter().find(|p| p.name == "seed").unwrap();
        assert_eq!((seed.ty, seed.range.as_deref()), (ParamType::Integer, Some("0..9")));
        let urls = ps.iter().find(|p| p.name == "image_urls").unwrap();
        assert!(urls.array && urls.ty == ParamType::String);
        assert_eq!(ps.iter().find(|p| p.name == "size").unwrap().ty, ParamType::Json);
        assert!(ps[0].required);
        assert_eq!(ps[0].value("no").unwrap(), json!(false));
        assert!(seed.value("x").is_err());
    }
}
