//! Distinct, readable field names. typify names a field after its wire name in snake case and
//! does not check that two wire names stay apart (`seed` and `_seed`, `image_url` and
//! `imageUrl`), which would make a struct with two fields of one name; nor does it spell
//! non-ASCII names in ASCII.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::Span;
use syn::visit_mut::VisitMut;

use super::attrs::serde_rename;
use crate::layout::snake;

/// Give every field of every struct a name of its own: the field whose wire name already is the
/// Rust name keeps it, the others are numbered in typify's order (`seed_2`) and their docs name
/// the wire value; a non-ASCII name is transliterated (`温柔` -> `wen_rou`). Serde keeps the wire
/// names.
pub(super) fn distinct_field_names(file: &mut syn::File) {
    // Struct -> (typify's name, ours) of each field, in order, for typify's struct expressions.
    let mut renamed: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for item in &mut file.items {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(named) = &mut s.fields else { continue };
        let struct_name = s.ident.to_string();
        if named.named.iter().any(|f| is_complex(&f.ty)) {
            s.attrs.push(syn::parse_quote!(#[allow(clippy::type_complexity)]));
        }
        let fields: Vec<&mut syn::Field> = named.named.iter_mut().collect();
        let mut wires = Vec::new();
        let mut wanted = Vec::new();
        for f in &fields {
            let ident = f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
            let wire = serde_rename(&f.attrs).unwrap_or_else(|| ident.trim_start_matches("r#").to_string());
            wanted.push(if ident.is_ascii() { ident } else { snake(&deunicode::deunicode(&wire)) });
            wires.push(wire);
        }
        // First the fields whose wire name is their name, so they keep it.
        let mut used = BTreeSet::new();
        let mut names: Vec<Option<String>> = vec![None; fields.len()];
        for (i, name) in wanted.iter().enumerate() {
            if *name == wires[i] && used.insert(name.clone()) {
                names[i] = Some(name.clone());
            }
        }
        for (i, name) in wanted.iter().enumerate() {
            if names[i].is_some() {
                continue;
            }
            let mut candidate = name.clone();
            let mut n = 2;
            while !used.insert(candidate.clone()) {
                candidate = format!("{}_{n}", name.trim_end_matches('_'));
                n += 1;
            }
            names[i] = Some(candidate);
        }
        let order = renamed.entry(struct_name).or_default();
        for ((f, name), (wanted, wire)) in fields.into_iter().zip(names).zip(wanted.iter().zip(&wires)) {
            let name = name.unwrap_or_default();
            let old = f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
            order.push((old.clone(), name.clone()));
            if old == name {
                continue;
            }
            if name != *wanted {
                let doc = format!(" Sent as `{}` (`{wanted}` is another field's name).", crate::normalize::shown(wire));
                let at = f.attrs.iter().take_while(|a| a.path().is_ident("doc")).count();
                if at > 0 {
                    f.attrs.insert(at, syn::parse_quote!(#[doc = ""]));
                }
                f.attrs.insert(at + usize::from(at > 0), syn::parse_quote!(#[doc = #doc]));
            }
            f.ident = Some(syn::Ident::new(&name, Span::call_site()));
            // The field is no longer named after its wire value: serde needs it spelled out.
            if serde_rename(&f.attrs).is_none() {
                f.attrs.push(syn::parse_quote!(#[serde(rename = #wire)]));
            }
        }
    }
    StructExprs { renamed: &renamed, self_ty: None }.visit_file_mut(file);
}

/// Whether a type nests so many generics (`Vec<Option<Vec<Vec<bool>>>>`) that clippy's
/// `type_complexity` would fire on it or on its setter.
pub(super) fn is_complex(ty: &syn::Type) -> bool {
    let text = quote::quote!(#ty).to_string();
    text.matches('<').count() >= 3
}

/// typify's `Default` impls build structs field by field: the `n`-th `seed:` of an expression
/// of struct `S` is the `n`-th field typify named `seed`.
struct StructExprs<'a> {
    renamed: &'a BTreeMap<String, Vec<(String, String)>>,
    self_ty: Option<String>,
}

impl VisitMut for StructExprs<'_> {
    fn visit_item_impl_mut(&mut self, i: &mut syn::ItemImpl) {
        let prev = self.self_ty.take();
        if let syn::Type::Path(p) = &*i.self_ty {
            self.self_ty = p.path.segments.last().map(|s| s.ident.to_string());
        }
        syn::visit_mut::visit_item_impl_mut(self, i);
        self.self_ty = prev;
    }

    fn visit_expr_struct_mut(&mut self, e: &mut syn::ExprStruct) {
        let name = e.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        let name = if name == "Self" { self.self_ty.clone().unwrap_or_default() } else { name };
        if let Some(order) = self.renamed.get(&name) {
            let mut taken = vec![false; order.len()];
            for field in &mut e.fields {
                let syn::Member::Named(ident) = &mut field.member else { continue };
                let at = order.iter().enumerate().position(|(i, (old, _))| !taken[i] && ident == old);
                if let Some(i) = at {
                    taken[i] = true;
                    let new = syn::Ident::new(&order[i].1, Span::call_site());
                    if *ident != new {
                        field.colon_token.get_or_insert_with(Default::default);
                        *ident = new;
                    }
                }
            }
        }
        syn::visit_mut::visit_expr_struct_mut(self, e);
    }
}
