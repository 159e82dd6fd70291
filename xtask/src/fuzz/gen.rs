//! Random schemas rich in what breaks generators: names and enum values that collide after
//! conversion or have no ASCII letters, keywords as names, numeric and unicode enum values,
//! unions, refs and keywords beside them, constants, nullables, nested arrays and objects.

use serde_json::{json, Map, Value};

/// A small seeded generator (splitmix64): the same seed gives the same schemas everywhere.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const NAMES: &[&str] = &[
    "prompt",
    "seed",
    "_seed",
    "Seed",
    "SEED",
    "seed_",
    "image_url",
    "imageUrl",
    "image-url",
    "ImageURL",
    "aspect-ratio",
    "aspect_ratio",
    "aspect ratio",
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "build",
    "build_value",
    "builder",
    "validate",
    "default",
    "model",
    "input",
    "json",
    "r#x",
    "3d",
    "3d_mode",
    "x3d_mode",
    "温柔",
    "声音",
    "café",
    "naïve",
    "a b",
    "a-b",
    "a_b",
    "$x",
    "@tag",
    "",
    "_",
    "-",
    "n",
    "N",
    "value",
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "None",
    "Some",
    "Ok",
    "Err",
    "serde",
    "std",
    "defaults",
    "error",
    "RULES",
    "INFO",
    "call",
    "loop",
    "async",
    "move",
    "fn",
    "match",
    "ключ",
    "🎬",
];

const WIRE_VALUES: &[&str] = &[
    "hd",
    "HD",
    "Hd",
    "zoom-in",
    "zoom_in",
    "zoom in",
    "ZoomIn",
    "-1",
    "+1",
    "1",
    "0",
    "-0.5",
    "0.5",
    "温柔女声",
    "沉稳男声",
    "活泼童声",
    "🎬",
    "★",
    "",
    " ",
    "Self",
    "self",
    "16:9",
    "9:16",
    "1080p",
    "2K",
    "0.5 MP",
    "3d_animation",
    "a",
    "A",
    "é",
    "e",
    "Mgwire0",
    "Mgwire1",
    "Empty",
    "V1",
    "Minus1",
    "null",
    "true",
    "None",
    "default",
    "1024x1024",
    "1024×1024",
    "a\"b",
    "a\\b",
    "new\nline",
    "tab\t",
];

const TITLES: &[&str] = &["Input", "Mode", "Item", "Option", "Self", "Value", "温柔", "Type", "Error", "Mgwire0"];

/// One random model document (a JSON Schema file, or an OpenAPI 3.0/3.1 document).
pub(super) fn document(rng: &mut Rng) -> Value {
    let mut defs = Map::new();
    for i in 0..rng.below(4) {
        let name = format!("{}{i}", rng.pick(&["Def", "Seconds", "Text", "温柔", "a-b", "Self"]));
        let s = schema(rng, 2, &[]);
        defs.insert(name, s);
    }
    let openapi = rng.below(4) > 0;
    let prefix = if openapi { "#/components/schemas/" } else { "#/$defs/" };
    let refs: Vec<String> = defs.keys().map(|n| format!("{prefix}{n}")).collect();
    let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
    let count = 1 + rng.below(8);
    let root = object(rng, 3, &refs, count);
    if openapi {
        let version = rng.pick(&["3.1.0", "3.0.3"]);
        defs.insert("Body".into(), root);
        // Most documents also describe the answer: the model's typed output, read leniently.
        let mut post = json!({"requestBody": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Body"}
        }}}});
        if rng.below(3) > 0 {
            let count = 1 + rng.below(6);
            post["responses"] =
                json!({"200": {"content": {"application/json": {"schema": object(rng, 3, &refs, count)}}}});
        }
        json!({
            "openapi": version,
            "info": {"title": "Fuzz", "version": "1"},
            "paths": {"/generate": {"post": post}},
            "components": {"schemas": defs}
        })
    } else {
        let mut doc = root.as_object().cloned().unwrap_or_default();
        let draft =
            rng.pick(&["https://json-schema.org/draft/2020-12/schema", "http://json-schema.org/draft-07/schema#"]);
        doc.insert("$schema".into(), json!(draft));
        doc.insert("title".into(), json!("Fuzz"));
        doc.insert("$defs".into(), Value::Object(defs));
        Value::Object(doc)
    }
}

fn object(rng: &mut Rng, depth: usize, refs: &[&str], count: usize) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for _ in 0..count {
        let name = rng.pick(NAMES).to_string();
        if rng.chance(40) {
            required.push(json!(name));
        }
        props.insert(name, schema(rng, depth, refs));
    }
    let mut o = json!({"type": "object", "properties": props, "required": required});
    if rng.chance(15) {
        o["additionalProperties"] = if rng.chance(50) { json!(false) } else { schema(rng, 0, refs) };
    }
    o
}

fn constant(rng: &mut Rng) -> Value {
    match rng.below(6) {
        0 => json!(1),
        1 => json!(false),
        2 => json!(1.5),
        3 => json!(rng.pick(WIRE_VALUES)),
        4 => json!([1, 2]),
        _ => json!({"k": 1}),
    }
}

fn schema(rng: &mut Rng, depth: usize, refs: &[&str]) -> Value {
    let kinds = if depth == 0 { 8 } else { 14 };
    let mut s = match rng.below(kinds) {
        0 => json!({"type": "string", "maxLength": 40}),
        1 => json!({"type": "integer", "minimum": rng.below(3), "maximum": 10 + rng.below(20)}),
        2 => json!({"type": "number"}),
        3 => json!({"type": "boolean"}),
        4 | 5 => {
            let n = 1 + rng.below(4);
            let values: Vec<&str> = (0..n).map(|_| rng.pick(WIRE_VALUES)).collect();
            json!({"type": "string", "enum": values})
        }
        6 => match rng.below(4) {
            0 => json!({"enum": [1, 2, 4]}),
            1 => json!({"enum": [0.5, 1.5]}),
            2 => json!({"enum": ["a", 1, null]}),
            _ => json!({"type": "integer", "enum": [-1, 1]}),
        },
        7 => json!({ "const": constant(rng) }),
        8 | 9 => json!({"type": "array", "items": schema(rng, depth - 1, refs), "maxItems": 3}),
        10 => {
            let count = 1 + rng.below(4);
            object(rng, depth - 1, refs, count)
        }
        11 => {
            let key = rng.pick(&["anyOf", "oneOf"]);
            let n = 2 + rng.below(2);
            let members: Vec<Value> = (0..n).map(|_| schema(rng, depth - 1, refs)).collect();
            json!({ key: members })
        }
        12 if !refs.is_empty() => {
            let mut s = json!({"$ref": rng.pick(refs)});
            // Keywords beside the ref: constraints, annotations, and some that shape the value.
            for (k, v) in [
                ("maximum", json!(10)),
                ("maxLength", json!(20)),
                ("description", json!("beside")),
                ("default", json!(5)),
                ("nullable", json!(true)),
                ("enum", json!(["x", "X"])),
                ("type", json!("string")),
            ] {
                if rng.chance(25) {
                    s[k] = v;
                }
            }
            s
        }
        _ => json!({"allOf": [schema(rng, depth - 1, refs)]}),
    };
    if rng.chance(15) {
        s = match rng.below(3) {
            0 => {
                s["nullable"] = json!(true);
                s
            }
            1 => match s.get("type").and_then(Value::as_str).map(String::from) {
                Some(t) => {
                    s["type"] = json!([t, "null"]);
                    s
                }
                None => s,
            },
            _ => json!({"anyOf": [s, {"type": "null"}]}),
        };
    }
    if rng.chance(20) {
        s["title"] = json!(rng.pick(TITLES));
    }
    if rng.chance(20) {
        s["description"] = json!("A field */ with `ticks` and \"quotes\"");
    }
    s
}
