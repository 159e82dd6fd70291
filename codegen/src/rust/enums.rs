//! String enums by table: typify derives `Serialize`/`Deserialize` on every string enum (a field
//! visitor and a variant visitor each, expanded and compiled per enum) and spells every value out
//! again in `Display` and `FromStr`. Here each keeps its other derives and its variant docs, and
//! gets one line, `wire_enum!(Name { Variant = "wire", ... })`, the runtime's macro writing its
//! table of wire values and the same impls over it: `Display` and `Serialize` index the table,
//! `FromStr` and `Deserialize` look a value up through one runtime function for all enums. The
//! wire format, the errors and the `TryFrom` impls stay what they were.

use std::collections::BTreeSet;

use super::attrs::serde_rename;

/// Rewrite every string enum of `file` (unit variants only, serde derived): its serde derives
/// and renames go, and its `Display`, `FromStr` and `TryFrom` impls give way to a `wire_enum!`
/// call right after it.
pub(super) fn table_string_enums(file: &mut syn::File) {
    let names: BTreeSet<String> =
        file.items.iter().filter_map(|i| string_enum(i).map(|e| e.ident.to_string())).collect();
    if names.is_empty() {
        return;
    }
    let replaced = ["Display", "FromStr", "TryFrom"];
    let mut items = Vec::with_capacity(file.items.len());
    for mut item in std::mem::take(&mut file.items) {
        if let syn::Item::Impl(i) = &item {
            let trait_name = i.trait_.as_ref().and_then(|(_, p, _)| p.segments.last()).map(|s| s.ident.to_string());
            let self_name = match &*i.self_ty {
                syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                _ => None,
            };
            if let (Some(t), Some(s)) = (trait_name, self_name) {
                if replaced.contains(&t.as_str()) && names.contains(&s) {
                    continue;
                }
            }
        }
        let extra = match &mut item {
            syn::Item::Enum(e) if names.contains(&e.ident.to_string()) => Some(rewrite(e)),
            _ => None,
        };
        items.push(item);
        items.extend(extra);
    }
    file.items = items;
}

/// The enum of `item` when it is a string enum: every variant a unit, serde derived, no serde
/// attribute on the enum itself.
fn string_enum(item: &syn::Item) -> Option<&syn::ItemEnum> {
    let syn::Item::Enum(e) = item else { return None };
    let units = !e.variants.is_empty() && e.variants.iter().all(|v| matches!(v.fields, syn::Fields::Unit));
    let plain = e.variants.iter().all(|v| v.discriminant.is_none());
    let serde_attrs = e.attrs.iter().any(|a| a.path().is_ident("serde"));
    (units && plain && !serde_attrs && derives(&e.attrs).iter().any(|d| d == "Deserialize")).then_some(e)
}

/// The last path segment of every derived trait.
fn derives(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            if let Some(last) = meta.path.segments.last() {
                out.push(last.ident.to_string());
            }
            Ok(())
        });
    }
    out
}

/// Drop the enum's serde derives and renames; return the macro call that writes its tables and
/// impls.
fn rewrite(e: &mut syn::ItemEnum) -> syn::Item {
    for attr in e.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let mut kept: Vec<syn::Path> = Vec::new();
        let _ = attr.parse_nested_meta(|meta| {
            if !meta.path.segments.last().is_some_and(|s| s.ident == "Serialize" || s.ident == "Deserialize") {
                kept.push(meta.path);
            }
            Ok(())
        });
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
    let mut wire = Vec::new();
    let mut variants = Vec::new();
    for v in &mut e.variants {
        wire.push(serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string()));
        v.attrs.retain(|a| !a.path().is_ident("serde"));
        variants.push(v.ident.clone());
    }
    let name = &e.ident;
    syn::parse_quote!(crate::__private::model::wire_enum!(#name { #(#variants = #wire),* });)
}
