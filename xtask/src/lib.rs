//! The IO half of code generation, shared by `cargo xtask` and the freshness test.
//!
//! The generator itself is the pure `mediagen-codegen` library; this crate only reads
//! `schemas/`, calls it, and writes `generated/src/models/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use mediagen_codegen::{GeneratedFile, SchemaFile, Settings};

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// Every `*.json` under `dir`, as paths relative to it with `/` separators, sorted.
pub fn read_schemas(dir: &Path) -> Result<Vec<SchemaFile>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let rel = path.strip_prefix(dir)?.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
                out.push(SchemaFile { path: rel, text });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Existing `.rs` files under `dir`, relative, sorted.
pub fn existing_files(dir: &Path) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.insert(path.strip_prefix(dir)?.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
            }
        }
    }
    Ok(out)
}

/// `cargo xtask codegen [--check]` on the workspace at `root`: regenerate `generated/src/models/`
/// from `schemas/`, writing only changed files and removing orphans; with `check`, write nothing
/// and fail naming every stale file. Returns the summary line.
pub fn codegen(root: &Path, check: bool) -> Result<String> {
    let schemas = read_schemas(&root.join("schemas"))?;
    // Everything is generated in memory first: a bad schema stops here, before any write.
    let files = mediagen_codegen::generate(&schemas, &Settings::default())?;
    let out_dir = root.join("generated/src/models");
    let plan = Plan::new(&out_dir, &files)?;

    if check {
        if plan.is_empty() {
            return Ok(format!("generated code is fresh ({} models, {} files)", schemas.len(), files.len()));
        }
        let stale: Vec<String> = plan.stale().map(|f| format!("  stale: generated/src/models/{f}")).collect();
        bail!("generated code is stale: run `cargo xtask codegen` and commit the result\n{}", stale.join("\n"));
    }

    for f in &files {
        if plan.changed.contains(&f.path) || plan.added.contains(&f.path) {
            let path = out_dir.join(&f.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            // Write to a temporary file and rename, so an interrupted run leaves no half file.
            let tmp = path.with_extension("rs.tmp");
            std::fs::write(&tmp, &f.text).with_context(|| format!("writing {}", tmp.display()))?;
            std::fs::rename(&tmp, &path)?;
        }
    }
    for f in &plan.removed {
        let path = out_dir.join(f);
        std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        // Remove directories left empty.
        let mut dir = path.parent();
        while let Some(d) = dir {
            if d == out_dir || std::fs::read_dir(d).map(|mut r| r.next().is_some()).unwrap_or(true) {
                break;
            }
            std::fs::remove_dir(d)?;
            dir = d.parent();
        }
    }
    let model_files = |set: &BTreeSet<String>| set.iter().filter(|p| is_model_file(p, &files)).count();
    Ok(format!(
        "generated {} models: {} files new, {} changed, {} removed ({} new model modules)",
        schemas.len(),
        plan.added.len(),
        plan.changed.len(),
        plan.removed.len(),
        model_files(&plan.added),
    ))
}

fn is_model_file(path: &str, files: &[GeneratedFile]) -> bool {
    files.iter().any(|f| f.path == path && f.text.lines().next().is_some_and(|l| l.contains(".json")))
}

struct Plan {
    added: BTreeSet<String>,
    changed: BTreeSet<String>,
    removed: BTreeSet<String>,
}

impl Plan {
    fn new(out_dir: &Path, files: &[GeneratedFile]) -> Result<Plan> {
        let existing = existing_files(out_dir)?;
        let mut plan = Plan { added: BTreeSet::new(), changed: BTreeSet::new(), removed: BTreeSet::new() };
        let wanted: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        for f in files {
            if existing.contains(&f.path) {
                let current = std::fs::read_to_string(out_dir.join(&f.path))?;
                if current != f.text {
                    plan.changed.insert(f.path.clone());
                }
            } else {
                plan.added.insert(f.path.clone());
            }
        }
        for e in existing {
            if !wanted.contains(e.as_str()) {
                plan.removed.insert(e);
            }
        }
        Ok(plan)
    }

    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }

    fn stale(&self) -> impl Iterator<Item = &String> {
        self.added.iter().chain(&self.changed).chain(&self.removed)
    }
}

/// Run a command in `dir`, failing with its name when it fails.
fn run(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &Path)]) -> Result<()> {
    println!("$ {program} {}", args.join(" "));
    let mut cmd = std::process::Command::new(program);
    cmd.args(args).current_dir(dir);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let status = cmd.status().with_context(|| format!("starting {program}"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// The promise "a new model is a schema drop-in followed by a regen", checked for real: copy the
/// workspace, drop in a schema of each form, regenerate, and compile the generated crate.
pub fn drop_in_check(root: &Path) -> Result<()> {
    let scratch = std::env::temp_dir().join(format!("mediagen-drop-in-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    for dir in ["codegen", "generated", "schemas", "xtask", "tests", "cli", ".cargo"] {
        copy_dir(&root.join(dir), &scratch.join(dir))?;
    }
    for file in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(root.join(file), scratch.join(file))?;
    }
    std::fs::write(
        scratch.join("schemas/mindvideo/drop-in-check-model.json"),
        r#"{"title":"Drop-in check","description":"A model that exists only in this check.","type":"object",
"required":["prompt"],"properties":{"prompt":{"type":"string","minLength":1},
"aspect_ratio":{"type":"string","enum":["16:9","9:16","1:1"],"default":"16:9"},
"duration":{"type":"integer","enum":[4,6,8],"default":"8"},"first_frame_image":{"type":"string"}}}"#,
    )?;
    std::fs::create_dir_all(scratch.join("schemas/skills-video/acme/drop-in"))?;
    std::fs::write(
        scratch.join("schemas/skills-video/acme/drop-in/v1.json"),
        r##"{"openapi":"3.0.3","info":{"title":"Drop-in v1","version":"1"},"paths":{"/v1/generation/acme/drop-in/v1":{"post":{
"requestBody":{"content":{"multipart/form-data":{"schema":{"$ref":"#/components/schemas/In"}}}},"responses":{"200":{"description":"ok"}}}}},
"components":{"schemas":{"In":{"type":"object","required":["prompt"],"properties":{"prompt":{"type":"string"},
"style":{"allOf":[{"$ref":"#/components/schemas/Style"}]},"seed":{"type":"integer","nullable":true},
"strength":{"type":"number","minimum":0,"exclusiveMinimum":true,"maximum":1}}},
"Style":{"type":"string","enum":["3d_animation","anime","0.5 MP"]}}}}"##,
    )?;
    std::fs::create_dir_all(scratch.join("schemas/v2/images"))?;
    std::fs::write(
        scratch.join("schemas/v2/images/drop-in-image.json"),
        r##"{"openapi":"3.1.0","info":{"title":"Drop-in image","version":"1"},"paths":{"/v2/images/generations":{"post":{
"requestBody":{"content":{"application/json":{"schema":{"type":"object","required":["model","prompt"],"properties":{
"model":{"const":"drop-in-image"},"prompt":{"type":"string","maxLength":2000},"size":{"type":["string","null"],"enum":["1024x1024","2K",null]},
"images":{"type":"array","items":{"type":"string"},"maxItems":4},"n":{"type":"integer","enum":[1,2,4],"default":"1"}}}}}},
"responses":{"200":{"description":"ok"}}}}}}"##,
    )?;
    // An AI/ML API document of a category none of the shipped ones has (speech), as published.
    std::fs::create_dir_all(scratch.join("schemas/aimlapi/elevenlabs"))?;
    std::fs::write(
        scratch.join("schemas/aimlapi/elevenlabs/eleven-multilingual-v2.json"),
        r##"{"openapi":"3.0.0","info":{"title":"AIML API","version":"1.0.0"},"servers":[{"url":"https://api.aimlapi.com"}],
"paths":{"/v1/tts":{"post":{"operationId":"_v1_tts","requestBody":{"required":true,"content":{"application/json":{"schema":{
"type":"object","properties":{"model":{"type":"string","enum":["elevenlabs/eleven_multilingual_v2"]},
"text":{"type":"string","minLength":1,"maxLength":5000,"description":"The text content to be converted to speech."},
"voice":{"type":"string","enum":["Rachel","Drew","Clyde","Paul"],"default":"Rachel"},
"output_format":{"type":"string","enum":["mp3_44100_128","pcm_16000","ulaw_8000"],"nullable":true},
"voice_settings":{"type":"object","nullable":true,"properties":{"stability":{"type":"number","minimum":0,"maximum":1},
"similarity_boost":{"type":"number","minimum":0,"maximum":1},"use_speaker_boost":{"type":"boolean","default":true}}},
"seed":{"type":"integer","nullable":true,"minimum":0,"maximum":4294967295}},"required":["model","text"]}}}},
"responses":{"200":{"description":"Successfully generated audio"}}}}}}"##,
    )?;
    let summary = codegen(&scratch, false)?;
    println!("drop-in: {summary}");
    if !summary.contains("4 new model modules") {
        bail!("drop-in: expected 4 new model modules, got: {summary}");
    }
    let target = root.join("target");
    run(&scratch, "cargo", &["clippy", "-q", "-p", "mediagen", "--", "-D", "warnings"], &[("CARGO_TARGET_DIR", &target)])?;
    std::fs::remove_dir_all(&scratch)?;
    println!("drop-in check: four new schemas (one per platform, both forms, an AI/ML API speech document) regenerated and the crate builds under clippy -D warnings");
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target)?;
        }
    }
    Ok(())
}

/// Everything CI checks, in one command: freshness, lints, the drop-in build, every test.
pub fn ci(root: &Path) -> Result<()> {
    println!("{}", codegen(root, true)?);
    run(root, "cargo", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"], &[])?;
    drop_in_check(root)?;
    // The small schemas of tests/fixtures/cases (one real-world construct each), compiled together.
    println!("{}", report_corpus(&corpus(root, &root.join("tests/fixtures/cases"), "mindvideo")?)?);
    // The real-world corpus, where the shared folder is checked out beside the workspace.
    let shared = root.join("../shared/corpus");
    if shared.is_dir() {
        println!("{}", report_corpus(&corpus(root, &shared, "aimlapi")?)?);
    } else {
        println!("corpus check skipped: {} is not there", shared.display());
    }
    run(root, "cargo", &["test", "--workspace"], &[])?;
    Ok(())
}

/// How one corpus document fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorpusOutcome {
    /// Typed and compiled; the fields left as `serde_json::Value`.
    Typed { loose: Vec<String> },
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
    let files = read_schemas(dir)?;
    let settings = Settings::default().with_schemas_dir(dir.display().to_string());
    let mut rows = Vec::new();
    let mut models = Vec::new();
    let mut used = BTreeSet::new();
    for f in &files {
        let rel = f.path.strip_prefix(&format!("{platform}/")).unwrap_or(&f.path);
        // Folder names such as `Black-Forest-Labs` and `black-forest-labs` both exist: keep
        // the ids apart after lower-casing.
        let mut mapped: String = rel
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/') { c } else { '-' })
            .collect();
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
        let schema = SchemaFile { path: format!("{platform}/{mapped}"), text: f.text.clone() };
        let id = format!("{platform}/{}", mapped.trim_end_matches(".json"));
        match mediagen_codegen::generate_model(&schema, &settings) {
            Ok(code) => {
                rows.push(CorpusRow { file: f.path.clone(), id, outcome: CorpusOutcome::Typed { loose: code.loose_fields.clone() } });
                models.push(code);
            }
            Err(e) if e.is_no_model() => {
                rows.push(CorpusRow { file: f.path.clone(), id, outcome: CorpusOutcome::NoModel("no POST operation".into()) });
            }
            Err(e) => rows.push(CorpusRow { file: f.path.clone(), id, outcome: CorpusOutcome::Failed(e.to_string()) }),
        }
    }
    let generated = mediagen_codegen::module_tree(&models, &settings)?;

    // A scratch workspace: the hand-written runtime of the generated crate plus these models.
    let scratch = std::env::temp_dir().join(format!("mediagen-corpus-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    copy_dir(&root.join("generated"), &scratch.join("generated"))?;
    std::fs::remove_dir_all(scratch.join("generated/src/models"))?;
    let _ = std::fs::remove_dir_all(scratch.join("generated/examples"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))?;
    let manifest: String = manifest
        .lines()
        .map(|l| {
            if l.starts_with("members") {
                "members = [\"generated\"]"
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
    for f in &generated {
        let path = scratch.join("generated/src/models").join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap_or(&scratch))?;
        std::fs::write(path, &f.text)?;
    }
    let output = std::process::Command::new("cargo")
        .args(["check", "--quiet", "--lib", "-p", "mediagen", "--message-format=json"])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", root.join("target/corpus"))
        .output()
        .context("starting cargo check")?;
    // Attribute every compiler error to the model module it points into.
    let by_module: BTreeMap<String, usize> = models
        .iter()
        .enumerate()
        .map(|(i, m)| (format!("src/models/{}", module_file(&m.model, &generated)), i))
        .collect();
    let mut errors: BTreeMap<usize, String> = BTreeMap::new();
    let mut unattributed = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else { continue };
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
    let typed_ids: Vec<String> = models.iter().map(|m| m.model.id.clone()).collect();
    for (i, message) in errors {
        if let Some(row) = rows.iter_mut().find(|r| r.id == typed_ids[i]) {
            row.outcome = CorpusOutcome::Failed(format!("does not compile: {message}"));
        }
    }
    Ok(rows)
}

fn module_file(model: &mediagen_codegen::ModelSource, files: &[GeneratedFile]) -> String {
    let path = mediagen_codegen::module_path(model).join("/");
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
    for row in rows {
        let (status, detail) = match &row.outcome {
            CorpusOutcome::Typed { loose } if loose.is_empty() => {
                typed += 1;
                ("typed", String::new())
            }
            CorpusOutcome::Typed { loose } => {
                loose_models += 1;
                loose_fields += loose.len();
                ("loose", format!("loose: {}", loose.join(", ")))
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
        "{} schemas: {typed} typed, {loose_models} typed with loose fields ({loose_fields} loose fields), {none} describe no model, {failed} failed",
        rows.len()
    );
    if failed > 0 {
        bail!("{summary}");
    }
    Ok(summary)
}
