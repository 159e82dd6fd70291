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
    let mut defs = Vec::new();
    for (name, schema) in &tokenized {
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

    let file = syn::parse2(tokens).map_err(|e| err(format!("typify produced code that does not parse: {e}")))?;
    Ok((file, wires))
}
