//! `schemas/sources.jsonl`: where each shipped schema was published, when it was fetched, and
//! the sha256 of the bytes shipped. One JSON object a line, sorted by schema path, so a sync shows
//! up as a readable diff. (`.jsonl`, not `.json`: every `*.json` under `schemas/` is a model.)

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The manifest's path under the workspace root.
pub const MANIFEST: &str = "schemas/sources.jsonl";

/// What `fetched` says for a schema shipped before provenance was recorded.
pub const UNKNOWN: &str = "unknown";

/// Where one schema came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The published document's URL; `None` where no public per-model URL is known.
    pub url: Option<String>,
    /// When the shipped bytes were fetched (RFC 3339, UTC), or [`UNKNOWN`].
    pub fetched: String,
    pub sha256: String,
}

/// Schema path (relative to `schemas/`, `fal/fal-ai/veo3.json`) to its source.
pub type Manifest = BTreeMap<String, Source>;

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn read(root: &Path) -> Result<Manifest> {
    let path = root.join(MANIFEST);
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Manifest::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let at = || format!("{MANIFEST} line {}", i + 1);
        let v: Value = serde_json::from_str(line).with_context(at)?;
        let field = |k: &str| v.get(k).and_then(Value::as_str).map(String::from);
        let schema = field("schema").with_context(|| format!("{}: no schema", at()))?;
        let source = Source {
            url: field("url"),
            fetched: field("fetched").unwrap_or_else(|| UNKNOWN.into()),
            sha256: field("sha256").with_context(|| format!("{}: no sha256", at()))?,
        };
        out.insert(schema, source);
    }
    Ok(out)
}

/// The manifest's text.
pub fn render(manifest: &Manifest) -> String {
    manifest
        .iter()
        .map(|(schema, s)| {
            json!({"schema": schema, "url": s.url, "fetched": s.fetched, "sha256": s.sha256}).to_string() + "\n"
        })
        .collect()
}

/// Now as RFC 3339 UTC (`2025-06-01T12:00:00Z`), without a date crate.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest / 60 % 60, rest % 60)
}
