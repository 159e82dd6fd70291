//! Submitting, following and reporting a job on whichever platform the model lives on.

use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use futures_util::StreamExt as _;
use mediagen::aimlapi::Aimlapi;
use mediagen::fal::Fal;
use mediagen::mindvideo::MindVideo;
use mediagen::skills_video::{self, SkillsVideo};
use mediagen::v2::V2;
use mediagen::{Client, Job, JobRef, JobState, ModelInfo, Platform, Protocol, RawInput, WaitOptions};
use serde_json::Value;

use crate::report::{conclude, describe_state, spinner, Trouble};
use crate::{one_line, Failure};

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
    pub cancel_on_timeout: bool,
    /// The job was named by the user (`status`), not submitted by this run.
    pub looked_up: bool,
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
            cancel_on_timeout: false,
            looked_up: false,
        }
    }
}

impl Options {
    fn wait_options(&self) -> WaitOptions {
        WaitOptions::default()
            .interval(self.poll_interval)
            // The SDK's default cap (18 s) for the default 2 s; a cap as many times the interval otherwise.
            .max_interval(self.poll_interval.max(Duration::from_secs(18)).min(self.poll_interval * 9))
            .deadline(self.timeout)
    }
}

/// A client of platform `P` from the environment, with `--base-url` and `--timeout` applied.
fn client<P: Protocol>(opts: &Options) -> Result<Client<P>, Failure> {
    // A request (a submit too) waits no longer than the whole run may take.
    let mut builder =
        Client::<P>::builder().wait_options(opts.wait_options()).timeout(opts.timeout.min(Duration::from_secs(120)));
    if let Some(url) = &opts.base_url {
        builder = builder.base_url(url.clone());
    }
    // The SDK's advice names its builder; a shell user sets a variable or a flag.
    builder.build().map_err(|e| Failure {
        code: 2,
        message: one_line(&e)
            .replace("no base URL: set", "no base URL: pass --base-url or set")
            .replace(" or give one to the builder", ""),
        report: None,
    })
}

/// Submit a checked body and follow the job as the options say.
pub async fn run(info: &'static ModelInfo, body: Value, opts: &Options) -> Result<(), Failure> {
    let input = RawInput::for_model(info, body);
    match info.platform {
        Platform::SkillsVideo => {
            let client = client::<SkillsVideo>(opts)?;
            let call = client.call_raw(input);
            if opts.stream && opts.wait {
                return stream_skills_video(info, &client, call, opts).await;
            }
            finish(info, call.submit(), opts).await
        }
        Platform::Mindvideo => {
            let client = client::<MindVideo>(opts)?;
            let mut call = client.call_raw(input);
            if let Some(key) = &opts.idempotency_key {
                call = call.idempotency_key(key.clone());
            }
            finish(info, call.submit(), opts).await
        }
        Platform::V2 => submit::<V2>(info, input, opts).await,
        Platform::Aimlapi => submit::<Aimlapi>(info, input, opts).await,
        Platform::Fal => submit::<Fal>(info, input, opts).await,
    }
}

/// Submit on a platform without options of its own, then follow the job.
async fn submit<P: Protocol>(info: &'static ModelInfo, input: RawInput, opts: &Options) -> Result<(), Failure> {
    let client = client::<P>(opts)?;
    finish(info, client.call_raw(input).submit(), opts).await
}

/// Resolves when SIGINT or SIGTERM arrives (never, where they cannot be listened for).
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
            (Ok(mut int), Ok(mut term)) => {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            _ => std::future::pending().await,
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// `mediagen status`: look a job up by id, optionally waiting for it and saving its outputs.
pub async fn status(info: &'static ModelInfo, id: &str, opts: &Options) -> Result<(), Failure> {
    match info.platform {
        Platform::SkillsVideo => status_on::<SkillsVideo>(info, id, opts).await,
        Platform::Mindvideo => status_on::<MindVideo>(info, id, opts).await,
        Platform::V2 => status_on::<V2>(info, id, opts).await,
        Platform::Aimlapi => status_on::<Aimlapi>(info, id, opts).await,
        Platform::Fal => status_on::<Fal>(info, id, opts).await,
    }
}

async fn status_on<P: Protocol>(info: &'static ModelInfo, id: &str, opts: &Options) -> Result<(), Failure> {
    let client = client::<P>(opts)?;
    let job = JobRef::<P>::for_model(info, id);
    let lookup = async {
        if opts.wait {
            client.follow(job, opts.wait_options()).wait().await
        } else {
            // A job that ended badly is the error it stands for, as `--wait` would say.
            let state = client.lookup(&job).await?;
            match state.error(None) {
                Some(e) if state.is_terminal() => Err(e),
                _ => Ok(state),
            }
        }
    };
    let result = tokio::select! {
        result = lookup => result,
        _ = interrupted() => return conclude::<P::State>(info, Some(id), None, Err(Trouble::Interrupted), Vec::new(), opts),
    };
    let state = match result {
        Ok(state) => state,
        Err(e) => return conclude::<P::State>(info, Some(id), None, Err(e.into()), Vec::new(), opts),
    };
    let (files, saved) = save_outputs(&client, &state, opts).await;
    conclude(info, Some(id), Some(&state), saved, files, opts)
}

/// Save a finished job's outputs into `--download DIR`: the paths written, and whether all were.
async fn save_outputs<P: Protocol>(
    client: &Client<P>,
    state: &P::State,
    opts: &Options,
) -> (Vec<String>, Result<(), Trouble>) {
    let mut files = Vec::new();
    let Some(dir) = opts.download.as_ref().filter(|_| state.job_status().is_terminal()) else {
        return (files, Ok(()));
    };
    for output in state.outputs() {
        match client.download(&output, dir).await {
            Ok(path) => {
                if !opts.json {
                    eprintln!("saved {}", path.display());
                }
                files.push(path.display().to_string());
            }
            // The folder could not be made or written: the job is fine, the outputs are not saved.
            Err(e @ mediagen::Error::Io { .. }) => return (files, Err(Trouble::Save(one_line(&e)))),
            Err(e) => return (files, Err(Trouble::Sdk(e))),
        }
    }
    (files, Ok(()))
}

/// Follow a submit to the end. A submit interrupted in flight is still awaited (its answer holds
/// the job id, which must not be lost); once the id is known every failure names it.
async fn finish<P: Protocol>(
    info: &'static ModelInfo,
    submit: impl Future<Output = mediagen::Result<Job<P>>>,
    opts: &Options,
) -> Result<(), Failure> {
    let signal = interrupted();
    let again = interrupted();
    tokio::pin!(signal, submit, again);
    let mut stopped = false;
    let submitted = loop {
        tokio::select! {
            result = &mut submit => break result,
            _ = &mut signal, if !stopped => {
                stopped = true;
                eprintln!(
                    "mediagen: interrupted; waiting for the submit's answer so that the job is not lost \
                     (interrupt again to stop waiting)"
                );
            }
            // A second signal: the user wants out even at the price of the id.
            _ = &mut again, if stopped => {
                return Err(Failure {
                    code: crate::report::INTERRUPTED,
                    message: "interrupted again while the submit was in flight: the job may have been created, \
                              and its id is unknown (look for it on the platform)"
                        .into(),
                    report: None,
                });
            }
        }
    };
    let job = match submitted {
        Ok(job) => job,
        Err(e) => return conclude::<P::State>(info, None, None, Err(e.into()), Vec::new(), opts),
    };
    let id = job.id().to_string();
    if stopped {
        return conclude(info, Some(&id), Some(job.submitted()), Err(Trouble::Interrupted), Vec::new(), opts);
    }
    if !opts.wait {
        // A job answered at once (AI/ML API images) has nothing left to follow.
        if !job.submitted().is_terminal() {
            eprintln!("mediagen: job {id} submitted; follow it with: {}", crate::report::follow_up(info, &id, opts));
        }
        return conclude(info, Some(&id), Some(job.submitted()), Ok(()), Vec::new(), opts);
    }
    let bar = spinner(opts);
    if let Some(b) = &bar {
        b.set_message(format!("{id} {}", describe_state(job.submitted())));
    }
    let mut last = job.submitted().clone();
    let waited = {
        let wait = job.wait_reporting(opts.wait_options(), |s| {
            if let Some(b) = &bar {
                b.set_message(format!("{} {}", s.job_id(), describe_state(s)));
            }
            last = s.clone();
        });
        tokio::select! {
            result = wait => Some(result),
            _ = &mut signal => None,
        }
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let done = match waited {
        None => return conclude(info, Some(&id), Some(&last), Err(Trouble::Interrupted), Vec::new(), opts),
        Some(Err(e)) => {
            // `--cancel-on-timeout`: the job nobody waits for any more is stopped, and the user
            // is told whether it was.
            if opts.cancel_on_timeout && matches!(e, mediagen::Error::Deadline { .. }) {
                match job.cancel().await {
                    Ok(()) => eprintln!("mediagen: the deadline passed; cancellation of job {id} requested"),
                    Err(c) => eprintln!("mediagen: the deadline passed; job {id} was not canceled: {}", one_line(&c)),
                }
            }
            return conclude(info, Some(&id), Some(&last), Err(e.into()), Vec::new(), opts);
        }
        Some(Ok(done)) => done,
    };
    let (files, saved) = tokio::select! {
        saved = save_outputs(job.client(), &done, opts) => saved,
        _ = &mut signal => (Vec::new(), Err(Trouble::Interrupted)),
    };
    conclude(info, Some(&id), Some(&done), saved, files, opts)
}

/// skills.video's SSE submit, finished by polling if the stream breaks.
async fn stream_skills_video(
    info: &'static ModelInfo,
    client: &Client<SkillsVideo>,
    call: mediagen::Call<'_, SkillsVideo, RawInput>,
    opts: &Options,
) -> Result<(), Failure> {
    let mut stream = match call.stream().await {
        Ok(stream) => stream,
        Err(e) => return conclude::<skills_video::Generation>(info, None, None, Err(e.into()), Vec::new(), opts),
    };
    let bar = spinner(opts);
    let mut last: Option<skills_video::Generation> = None;
    let mut outcome: Result<(), Trouble> = Ok(());
    let signal = interrupted();
    tokio::pin!(signal);
    loop {
        let item = tokio::select! {
            item = stream.next() => item,
            _ = &mut signal => {
                outcome = Err(Trouble::Interrupted);
                break;
            }
        };
        match item {
            None => break,
            Some(Ok(g)) => {
                if let Some(b) = &bar {
                    b.set_message(format!("{} {}", g.job_id(), describe_state(&g)));
                }
                last = Some(g);
            }
            Some(Err(e)) => {
                outcome = Err(e.into());
                break;
            }
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if outcome.is_ok() {
        if let Some(e) = last.as_ref().and_then(|g| g.error(None)) {
            outcome = Err(e.into());
        }
    }
    let id = last.as_ref().map(|g| g.id.clone());
    let mut files = Vec::new();
    if let (Ok(()), Some(done)) = (&outcome, &last) {
        let (saved_files, saved) = save_outputs(client, done, opts).await;
        files = saved_files;
        outcome = saved;
    }
    conclude(info, id.as_deref(), last.as_ref(), outcome, files, opts)
}

/// `mediagen cancel`: ask the platform to stop a job, where it can (fal).
pub async fn cancel(info: &'static ModelInfo, id: &str, opts: &Options) -> Result<(), Failure> {
    match info.platform {
        Platform::SkillsVideo => cancel_on::<SkillsVideo>(info, id, opts).await,
        Platform::Mindvideo => cancel_on::<MindVideo>(info, id, opts).await,
        Platform::V2 => cancel_on::<V2>(info, id, opts).await,
        Platform::Aimlapi => cancel_on::<Aimlapi>(info, id, opts).await,
        Platform::Fal => cancel_on::<Fal>(info, id, opts).await,
    }
}

async fn cancel_on<P: Protocol>(info: &'static ModelInfo, id: &str, opts: &Options) -> Result<(), Failure> {
    let client = client::<P>(opts)?;
    match client.cancel(&JobRef::<P>::for_model(info, id)).await {
        Ok(()) => {
            say!("{id} cancellation requested");
            Ok(())
        }
        Err(e @ mediagen::Error::Unsupported { .. }) => {
            Err(Failure::usage(format!("{}, so job {id} was left running", one_line(&e))))
        }
        Err(e) => Err(e.into()),
    }
}
