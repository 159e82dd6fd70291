//! Reading serde attributes of typify's output, and writing docs as `///` lines.

use syn::visit_mut::VisitMut;

/// The wire name of `#[serde(rename = "...")]`.
pub(super) fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    serde_value(attrs, "rename")
}

/// The string value of `#[serde(key = "...")]`.
pub(super) fn serde_value(attrs: &[syn::Attribute], key: &str) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(key) && meta.input.peek(syn::Token![=]) {
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

pub(super) fn has_serde_flag(attrs: &[syn::Attribute], flag: &str) -> bool {
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

/// One `#[doc]` attribute per line, so docs print as `///` lines instead of `/** */` blocks.
pub(super) struct SplitDocs;

/// `#[doc = "<text>"]`, built directly: parsing one per doc line was a measurable share of
/// generation time.
fn doc_attr(text: &str) -> syn::Attribute {
    let span = proc_macro2::Span::call_site();
    syn::Attribute {
        pound_token: syn::token::Pound(span),
        style: syn::AttrStyle::Outer,
        bracket_token: syn::token::Bracket(span),
        meta: syn::Meta::NameValue(syn::MetaNameValue {
            path: syn::Path::from(syn::Ident::new("doc", span)),
            eq_token: syn::token::Eq(span),
            value: syn::Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit: syn::Lit::Str(syn::LitStr::new(text, span)) }),
        }),
    }
}

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
                        let line = if line.is_empty() || line.starts_with(' ') {
                            line.to_string()
                        } else {
                            format!(" {line}")
                        };
                        out.push(doc_attr(&line));
                    }
                }
                Some(t) if !t.is_empty() && !t.starts_with(' ') => out.push(doc_attr(&format!(" {t}"))),
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
