//! `mediagen`: try any model of the registry from a shell, with the flags its schema defines.
//!
//! Exit status: 0 success (or submitted, with `--no-wait`); 2 bad usage or invalid input (nothing
//! was sent); 3 the job failed or was canceled; 4 an API error; 5 the deadline passed; 6 the job
//! succeeded but its outputs could not be saved; 130 interrupted (SIGINT or SIGTERM). Whatever
//! fails after a submit, stderr names the job and the command that picks it up, and `--json`
//! still prints its one object.

/// `println!` that ends the program quietly when stdout is a closed pipe
/// (`mediagen models | head -1`) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::say(format_args!($($arg)*))
    };
}

mod exec;
mod params;
mod report;
mod run;

use std::process::ExitCode;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use mediagen::{registry, Kind, ModelInfo, Platform};
use serde_json::{json, Value};

/// Write one line to stdout; a reader that went away (a closed pipe) ends the program quietly.
pub fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(line).and_then(|()| out.write_all(b"\n")).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

/// A failure with the exit status it maps to.
pub struct Failure {
    pub code: u8,
    pub message: String,
    /// The JSON object to print with `--json`, when a job was involved.
    pub report: Option<Value>,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure { code: 2, message: message.into(), report: None }
    }
}

impl From<mediagen::Error> for Failure {
    fn from(e: mediagen::Error) -> Self {
        Failure { code: exit_code(&e), message: one_line(&e), report: None }
    }
}

/// The exit status an SDK error maps to.
pub fn exit_code(e: &mediagen::Error) -> u8 {
    match e {
        mediagen::Error::Validation { .. } | mediagen::Error::Config(_) => 2,
        mediagen::Error::JobFailed { .. } | mediagen::Error::JobCanceled { .. } => 3,
        mediagen::Error::Deadline { .. } => 5,
        mediagen::Error::Io { .. } => 2,
        _ => 4,
    }
}

/// An error in words a user can act on, on one line.
pub fn one_line(e: &mediagen::Error) -> String {
    let hint = match e.kind() {
        Some(mediagen::ErrorKind::Unauthorized) => " (check the API key)",
        Some(mediagen::ErrorKind::InsufficientCredits) => " (top up the account's credits)",
        Some(mediagen::ErrorKind::ContentRejected) => " (rewrite the prompt or change the inputs)",
        Some(mediagen::ErrorKind::RateLimited) => " (rate limited even after retries; try again later)",
        _ => "",
    };
    format!("{e}{hint}").replace('\n', " ")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if let Some(report) = &f.report {
                say!("{report}");
            }
            if !f.message.is_empty() {
                eprintln!("mediagen: {}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}

const MODEL_HELP: &str = "Model id, as `mediagen models` lists them (skills-video/google/veo-3.1)";
const BASE_URL_HELP: &str = "Send requests to this base URL instead of the platform's (or its *_BASE_URL variable)";

fn top_command() -> Command {
    Command::new("mediagen")
        .about("Run hosted AI media-generation models with typed, checked inputs")
        .version(env!("CARGO_PKG_VERSION"))
        .after_help(
            "Exit status: 0 success (or submitted, with --no-wait); 2 bad usage or invalid input (nothing was \
             sent); 3 the job failed or was canceled; 4 an API error; 5 the deadline passed; 6 the job succeeded \
             but its outputs could not be saved; 130 interrupted. After a submit, every failure prints the job \
             id and the command that picks it up.",
        )
        .subcommand_required(true)
        .arg(verbose_arg().global(true))
        .subcommand(
            Command::new("models")
                .about("List the models")
                .arg(
                    Arg::new("platform")
                        .long("platform")
                        .value_parser(["skills-video", "mindvideo", "v2", "aimlapi", "fal"])
                        .help("Only this platform's models"),
                )
                .arg(
                    Arg::new("kind")
                        .long("kind")
                        .value_parser(["video", "image", "audio"])
                        .help("Only models of this kind"),
                )
                .arg(Arg::new("json").long("json").action(ArgAction::SetTrue).help("Print a JSON array")),
        )
        .subcommand(
            Command::new("describe")
                .about("Every parameter of a model: type, allowed values, default, range, description")
                .arg(Arg::new("model").required(true).help(MODEL_HELP))
                .arg(Arg::new("json").long("json").action(ArgAction::SetTrue).help("Print one JSON object")),
        )
        .subcommand(
            Command::new("run")
                .about("Submit a job (flags come from the model's schema: `mediagen run <model> --help`)")
                .arg(Arg::new("model").help(MODEL_HELP).allow_hyphen_values(true))
                .allow_external_subcommands(false)
                .disable_help_flag(true)
                .arg(
                    Arg::new("rest")
                        .num_args(0..)
                        .trailing_var_arg(true)
                        .allow_hyphen_values(true)
                        .help("The model's flags (see `mediagen run <model> --help`)"),
                ),
        )
        .subcommand(
            Command::new("status")
                .about("Show (or wait for) a job")
                .arg(Arg::new("model").required(true).help(MODEL_HELP))
                .arg(Arg::new("job").required(true).help("The job id that `run` printed"))
                .arg(Arg::new("wait").long("wait").action(ArgAction::SetTrue).help("Follow the job until it ends"))
                .arg(
                    Arg::new("timeout")
                        .long("timeout")
                        .default_value("30m")
                        .help("Deadline for --wait (e.g. 90s, 10m, 1h)"),
                )
                .arg(run::poll_interval_arg())
                .arg(
                    Arg::new("download")
                        .long("download")
                        .value_name("DIR")
                        .help("Save the outputs of a finished job in DIR (never replacing a file)"),
                )
                .arg(Arg::new("base-url").long("base-url").help(BASE_URL_HELP))
                .arg(Arg::new("json").long("json").action(ArgAction::SetTrue).help("Print one JSON object")),
        )
        .subcommand(
            Command::new("cancel")
                .about("Cancel a job where the platform can (fal)")
                .arg(Arg::new("model").required(true).help(MODEL_HELP))
                .arg(Arg::new("job").required(true).help("The job id that `run` printed"))
                .arg(Arg::new("base-url").long("base-url").help(BASE_URL_HELP)),
        )
}

async fn run(args: Vec<String>) -> Result<(), Failure> {
    let matches = top_command().try_get_matches_from(&args).map_err(clap_failure)?;
    if let Some((name, m)) = matches.subcommand() {
        // `run` knows its verbosity once the model's flags are parsed (`-v` may follow them).
        if name != "run" {
            init_tracing(m.get_count("verbose"));
        }
    }
    match matches.subcommand() {
        Some(("models", m)) => models(m),
        Some(("describe", m)) => describe(m),
        Some(("run", m)) => {
            // `mediagen run --help` (or no model): the flags every model has, and where the rest are.
            let Some(id) = m.get_one::<String>("model").filter(|id| !id.starts_with('-')) else {
                let help = m.get_one::<String>("model").is_some_and(|a| a == "--help" || a == "-h");
                let usage = run::run_command_help();
                return if help {
                    say!("{usage}");
                    Ok(())
                } else {
                    Err(Failure::usage(format!("which model? `mediagen models` lists them\n\n{usage}")))
                };
            };
            let info = model(id)?;
            let rest: Vec<String> = m.get_many::<String>("rest").map(|r| r.cloned().collect()).unwrap_or_default();
            run::run_model(info, rest, m.get_count("verbose")).await
        }
        Some(("status", m)) => {
            let info = model(m.get_one::<String>("model").expect("required"))?;
            let opts = exec::Options {
                wait: m.get_flag("wait"),
                timeout: parse_duration(m.get_one::<String>("timeout").expect("default"))?,
                base_url: m.get_one::<String>("base-url").cloned(),
                json: m.get_flag("json"),
                poll_interval: parse_duration(m.get_one::<String>("poll-interval").expect("default"))?,
                download: m.get_one::<String>("download").map(Into::into),
                looked_up: true,
                ..exec::Options::default()
            };
            exec::status(info, m.get_one::<String>("job").expect("required"), &opts).await
        }
        Some(("cancel", m)) => {
            let info = model(m.get_one::<String>("model").expect("required"))?;
            let opts = exec::Options { base_url: m.get_one::<String>("base-url").cloned(), ..exec::Options::default() };
            exec::cancel(info, m.get_one::<String>("job").expect("required"), &opts).await
        }
        _ => Err(Failure::usage("unknown command; see `mediagen --help`")),
    }
}

/// `-v` (info), `-vv` (debug), `-vvv` (trace): the SDK's spans and events on stderr.
pub fn verbose_arg() -> Arg {
    Arg::new("verbose").short('v').long("verbose").action(ArgAction::Count).help(
        "Show what the SDK does on stderr: -v submits, retries, downloads; -vv every poll; -vvv every request \
         (RUST_LOG overrides)",
    )
}

/// Log the SDK's tracing spans and events to stderr (stdout stays the program's output): the
/// `RUST_LOG` filter when it is set, else the level `-v` asks for; nothing with neither.
pub fn init_tracing(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let filter = match std::env::var("RUST_LOG") {
        Ok(f) if !f.trim().is_empty() => EnvFilter::new(f),
        _ => {
            let level = match verbose {
                0 => return,
                1 => "info",
                2 => "debug",
                _ => "trace",
            };
            EnvFilter::new(format!("warn,mediagen_runtime={level},mediagen={level},mediagen_cli={level}"))
        }
    };
    // A second call (never made) would find the subscriber set: ignoring it is right.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

fn clap_failure(e: clap::Error) -> Failure {
    use clap::error::ErrorKind as K;
    match e.kind() {
        K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            Failure {
                code: if e.kind() == K::DisplayHelpOnMissingArgumentOrSubcommand { 2 } else { 0 },
                message: String::new(),
                report: None,
            }
        }
        // The error and what clap adds to it (the possible values, a tip), without the usage.
        _ => Failure::usage(
            e.to_string()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information"))
                .map(|l| l.trim_start_matches("error: "))
                .collect::<Vec<_>>()
                .join("; "),
        ),
    }
}

/// The model of an id, or an error that suggests the nearest ids.
fn model(id: &str) -> Result<&'static ModelInfo, Failure> {
    if let Some(info) = registry::find(id) {
        return Ok(info);
    }
    // `veo-3.1` names `skills-video/google/veo-3.1`; otherwise the ids closest in spelling.
    let mut near: Vec<&str> = registry::all().iter().map(|m| m.id).filter(|m| m.ends_with(&format!("/{id}"))).collect();
    if near.is_empty() {
        let mut scored: Vec<(f64, &str)> =
            registry::all().iter().map(|m| (strsim::normalized_damerau_levenshtein(id, m.id), m.id)).collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        near = scored.into_iter().filter(|(s, _)| *s >= 0.5).take(3).map(|(_, m)| m).collect();
    }
    Err(Failure::usage(match near.as_slice() {
        [] => format!("unknown model {id:?}; `mediagen models` lists them"),
        [one] => format!("unknown model {id:?}; did you mean {one}?"),
        many => format!("unknown model {id:?}; did you mean one of {}?", many.join(", ")),
    }))
}

fn models(m: &ArgMatches) -> Result<(), Failure> {
    let platform = m.get_one::<String>("platform").map(|p| match p.as_str() {
        "skills-video" => Platform::SkillsVideo,
        "mindvideo" => Platform::Mindvideo,
        "v2" => Platform::V2,
        "aimlapi" => Platform::Aimlapi,
        _ => Platform::Fal,
    });
    let kind = m.get_one::<String>("kind").map(|k| match k.as_str() {
        "video" => Kind::Video,
        "image" => Kind::Image,
        _ => Kind::Audio,
    });
    let list: Vec<&ModelInfo> = registry::filter(platform, kind).collect();
    if m.get_flag("json") {
        let items: Vec<Value> = list
            .iter()
            .map(
                |i| json!({"id": i.id, "platform": i.platform.as_str(), "kind": i.kind.as_str(), "summary": i.summary}),
            )
            .collect();
        say!("{}", Value::Array(items));
    } else {
        let width = list.iter().map(|i| i.id.len()).max().unwrap_or(0);
        for i in list {
            say!("{:<width$}  {:<5}  {}", i.id, i.kind.as_str(), i.summary);
        }
    }
    Ok(())
}

fn describe(m: &ArgMatches) -> Result<(), Failure> {
    let info = model(m.get_one::<String>("model").expect("required"))?;
    let params = params::params(&info.schema_json());
    if m.get_flag("json") {
        let out = json!({
            "id": info.id, "platform": info.platform.as_str(), "kind": info.kind.as_str(),
            "title": info.title, "summary": info.summary,
            "parameters": params.iter().map(params::Param::to_json).collect::<Vec<_>>(),
        });
        say!("{out}");
        return Ok(());
    }
    say!("{} ({}, {}): {}", info.id, info.platform, info.kind, info.summary);
    say!("");
    for p in &params {
        say!("  --{}  {}", p.flag, p.help());
    }
    Ok(())
}

/// `250ms`, `90s`, `10m`, `1h`, `1h30m`, or plain seconds.
pub fn parse_duration(s: &str) -> Result<Duration, Failure> {
    let bad = || Failure::usage(format!("{s:?} is not a duration: expected e.g. 500ms, 90s, 10m or 1h"));
    let mut total_ms = 0u64;
    let mut rest = s.trim();
    if rest.chars().all(|c| c.is_ascii_digit()) {
        let secs: u64 = rest.parse().map_err(|_| bad())?;
        return (secs > 0).then(|| Duration::from_secs(secs)).ok_or_else(bad);
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let n: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let unit_ms = match &rest[..unit_len] {
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => return Err(bad()),
        };
        total_ms += n * unit_ms;
        rest = &rest[unit_len..];
    }
    (total_ms > 0).then(|| Duration::from_millis(total_ms)).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_option_and_argument_says_what_it_is() {
        let run = run::run_common(Command::new("run"));
        let top = top_command();
        for cmd in top.get_subcommands().chain([&run]) {
            for arg in cmd.get_arguments() {
                assert!(arg.get_help().is_some(), "{} {} has no description", cmd.get_name(), arg.get_id());
            }
        }
    }
}
