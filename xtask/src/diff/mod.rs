//! `cargo xtask diff [OLD] [NEW]`: what each change to a model's input schema breaks, on the wire
//! (oasdiff's request-side ERR / WARN / INFO) and in the generated Rust API (the semver bump).
//!
//! `view.rs` resolves a schema's `$ref`s and `allOf`s, `compare.rs` walks two revisions in step,
//! `kind.rs` holds the change kinds and their verdicts, `report.rs` renders, `inputs.rs` reads
//! revisions from git, files or folders.

mod compare;
mod inputs;
mod kind;
mod report;
mod view;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;

pub use compare::{Change, Side};
pub use inputs::{git_schemas, read_revision, schema_entries, Entry};
pub use kind::{Kind, Level, Rust};
pub use report::Line;

/// The changes of one model between two revisions.
#[derive(Debug, Clone)]
pub struct ModelDiff {
    /// Model id: `fal/fal-ai/veo3`.
    pub model: String,
    pub lines: Vec<Line>,
}

/// Every model's changes, sorted by model id.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub models: Vec<ModelDiff>,
}

impl Report {
    /// The model's diff, if it is in the report.
    pub fn model(&self, id: &str) -> Option<&ModelDiff> {
        self.models.iter().find(|m| m.model == id)
    }
}

/// A parsed document and the pointer of its input schema, found the way codegen finds it.
fn parse(entry: &Entry) -> Result<(Value, String)> {
    let doc: Value = serde_json::from_str(&entry.text).with_context(|| format!("{}: not JSON", entry.label))?;
    let pointer = mediagen_codegen::input_pointer(&doc).map_err(|e| anyhow::anyhow!("{}: {e}", entry.label))?;
    Ok((doc, pointer))
}

/// Compare one model's two revisions (either may be missing: added or removed).
pub fn diff_model(id: &str, old: Option<&Entry>, new: Option<&Entry>) -> Result<ModelDiff> {
    let line = |file: &str, pointer: String, kind: Kind, detail: String, required: bool| Line {
        model: id.to_string(),
        file: file.to_string(),
        pointer,
        kind,
        detail,
        level: kind.level(),
        rust: kind.rust(required),
    };
    let lines = match (old, new) {
        (None, Some(n)) => vec![line(&n.label, String::new(), Kind::ModelAdded, id.to_string(), false)],
        (Some(o), None) => vec![line(&o.label, String::new(), Kind::ModelRemoved, id.to_string(), false)],
        (Some(o), Some(n)) if o.text == n.text => Vec::new(),
        (Some(o), Some(n)) => {
            let ((od, op), (nd, np)) = (parse(o)?, parse(n)?);
            let mut lines: Vec<Line> = compare::compare(&od, &op, &nd, &np)
                .into_iter()
                .map(|c| {
                    let file = if c.side == Side::New { &n.label } else { &o.label };
                    line(file, c.pointer, c.kind, c.detail, c.required)
                })
                .collect();
            // The typed `Output` (where the document describes one): no request changes, so
            // every line is INFO on the wire; what it does to code reading the output is its own.
            let platform = id.split('/').next().unwrap_or_default();
            let outputs = (
                mediagen_codegen::output_pointer_of(platform, &od),
                mediagen_codegen::output_pointer_of(platform, &nd),
            );
            if let (Some(oop), Some(nop)) = outputs {
                lines.extend(compare::compare(&od, &oop, &nd, &nop).into_iter().map(|c| {
                    let file = if c.side == Side::New { &n.label } else { &o.label };
                    let mut l = line(file, c.pointer, c.kind, format!("in the output: {}", c.detail), c.required);
                    l.level = Level::Info;
                    l.rust = output_rust(c.kind, c.required);
                    l
                }));
            }
            lines
        }
        (None, None) => Vec::new(),
    };
    Ok(ModelDiff { model: id.to_string(), lines })
}

/// What a change of the output schema does to code that reads the typed `Output`, which is read
/// leniently (string enums are `String`s, constraints are not checked): a field removed, retyped
/// or made optional breaks it; a field added is additive; enum values, bounds and docs do not
/// change the types.
fn output_rust(kind: Kind, required: bool) -> Rust {
    match kind {
        Kind::EnumAdded | Kind::EnumRemoved | Kind::EnumValueAdded | Kind::EnumValueRemoved => Rust::Compatible,
        Kind::ConstAdded | Kind::ConstChanged | Kind::ConstRemoved => Rust::Compatible,
        Kind::RequiredPropertyAdded => Rust::Additive,
        // A field that became required reads as `T` instead of `Option<T>`.
        Kind::BecameRequired => Rust::Breaking,
        other => other.rust(required),
    }
}

/// Compare two sets of schema files by model id.
pub fn diff_sets(old: &[Entry], new: &[Entry]) -> Result<Report> {
    let mut ids: BTreeMap<&str, (Option<&Entry>, Option<&Entry>)> = BTreeMap::new();
    for e in old {
        ids.entry(&e.id).or_default().0 = Some(e);
    }
    for e in new {
        ids.entry(&e.id).or_default().1 = Some(e);
    }
    let models = ids
        .into_iter()
        .map(|(id, (o, n))| diff_model(id, o, n))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .filter(|m| !m.lines.is_empty())
        .collect();
    Ok(Report { models })
}

/// What `cargo xtask diff` was asked.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// A git revision, a schema file or a folder; `HEAD` when missing.
    pub old: Option<String>,
    /// Likewise; the working tree's `schemas/` when missing.
    pub new: Option<String>,
    pub json: bool,
    pub fail_on: Option<Level>,
}

impl DiffOptions {
    /// `[OLD] [NEW] [--json] [--fail-on ERR|WARN]`.
    pub fn parse(args: &[&str]) -> Result<DiffOptions> {
        let mut options = DiffOptions::default();
        let mut args = args.iter();
        while let Some(&arg) = args.next() {
            match arg {
                "--json" => options.json = true,
                "--fail-on" => {
                    let level = args.next().context("--fail-on needs ERR or WARN")?;
                    options.fail_on = Some(Level::parse(level).context("--fail-on takes ERR or WARN")?);
                }
                _ if arg.starts_with("--") => anyhow::bail!("unknown flag {arg}"),
                _ if options.old.is_none() => options.old = Some(arg.to_string()),
                _ if options.new.is_none() => options.new = Some(arg.to_string()),
                _ => anyhow::bail!("diff takes at most two revisions, files or folders"),
            }
        }
        Ok(options)
    }
}

/// `cargo xtask diff`: the report's text (or JSON), and an error after it when a change reaches
/// `--fail-on`.
pub fn diff(root: &Path, options: &DiffOptions) -> Result<(String, Option<String>)> {
    let old_spec = options.old.as_deref().unwrap_or("HEAD");
    let (old, new) = match options.new.as_deref() {
        Some(new_spec) => inputs::read_pair(root, old_spec, new_spec)?,
        None => (read_revision(root, old_spec)?, schema_entries(&root.join("schemas"), "schemas")?),
    };
    let report = diff_sets(&old, &new)?;
    let text = if options.json { serde_json::to_string_pretty(&report.json())? + "\n" } else { report.text() };
    let failed = match (options.fail_on, report.worst_level()) {
        (Some(limit), Some(worst)) if worst >= limit => {
            Some(format!("a change is at {} or worse (--fail-on {})", limit.label(), limit.label()))
        }
        _ => None,
    };
    Ok((text, failed))
}
