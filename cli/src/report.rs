//! What the CLI prints at the end: one JSON object with `--json`, words otherwise, the command
//! that picks a job up again whenever something failed after its submit, and the exit status.

use std::io::IsTerminal as _;
use std::time::Duration;

use mediagen::{Error, JobState, ModelInfo};
use serde_json::{json, Value};

use crate::exec::Options;
use crate::{exit_code, one_line, Failure};

/// Exit status when the job succeeded but its outputs could not be saved.
pub const SAVE_FAILED: u8 = 6;
/// Exit status after SIGINT or SIGTERM (128 + SIGINT), as shells report an interrupted command.
pub const INTERRUPTED: u8 = 130;

/// How a run or a status ended, when it did not end well.
pub enum Trouble {
    /// An error of the SDK: a rejected submit, a failed job, a deadline, a lookup that failed.
    Sdk(Error),
    /// The outputs could not be saved (the folder could not be created or written).
    Save(String),
    /// SIGINT or SIGTERM arrived.
    Interrupted,
}

impl From<Error> for Trouble {
    fn from(e: Error) -> Self {
        Trouble::Sdk(e)
    }
}

/// A spinner on a terminal; nothing when stderr is a pipe or `--json` is set.
pub fn spinner(opts: &Options) -> Option<indicatif::ProgressBar> {
    if opts.json || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(Duration::from_millis(120));
    bar.set_style(indicatif::ProgressStyle::with_template("{spinner} {msg}  {elapsed}").expect("valid template"));
    Some(bar)
}

pub fn describe_state<S: JobState>(s: &S) -> String {
    let mut line = match s.progress() {
        Some(p) => format!("{} {:.0}%", s.raw_status(), p * 100.0),
        None => s.raw_status().to_string(),
    };
    // A queue position or the last log line, where the platform says (fal).
    if let Some(activity) = s.activity() {
        line.push_str(&format!("  {activity}"));
    }
    line
}

/// `word` as one shell word.
fn shell_word(word: &str) -> String {
    if !word.is_empty() && word.chars().all(|c| c.is_alphanumeric() || "-_./:=@%+,".contains(c)) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The command that picks a submitted job up again.
pub fn follow_up(info: &ModelInfo, id: &str, opts: &Options) -> String {
    let mut cmd = format!("mediagen status {} {} --wait", info.id, shell_word(id));
    if let Some(dir) = &opts.download {
        cmd.push_str(&format!(" --download {}", shell_word(&dir.display().to_string())));
    }
    if let Some(url) = &opts.base_url {
        cmd.push_str(&format!(" --base-url {}", shell_word(url)));
    }
    cmd
}

/// Print the result and map it to an exit status. `id` is the job's, once a submit was
/// accepted: from then on every failure prints the command that picks the job up (a job that
/// ended badly has nothing left to pick up), and no failure exits 2 ("nothing was sent").
pub fn conclude<S: JobState>(
    info: &'static ModelInfo,
    id: Option<&str>,
    state: Option<&S>,
    outcome: Result<(), Trouble>,
    files: Vec<String>,
    opts: &Options,
) -> Result<(), Failure> {
    let error = match &outcome {
        Err(Trouble::Sdk(e)) => Some(error_json(e)),
        Err(Trouble::Save(message)) => Some(json!({"code": "SAVE_FAILED", "message": message})),
        Err(Trouble::Interrupted) => Some(json!({"code": "INTERRUPTED", "message": "interrupted while waiting"})),
        Ok(()) => None,
    };
    let id = state.map(|s| s.job_id()).or(id).filter(|id| !id.is_empty());
    let report = report(info, id, state, error, &files);
    let trouble = match outcome {
        Ok(()) => {
            if opts.json {
                say!("{report}");
            } else if let Some(s) = state {
                say!("{} {} {}", s.job_id(), s.job_status(), s.raw_status());
                for o in s.outputs() {
                    say!("{}", o.url);
                }
            }
            return Ok(());
        }
        Err(trouble) => trouble,
    };
    let (mut code, message, ended_badly) = match &trouble {
        Trouble::Sdk(e) => {
            (exit_code(e), one_line(e), matches!(e, Error::JobFailed { .. } | Error::JobCanceled { .. }))
        }
        Trouble::Save(message) => {
            (SAVE_FAILED, format!("the job succeeded but its outputs were not saved: {message}"), false)
        }
        Trouble::Interrupted => (INTERRUPTED, "interrupted".to_string(), false),
    };
    if let Some(id) = id {
        // Something was sent: 2 would say nothing was.
        if code == 2 {
            code = 4;
        }
        // `status` was given the id; `run` printed nothing else the user could go back to.
        if !ended_badly && !opts.looked_up {
            eprintln!("mediagen: job {id} was submitted; pick it up with: {}", follow_up(info, id, opts));
        }
    }
    Err(Failure { code, message, report: opts.json.then_some(report) })
}

fn error_json(e: &Error) -> Value {
    match e {
        Error::JobFailed { code, message, .. } | Error::Api { code, message, .. } => {
            json!({"code": code, "message": message})
        }
        Error::JobCanceled { .. } => json!({"code": "CANCELED", "message": e.to_string()}),
        Error::Deadline { .. } => json!({"code": "DEADLINE", "message": e.to_string()}),
        other => json!({"code": null, "message": other.to_string()}),
    }
}

/// The `--json` object: `{id, model, platform, status, raw_status, progress, outputs, usage,
/// cost, error}`, plus `output` (the model's result document, fal) and `files` when outputs were
/// saved. `id` is null when no job was created.
pub fn report<S: JobState>(
    info: &ModelInfo,
    id: Option<&str>,
    state: Option<&S>,
    error: Option<Value>,
    files: &[String],
) -> Value {
    let Some(s) = state else {
        return json!({"id": id, "model": info.id, "platform": info.platform.as_str(), "status": "unknown",
            "raw_status": null, "progress": null, "outputs": [], "usage": null, "cost": null, "error": error});
    };
    let raw = serde_json::to_value(s).unwrap_or(Value::Null);
    let outputs: Vec<Value> = s
        .outputs()
        .into_iter()
        .map(|o| json!({"url": o.url, "kind": o.kind.map(|k| k.as_str()), "content_type": o.content_type}))
        .collect();
    let mut out = json!({
        "id": s.job_id(),
        "model": info.id,
        "platform": info.platform.as_str(),
        "status": s.job_status().as_str(),
        "raw_status": s.raw_status(),
        "progress": s.progress(),
        "outputs": outputs,
        "usage": raw.get("usage").cloned().unwrap_or(Value::Null),
        "cost": s.cost().map(|c| serde_json::to_value(c).unwrap_or(Value::Null)).unwrap_or(Value::Null),
        "error": error,
    });
    // The model's result document, where the platform keeps one apart from its status (fal).
    if let Some(result) = raw.get("result").filter(|r| !r.is_null()) {
        out["output"] = result.clone();
    }
    if !files.is_empty() {
        out["files"] = json!(files);
    }
    out
}
