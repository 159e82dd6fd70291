//! typify for the types, then a syn pass for what typify does not do: readable enum variants,
//! builders, validation and the `Model` impl.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;

use crate::normalize::{Check, Normalized, Rule, MEDIA, ROOT};
use crate::source::{ModelSource, Platform};
use crate::Error;

/// The formatted code of one model module, and its loosely typed fields.
pub fn model_code(src: &ModelSource, norm: &Normalized) -> Result<(String, Vec<String>), Error> {
    let err = |reason: String| Error::schema(&src.file, &src.input_pointer, reason);

    let mut settings = typify::TypeSpaceSettings::default();
    settings.with_struct_builder(false);
    settings.with_derive("PartialEq".to_string());
    settings.with_replacement(
        MEDIA,
        "crate::MediaInput",
        [typify::TypeSpaceImpl::Display, typify::TypeSpaceImpl::FromStr].into_iter(),
    );
    let mut defs = Vec::new();
    for (name, schema) in &norm.defs {
        let schema: schemars::schema::Schema = serde_json::from_value(schema.clone())
            .map_err(|e| err(format!("type {name}: the normalised schema is not a JSON Schema: {e}")))?;
        defs.push((name.clone(), schema));
    }

    // typify panics on a few constructs; a bad schema must be an error, never a crash.
    let tokens = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut space = typify::TypeSpace::new(&settings);
        space.add_ref_types(defs).map(|()| space.to_stream())
    }))
    .map_err(|panic| {
        let msg = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into());
        err(format!("typify could not type this schema: {msg}"))
    })?
    .map_err(|e| err(format!("typify: {e}")))?;

    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| err(format!("typify produced code that does not parse: {e}")))?;

    rename_enum_variants(&mut file);
    // typify emits the same `error::ConversionError` in every output; use the runtime's one.
    for item in &mut file.items {
        if matches!(item, syn::Item::Mod(m) if m.ident == "error") {
            *item = syn::parse_quote!(pub use crate::model::error;);
        }
    }
    // The root type's doc names the model (typify would only repeat the type name).
    for item in &mut file.items {
        let (attrs, start) = match item {
            syn::Item::Struct(s) if s.ident == ROOT => (&mut s.attrs, "Start with [`Input::builder`]."),
            syn::Item::Enum(e) if e.ident == ROOT => (&mut e.attrs, "Build one of its forms, then convert it with `Input::from`."),
            _ => continue,
        };
        let root_doc = format!(" The input of {} (`{}`). {start}", src.title, src.id);
        attrs.retain(|a| !a.path().is_ident("doc"));
        attrs.insert(0, syn::parse_quote!(#[doc = #root_doc]));
    }
    let structs = struct_infos(&file);
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
    let mut extra: Vec<TokenStream> = Vec::new();
    let names: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    for info in &structs {
        let builder_name = format!("{}Builder", info.ident);
        if names.contains(&builder_name) {
            continue;
        }
        extra.push(builder(info, info.ident == ROOT, &single_variant));
    }
    extra.push(model_impl(src, norm, names.contains(ROOT)));

    let extra_file: syn::File = syn::parse2(quote! { #(#extra)* })
        .map_err(|e| err(format!("internal error: generated code does not parse: {e}")))?;
    file.items.extend(extra_file.items);
    file.attrs.clear();
    SplitDocs.visit_file_mut(&mut file);
    Ok((prettyplease::unparse(&file), norm.loose.clone()))
}

// ---------------------------------------------------------------------------------------------
// Enum variants

/// A readable Rust name for an enum wire value: `16:9` -> `R16x9`, `1080p` -> `P1080`,
/// `2K` -> `K2`, `0.5 MP` -> `Mp0_5`, `3d_animation` -> `V3dAnimation`.
pub fn variant_name(wire: &str) -> String {
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
    let is_num = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.') && s.starts_with(|c: char| c.is_ascii_digit());
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

fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                found = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}

fn has_serde_flag(attrs: &[syn::Attribute], flag: &str) -> bool {
    let mut found = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(flag) {
                found = true;
            }
            if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}

/// Rename unit variants of string enums after their wire values, and every use of them.
fn rename_enum_variants(file: &mut syn::File) {
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

// ---------------------------------------------------------------------------------------------
// Builders

struct FieldInfo {
    ident: syn::Ident,
    ty: syn::Type,
    /// `Some(U)` when the field is `Option<U>`.
    option_of: Option<syn::Type>,
    /// `Some(U)` when the field (or its option) is `Vec<U>`.
    vec_of: Option<syn::Type>,
    /// `#[serde(default)]` or flatten: may be left unset.
    defaultable: bool,
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
            let syn::Item::Struct(s) = item else { return None };
            let syn::Fields::Named(named) = &s.fields else { return None };
            let fields = named
                .named
                .iter()
                .filter_map(|f| {
                    let ident = f.ident.clone()?;
                    let option_of = generic_arg(&f.ty, "Option");
                    let vec_of = generic_arg(option_of.as_ref().unwrap_or(&f.ty), "Vec");
                    Some(FieldInfo {
                        wire: serde_rename(&f.attrs).unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_string()),
                        defaultable: has_serde_flag(&f.attrs, "default") || has_serde_flag(&f.attrs, "flatten"),
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
        let setter = if ident == "build" { format_ident!("build_value") } else { ident.clone() };
        let (store, set_body, arg): (TokenStream, TokenStream, TokenStream) = match (&f.option_of, &f.vec_of) {
            (Some(_), Some(item)) => (
                quote!(#ty),
                quote!(self.#ident = Some(values.into_iter().map(Into::into).collect());),
                quote!(values: impl IntoIterator<Item = impl Into<#item>>),
            ),
            (Some(inner), None) => (quote!(#ty), quote!(self.#ident = Some(value.into());), quote!(value: impl Into<#inner>)),
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
            syn::Type::Path(p) if p.path.segments.len() == 1 => single_variant.get(&p.path.segments[0].ident.to_string()),
            _ => None,
        };
        inits.push(if f.option_of.is_some() {
            quote!(#ident: self.#ident,)
        } else if let Some(variant) = constant {
            // A constant (`const`, or a one-value enum) fills itself in.
            let variant = format_ident!("{}", variant);
            quote!(#ident: self.#ident.unwrap_or(#ty::#variant),)
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
    let finish = if is_root {
        quote!(value.validate()?; Ok(value))
    } else {
        quote!(Ok(value))
    };
    quote! {
        #[doc = #doc_builder]
        #[derive(Debug, Clone, Default)]
        pub struct #builder { #(#fields)* }

        impl #name {
            /// Start building a value; required fields must be set before `build`.
            pub fn builder() -> #builder {
                #builder::default()
            }
        }

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

// ---------------------------------------------------------------------------------------------
// Model impl, rules, registry entry

fn rule_tokens(rule: &Rule) -> TokenStream {
    let path = &rule.path;
    let when = match &rule.when {
        Some((p, v)) => quote!(Some((#p, #v))),
        None => quote!(None),
    };
    let f = |x: f64| proc_macro2::Literal::f64_suffixed(x);
    let check = match &rule.check {
        Check::Minimum(x) => { let x = f(*x); quote!(Minimum(#x)) }
        Check::ExclusiveMinimum(x) => { let x = f(*x); quote!(ExclusiveMinimum(#x)) }
        Check::Maximum(x) => { let x = f(*x); quote!(Maximum(#x)) }
        Check::ExclusiveMaximum(x) => { let x = f(*x); quote!(ExclusiveMaximum(#x)) }
        Check::MultipleOf(x) => { let x = f(*x); quote!(MultipleOf(#x)) }
        Check::MinLength(n) => quote!(MinLength(#n)),
        Check::MaxLength(n) => quote!(MaxLength(#n)),
        Check::Pattern(p) => quote!(Pattern(#p)),
        Check::MinItems(n) => quote!(MinItems(#n)),
        Check::MaxItems(n) => quote!(MaxItems(#n)),
        Check::UniqueItems => quote!(UniqueItems),
        Check::Const(c) => quote!(Const(#c)),
        Check::Enum(values) => quote!(Enum(&[#(#values),*])),
    };
    quote!(crate::validate::Rule { path: #path, when: #when, check: crate::validate::Check::#check })
}

fn model_impl(src: &ModelSource, norm: &Normalized, has_root: bool) -> TokenStream {
    let rules: Vec<TokenStream> = norm.rules.iter().map(rule_tokens).collect();
    let id = &src.id;
    let path = &src.path;
    let model_name = &src.model_name;
    let title = &src.title;
    let summary = &src.summary;
    let schema_file = &src.file;
    let schema = serde_json::to_string(&crate::source::display_schema(src)).unwrap_or_default();
    let platform = format_ident!("{}", src.platform.variant());
    let kind = format_ident!("{}", src.kind.variant());
    let platform_mod = format_ident!("{}", src.platform.module());
    let endpoint_path = &src.endpoint;
    let endpoint = match src.platform {
        Platform::SkillsVideo => format!("`POST {endpoint_path}`"),
        _ => format!("`POST {endpoint_path}` with `model: \"{model_name}\"`"),
    };
    let call_doc = format!(" A request for {title} ({endpoint}); send it with the returned call's methods.");
    let info_doc = format!(" Registry entry of `{id}`: {summary}");
    let validate_impl = if has_root {
        quote! {
            impl Input {
                /// Check every constraint of the schema that the types alone do not express.
                pub fn validate(&self) -> ::std::result::Result<(), crate::Error> {
                    let value = ::serde_json::to_value(self).map_err(|e| crate::Error::Encode { message: e.to_string() })?;
                    crate::validate::check(&value, RULES)
                }
            }

            impl crate::Model for Input {
                const INFO: &'static crate::ModelInfo = &INFO;

                fn validate(&self) -> ::std::result::Result<(), crate::Error> {
                    Input::validate(self)
                }
            }

            #[doc = #call_doc]
            pub fn call(client: &crate::#platform_mod::Client, input: Input) -> crate::#platform_mod::Call<'_, Input> {
                client.call(input)
            }
        }
    } else {
        quote!()
    };
    quote! {
        #[doc = #info_doc]
        pub static INFO: crate::ModelInfo = crate::ModelInfo {
            id: #id,
            platform: crate::Platform::#platform,
            kind: crate::Kind::#kind,
            path: #path,
            model_name: #model_name,
            endpoint: #endpoint_path,
            title: #title,
            summary: #summary,
            schema: #schema,
            schema_file: #schema_file,
            parse: crate::model::parse_json::<Input>,
        };

        /// Constraints of the schema checked before any request is sent.
        pub static RULES: &[crate::validate::Rule] = &[#(#rules),*];

        #validate_impl
    }
}

/// One `#[doc]` attribute per line, so docs print as `///` lines instead of `/** */` blocks.
struct SplitDocs;

impl SplitDocs {
    fn split(attrs: &mut Vec<syn::Attribute>) {
        let mut out = Vec::with_capacity(attrs.len());
        for attr in attrs.drain(..) {
            let text = match &attr.meta {
                syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                    syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                    _ => None,
                },
                _ => None,
            };
            match text {
                Some(t) if t.contains('\n') => {
                    for line in t.lines() {
                        let line = if line.is_empty() || line.starts_with(' ') { line.to_string() } else { format!(" {line}") };
                        out.push(syn::parse_quote!(#[doc = #line]));
                    }
                }
                Some(t) if !t.is_empty() && !t.starts_with(' ') => {
                    let line = format!(" {t}");
                    out.push(syn::parse_quote!(#[doc = #line]));
                }
                _ => out.push(attr),
            }
        }
        *attrs = out;
    }
}

impl VisitMut for SplitDocs {
    fn visit_item_mut(&mut self, i: &mut syn::Item) {
        match i {
            syn::Item::Struct(s) => Self::split(&mut s.attrs),
            syn::Item::Enum(e) => Self::split(&mut e.attrs),
            syn::Item::Mod(m) => Self::split(&mut m.attrs),
            syn::Item::Fn(f) => Self::split(&mut f.attrs),
            syn::Item::Static(s) => Self::split(&mut s.attrs),
            _ => {}
        }
        syn::visit_mut::visit_item_mut(self, i);
    }
    fn visit_field_mut(&mut self, f: &mut syn::Field) {
        Self::split(&mut f.attrs);
        syn::visit_mut::visit_field_mut(self, f);
    }
    fn visit_variant_mut(&mut self, v: &mut syn::Variant) {
        Self::split(&mut v.attrs);
        syn::visit_mut::visit_variant_mut(self, v);
    }
    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        Self::split(&mut f.attrs);
        syn::visit_mut::visit_impl_item_fn_mut(self, f);
    }
}
