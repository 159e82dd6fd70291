//! A field's rustdoc: the schema's description, then its allowed values, default and range.

use serde_json::Value;

use crate::source::is_annotation;

/// The rustdoc text for a property; `followed` is `prop` with its `$ref`s followed, read where
/// `prop` itself does not say. `siblings_apply`: whether keywords beside a `$ref` apply (OpenAPI
/// 3.1, 2020-12); where they do not, only annotations are read from beside it and the docs say
/// what was ignored.
pub(super) fn field_docs(prop: &Value, followed: &Value, siblings_apply: bool) -> Option<String> {
    let beside_ref = prop.get("$ref").is_some();
    let own = |k: &str| prop.get(k).filter(|_| !beside_ref || siblings_apply || is_annotation(k));
    let pick = |k: &str| {
        let (mine, target) = (own(k), followed.get(k).filter(|_| beside_ref));
        // Both bounds apply: show the stricter one.
        let stricter = match (mine.and_then(Value::as_f64), target.and_then(Value::as_f64)) {
            (Some(a), Some(b)) if k.starts_with("min") || k.starts_with("exclusiveMin") => a < b,
            (Some(a), Some(b)) if k.starts_with("max") || k.starts_with("exclusiveMax") => a > b,
            _ => false,
        };
        if stricter {
            target
        } else {
            mine.or_else(|| followed.get(k))
        }
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(d) = pick("description").and_then(Value::as_str).filter(|d| !d.trim().is_empty()) {
        parts.push(d.trim().to_string());
    } else if let Some(t) = pick("title").and_then(Value::as_str) {
        parts.push(t.trim().to_string());
    }
    let mut facts: Vec<String> = Vec::new();
    if let Some(values) = pick("enum").and_then(Value::as_array) {
        let shown: Vec<String> = values
            .iter()
            .map(|v| format!("`{}`", shown(&v.as_str().map(String::from).unwrap_or_else(|| v.to_string()))))
            .collect();
        facts.push(format!("Allowed values: {}.", shown.join(", ")));
    }
    if let Some(c) = pick("const") {
        facts.push(format!("Always `{}`.", shown(&c.to_string())));
    }
    if let Some(d) = pick("default") {
        facts.push(format!("Default (applied by the platform when unset): `{d}`."));
    }
    // OpenAPI 3.0 spells an exclusive bound as a boolean beside `minimum`/`maximum`.
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
    for (k, label) in [
        ("minLength", "Minimum length"),
        ("maxLength", "Maximum length"),
        ("minItems", "Minimum items"),
        ("maxItems", "Maximum items"),
    ] {
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
    if beside_ref && !siblings_apply {
        let ignored: Vec<String> = prop
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| k.as_str() != "$ref" && !is_annotation(k))
            .map(|(k, v)| format!("`{k}: {v}`"))
            .collect();
        if !ignored.is_empty() {
            facts.push(format!(
                "Not applied: {}, beside a `$ref`, which this document's version (OpenAPI 3.0, JSON Schema draft-07 or earlier) ignores.",
                ignored.join(", ")
            ));
        }
    }
    if !facts.is_empty() {
        parts.push(facts.join("\n"));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// Whether a field takes a callback URL (`notify_hook`, `callback_url`, `webhook`), by its name.
pub(super) fn is_callback(wire: &str) -> bool {
    let name = wire.to_ascii_lowercase();
    name.ends_with("_hook") || name.starts_with("callback") || name.starts_with("webhook")
}

/// The note a callback field of a platform that signs none of its deliveries gets (the v2 relays
/// document `notify_hook` without a signature; fal's signed webhooks are `Client<Fal>::verify`).
pub(super) fn with_unsigned_note(docs: Option<String>) -> String {
    let note = "Deliveries to this URL are not signed: the relay documents no signature, so anyone who \
                learns the URL can post to it. Treat a delivery as a hint and read the task's state with \
                a lookup by id.";
    match docs {
        Some(d) => format!("{d}\n\n{note}"),
        None => note.to_string(),
    }
}

/// `8.0` reads as `8`.
fn fmt_num(v: &Value) -> String {
    match v.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        _ => v.to_string(),
    }
}

/// A wire value as docs show it: control characters escaped (`\t`), so a tab or line break in a
/// value neither breaks the doc line nor trips clippy.
pub(crate) fn shown(value: &str) -> String {
    value.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}
