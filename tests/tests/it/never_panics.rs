//! The generator never panics: random and mutated schemas give generated code or a located error.

use std::sync::{Once, OnceLock};

use mediagen_codegen::{generate_model, Error, SchemaFile, Settings};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn quiet() {
    static ONCE: Once = Once::new();
    // typify's own panics are caught inside codegen; keep their messages out of the test output.
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.location().is_some_and(|l| l.file().contains("typify")) {
                default(info);
            }
        }));
    });
}

const KEYS: &[&str] = &[
    "type",
    "properties",
    "items",
    "enum",
    "const",
    "oneOf",
    "anyOf",
    "allOf",
    "$ref",
    "nullable",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "required",
    "additionalProperties",
    "if",
    "then",
    "else",
    "not",
    "title",
    "description",
    "format",
    "$defs",
    "definitions",
    "prefixItems",
    "multipleOf",
    "discriminator",
];
const TYPES: &[&str] = &["string", "integer", "number", "boolean", "object", "array", "null", "bogus"];
const NAMES: &[&str] =
    &["prompt", "type", "loop", "3d_mode", "aspect-ratio", "image_url", "images", "model", "n", "", "self", "Input"];
const REFS: &[&str] = &[
    "#",
    "#/$defs/A",
    "#/definitions/B",
    "#/properties/prompt",
    "#/nowhere",
    "other.json#/x",
    "#/$defs/A/properties/x",
    "not-a-ref",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        prop::sample::select(TYPES).prop_map(|t| json!(t)),
        prop::sample::select(NAMES).prop_map(|t| json!(t)),
        prop::sample::select(REFS).prop_map(|r| json!({ "$ref": r })),
        prop::collection::vec(prop::sample::select(TYPES), 0..3).prop_map(|t| json!(t)),
        "[a-z:0-9 .]{0,6}".prop_map(Value::String),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner.clone()), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
            prop::collection::vec((prop::sample::select(NAMES), inner), 0..5).prop_map(|kv| {
                let props: Map<String, Value> = kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
                json!({"type": "object", "properties": props, "required": ["prompt", "model"]})
            }),
        ]
    })
}

fn check(path: &str, text: String) -> Result<(), TestCaseError> {
    let file = SchemaFile { path: path.to_string(), text };
    let outcome = std::panic::catch_unwind(|| generate_model(&file, &Settings::default()));
    match outcome {
        Err(_) => Err(TestCaseError::fail(format!("codegen panicked on {path}: {}", file.text))),
        Ok(Ok(model)) => {
            syn::parse_file(&model.code).map_err(|e| TestCaseError::fail(format!("unparseable output: {e}")))?;
            Ok(())
        }
        // A schema typify cannot type names the construct, never the document root.
        Ok(Err(Error::Schema { pointer, reason, .. })) if pointer.is_empty() && reason.contains("typify") => {
            Err(TestCaseError::fail(format!("unlocated typify error on {path}: {reason}")))
        }
        Ok(Err(Error::Schema { file, .. } | Error::NoModel { file, .. })) => {
            prop_assert_eq!(file, format!("schemas/{path}"));
            Ok(())
        }
        Ok(Err(other)) => Err(TestCaseError::fail(format!("unexpected error kind: {other}"))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_schemas_give_code_or_a_located_error(s in schema(), out in schema(), openapi in any::<bool>()) {
        quiet();
        let text = if openapi {
            json!({"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {"/v1/x": {"post": {
                "requestBody": {"content": {"application/json": {"schema": s}}},
                "responses": {"200": {"content": {"application/json": {"schema": out}}}}}}}}).to_string()
        } else {
            s.to_string()
        };
        check("v2/videos/fuzz.json", text)?;
    }

    #[test]
    fn mutated_shipped_schemas_give_code_or_a_located_error(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), schema()), 1..4),
    ) {
        quiet();
        let original = pick.get(shipped());
        let mut doc: Value = serde_json::from_str(&original.text).unwrap();
        for (at, replacement) in edits {
            let pointers = pointers(&doc);
            let target = at.get(&pointers).clone();
            if let Some(slot) = doc.pointer_mut(&target) {
                *slot = replacement;
            }
        }
        check(&original.path, doc.to_string())?;
    }

    #[test]
    fn truncated_files_are_located_errors(pick in any::<prop::sample::Index>(), cut in 0.0f64..1.0) {
        quiet();
        let original = pick.get(shipped());
        let end = (original.text.len() as f64 * cut) as usize;
        let text: String = original.text.chars().take(end).collect();
        check(&original.path, text)?;
    }
}

fn shipped() -> &'static [SchemaFile] {
    static SCHEMAS: OnceLock<Vec<SchemaFile>> = OnceLock::new();
    SCHEMAS.get_or_init(|| xtask::read_schemas(&xtask::workspace_root().join("schemas")).unwrap())
}

/// Every JSON pointer in a document.
fn pointers(v: &Value) -> Vec<String> {
    fn walk(v: &Value, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        match v {
            Value::Object(m) => {
                m.iter().for_each(|(k, c)| walk(c, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out))
            }
            Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| walk(c, format!("{at}/{i}"), out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, String::new(), &mut out);
    out
}
