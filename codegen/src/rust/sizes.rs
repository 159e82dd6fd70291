//! A rough size of generated types, for clippy's `large_enum_variant`: a union whose forms differ
//! a lot in size (an object of many fields beside a number) is what the schema says, and boxing
//! a form would change the API; such an enum allows the lint instead.

use std::collections::BTreeMap;

/// Bytes clippy's `large_enum_variant` tolerates between the largest and the second largest form
/// (200), less a little for what this estimate misses.
const TOLERATED: usize = 190;

/// Allow `clippy::large_enum_variant` on enums whose forms differ in size by more than
/// [`TOLERATED`] bytes, by an estimate.
pub(super) fn allow_large_variants(file: &mut syn::File) {
    let structs: BTreeMap<String, Vec<syn::Type>> = file
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) => Some((s.ident.to_string(), s.fields.iter().map(|f| f.ty.clone()).collect())),
            _ => None,
        })
        .collect();
    let enums: BTreeMap<String, Vec<Vec<syn::Type>>> = file
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Enum(e) => Some((
                e.ident.to_string(),
                e.variants.iter().map(|v| v.fields.iter().map(|f| f.ty.clone()).collect()).collect(),
            )),
            _ => None,
        })
        .collect();
    let sizes = Sizes { structs: &structs, enums: &enums };
    for item in &mut file.items {
        let syn::Item::Enum(e) = item else { continue };
        let mut forms: Vec<usize> =
            e.variants.iter().map(|v| v.fields.iter().map(|f| sizes.of(&f.ty, 0)).sum()).collect();
        forms.sort_unstable_by(|a, b| b.cmp(a));
        if forms.len() >= 2 && forms[0] - forms[1] > TOLERATED {
            e.attrs.push(syn::parse_quote!(#[allow(clippy::large_enum_variant)]));
        }
    }
}

struct Sizes<'a> {
    structs: &'a BTreeMap<String, Vec<syn::Type>>,
    enums: &'a BTreeMap<String, Vec<Vec<syn::Type>>>,
}

impl Sizes<'_> {
    fn of(&self, ty: &syn::Type, depth: usize) -> usize {
        let syn::Type::Path(p) = ty else { return 16 };
        let Some(last) = p.path.segments.last() else { return 16 };
        let name = last.ident.to_string();
        let arg = match &last.arguments {
            syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            }),
            _ => None,
        };
        if depth > 8 {
            return 24;
        }
        match (name.as_str(), arg) {
            ("Option", Some(t)) => self.of(t, depth + 1) + 8,
            ("Vec" | "String" | "BTreeMap", _) => 24,
            ("HashMap", _) => 48,
            ("Box", _) => 8,
            // `serde_json::Value` with `preserve_order` holds an `IndexMap`.
            ("Value", _) => 72,
            ("MediaInput", _) => 40,
            ("bool" | "u8" | "i8", _) => 1,
            ("i64" | "u64" | "f64" | "i32" | "u32" | "f32", _) => 8,
            _ => {
                if let Some(fields) = self.structs.get(&name) {
                    fields.iter().map(|f| self.of(f, depth + 1)).sum::<usize>().max(1)
                } else if let Some(forms) = self.enums.get(&name) {
                    let largest = forms.iter().map(|f| f.iter().map(|t| self.of(t, depth + 1)).sum::<usize>()).max();
                    largest.unwrap_or(0) + 8
                } else {
                    24
                }
            }
        }
    }
}
