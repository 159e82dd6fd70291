//! One schema as the comparison sees it: the node, then what its `$ref`, `allOf` members and
//! nullable-union wrapper lead to, each with its JSON pointer. Following stops at a pointer seen
//! before, so a schema that refers to itself ends.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Map, Value};

/// `a/b` -> `a~1b`, as JSON pointers escape a key.
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A schema and the schemas it is made of, first the node itself.
pub struct View<'a> {
    layers: Vec<(String, &'a Map<String, Value>)>,
    /// `nullable: true`, `"null"` among the types, or a null union member.
    pub nullable: bool,
}

/// Whether a union member only admits null.
fn is_null_member(member: &Value) -> bool {
    member.get("type").and_then(Value::as_str) == Some("null")
        || member.get("const").is_some_and(Value::is_null)
        || member.get("enum").and_then(Value::as_array).is_some_and(|e| e.len() == 1 && e[0].is_null())
}

impl<'a> View<'a> {
    pub fn of(doc: &'a Value, pointer: &str) -> View<'a> {
        let mut view = View { layers: Vec::new(), nullable: false };
        let mut seen = HashSet::new();
        view.visit(doc, pointer.to_string(), &mut seen);
        view
    }

    fn visit(&mut self, doc: &'a Value, pointer: String, seen: &mut HashSet<String>) {
        let Some(node) = doc.pointer(&pointer).and_then(Value::as_object) else { return };
        if !seen.insert(pointer.clone()) {
            return;
        }
        self.layers.push((pointer.clone(), node));
        if node.get("nullable") == Some(&Value::Bool(true)) {
            self.nullable = true;
        }
        match node.get("type") {
            Some(Value::String(t)) if t == "null" => self.nullable = true,
            Some(Value::Array(ts)) if ts.iter().any(|t| t == "null") => self.nullable = true,
            _ => {}
        }
        if let Some(target) = node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
            self.visit(doc, target.to_string(), seen);
        }
        if let Some(members) = node.get("allOf").and_then(Value::as_array) {
            for i in 0..members.len() {
                self.visit(doc, format!("{pointer}/allOf/{i}"), seen);
            }
        }
        for key in ["anyOf", "oneOf"] {
            let Some(members) = node.get(key).and_then(Value::as_array) else { continue };
            let real: Vec<usize> = (0..members.len()).filter(|&i| !is_null_member(&members[i])).collect();
            if real.len() < members.len() {
                self.nullable = true;
            }
            // `anyOf: [T, null]` is T, nullable; `anyOf: [T]` is T: compare T itself.
            if let [only] = real.as_slice() {
                self.visit(doc, format!("{pointer}/{key}/{only}"), seen);
            }
        }
    }

    /// The first layer's value of `keyword`, and its pointer.
    pub fn get(&self, keyword: &str) -> Option<(&'a Value, String)> {
        self.layers.iter().find_map(|(p, node)| node.get(keyword).map(|v| (v, format!("{p}/{}", escape(keyword)))))
    }

    /// Every property by name (the first layer that names it wins), with its pointer.
    pub fn properties(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (p, node) in &self.layers {
            if let Some(props) = node.get("properties").and_then(Value::as_object) {
                for name in props.keys() {
                    out.entry(name.clone()).or_insert_with(|| format!("{p}/properties/{}", escape(name)));
                }
            }
        }
        out
    }

    /// Required property names, each with the pointer of its entry in a `required` array.
    pub fn required(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (p, node) in &self.layers {
            if let Some(names) = node.get("required").and_then(Value::as_array) {
                for (i, name) in names.iter().enumerate() {
                    if let Some(name) = name.as_str() {
                        out.entry(name.to_string()).or_insert_with(|| format!("{p}/required/{i}"));
                    }
                }
            }
        }
        out
    }

    /// The types a value may have, `"null"` aside; empty for "any". Inferred from `properties`
    /// or `items` where no `type` is written.
    pub fn types(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        match self.get("type").map(|(v, _)| v) {
            Some(Value::String(t)) => {
                out.insert(t.clone());
            }
            Some(Value::Array(ts)) => out.extend(ts.iter().filter_map(Value::as_str).map(String::from)),
            _ if self.layers.iter().any(|(_, n)| n.contains_key("properties")) => {
                out.insert("object".into());
            }
            _ if self.get("items").is_some() => {
                out.insert("array".into());
            }
            _ => {}
        }
        out.remove("null");
        out
    }

    /// The members of a union of two or more non-null schemas: (pointer, matching key).
    pub fn union_members(&self) -> Vec<(String, String)> {
        for (p, node) in &self.layers {
            for key in ["anyOf", "oneOf"] {
                let Some(members) = node.get(key).and_then(Value::as_array) else { continue };
                let real: Vec<(String, String)> = members
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| !is_null_member(m))
                    .map(|(i, m)| (format!("{p}/{key}/{i}"), member_key(m, i)))
                    .collect();
                if real.len() > 1 {
                    return real;
                }
            }
        }
        Vec::new()
    }
}

impl View<'_> {
    /// The key this schema would have as a union member (see `member_key`), from any layer.
    pub fn own_key(&self) -> String {
        if let Some((Value::String(r), _)) = self.get("$ref") {
            return format!("$ref {}", r.rsplit('/').next().unwrap_or(r));
        }
        let text = |k: &str| self.get(k).map(|(v, _)| v.as_str().map(String::from).unwrap_or_else(|| v.to_string()));
        text("title")
            .map(|t| format!("title {t}"))
            .or_else(|| text("const").map(|c| format!("const {c}")))
            .or_else(|| text("type").map(|t| format!("type {t}")))
            .unwrap_or_else(|| "schema".to_string())
    }
}

/// What identifies a union member across revisions: the definition it names, else its title,
/// constant or type.
fn member_key(member: &Value, index: usize) -> String {
    let text = |k: &str| member.get(k).map(|v| v.as_str().map(String::from).unwrap_or_else(|| v.to_string()));
    if let Some(r) = member.get("$ref").and_then(Value::as_str) {
        return format!("$ref {}", r.rsplit('/').next().unwrap_or(r));
    }
    text("title")
        .map(|t| format!("title {t}"))
        .or_else(|| text("const").map(|c| format!("const {c}")))
        .or_else(|| text("type").map(|t| format!("type {t}")))
        .unwrap_or_else(|| format!("member {index}"))
}
