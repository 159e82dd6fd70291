//! Distinct, readable field names. typify names a field after its wire name in snake case and
//! does not check that two wire names stay apart (`seed` and `_seed`, `image_url` and
//! `imageUrl`), which would make a struct with two fields of one name; nor does it spell
//! non-ASCII names in ASCII.

use std::collections::BTreeSet;

use proc_macro2::Span;

use super::attrs::serde_rename;
use crate::layout::snake;

/// Give every field of every struct a name of its own: the field whose wire name already is the
/// Rust name keeps it, the others are numbered in typify's order (`seed_2`) and their docs name
/// the wire value; a non-ASCII name is transliterated (`温柔` -> `wen_rou`). Serde keeps the wire
/// names.
pub(super) fn distinct_field_names(file: &mut syn::File) {
    for item in &mut file.items {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(named) = &mut s.fields else { continue };
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
        for ((f, name), (wanted, wire)) in fields.into_iter().zip(names).zip(wanted.iter().zip(&wires)) {
            let name = name.unwrap_or_default();
            if f.ident.as_ref().is_some_and(|i| *i == name) {
                continue;
            }
            if name != *wanted {
                let doc = format!(" Sent as `{wire}` (`{wanted}` is another field's name).");
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
}
