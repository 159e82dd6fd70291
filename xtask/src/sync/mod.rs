//! `cargo xtask sync [PLATFORM] [--only ID...] [--new]`: fetch each shipped schema's recorded
//! URL again, write the documents that changed, regenerate, and print what the changes break.
//!
//! All or nothing: every document is fetched and generated in memory first; a fetch that fails
//! or a document codegen rejects is named and nothing under `schemas/` or `generated/` changes.

mod fetch;
pub mod manifest;

use std::path::Path;

use anyhow::{bail, Result};
use mediagen_codegen::{generate, generate_model, SchemaFile, Settings};

pub use fetch::{fal_document_url, Origins};
pub use manifest::{Manifest, Source, MANIFEST};

use crate::codegen::{codegen_against, read_schemas};
use crate::diff::{diff_sets, Entry};

/// What `cargo xtask sync` was asked.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// Only this platform's schemas (`fal`).
    pub platform: Option<String>,
    /// Only these model ids (`fal/fal-ai/veo3`, or `fal-ai/veo3` with a platform given).
    pub only: Vec<String>,
    /// Also list the models the platform's catalogue publishes that are not shipped.
    pub new: bool,
    pub origins: Origins,
}

impl SyncOptions {
    /// `[PLATFORM] [--only ID...] [--new] [--fal-site URL] [--fal-api URL]`.
    pub fn parse(args: &[&str]) -> Result<SyncOptions> {
        let mut o = SyncOptions::default();
        let mut args = args.iter().copied().peekable();
        while let Some(arg) = args.next() {
            match arg {
                "--new" => o.new = true,
                "--only" => {
                    while let Some(id) = args.next_if(|a| !a.starts_with("--")) {
                        o.only.push(id.to_string());
                    }
                }
                "--fal-site" => o.origins.fal_site = args.next().unwrap_or_default().to_string(),
                "--fal-api" => o.origins.fal_api = args.next().unwrap_or_default().to_string(),
                _ if !arg.starts_with("--") && o.platform.is_none() => o.platform = Some(arg.to_string()),
                _ => bail!("unknown sync argument {arg}"),
            }
        }
        Ok(o)
    }

    fn selects(&self, path: &str) -> bool {
        let id = path.trim_end_matches(".json");
        let platform = id.split('/').next().unwrap_or_default();
        self.platform.as_deref().is_none_or(|p| p == platform)
            && (self.only.is_empty() || self.only.iter().any(|o| o == id || format!("{platform}/{o}") == id))
    }
}

fn entries(files: &[SchemaFile]) -> Vec<Entry> {
    files
        .iter()
        .map(|f| Entry {
            id: f.path.trim_end_matches(".json").to_string(),
            label: format!("schemas/{}", f.path),
            text: f.text.clone(),
        })
        .collect()
}

/// Write `text` to `path` through a temporary file and a rename.
fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension("sync-tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// Run a sync on the workspace at `root`; the report, or an error naming every failed fetch.
pub fn sync(root: &Path, options: &SyncOptions) -> Result<String> {
    let mut manifest = manifest::read(root)?;
    let current = read_schemas(&root.join("schemas"))?;
    let settings = Settings::default();
    let (mut failures, mut out) = (Vec::new(), Vec::new());
    let (mut updated, mut unchanged, mut no_url) = (Vec::new(), 0, 0);
    // An `--only` id that names no shipped schema is a typo, not "all up to date".
    for only in &options.only {
        let known = current.iter().any(|f| {
            let id = f.path.trim_end_matches(".json");
            id == only || id.split_once('/').is_some_and(|(_, rest)| rest == only)
        });
        if !known {
            bail!("--only {only}: no shipped schema has that id (schemas/<platform>/<id>.json)");
        }
    }
    for file in current.iter().filter(|f| options.selects(&f.path)) {
        let Some(url) = manifest.get(&file.path).and_then(|s| s.url.clone()) else {
            no_url += 1;
            continue;
        };
        // The URL actually fetched (a test or mirror may stand in for the recorded one).
        let url = options.origins.rebase(&url);
        let text = match fetch::get(&url, None) {
            Ok(text) => text,
            Err(e) => {
                failures.push(format!("schemas/{}: fetching {url} failed: {e:#}", file.path));
                continue;
            }
        };
        if text == file.text {
            unchanged += 1;
            continue;
        }
        let fetched = SchemaFile { path: file.path.clone(), text };
        match generate_model(&fetched, &settings) {
            Ok(_) => updated.push(fetched),
            Err(e) => failures.push(format!("schemas/{}: {url} did not return a usable schema: {e}", file.path)),
        }
    }
    if options.new {
        match new_models(options, &current) {
            Ok(lines) => out.extend(lines),
            Err(e) => failures.push(format!("the catalogue: {e:#}")),
        }
    }
    if !failures.is_empty() {
        bail!("nothing written:\n  {}", failures.join("\n  "));
    }

    let mut next = current.clone();
    for u in &updated {
        if let Some(f) = next.iter_mut().find(|f| f.path == u.path) {
            f.text = u.text.clone();
        }
    }
    // The whole set once more, together: a collision between models stops here, before writes.
    generate(&next, &settings)?;
    let report = diff_sets(&entries(&current), &entries(&next))?;
    let fetched = manifest::now_utc();
    for u in &updated {
        write_atomic(&root.join("schemas").join(&u.path), &u.text)?;
        if let Some(s) = manifest.get_mut(&u.path) {
            s.sha256 = manifest::sha256(u.text.as_bytes());
            s.fetched = fetched.clone();
        }
    }
    let summary = format!("synced: {} changed, {unchanged} unchanged, {no_url} without a recorded URL", updated.len());
    if !updated.is_empty() {
        write_atomic(&root.join(MANIFEST), &manifest::render(&manifest))?;
        out.push(codegen_against(root, false, Some(&entries(&current)))?);
        out.push(report.text().trim_end().to_string());
    }
    out.push(summary);
    Ok(out.join("\n"))
}

/// `new: fal/<id> <url>` for each endpoint fal's catalogue lists that is not shipped.
fn new_models(options: &SyncOptions, current: &[SchemaFile]) -> Result<Vec<String>> {
    if options.platform.as_deref().is_some_and(|p| p != "fal") {
        bail!("--new: only fal publishes a catalogue");
    }
    let shipped: std::collections::BTreeSet<String> =
        current.iter().filter_map(|f| f.path.strip_prefix("fal/")?.strip_suffix(".json").map(String::from)).collect();
    let mut ids = fetch::fal_catalogue(&options.origins)?;
    ids.sort();
    ids.dedup();
    Ok(ids
        .into_iter()
        .filter(|id| !shipped.contains(id))
        .map(|id| format!("new: fal/{id} {}", fal_document_url(&id)))
        .collect())
}
