//! `cargo xtask fuzz [--count N] [--seed S] [--out DIR]`: the promise "a schema codegen accepts
//! compiles", checked on random schemas (see `fuzz/gen.rs`). Every accepted schema is compiled
//! with the others of its batch through the corpus's scratch workspace, under clippy
//! `-D warnings`; every panic, unlocated typify error or compiler error is a failure, written to
//! `--out` as a schema cut down to the properties that still fail.

mod gen;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Result};
use mediagen_codegen::{generate_model, Error, ModelCode, SchemaFile, Settings};
use serde_json::Value;

use crate::corpus::compile_models;

/// Accepted schemas compiled together at a time.
const BATCH: usize = 250;

/// What to run.
#[derive(Debug, Clone)]
pub struct FuzzOptions {
    /// How many schemas to generate.
    pub count: usize,
    /// The first schema's seed; schema `i` uses `seed + i`.
    pub seed: u64,
    /// Where failing schemas are written.
    pub out: PathBuf,
}

/// Generate, codegen and compile `options.count` random schemas; a summary, or an error naming
/// the failures written under `options.out`.
pub fn fuzz(root: &Path, options: &FuzzOptions) -> Result<String> {
    let started = Instant::now();
    let settings = Settings::default().with_schemas_dir("fuzz");
    let (mut compiled, mut refused) = (0, 0);
    let mut failures: Vec<(Value, String)> = Vec::new();
    let mut batch: Vec<(Value, ModelCode)> = Vec::new();
    for i in 0..options.count {
        let seed = options.seed.wrapping_add(i as u64);
        let doc = gen::document(&mut gen::Rng::new(seed));
        match codegen(&doc, seed, &settings) {
            Outcome::Accepted(code) => batch.push((doc, *code)),
            Outcome::Refused => refused += 1,
            Outcome::Failed(why) => failures.push((minimal_for_codegen(doc, seed, &settings), why)),
        }
        if batch.len() == BATCH || (i + 1 == options.count && !batch.is_empty()) {
            compiled += batch.len();
            failures.extend(compile_batch(root, std::mem::take(&mut batch), &settings)?);
            eprintln!(
                "fuzz: {}/{} schemas, {} failures, {:.0?}",
                i + 1,
                options.count,
                failures.len(),
                started.elapsed()
            );
        }
    }
    let summary = format!(
        "fuzz: {} schemas (seeds {}..{}): {compiled} accepted and compiled under clippy -D warnings, {refused} refused with a located error, {} failures, in {:.0?}",
        options.count,
        options.seed,
        options.seed.wrapping_add(options.count as u64),
        failures.len(),
        started.elapsed()
    );
    if failures.is_empty() {
        return Ok(summary);
    }
    std::fs::create_dir_all(&options.out)?;
    for (n, (doc, why)) in failures.iter().enumerate() {
        let path = options.out.join(format!("fuzz-{}-{n}.json", options.seed));
        std::fs::write(&path, serde_json::to_string_pretty(doc)? + "\n")?;
        eprintln!("FAILED {}: {why}", path.display());
    }
    bail!("{summary}; minimal schemas in {}", options.out.display())
}

enum Outcome {
    Accepted(Box<ModelCode>),
    Refused,
    Failed(String),
}

fn codegen(doc: &Value, seed: u64, settings: &Settings) -> Outcome {
    let file = SchemaFile { path: format!("mindvideo/fuzz-{seed}.json"), text: doc.to_string() };
    match std::panic::catch_unwind(|| generate_model(&file, settings)) {
        Err(_) => Outcome::Failed("codegen panicked".into()),
        Ok(Ok(code)) => Outcome::Accepted(Box::new(code)),
        // A schema that cannot be typed must say where.
        Ok(Err(Error::Schema { pointer, reason, .. })) if pointer.is_empty() && reason.contains("typify") => {
            Outcome::Failed(format!("refused at the document root: {reason}"))
        }
        Ok(Err(_)) => Outcome::Refused,
    }
}

/// Compile a batch; each model that does not compile is cut down to the root properties that
/// still fail alone (compiled together in one more batch), or kept whole.
fn compile_batch(root: &Path, batch: Vec<(Value, ModelCode)>, settings: &Settings) -> Result<Vec<(Value, String)>> {
    let (docs, models): (Vec<Value>, Vec<ModelCode>) = batch.into_iter().unzip();
    let errors = compile_models(root, &models, settings)?;
    if errors.is_empty() {
        return Ok(Vec::new());
    }
    let mut singles: Vec<(usize, Value)> = Vec::new();
    for &i in errors.keys() {
        singles.extend(one_property_each(&docs[i]).into_iter().map(|d| (i, d)));
    }
    let mut single_models = Vec::new();
    let mut single_docs = Vec::new();
    for (n, (i, d)) in singles.into_iter().enumerate() {
        if let Outcome::Accepted(code) = codegen(&d, 1_000_000 + n as u64, settings) {
            single_models.push(*code);
            single_docs.push((i, d));
        }
    }
    let single_errors = compile_models(root, &single_models, settings)?;
    let mut minimal: BTreeMap<usize, (Value, String)> = BTreeMap::new();
    for (n, why) in single_errors {
        let (i, d) = &single_docs[n];
        minimal.entry(*i).or_insert_with(|| (d.clone(), why));
    }
    Ok(errors.into_iter().map(|(i, why)| minimal.remove(&i).unwrap_or_else(|| (docs[i].clone(), why))).collect())
}

/// The root object's properties, in turn: the document with only that one.
fn one_property_each(doc: &Value) -> Vec<Value> {
    let pointer = if doc.get("openapi").is_some() { "/components/schemas/Body" } else { "" };
    let Some(props) = doc.pointer(&format!("{pointer}/properties")).and_then(Value::as_object) else {
        return Vec::new();
    };
    props
        .iter()
        .map(|(k, v)| {
            let mut d = doc.clone();
            if let Some(root) = d.pointer_mut(pointer).and_then(Value::as_object_mut) {
                root.insert("properties".into(), serde_json::json!({ k: v }));
                root.insert("required".into(), serde_json::json!([k]));
            }
            d
        })
        .collect()
}

/// A failing document with each root property removed while it still fails codegen.
fn minimal_for_codegen(mut doc: Value, seed: u64, settings: &Settings) -> Value {
    for candidate in one_property_each(&doc) {
        if matches!(codegen(&candidate, seed, settings), Outcome::Failed(_)) {
            doc = candidate;
            break;
        }
    }
    doc
}
