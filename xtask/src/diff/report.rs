//! Rendering a comparison: one change a line, a summary, or JSON with a fingerprint per change.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::kind::{Kind, Level, Rust};
use super::{ModelDiff, Report};

/// One change of one model, ready to render.
#[derive(Debug, Clone)]
pub struct Line {
    pub model: String,
    /// The file of the side the pointer points into.
    pub file: String,
    pub pointer: String,
    pub kind: Kind,
    pub detail: String,
    pub level: Level,
    pub rust: Rust,
}

impl Line {
    /// sha256 of the model id, pointer and kind: stable across runs, so CI can list known changes.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(format!("{}\n{}\n{}", self.model, self.pointer, self.kind.name()));
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// `schemas/fal/fal-ai/veo3.json#/properties/duration/maximum: ERR bound tightened 15 -> 10
    /// (wire: breaking, rust: compatible)`
    pub fn text(&self) -> String {
        let detail = if self.detail.is_empty() { String::new() } else { format!(" {}", self.detail) };
        format!(
            "{}#{}: {} {}{detail} (wire: {}, rust: {})",
            self.file,
            self.pointer,
            self.level.label(),
            self.kind.name(),
            self.level.wire(),
            self.rust.label()
        )
    }

    fn json(&self) -> Value {
        json!({
            "model": self.model,
            "file": self.file,
            "pointer": self.pointer,
            "kind": self.kind.name(),
            "detail": self.detail,
            "level": self.level.label(),
            "wire": self.level.wire(),
            "rust": self.rust.label(),
            "fingerprint": self.fingerprint(),
        })
    }
}

/// `1 change`, `2 changes`.
fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

impl ModelDiff {
    /// The worst wire level and Rust verdict over the model's changes.
    pub fn worst(&self) -> Option<(Level, Rust)> {
        let level = self.lines.iter().map(|l| l.level).max()?;
        let rust = self.lines.iter().map(|l| l.rust).max()?;
        Some((level, rust))
    }

    /// `fal/fal-ai/veo3: 3 changes, wire ERR (breaking), rust breaking (major)`
    pub fn verdict(&self) -> String {
        match self.worst() {
            None => format!("{}: no change to its input schema", self.model),
            Some((level, rust)) => format!(
                "{}: {}, wire {} ({}), rust {} ({})",
                self.model,
                plural(self.lines.len(), "change"),
                level.label(),
                level.wire(),
                rust.label(),
                rust.bump()
            ),
        }
    }
}

impl Report {
    pub fn lines(&self) -> impl Iterator<Item = &Line> {
        self.models.iter().flat_map(|m| &m.lines)
    }

    /// The worst wire level of any change.
    pub fn worst_level(&self) -> Option<Level> {
        self.lines().map(|l| l.level).max()
    }

    /// One change a line, then one summary line.
    pub fn text(&self) -> String {
        let mut out: Vec<String> = self.lines().map(Line::text).collect();
        let changed = self.models.iter().filter(|m| !m.lines.is_empty()).count();
        out.push(match (self.worst_level(), self.lines().map(|l| l.rust).max()) {
            (Some(level), Some(rust)) => format!(
                "{} in {}: wire {} ({}), rust {} (the generated crate needs a {} version)",
                plural(out.len(), "change"),
                plural(changed, "model"),
                level.label(),
                level.wire(),
                rust.label(),
                rust.bump()
            ),
            _ => "no input schema changed".to_string(),
        });
        out.join("\n") + "\n"
    }

    pub fn json(&self) -> Value {
        let models: Vec<Value> = self
            .models
            .iter()
            .filter_map(|m| {
                let (level, rust) = m.worst()?;
                Some(json!({"model": m.model, "level": level.label(), "rust": rust.label(), "semver": rust.bump(),
                    "changes": m.lines.len()}))
            })
            .collect();
        json!({"models": models, "changes": self.lines().map(Line::json).collect::<Vec<_>>()})
    }
}
