//! `cargo xtask codegen [--check]`: read `schemas/`, generate, write or check `generated/`.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{bail, Context, Result};
use mediagen_codegen::{GeneratedFile, SchemaFile, Settings};

use crate::fs::files_under;

/// Every `*.json` under `dir`, as paths relative to it with `/` separators, sorted.
pub fn read_schemas(dir: &Path) -> Result<Vec<SchemaFile>> {
    files_under(dir, Some("json"))?
        .into_iter()
        .map(|(rel, path)| {
            let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            Ok(SchemaFile { path: rel, text })
        })
        .collect()
}

/// Existing `.rs` files under `dir`, relative, sorted.
fn existing_files(dir: &Path) -> Result<BTreeSet<String>> {
    if !dir.exists() {
        return Ok(BTreeSet::new());
    }
    Ok(files_under(dir, None)?.into_iter().map(|(rel, _)| rel).collect())
}

/// `cargo xtask codegen [--check]` on the workspace at `root`: regenerate the whole generated crate `generated/`
/// from `schemas/`, writing only changed files and removing orphans; with `check`, write nothing
/// and fail naming every stale file. Returns the summary line.
pub fn codegen(root: &Path, check: bool) -> Result<String> {
    let schemas = read_schemas(&root.join("schemas"))?;
    // Everything is generated in memory first: a bad schema stops here, before any write.
    let files = mediagen_codegen::generate(&schemas, &Settings::default())?;
    let out_dir = root.join("generated");
    let plan = Plan::new(&out_dir, &files)?;

    if check {
        if plan.is_empty() {
            return Ok(format!("generated code is fresh ({} models, {} files)", schemas.len(), files.len()));
        }
        let stale: Vec<String> = plan.stale().map(|f| format!("  stale: generated/{f}")).collect();
        bail!("generated code is stale: run `cargo xtask codegen` and commit the result\n{}", stale.join("\n"));
    }

    for f in &files {
        if plan.changed.contains(&f.path) || plan.added.contains(&f.path) {
            let path = out_dir.join(&f.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            // Write to a temporary file and rename, so an interrupted run leaves no half file.
            let tmp = path.with_file_name(format!("{}.tmp", path.file_name().unwrap_or_default().to_string_lossy()));
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

/// A model module's header names its schema file; the tree's own files name no `.json`.
fn is_model_file(path: &str, files: &[GeneratedFile]) -> bool {
    files.iter().any(|f| f.path == path && f.text.lines().next().is_some_and(|l| l.contains(".json")))
}

/// What a run would change in the output directory.
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
