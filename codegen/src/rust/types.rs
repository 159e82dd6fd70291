//! Driving typify: the normalised definitions in, one parsed file of types out.

use crate::normalize::{Normalized, MEDIA};
use crate::source::ModelSource;
use crate::Error;

/// typify's types for every definition, with `MediaInput` standing for `crate::MediaInput`, and
/// the wire values of the string enums (typify sees tokens in their place, see `variants`).
pub(super) fn type_space(src: &ModelSource, norm: &Normalized) -> Result<(syn::File, Vec<String>), Error> {
    let err = |reason: String| Error::schema(&src.file, &src.input_pointer, reason);

    let mut settings = typify::TypeSpaceSettings::default();
    settings.with_struct_builder(false);
    settings.with_derive("PartialEq".to_string());
    settings.with_replacement(
        MEDIA,
        "crate::MediaInput",
        [typify::TypeSpaceImpl::Display, typify::TypeSpaceImpl::FromStr].into_iter(),
    );
    let mut tokenized = norm.defs.clone();
    let wires = super::variants::tokenize(&mut tokenized);
    let defs = schemas(&tokenized).map_err(|(name, e)| {
        Error::schema(&src.file, origin(src, norm, &name), format!("the normalised schema is not a JSON Schema: {e}"))
    })?;
    let tokens = run(&settings, defs).map_err(|reason| {
        // Find the definition typify fails on: the first one whose removal makes it succeed.
        let culprit = tokenized.keys().find(|name| {
            let mut without = tokenized.clone();
            without.insert((*name).clone(), serde_json::json!({}));
            schemas(&without).is_ok_and(|d| run(&settings, d).is_ok())
        });
        match culprit {
            Some(name) => Error::schema(&src.file, origin(src, norm, name), reason),
            None => err(reason),
        }
    })?;

    let file = syn::parse2(tokens).map_err(|e| err(format!("typify produced code that does not parse: {e}")))?;
    Ok((file, wires))
}

fn schemas(
    defs: &std::collections::BTreeMap<String, serde_json::Value>,
) -> Result<Vec<(String, schemars::schema::Schema)>, (String, serde_json::Error)> {
    defs.iter()
        .map(|(name, schema)| {
            // Read in place: no copy of the schema to hand over.
            <schemars::schema::Schema as serde::Deserialize>::deserialize(schema)
                .map(|s| (name.clone(), s))
                .map_err(|e| (name.clone(), e))
        })
        .collect()
}

/// typify over the definitions, under `catch_unwind`: it panics on a few constructs, and a bad
/// schema must be an error, never a crash.
fn run(
    settings: &typify::TypeSpaceSettings,
    defs: Vec<(String, schemars::schema::Schema)>,
) -> Result<proc_macro2::TokenStream, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut space = typify::TypeSpace::new(settings);
        space.add_ref_types(defs).map(|()| space.to_stream())
    }))
    .map_err(|panic| {
        let msg = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into());
        format!("typify could not type this schema: {msg}")
    })?
    .map_err(|e| format!("typify: {e}"))
}

/// The JSON pointer of the construct a definition was made from: `/properties/quality/enum` for
/// an enum, the schema itself otherwise.
fn origin(src: &ModelSource, norm: &Normalized, name: &str) -> String {
    let Some(ptr) = norm.origins.get(name) else {
        return src.input_pointer.clone();
    };
    let node = src.document.pointer(ptr);
    let construct =
        ["enum", "const", "oneOf", "anyOf", "allOf"].into_iter().find(|k| node.is_some_and(|n| n.get(k).is_some()));
    match construct {
        Some(k) => format!("{ptr}/{k}"),
        None => ptr.clone(),
    }
}
