//! A builder for every struct: setters taking `impl Into`, and `build` checking required fields.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::attrs::{has_serde_flag, serde_rename, serde_value};
use crate::normalize::ROOT;

/// A builder for every struct typify did not already give one, except the output's (`skip`): an
/// output is read, never built.
pub(super) fn builders(file: &syn::File, skip: &BTreeSet<String>) -> Vec<TokenStream> {
    // Enums with one unit variant (a `const`, or a one-value enum) fill themselves in.
    let single_variant: BTreeMap<String, String> = file
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Enum(e) if e.variants.len() == 1 && matches!(e.variants[0].fields, syn::Fields::Unit) => {
                Some((e.ident.to_string(), e.variants[0].ident.to_string()))
            }
            _ => None,
        })
        .collect();
    let names: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    struct_infos(file)
        .iter()
        .filter(|info| !names.contains(&format!("{}Builder", info.ident)) && !skip.contains(&info.ident))
        .map(|info| builder(info, info.ident == ROOT, &single_variant))
        .collect()
}

struct FieldInfo {
    ident: syn::Ident,
    ty: syn::Type,
    /// `Some(U)` when the field is `Option<U>`.
    option_of: Option<syn::Type>,
    /// `Some(U)` when the field (or its option) is `Vec<U>`.
    vec_of: Option<syn::Type>,
    /// `#[serde(default)]` or flatten: may be left unset.
    defaultable: bool,
    /// `#[serde(default = "path")]`: the function giving the value when unset.
    default_fn: Option<syn::Path>,
    wire: String,
    docs: Vec<syn::Attribute>,
}

struct StructInfo {
    ident: String,
    fields: Vec<FieldInfo>,
}

fn generic_arg(ty: &syn::Type, wrapper: &str) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }),
        _ => None,
    }
}

fn struct_infos(file: &syn::File) -> Vec<StructInfo> {
    file.items
        .iter()
        .filter_map(|item| {
            let syn::Item::Struct(s) = item else {
                return None;
            };
            let syn::Fields::Named(named) = &s.fields else {
                return None;
            };
            let fields = named
                .named
                .iter()
                .filter_map(|f| {
                    let ident = f.ident.clone()?;
                    let option_of = generic_arg(&f.ty, "Option");
                    let vec_of = generic_arg(option_of.as_ref().unwrap_or(&f.ty), "Vec");
                    Some(FieldInfo {
                        wire: serde_rename(&f.attrs)
                            .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_string()),
                        defaultable: has_serde_flag(&f.attrs, "default") || has_serde_flag(&f.attrs, "flatten"),
                        default_fn: serde_value(&f.attrs, "default").and_then(|p| syn::parse_str(&p).ok()),
                        docs: f.attrs.iter().filter(|a| a.path().is_ident("doc")).cloned().collect(),
                        ident,
                        ty: f.ty.clone(),
                        option_of,
                        vec_of,
                    })
                })
                .collect();
            Some(StructInfo { ident: s.ident.to_string(), fields })
        })
        .collect()
}

fn builder(info: &StructInfo, is_root: bool, single_variant: &BTreeMap<String, String>) -> TokenStream {
    let name = format_ident!("{}", info.ident);
    let builder = format_ident!("{}Builder", info.ident);
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut inits = Vec::new();
    for f in &info.fields {
        let ident = &f.ident;
        let ty = &f.ty;
        let docs = &f.docs;
        // `build` finishes the builder, `default` and `clone` are its trait methods: such a
        // field's setter takes another name no field has.
        let mut setter = ident.clone();
        let taken = |s: &syn::Ident| ["build", "default", "clone"].iter().any(|n| s == n);
        while taken(&setter) || (setter != *ident && info.fields.iter().any(|g| g.ident == setter)) {
            setter = format_ident!("{}_value", setter);
        }
        let (store, set_body, arg): (TokenStream, TokenStream, TokenStream) = match (&f.option_of, &f.vec_of) {
            (Some(_), Some(item)) => (
                quote!(#ty),
                quote!(self.#ident = Some(values.into_iter().map(Into::into).collect());),
                quote!(values: impl IntoIterator<Item = impl Into<#item>>),
            ),
            (Some(inner), None) => {
                (quote!(#ty), quote!(self.#ident = Some(value.into());), quote!(value: impl Into<#inner>))
            }
            (None, Some(item)) => (
                quote!(::std::option::Option<#ty>),
                quote!(self.#ident = Some(values.into_iter().map(Into::into).collect());),
                quote!(values: impl IntoIterator<Item = impl Into<#item>>),
            ),
            (None, None) => (
                quote!(::std::option::Option<#ty>),
                quote!(self.#ident = Some(value.into());),
                quote!(value: impl Into<#ty>),
            ),
        };
        fields.push(quote!(#ident: #store,));
        setters.push(quote! {
            #(#docs)*
            pub fn #setter(mut self, #arg) -> Self {
                #set_body
                self
            }
        });
        let wire = &f.wire;
        let constant = match &f.ty {
            syn::Type::Path(p) if p.path.segments.len() == 1 => {
                single_variant.get(&p.path.segments[0].ident.to_string())
            }
            _ => None,
        };
        inits.push(if f.option_of.is_some() {
            quote!(#ident: self.#ident,)
        } else if let Some(variant) = constant {
            // A constant (`const`, or a one-value enum) fills itself in.
            let variant = format_ident!("{}", variant);
            quote!(#ident: self.#ident.unwrap_or(#ty::#variant),)
        } else if let Some(default) = &f.default_fn {
            // typify's serde default: a required constant.
            quote!(#ident: self.#ident.unwrap_or_else(#default),)
        } else if f.defaultable {
            quote!(#ident: self.#ident.unwrap_or_default(),)
        } else {
            quote! {
                #ident: self.#ident.ok_or_else(|| crate::Error::Validation {
                    path: #wire.to_string(),
                    rule: "required",
                    message: "is required".to_string(),
                })?,
            }
        });
    }
    let doc_builder = format!(" Builder for [`{}`]: set fields, then [`build`](Self::build).", info.ident);
    let build_doc = if is_root {
        " Check required fields and every constraint of the schema, and return the input."
    } else {
        " Check required fields and return the value."
    };
    let finish = if is_root { quote!(value.validate()?; Ok(value)) } else { quote!(Ok(value)) };
    // Arrays of arrays of options are what the schema says; clippy would have them aliased.
    let allow = if info.fields.iter().any(|f| super::fields::is_complex(&f.ty)) {
        quote!(#[allow(clippy::type_complexity)])
    } else {
        quote!()
    };
    quote! {
        #[doc = #doc_builder]
        #allow
        #[derive(Debug, Clone, Default)]
        pub struct #builder { #(#fields)* }

        impl #name {
            /// Start building a value; required fields must be set before `build`.
            pub fn builder() -> #builder {
                #builder::default()
            }
        }

        #allow
        impl #builder {
            #(#setters)*

            #[doc = #build_doc]
            pub fn build(self) -> ::std::result::Result<#name, crate::Error> {
                let value = #name { #(#inits)* };
                #finish
            }
        }
    }
}
