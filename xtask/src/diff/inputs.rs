//! The revisions `cargo xtask diff` compares: a git revision of the workspace's `schemas/`, a
//! folder laid out like `schemas/`, or one schema file.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::fs::files_under;

/// One schema file of one revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Model id: the path under the schemas folder without `.json` (`fal/fal-ai/veo3`).
    pub id: String,
    /// The file as the report names it: `schemas/fal/fal-ai/veo3.json`.
    pub label: String,
    pub text: String,
}

fn id_of(rel: &str) -> String {
    rel.strip_suffix(".json").unwrap_or(rel).to_string()
}

/// Every `*.json` under `dir`, labelled `{label}/{relative path}`.
pub fn schema_entries(dir: &Path, label: &str) -> Result<Vec<Entry>> {
    files_under(dir, Some("json"))?
        .into_iter()
        .map(|(rel, path)| {
            let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            Ok(Entry { id: id_of(&rel), label: format!("{label}/{rel}"), text })
        })
        .collect()
}

fn git(root: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git").current_dir(root).args(args).output().context("running git")?;
    if !out.status.success() {
        bail!("git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    String::from_utf8(out.stdout).context("git printed something that is not UTF-8")
}

/// The workspace's `schemas/` at git revision `rev`.
pub fn git_schemas(root: &Path, rev: &str) -> Result<Vec<Entry>> {
    let listing = git(root, &["ls-tree", "-r", "--name-only", rev, "--", "schemas"])?;
    listing
        .lines()
        .filter_map(|path| Some((path, path.strip_prefix("schemas/")?.strip_suffix(".json")?)))
        .map(|(path, id)| {
            let text = git(root, &["show", &format!("{rev}:{path}")])?;
            Ok(Entry { id: id.to_string(), label: path.to_string(), text })
        })
        .collect()
}

/// A folder, a file, or else a git revision.
pub fn read_revision(root: &Path, spec: &str) -> Result<Vec<Entry>> {
    let path = Path::new(spec);
    if path.is_dir() {
        schema_entries(path, spec.trim_end_matches('/'))
    } else if path.is_file() {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {spec}"))?;
        let id = match spec.rsplit_once("schemas/") {
            Some((_, rel)) => id_of(rel),
            None => id_of(path.file_name().unwrap_or_default().to_string_lossy().as_ref()),
        };
        Ok(vec![Entry { id, label: spec.to_string(), text }])
    } else {
        git_schemas(root, spec).with_context(|| format!("{spec} is neither a file, a folder nor a git revision"))
    }
}

/// Two revisions; two single files are one model whatever their names.
pub fn read_pair(root: &Path, old: &str, new: &str) -> Result<(Vec<Entry>, Vec<Entry>)> {
    let (mut o, n) = (read_revision(root, old)?, read_revision(root, new)?);
    if Path::new(old).is_file() && Path::new(new).is_file() {
        o[0].id = n[0].id.clone();
    }
    Ok((o, n))
}
