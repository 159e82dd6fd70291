//! Readable enum variants: unit variants of string enums are named after their wire values.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::Span;
use syn::visit_mut::VisitMut;

use super::attrs::serde_rename;

/// A readable Rust name for an enum wire value: `16:9` -> `R16x9`, `1080p` -> `P1080`,
/// `2K` -> `K2`, `0.5 MP` -> `Mp0_5`, `3d_animation` -> `V3dAnimation`.
fn variant_name(wire: &str) -> String {
    let words: Vec<&str> = wire.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let camel = |ws: &[&str]| {
        let mut out = String::new();
        for w in ws {
            if out.ends_with(|c: char| c.is_ascii_digit()) && w.starts_with(|c: char| c.is_ascii_digit()) {
                out.push('_');
            }
            let mut cs = w.chars();
            if let Some(f) = cs.next() {
                out.push(f.to_ascii_uppercase());
                out.push_str(&cs.as_str().to_ascii_lowercase_if_upper());
            }
        }
        out
    };
    let num = |s: &str| s.replace('.', "_");
    let is_num = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_digit() || c == '.')
            && s.starts_with(|c: char| c.is_ascii_digit())
    };
    let t = wire.trim();
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
    let out = camel(&words);
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

trait LowerIfUpper {
    fn to_ascii_lowercase_if_upper(&self) -> String;
}

impl LowerIfUpper for str {
    /// `MP` stays readable as `Mp`, `camelCase` keeps its inner capitals.
    fn to_ascii_lowercase_if_upper(&self) -> String {
        if self.chars().all(|c| !c.is_ascii_lowercase()) {
            self.to_ascii_lowercase()
        } else {
            self.to_string()
        }
    }
}

/// Rename unit variants of string enums after their wire values, and every use of them.
pub(super) fn rename_enum_variants(file: &mut syn::File) {
    let mut renames: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for item in &mut file.items {
        let syn::Item::Enum(e) = item else { continue };
        // Only plain string enums (every variant a unit), not tagged or untagged unions.
        if !e.variants.iter().all(|v| matches!(v.fields, syn::Fields::Unit)) {
            continue;
        }
        let mut used = BTreeSet::new();
        let mut map = BTreeMap::new();
        for v in &mut e.variants {
            let wire = serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string());
            let mut name = variant_name(&wire);
            if used.contains(&name) {
                let mut i = 2;
                while used.contains(&format!("{name}_{i}")) {
                    i += 1;
                }
                name = format!("{name}_{i}");
            }
            used.insert(name.clone());
            v.attrs.retain(|a| !a.path().is_ident("doc"));
            let doc = format!(" `{wire}`");
            v.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
            let old = v.ident.to_string();
            if old != name {
                v.ident = syn::Ident::new(&name, Span::call_site());
                map.insert(old, name);
            }
            if v.ident == wire {
                v.attrs.retain(|a| serde_rename(std::slice::from_ref(a)).is_none());
            } else if serde_rename(&v.attrs).is_none() {
                v.attrs.push(syn::parse_quote!(#[serde(rename = #wire)]));
            }
        }
        if !map.is_empty() {
            renames.insert(e.ident.to_string(), map);
        }
    }
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
