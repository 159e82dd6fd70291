//! Readable enum variants: unit variants of string enums are named after their wire values.
//!
//! typify names variants itself and gives up on values that collide after conversion (`hd` and
//! `HD`, `zoom-in` and `zoom_in`). So [`tokenize`] hands it one made-up, distinct value per wire
//! value, and [`rename_enum_variants`] puts the wire values back and names each variant here.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::Span;
use serde_json::Value;
use syn::visit_mut::VisitMut;

use super::attrs::serde_rename;

/// The stand-in for the `i`-th string enum value of a model: a valid, distinct identifier typify
/// keeps as it is.
fn token(i: usize) -> String {
    format!("Mgwire{i}")
}

/// Replace every string enum value of the normalised definitions by a [`token`]; returns the wire
/// values, indexed by token number.
pub(super) fn tokenize(defs: &mut BTreeMap<String, Value>) -> Vec<String> {
    fn walk(schema: &mut Value, wires: &mut Vec<String>) {
        let Value::Object(obj) = schema else { return };
        if let Some(Value::Array(values)) = obj.get_mut("enum") {
            if values.iter().all(Value::is_string) {
                for v in values.iter_mut() {
                    let wire = v.as_str().unwrap_or_default().to_string();
                    *v = Value::String(token(wires.len()));
                    wires.push(wire);
                }
            }
        }
        for key in ["properties", "definitions"] {
            if let Some(Value::Object(children)) = obj.get_mut(key) {
                children.values_mut().for_each(|c| walk(c, wires));
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(child) = obj.get_mut(key) {
                walk(child, wires);
            }
        }
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(Value::Array(members)) = obj.get_mut(key) {
                members.iter_mut().for_each(|m| walk(m, wires));
            }
        }
    }
    let mut wires = Vec::new();
    defs.values_mut().for_each(|d| walk(d, &mut wires));
    // A default naming a value of an enum definition (a required constant) names its token.
    let tokens: BTreeMap<String, Vec<String>> = defs
        .iter()
        .filter_map(|(name, d)| Some((format!("#/definitions/{name}"), d.get("enum")?.as_array()?.clone())))
        .map(|(r, values)| (r, values.iter().filter_map(|v| v.as_str().map(String::from)).collect()))
        .collect();
    fn defaults(schema: &mut Value, tokens: &BTreeMap<String, Vec<String>>, wires: &[String]) {
        let Value::Object(obj) = schema else { return };
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            for p in props.values_mut() {
                let target = p.get("$ref").and_then(Value::as_str).and_then(|r| tokens.get(r));
                let default = p.get("default").and_then(Value::as_str);
                if let (Some(values), Some(d)) = (target, default) {
                    if let Some(t) = values.iter().find(|t| untoken(t, wires) == d) {
                        p["default"] = Value::String(t.clone());
                    }
                }
                defaults(p, tokens, wires);
            }
        }
    }
    defs.values_mut().for_each(|d| defaults(d, &tokens, &wires));
    wires
}

/// The wire value a token stands for; other text is its own wire value.
fn untoken<'a>(text: &'a str, wires: &'a [String]) -> &'a str {
    text.strip_prefix("Mgwire").and_then(|n| n.parse::<usize>().ok()).and_then(|i| wires.get(i)).map_or(text, |w| w)
}

/// Readable, distinct names for the values of one enum, in order. A value keeps its plain name
/// ([`variant_name`]) unless another value has the same one; then each of those is spelled out
/// ([`spelled_name`]: `zoom-in` -> `ZoomDashIn`, `HD` -> `HdUpper`), the value whose spelling is
/// the plain name keeping it; what still collides is numbered (`Alt2`).
fn variant_names(wires: &[&str]) -> Vec<String> {
    let plain: Vec<String> = wires.iter().map(|w| variant_name(w)).collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &plain {
        *counts.entry(p.as_str()).or_default() += 1;
    }
    let mut names: Vec<String> = wires
        .iter()
        .zip(&plain)
        .map(|(w, p)| if counts[p.as_str()] > 1 { spelled_name(w) } else { p.clone() })
        .collect();
    let mut used = BTreeSet::new();
    for name in &mut names {
        if !used.insert(name.clone()) {
            let mut i = 2;
            while used.contains(&format!("{name}Alt{i}")) {
                i += 1;
            }
            *name = format!("{name}Alt{i}");
            used.insert(name.clone());
        }
    }
    names
}

/// The words of a value in ASCII: every other character transliterated (`温柔` -> `Wen Rou`,
/// `café` -> `cafe`), or named by its code point where no transliteration exists.
fn ascii(wire: &str) -> String {
    let mut out = String::new();
    for c in wire.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            // A letter with a mark reads as the letter (`é` -> `e`); a CJK character as a word
            // (`温` -> `Wen `), which the transliteration ends with a space.
            match deunicode::deunicode_char(c).filter(|t| t.chars().any(|c| c.is_ascii_alphanumeric())) {
                Some(t) => out.push_str(t),
                None => out.push_str(&format!(" U{:04X} ", c as u32)),
            }
        }
    }
    out
}

/// Every character of a value, separators named: `zoom_in` -> `ZoomUnderscoreIn`.
fn spelled_name(wire: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            let upper = word.chars().any(|c| c.is_ascii_uppercase()) && !word.chars().any(|c| c.is_ascii_lowercase());
            out.push_str(&camel(&[word.as_str()]));
            if upper && word.chars().filter(|c| c.is_ascii_alphabetic()).count() > 0 {
                out.push_str("Upper");
            }
            word.clear();
        }
    };
    for c in wire.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut out);
        let named = match c {
            '-' => "Dash".to_string(),
            '+' => "Plus".to_string(),
            '_' => "Underscore".to_string(),
            ' ' => "Space".to_string(),
            '.' => "Dot".to_string(),
            ':' => "Colon".to_string(),
            '/' => "Slash".to_string(),
            c if c.is_ascii() => format!("U{:04X}", c as u32),
            c => camel(&ascii(&c.to_string()).split_whitespace().collect::<Vec<_>>()),
        };
        out.push_str(&named);
    }
    flush(&mut word, &mut out);
    finish(out)
}

/// `hd` -> `Hd`, `MP` -> `Mp`, `camelCase` -> `CamelCase`; digit words stay apart (`1_2` -> `1_2`).
fn camel(words: &[&str]) -> String {
    let mut out = String::new();
    for w in words {
        if out.ends_with(|c: char| c.is_ascii_digit()) && w.starts_with(|c: char| c.is_ascii_digit()) {
            out.push('_');
        }
        let mut cs = w.chars();
        if let Some(f) = cs.next() {
            out.push(f.to_ascii_uppercase());
            let rest = cs.as_str();
            // `MP` reads as `Mp`; `camelCase` keeps its inner capitals.
            if rest.chars().all(|c| !c.is_ascii_lowercase()) {
                out.push_str(&rest.to_ascii_lowercase());
            } else {
                out.push_str(rest);
            }
        }
    }
    out
}

/// A valid UpperCamelCase identifier from a name that may be empty or start with a digit.
fn finish(out: String) -> String {
    if out.is_empty() {
        "Empty".into()
    } else if out == "Self" {
        "SelfValue".into()
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{out}")
    } else {
        out
    }
}

/// A readable Rust name for an enum wire value: `16:9` -> `R16x9`, `1080p` -> `P1080`,
/// `2K` -> `K2`, `0.5 MP` -> `Mp0_5`, `3d_animation` -> `V3dAnimation`, `-1` -> `Minus1`,
/// `温柔女声` -> `WenRouNuSheng`.
fn variant_name(wire: &str) -> String {
    let t = wire.trim();
    // A sign reads as a word: `-1` is `Minus1`, never the same name as `1`.
    for (sign, word) in [('-', "Minus"), ('+', "Plus")] {
        if let Some(rest) = t.strip_prefix(sign).filter(|r| r.starts_with(|c: char| c.is_ascii_digit())) {
            let name = variant_name(rest);
            return format!("{word}{}", name.strip_prefix('V').unwrap_or(&name));
        }
    }
    let t = ascii(t);
    let t = t.trim();
    let words: Vec<&str> = t.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let num = |s: &str| s.replace('.', "_");
    let is_num = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_digit() || c == '.')
            && s.starts_with(|c: char| c.is_ascii_digit())
    };
    if let Some((a, b)) = t.split_once(':') {
        if is_num(a) && is_num(b) {
            return format!("R{}x{}", num(a), num(b));
        }
    }
    if let Some((a, b)) = t.split_once(['x', 'X', '*']) {
        if is_num(a) && is_num(b) {
            return format!("S{}x{}", num(a), num(b));
        }
    }
    let digits_end = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (n, unit) = t.split_at(digits_end);
    let unit = unit.trim();
    if is_num(n) && unit.is_empty() {
        return format!("V{}", num(n));
    }
    if is_num(n) && !unit.is_empty() && unit.chars().all(|c| c.is_ascii_alphabetic() || c == ' ') {
        let unit: String = unit.split(' ').filter(|w| !w.is_empty()).map(|w| camel(&[w])).collect();
        return format!("{unit}{}", num(n));
    }
    finish(camel(&words))
}

/// Rename unit variants of string enums after their wire values, and every use of them.
pub(super) fn rename_enum_variants(file: &mut syn::File, wires: &[String]) {
    let mut renames: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for item in &mut file.items {
        let syn::Item::Enum(e) = item else { continue };
        // Only plain string enums (every variant a unit), not tagged or untagged unions.
        if !e.variants.iter().all(|v| matches!(v.fields, syn::Fields::Unit)) {
            continue;
        }
        let keys: Vec<String> =
            e.variants.iter().map(|v| serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string())).collect();
        let wire_values: Vec<&str> = keys.iter().map(|k| untoken(k, wires)).collect();
        let names = variant_names(&wire_values);
        let mut map = BTreeMap::new();
        for ((v, wire), name) in e.variants.iter_mut().zip(wire_values).zip(names) {
            v.attrs.retain(|a| !a.path().is_ident("doc"));
            let doc = format!(" `{}`", crate::normalize::shown(wire));
            v.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
            let old = v.ident.to_string();
            if old != name {
                v.ident = syn::Ident::new(&name, Span::call_site());
                map.insert(old, name);
            }
            // typify's rename holds the token; the wire value replaces it.
            v.attrs.retain(|a| serde_rename(std::slice::from_ref(a)).is_none());
            if v.ident != wire {
                v.attrs.push(syn::parse_quote!(#[serde(rename = #wire)]));
            }
        }
        if !map.is_empty() {
            renames.insert(e.ident.to_string(), map);
        }
    }
    Untokenize { wires }.visit_file_mut(file);
    if renames.is_empty() {
        return;
    }
    struct Renamer<'a> {
        renames: &'a BTreeMap<String, BTreeMap<String, String>>,
        self_ty: Option<String>,
    }
    impl VisitMut for Renamer<'_> {
        fn visit_item_impl_mut(&mut self, i: &mut syn::ItemImpl) {
            let prev = self.self_ty.take();
            if let syn::Type::Path(p) = &*i.self_ty {
                self.self_ty = p.path.segments.last().map(|s| s.ident.to_string());
            }
            syn::visit_mut::visit_item_impl_mut(self, i);
            self.self_ty = prev;
        }
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            let n = path.segments.len();
            if n >= 2 {
                let owner = path.segments[n - 2].ident.to_string();
                let owner = if owner == "Self" { self.self_ty.clone().unwrap_or_default() } else { owner };
                if let Some(map) = self.renames.get(&owner) {
                    let last = path.segments[n - 1].ident.to_string();
                    if let Some(new) = map.get(&last) {
                        path.segments[n - 1].ident = syn::Ident::new(new, Span::call_site());
                    }
                }
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    Renamer { renames: &renames, self_ty: None }.visit_file_mut(file);
}

/// Every token left in string literals (typify's `Display` and `FromStr` impls) back to its wire
/// value.
struct Untokenize<'a> {
    wires: &'a [String],
}

impl VisitMut for Untokenize<'_> {
    /// Docs and serde attributes hold schema text, never a token (variants get theirs above).
    fn visit_attribute_mut(&mut self, _: &mut syn::Attribute) {}

    fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
        let text = lit.value();
        let wire = untoken(&text, self.wires);
        if wire != text {
            *lit = syn::LitStr::new(wire, lit.span());
        }
    }
}
