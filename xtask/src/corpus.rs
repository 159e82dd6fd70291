//! `cargo xtask corpus <DIR>`: generate a folder of real-world schemas into a scratch crate,
//! compile them together, and report one row per schema.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{bail, Context, Result};
use mediagen_codegen::{GeneratedFile, ModelCode, ModelSource, SchemaFile, Settings};

use crate::codegen::read_schemas;
use crate::fs::copy_dir;

/// How one corpus document fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorpusOutcome {
    /// Typed and compiled; the fields left as `serde_json::Value`; whether the model has a typed
    /// `Output`, and its output fields left as `serde_json::Value`.
    Typed { loose: Vec<String>, output: bool, loose_output: Vec<String> },
    /// The document has no POST operation: it describes no model.
    NoModel(String),
    /// Generation or compilation failed.
    Failed(String),
}

/// One row of `cargo xtask corpus`.
#[derive(Debug, Clone)]
pub struct CorpusRow {
    /// The document, relative to the corpus directory.
    pub file: String,
    /// The model id it was generated as.
    pub id: String,
    /// What happened.
    pub outcome: CorpusOutcome,
}

/// `cargo xtask corpus <DIR> [--platform P]`: generate every schema under `dir` as a model of
/// `platform` into a scratch copy of the generated crate (never into `generated/`), compile them
/// all together, and report one row per schema.
pub fn corpus(root: &Path, dir: &Path, platform: &str) -> Result<Vec<CorpusRow>> {
    let settings = Settings::default().with_schemas_dir(dir.display().to_string());
    let (mut rows, models) = corpus_models(dir, platform, &settings)?;
    let errors = compile_models(root, &models, &settings)?;
    let typed_ids: Vec<String> = models.iter().map(|m| m.model.id.clone()).collect();
    for (i, message) in errors {
        if let Some(row) = rows.iter_mut().find(|r| r.id == typed_ids[i]) {
            row.outcome = CorpusOutcome::Failed(format!("does not compile: {message}"));
        }
    }
    Ok(rows)
}

/// Every schema under `dir` as a schema file of `platform`: its path is `<platform>/<id>.json`,
/// lower-cased, with ids kept apart where two documents would land on one Rust module. Paired
/// with the document's path relative to `dir`.
pub fn corpus_sources(dir: &Path, platform: &str) -> Result<Vec<(String, SchemaFile)>> {
    let mut used = BTreeSet::new();
    let mut out = Vec::new();
    for f in read_schemas(dir)? {
        let rel = f.path.strip_prefix(&format!("{platform}/")).unwrap_or(&f.path);
        // Folder names such as `Black-Forest-Labs` and `black-forest-labs` both exist: keep
        // the ids apart after lower-casing.
        let mut mapped: String = rel
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/') { c } else { '-' })
            .collect();
        // A fal endpoint id is `owner/app/...`: a file named by its endpoint alone
        // (`veo3.json`) is filed under `corpus/`.
        if platform == "fal" && !mapped.contains('/') {
            mapped = format!("corpus/{mapped}");
        }
        // Two documents may land on one Rust module (`Flux-Pro` vs `flux_pro`): number the later one.
        let stem = mapped.trim_end_matches(".json").to_string();
        let module_key = |stem: &str| stem.split('/').map(mediagen_codegen::snake).collect::<Vec<_>>().join("::");
        let mut n = 1;
        while !used.insert(module_key(&if n == 1 { stem.clone() } else { format!("{stem}-{n}") })) {
            n += 1;
        }
        if n > 1 {
            mapped = format!("{stem}-{n}.json");
        }
        out.push((f.path.clone(), SchemaFile { path: format!("{platform}/{mapped}"), text: f.text }));
    }
    Ok(out)
}

/// Generate every schema under `dir` as a model of `platform`, one row per schema; the models
/// that generated, in row order.
pub(crate) fn corpus_models(
    dir: &Path,
    platform: &str,
    settings: &Settings,
) -> Result<(Vec<CorpusRow>, Vec<ModelCode>)> {
    let (files, schemas): (Vec<String>, Vec<SchemaFile>) = corpus_sources(dir, platform)?.into_iter().unzip();
    let mut rows = Vec::with_capacity(files.len());
    let mut models = Vec::new();
    // In parallel; the rows and models stay in file order.
    let results = mediagen_codegen::generate_models(&schemas, settings);
    for ((file, schema), result) in files.into_iter().zip(&schemas).zip(results) {
        let id = schema.path.trim_end_matches(".json").to_string();
        match result {
            Ok(code) => {
                rows.push(CorpusRow {
                    file,
                    id,
                    outcome: CorpusOutcome::Typed {
                        loose: code.loose_fields.clone(),
                        output: code.has_output,
                        loose_output: code.loose_output_fields.clone(),
                    },
                });
                models.push(code);
            }
            Err(e) if e.is_no_model() => {
                rows.push(CorpusRow { file, id, outcome: CorpusOutcome::NoModel("no POST operation".into()) });
            }
            Err(e) => rows.push(CorpusRow { file, id, outcome: CorpusOutcome::Failed(e.to_string()) }),
        }
    }
    Ok((rows, models))
}

/// Write a workspace at `scratch`: the hand-written runtime beside a generated crate made of
/// `models` (never `generated/`). Returns the generated crate's files.
pub(crate) fn scratch_workspace(
    root: &Path,
    models: &[ModelCode],
    settings: &Settings,
    scratch: &Path,
) -> Result<Vec<GeneratedFile>> {
    let generated = mediagen_codegen::module_tree(models, settings)?;
    scratch_base(root, scratch)?;
    for f in &generated {
        let path = scratch.join("generated").join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap_or(scratch))?;
        std::fs::write(path, &f.text)?;
    }
    Ok(generated)
}

/// Compile generated models together in a scratch workspace beside the hand-written runtime
/// (never in `generated/`), under clippy `-D warnings`; the first compiler error of each model
/// that has one, by index into `models`.
pub(crate) fn compile_models(
    root: &Path,
    models: &[ModelCode],
    settings: &Settings,
) -> Result<BTreeMap<usize, String>> {
    let scratch = std::env::temp_dir().join(format!("mediagen-corpus-{}", std::process::id()));
    let generated = scratch_workspace(root, models, settings, &scratch)?;
    let output = std::process::Command::new("cargo")
        .args(["clippy", "--quiet", "--lib", "-p", "mediagen", "--message-format=json", "--", "-D", "warnings"])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", root.join("target/corpus"))
        .output()
        .context("starting cargo check")?;
    // Attribute every compiler error to the model module it points into.
    let by_module: BTreeMap<String, usize> = models
        .iter()
        .enumerate()
        .map(|(i, m)| (format!("generated/{}", module_file(&m.model, &generated)), i))
        .collect();
    let mut errors: BTreeMap<usize, String> = BTreeMap::new();
    let mut unattributed = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-message" || msg["message"]["level"] != "error" {
            continue;
        }
        let text = msg["message"]["message"].as_str().unwrap_or("error").to_string();
        let file = msg["message"]["spans"][0]["file_name"].as_str().unwrap_or("");
        match by_module.iter().find(|(k, _)| file.ends_with(k.as_str())) {
            Some((_, i)) => {
                errors.entry(*i).or_insert(text);
            }
            None => unattributed.push(format!("{file}: {text}")),
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    if !output.status.success() && errors.is_empty() {
        bail!(
            "the corpus crate did not compile: {}\n{}",
            unattributed.join("\n"),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(errors)
}

/// The generated file of a model's module: `<path>.rs`, or `<path>/mod.rs` when it has children.
fn module_file(model: &ModelSource, files: &[GeneratedFile]) -> String {
    let path = format!("src/{}", mediagen_codegen::module_path(model).join("/"));
    let flat = format!("{path}.rs");
    if files.iter().any(|f| f.path == flat) {
        flat
    } else {
        format!("{path}/mod.rs")
    }
}

/// Print the corpus table and totals; an error when any row failed.
pub fn report_corpus(rows: &[CorpusRow]) -> Result<String> {
    let (mut typed, mut loose_models, mut loose_fields, mut none, mut failed) = (0, 0, 0, 0, 0);
    let (mut outputs, mut loose_outputs) = (0, 0);
    for row in rows {
        if let CorpusOutcome::Typed { output, loose_output, .. } = &row.outcome {
            outputs += usize::from(*output);
            loose_outputs += loose_output.len();
        }
        let (status, detail) = match &row.outcome {
            CorpusOutcome::Typed { loose, loose_output, .. } if loose.is_empty() && loose_output.is_empty() => {
                typed += 1;
                ("typed", String::new())
            }
            CorpusOutcome::Typed { loose, loose_output, .. } => {
                loose_models += 1;
                loose_fields += loose.len();
                let mut detail = Vec::new();
                if !loose.is_empty() {
                    detail.push(format!("loose: {}", loose.join(", ")));
                }
                if !loose_output.is_empty() {
                    detail.push(format!("loose in the output: {}", loose_output.join(", ")));
                }
                ("loose", detail.join("; "))
            }
            CorpusOutcome::NoModel(why) => {
                none += 1;
                ("no-model", why.clone())
            }
            CorpusOutcome::Failed(why) => {
                failed += 1;
                ("FAILED", why.clone())
            }
        };
        println!("{status:<9} {:<70} {detail}", row.file);
    }
    let summary = format!(
        "{} schemas: {typed} typed, {loose_models} typed with loose fields ({loose_fields} loose fields), {none} describe no model, {failed} failed; {outputs} with a typed Output ({loose_outputs} loose output fields)",
        rows.len()
    );
    if failed > 0 {
        bail!("{summary}");
    }
    Ok(summary)
}

/// A workspace at `scratch` (replaced if there) holding a copy of the hand-written runtime and the
/// root manifest and lock file; the caller puts a generated crate in `generated/`.
pub(crate) fn scratch_base(root: &Path, scratch: &Path) -> Result<()> {
    let _ = std::fs::remove_dir_all(scratch);
    copy_dir(&root.join("runtime"), &scratch.join("runtime"))?;
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))?;
    let manifest: String = manifest
        .lines()
        .map(|l| {
            if l.starts_with("members") {
                "members = [\"runtime\", \"generated\"]"
            } else if l.starts_with("default-members") {
                "default-members = [\"generated\"]"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(scratch.join("Cargo.toml"), manifest)?;
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"))?;
    Ok(())
}

/// Write the whole shared corpus (`../shared/corpus/<platform>/`, every platform folder there)
/// as one generated crate into a scratch workspace at `out`, for compile-time measurements.
/// Returns the number of models in it.
pub fn corpus_crate(root: &Path, out: &Path) -> Result<usize> {
    let shared = root.join("../shared/corpus");
    let settings = Settings::default().with_schemas_dir(shared.display().to_string());
    let mut models = Vec::new();
    for platform in ["aimlapi", "fal"] {
        let dir = shared.join(platform);
        if !dir.is_dir() {
            bail!("{} is not there: the corpus crate needs the shared corpus", dir.display());
        }
        models.extend(corpus_models(&dir, platform, &settings)?.1);
    }
    scratch_workspace(root, &models, &settings, out)?;
    Ok(models.len())
}
