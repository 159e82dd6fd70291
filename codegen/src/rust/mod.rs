//! typify for the types, then a syn pass for what typify does not do: readable enum variants,
//! builders, validation and the `Model` impl.
//!
//! [`types`] drives typify, [`variants`] renames enum variants, [`enums`] gives string enums a
//! table of wire values, [`builders`] adds a builder per struct, [`model`] the registry entry,
//! rules and `Model` impl; [`attrs`] reads and writes attributes for all of them.

mod attrs;
mod builders;
mod enums;
mod fields;
mod model;
mod sizes;
mod types;
mod variants;

use quote::quote;
use syn::visit_mut::VisitMut;

use crate::normalize::{Normalized, OUTPUT, ROOT};
use crate::source::ModelSource;
use crate::Error;

/// The formatted code of one model module.
pub fn model_code(src: &ModelSource, norm: &Normalized) -> Result<String, Error> {
    let (mut file, wires) = types::type_space(src, norm)?;

    variants::rename_enum_variants(&mut file, &wires);
    enums::table_string_enums(&mut file);
    fields::distinct_field_names(&mut file);
    sizes::allow_large_variants(&mut file);
    // typify emits the same `error::ConversionError` in every output; use the runtime's one.
    for item in &mut file.items {
        if matches!(item, syn::Item::Mod(m) if m.ident == "error") {
            *item = syn::parse_quote!(
                pub use crate::__private::model::error;
            );
        }
    }
    unused_defaults(&mut file);
    // The root type's doc names the model (typify would only repeat the type name).
    let mut has_root = false;
    for item in &mut file.items {
        let (attrs, ident, is_struct) = match item {
            syn::Item::Struct(s) => (&mut s.attrs, &s.ident, true),
            syn::Item::Enum(e) => (&mut e.attrs, &e.ident, false),
            _ => continue,
        };
        let root_doc = if ident == ROOT {
            has_root = true;
            let start = if is_struct {
                "Start with [`Input::builder`]."
            } else {
                "Build one of its forms, then convert it with `Input::from`."
            };
            format!(" The input of {} (`{}`). {start}", src.title, src.id)
        } else if ident == OUTPUT && norm.outputs.contains(OUTPUT) {
            format!(
                " The result of {} (`{}`), as its document describes it: read it with \
                 `job.output::<Output>()`. Read leniently: fields and values the document does not \
                 list are accepted (and dropped).",
                src.title, src.id
            )
        } else {
            continue;
        };
        attrs.retain(|a| !a.path().is_ident("doc"));
        attrs.insert(0, syn::parse_quote!(#[doc = #root_doc]));
    }
    let mut extra = builders::builders(&file, &norm.outputs);
    extra.push(model::model_impl(src, norm, has_root));

    // Each part parsed on its own, as it is (no copy of all of them into one stream).
    for part in extra {
        let parsed: syn::File = syn::parse2(part).map_err(|e| {
            Error::schema(&src.file, &src.input_pointer, format!("internal error: generated code does not parse: {e}"))
        })?;
        file.items.extend(parsed.items);
    }
    file.attrs.clear();
    attrs::SplitDocs.visit_file_mut(&mut file);
    Ok(prettyplease::unparse(&file))
}

/// typify's `defaults` module holds helpers for every integer kind whether used or not; unused
/// ones would fail `-D warnings` (dead code).
fn unused_defaults(file: &mut syn::File) {
    // Most models have no such module: then the file is not printed to be searched.
    if !file.items.iter().any(|i| matches!(i, syn::Item::Mod(m) if m.ident == "defaults")) {
        return;
    }
    let text = quote!(#file).to_string();
    for item in &mut file.items {
        let syn::Item::Mod(m) = item else { continue };
        if m.ident != "defaults" {
            continue;
        }
        m.attrs.push(syn::parse_quote!(#[doc(hidden)]));
        if let Some((_, items)) = &mut m.content {
            items.retain(|i| match i {
                syn::Item::Fn(f) => text.contains(&format!("defaults::{}", f.sig.ident)),
                _ => true,
            });
        }
    }
}
