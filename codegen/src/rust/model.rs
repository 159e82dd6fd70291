//! What makes the root type a model: the `INFO` registry entry, the `RULES`, `validate`, the
//! `Model` impl and the `call` function.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::normalize::{Check, Normalized, Rule};
use crate::source::{ModelSource, Platform};

/// The `crate::__private::validate::Rule` literal of a rule.
fn rule_tokens(rule: &Rule) -> TokenStream {
    let path = &rule.path;
    let when = match &rule.when {
        Some((p, v)) => quote!(Some((#p, #v))),
        None => quote!(None),
    };
    let f = |x: f64| proc_macro2::Literal::f64_suffixed(x);
    let check = match &rule.check {
        Check::Minimum(x) => {
            let x = f(*x);
            quote!(Minimum(#x))
        }
        Check::ExclusiveMinimum(x) => {
            let x = f(*x);
            quote!(ExclusiveMinimum(#x))
        }
        Check::Maximum(x) => {
            let x = f(*x);
            quote!(Maximum(#x))
        }
        Check::ExclusiveMaximum(x) => {
            let x = f(*x);
            quote!(ExclusiveMaximum(#x))
        }
        Check::MultipleOf(x) => {
            let x = f(*x);
            quote!(MultipleOf(#x))
        }
        Check::MinLength(n) => quote!(MinLength(#n)),
        Check::MaxLength(n) => quote!(MaxLength(#n)),
        Check::Pattern(p) => quote!(Pattern(#p)),
        Check::MinItems(n) => quote!(MinItems(#n)),
        Check::MaxItems(n) => quote!(MaxItems(#n)),
        Check::UniqueItems => quote!(UniqueItems),
        Check::Const(c) => quote!(Const(#c)),
        Check::Enum(values) => quote!(Enum(&[#(#values),*])),
        Check::Uri => quote!(Uri),
        Check::MediaUrl => quote!(MediaUrl),
    };
    quote!(crate::__private::validate::Rule { path: #path, when: #when, check: crate::__private::validate::Check::#check })
}

/// `INFO` and `RULES`; with a root type, also `validate`, the `Model` impl and `call`.
pub(super) fn model_impl(src: &ModelSource, norm: &Normalized, has_root: bool) -> TokenStream {
    let rules: Vec<TokenStream> = norm.rules.iter().map(rule_tokens).collect();
    let id = &src.id;
    let path = &src.path;
    let model_name = &src.model_name;
    let title = &src.title;
    let summary = &src.summary;
    let schema_file = &src.file;
    // Top-level media parameters: those whose media rule sits at `name` or `name/*`.
    let mut media: Vec<&str> = norm
        .rules
        .iter()
        .filter(|r| r.check == Check::MediaUrl)
        .map(|r| r.path.strip_suffix("/*").unwrap_or(&r.path))
        .filter(|p| !p.contains('/'))
        .collect();
    media.sort_unstable();
    media.dedup();
    let schema = serde_json::to_string(&crate::source::display_schema(src)).unwrap_or_default();
    let platform = format_ident!("{}", src.platform.variant());
    let kind = format_ident!("{}", src.kind.variant());
    let platform_mod = format_ident!("{}", src.platform.module());
    let marker = format_ident!("{}", src.platform.marker());
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
                    crate::__private::validate::body(self, RULES).map(drop)
                }
            }

            impl crate::Model for Input {
                type Protocol = crate::#platform_mod::#marker;
                const INFO: &'static crate::ModelInfo = &INFO;

                fn validate(&self) -> ::std::result::Result<(), crate::Error> {
                    Input::validate(self)
                }

                fn to_body(&self) -> ::std::result::Result<::serde_json::Value, crate::Error> {
                    crate::__private::validate::body(self, RULES)
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
            media: &[#(#media),*],
            parse: crate::__private::model::parse_json::<Input>,
        };

        /// Constraints of the schema checked before any request is sent.
        pub static RULES: &[crate::__private::validate::Rule] = &[#(#rules),*];

        #validate_impl
    }
}
