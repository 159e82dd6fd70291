//! Submitting, following and reporting a job on whichever platform the model lives on.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::time::Duration;

use futures_util::StreamExt as _;
use mediagen::aimlapi::Aimlapi;
use mediagen::mindvideo::MindVideo;
use mediagen::skills_video::{self, SkillsVideo};
use mediagen::v2::V2;
use mediagen::{Client, Error, Job, JobRef, JobState, ModelInfo, Platform, Protocol, RawInput, WaitOptions};
use serde_json::{json, Value};

use crate::{exit_code, one_line, Failure};

/// What `run` and `status` were asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub wait: bool,
    pub timeout: Duration,
    pub stream: bool,
    pub idempotency_key: Option<String>,
    pub download: Option<PathBuf>,
    pub base_url: Option<String>,
    pub json: bool,
    pub poll_interval: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            wait: true,
            timeout: Duration::from_secs(30 * 60),
            stream: false,
            idempotency_key: None,
            download: None,
            base_url: None,
            json: false,
            poll_interval: Duration::from_secs(2),
        }
    }
}

impl Options {
    fn wait_options(&self) -> WaitOptions {
        WaitOptions::default()
            .interval(self.poll_interval)
            .max_interval(self.poll_interval.max(Duration::from_secs(15)).min(self.poll_interval * 8))
            .deadline(self.timeout)
    }
}

/// A client of platform `P` from the environment, with `--base-url` and `--timeout` applied.
fn client<P: Protocol>(opts: &Options) -> Result<Client<P>, Failure> {
    let mut builder = Client::<P>::builder().wait_options(opts.wait_options());
    if let Some(url) = &opts.base_url {
        builder = builder.base_url(url.clone());
    }
    builder.build().map_err(|e| Failure { code: 2, message: one_line(&e), report: None })
}

/// Submit a checked body and follow the job as the options say.
pub async fn run(info: &'static ModelInfo, body: Value, opts: &Options) -> Result<(), Failure> {
    let input = RawInput::for_model(info, body);
    match info.platform {
        Platform::SkillsVideo => {
            let client = client::<SkillsVideo>(opts)?;
            let call = client.call_raw(input);
            if opts.stream && opts.wait {
                return stream_skills_video(info, call, opts).await;
            }
            finish(info, call.submit().await, opts).await
        }
        Platform::Mindvideo => {
            let client = client::<MindVideo>(opts)?;
            let mut call = client.call_raw(input);
            if let Some(key) = &opts.idempotency_key {
                call = call.idempotency_key(key.clone());
            }
            finish(info, call.submit().await, opts).await
        }
        Platform::V2 => submit::<V2>(info, input, opts).await,
        Platform::Aimlapi => submit::<Aimlapi>(info, input, opts).await,
    }
}

/// Submit on a platform without options of its own, then follow the job.
async fn submit<P: Protocol>(info: &'static ModelInfo, input: RawInput, opts: &Options) -> Result<(), Failure> {
    let client = client::<P>(opts)?;
    finish(info, client.call_raw(input).submit().await, opts).await
}

/// `mediagen status`: look a job up by id, optionally waiting for it.
pub async fn status(info: &'static ModelInfo, id: &str, opts: &Options) -> Result<(), Failure> {
    match info.platform {
        Platform::SkillsVideo => status_on::<SkillsVideo>(info, id, opts).await,
        Platform::Mindvideo => status_on::<MindVideo>(info, id, opts).await,
        Platform::V2 => status_on::<V2>(info, id, opts).await,
        Platform::Aimlapi => status_on::<Aimlapi>(info, id, opts).await,
    }
}

async fn status_on<P: Protocol>(info: &'static ModelInfo, id: &str, opts: &Options) -> Result<(), Failure> {
    let client = client::<P>(opts)?;
    let job = JobRef::<P>::for_model(info, id);
    let result =
        if opts.wait { client.follow(job, opts.wait_options()).wait().await } else { client.lookup(&job).await };
    let state = result.as_ref().ok().cloned();
    conclude(info, state.as_ref(), result.map(|_| ()), Vec::new(), opts)
}

/// `mediagen cancel`: none of the platforms documents a way to cancel a job.
pub async fn cancel(info: &'static ModelInfo, id: &str, _base_url: Option<String>) -> Result<(), Failure> {
    Err(Failure::usage(format!(
        "{} has no documented way to cancel a job, so job {id} was left running",
        info.platform
    )))
}

/// A spinner on a terminal; nothing when stderr is a pipe or `--json` is set.
fn spinner(opts: &Options) -> Option<indicatif::ProgressBar> {
    if opts.json || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(Duration::from_millis(120));
    bar.set_style(indicatif::ProgressStyle::with_template("{spinner} {msg}  {elapsed}").expect("valid template"));
    Some(bar)
}

fn describe_state<S: JobState>(s: &S) -> String {
    match s.progress() {
        Some(p) => format!("{} {:.0}%", s.raw_status(), p * 100.0),
        None => s.raw_status().to_string(),
    }
}

async fn finish<P: Protocol>(
    info: &'static ModelInfo,
    submitted: mediagen::Result<Job<P>>,
    opts: &Options,
) -> Result<(), Failure> {
    let job = submitted?;
    if !opts.wait {
        let state = job.submitted().clone();
        return conclude(info, Some(&state), Ok(()), Vec::new(), opts);
    }
    let bar = spinner(opts);
    if let Some(b) = &bar {
        b.set_message(format!("{} {}", job.id(), describe_state(job.submitted())));
    }
    let mut last = job.submitted().clone();
    let result = job
        .wait_reporting(opts.wait_options(), |s| {
            if let Some(b) = &bar {
                b.set_message(format!("{} {}", s.job_id(), describe_state(s)));
            }
            last = s.clone();
        })
        .await;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut files = Vec::new();
    if let (Ok(done), Some(dir)) = (&result, &opts.download) {
        tokio::fs::create_dir_all(dir).await.map_err(|e| Failure {
            code: 2,
            message: format!("creating {}: {e}", dir.display()),
            report: None,
        })?;
        for output in done.outputs() {
            let path = job.download(&output, dir).await?;
            if !opts.json {
                eprintln!("saved {}", path.display());
            }
            files.push(path.display().to_string());
        }
    }
    let state = result.as_ref().ok().cloned().unwrap_or(last);
    conclude(info, Some(&state), result.map(|_| ()), files, opts)
}

/// skills.video's SSE submit, finished by polling if the stream breaks.
async fn stream_skills_video(
    info: &'static ModelInfo,
    call: mediagen::Call<'_, SkillsVideo, RawInput>,
    opts: &Options,
) -> Result<(), Failure> {
    let mut stream = call.stream().await?;
    let bar = spinner(opts);
    let mut last: Option<skills_video::Generation> = None;
    let mut outcome: mediagen::Result<()> = Ok(());
    while let Some(item) = stream.next().await {
        match item {
            Ok(g) => {
                if let Some(b) = &bar {
                    b.set_message(format!("{} {}", g.job_id(), describe_state(&g)));
                }
                last = Some(g);
            }
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if outcome.is_ok() {
        if let Some(e) = last.as_ref().and_then(|g| g.error(None)) {
            outcome = Err(e);
        }
    }
    conclude(info, last.as_ref(), outcome, Vec::new(), opts)
}

/// Print the result (one JSON object with `--json`, words otherwise) and map it to an exit status.
fn conclude<S: JobState>(
    info: &'static ModelInfo,
    state: Option<&S>,
    outcome: mediagen::Result<()>,
    files: Vec<String>,
    opts: &Options,
) -> Result<(), Failure> {
    let error = outcome.as_ref().err();
    let report = report(info, state, error, &files);
    match outcome {
        Ok(()) => {
            if opts.json {
                println!("{report}");
            } else if let Some(s) = state {
                println!("{} {} {}", s.job_id(), s.job_status(), s.raw_status());
                for o in s.outputs() {
                    println!("{}", o.url);
                }
            }
            Ok(())
        }
        Err(e) => Err(Failure {
            code: exit_code(&e),
            message: one_line(&e),
            report: (opts.json && state.is_some()).then_some(report),
        }),
    }
}

/// The `--json` object.
pub fn report<S: JobState>(info: &ModelInfo, state: Option<&S>, error: Option<&Error>, files: &[String]) -> Value {
    let error_json = error.map(|e| match e {
        Error::JobFailed { code, message, .. } | Error::Api { code, message, .. } => {
            json!({"code": code, "message": message})
        }
        Error::JobCanceled { .. } => json!({"code": "CANCELED", "message": e.to_string()}),
        Error::Deadline { .. } => json!({"code": "DEADLINE", "message": e.to_string()}),
        other => json!({"code": null, "message": other.to_string()}),
    });
    let Some(s) = state else {
        return json!({"id": null, "model": info.id, "platform": info.platform.as_str(), "status": "unknown",
            "raw_status": null, "progress": null, "outputs": [], "usage": null, "cost": null, "error": error_json});
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
        "error": error_json,
    });
    if !files.is_empty() {
        out["files"] = json!(files);
    }
    out
}
