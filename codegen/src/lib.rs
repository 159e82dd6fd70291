//! mediagen-codegen: model schemas in, Rust files out.
//!
//! This crate is pure: it reads no files, no environment and no clock (rayon's thread pool, which
//! [`generate`] and [`generate_models`] run on, changes only how fast). `cargo xtask codegen`
//! reads `schemas/`, calls [`generate`], and writes what it returns under `generated/`.
//!
//! For each schema the pipeline is (all private modules):
//! 1. `source`: find the model's input schema (a JSON Schema file, or the request body of an
//!    OpenAPI document's POST operation) and the model's id, platform, kind and summary;
//! 2. `normalize`: rewrite real-world quirks into what typify types well, hoist inline types to
//!    named definitions (`normalize/convert.rs`, `normalize/typed.rs`: one function per
//!    construct), turn constraints into validation rules (`normalize/rules.rs`) and schema text
//!    into docs;
//! 3. `rust`: one typify `TypeSpace` per model (`rust/types.rs`), then a syn pass that renames
//!    enum variants, adds builders, validation and the `Model` impl;
//! 4. `layout`: the module tree, the registry and the per-platform endpoint methods.
//!
//! [`generate`] runs all four for every schema. [`generate_model`] runs the first three for one
//! schema ([`generate_models`] for many, in parallel), and [`module_tree`] the last for models
//! generated that way (the corpus check).

mod error;
mod layout;
mod normalize;
mod rust;
mod source;

use rayon::prelude::*;

pub use error::Error;
pub use layout::{module_path, snake};
pub use source::{input_pointer, output_pointer_of, Kind, ModelSource, Platform};

/// One schema file, as read by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaFile {
    /// Path relative to the schemas root, with `/` separators: `skills-video/google/veo-3.1.json`.
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the generated crate's root: `Cargo.toml`, `src/lib.rs`,
    /// `src/skills_video/google/veo_3_1.rs`.
    pub path: String,
    /// The file's text, formatted.
    pub text: String,
}

/// How to generate.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the schemas live, as shown in generated headers and errors (`schemas`).
    pub schemas_dir: String,
    /// The command named in the do-not-edit header.
    pub command: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { schemas_dir: "schemas".into(), command: "cargo xtask codegen".into() }
    }
}

impl Settings {
    /// Use another schemas directory name in headers and messages.
    pub fn with_schemas_dir(mut self, dir: impl Into<String>) -> Self {
        self.schemas_dir = dir.into();
        self
    }
}

/// One model's generated code, before it is placed in the module tree.
#[derive(Debug, Clone)]
pub struct ModelCode {
    /// What the schema says about the model.
    pub model: ModelSource,
    /// The model module's items, formatted (no header).
    pub code: String,
    /// Fields typed `serde_json::Value` because the schema gave nothing better.
    pub loose_fields: Vec<String>,
    /// Whether the module has a typed `Output` (the document describes the model's result).
    pub has_output: bool,
    /// Output fields typed `serde_json::Value`: no type given, or a `$ref` to nothing.
    pub loose_output_fields: Vec<String>,
}

/// Generate one model's module code.
pub fn generate_model(file: &SchemaFile, settings: &Settings) -> Result<ModelCode, Error> {
    let model = source::load(file, settings)?;
    let normalized = normalize::normalize(&model)?;
    let code = rust::model_code(&model, &normalized)?;
    Ok(ModelCode {
        model,
        code,
        loose_fields: normalized.loose,
        has_output: normalized.outputs.contains(normalize::OUTPUT),
        loose_output_fields: normalized.loose_output,
    })
}

/// [`generate_model`] for every file, in parallel (models are independent); one result per
/// file, in the order of `files`. The results are the same as one by one: only the time differs.
pub fn generate_models(files: &[SchemaFile], settings: &Settings) -> Vec<Result<ModelCode, Error>> {
    files.par_iter().map(|f| generate_model(f, settings)).collect()
}

/// Generate every model and the module tree around them.
///
/// Fails on the first schema (in path order) that cannot be generated, naming its file and JSON
/// pointer; nothing is returned in that case, so a caller never writes a partial tree. Models
/// are generated in parallel; the files and the error are the same as in sequence.
pub fn generate(files: &[SchemaFile], settings: &Settings) -> Result<Vec<GeneratedFile>, Error> {
    let mut sorted: Vec<&SchemaFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let results: Vec<Result<ModelCode, Error>> = sorted
        .par_iter()
        .map(|f| {
            generate_model(f, settings).map(|mut m| {
                // The module tree needs no document: free it on this worker, not all at the end.
                m.model.document = serde_json::Value::Null;
                m
            })
        })
        .collect();
    // Collected in sorted order, so the error is the first failing file's, as in sequence.
    let models = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    module_tree(&models, settings)
}

/// The files [`generate`] returns, for models generated one by one with [`generate_model`]:
/// each model's module, the module tree around them and the registry.
pub fn module_tree(models: &[ModelCode], settings: &Settings) -> Result<Vec<GeneratedFile>, Error> {
    layout::files(models, settings)
}
