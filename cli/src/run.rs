//! `mediagen run <model>`: the model's flags from its schema, the input they build (checked by
//! the model's typed struct before anything is sent), local files, then the submit.

use std::io::Read as _;

use clap::{Arg, ArgAction, Command};
use mediagen::ModelInfo;
use serde_json::{Map, Value};

use crate::{clap_failure, exec, init_tracing, one_line, params, parse_duration, verbose_arg, Failure, BASE_URL_HELP};

/// `mediagen run --help`: the flags of `run` that every model has.
pub fn run_command_help() -> String {
    let mut cmd = run_common(Command::new("mediagen run <model>"))
        .about("Submit a job; each model adds its own flags: `mediagen run <model> --help`")
        .override_usage("mediagen run <model> [--<parameter> VALUE]... [OPTIONS]");
    cmd.render_help().to_string()
}

/// Flags of `run` that every model has.
fn run_command(info: &ModelInfo, params: &[params::Param]) -> Command {
    let mut cmd = run_common(
        Command::new(format!("mediagen run {}", info.id))
            .no_binary_name(true)
            .about(format!("{}: {}", info.title, info.summary)),
    )
    .next_help_heading("Model parameters");
    for p in params {
        // Ids are prefixed so a parameter named like one of run's own flags (`json`) cannot clash.
        let mut arg = Arg::new(format!("param:{}", p.name))
            .long(p.flag.clone())
            .help(p.help())
            .value_name(p.flag.to_ascii_uppercase());
        arg = if p.array { arg.action(ArgAction::Append) } else { arg.action(ArgAction::Set) };
        cmd = cmd.arg(arg);
    }
    cmd
}

/// The options of `run` that every model has.
pub fn run_common(cmd: Command) -> Command {
    cmd.disable_help_flag(true)
        .arg(Arg::new("input").long("input").value_name("FILE|-").help("The whole input as JSON (flags override it)"))
        .arg(
            Arg::new("file")
                .long("file")
                .value_name("PARAM=PATH")
                .action(ArgAction::Append)
                .help("Send a local file for a media parameter"),
        )
        .arg(Arg::new("no-wait").long("no-wait").action(ArgAction::SetTrue).help("Print the submitted job and return"))
        .arg(Arg::new("timeout").long("timeout").default_value("30m").help("Deadline for the job (e.g. 90s, 10m, 1h)"))
        .arg(poll_interval_arg())
        .arg(
            Arg::new("stream")
                .long("stream")
                .action(ArgAction::SetTrue)
                .help("Follow the platform's push channel where there is one"),
        )
        .arg(Arg::new("idempotency-key").long("idempotency-key").help("Idempotency key (MindVideo)"))
        .arg(
            Arg::new("cancel-on-timeout")
                .long("cancel-on-timeout")
                .action(ArgAction::SetTrue)
                .help("Cancel the job when --timeout passes, where the platform can (fal)"),
        )
        .arg(
            Arg::new("download")
                .long("download")
                .value_name("DIR")
                .help("Save the outputs in DIR (never replacing a file)"),
        )
        .arg(Arg::new("base-url").long("base-url").help(BASE_URL_HELP))
        .arg(Arg::new("json").long("json").action(ArgAction::SetTrue).help("Print one JSON object at the end"))
        .arg(verbose_arg())
        .arg(Arg::new("help").long("help").short('h').action(ArgAction::Help).help("Print the flags of this model"))
}

/// `mediagen [-v] run <model> [flags]`; `verbose`: the `-v`s before the model.
pub async fn run_model(info: &'static ModelInfo, rest: Vec<String>, verbose: u8) -> Result<(), Failure> {
    let params = params::params(&info.schema_json());
    let m = run_command(info, &params).try_get_matches_from(rest).map_err(clap_failure)?;
    init_tracing(verbose.saturating_add(m.get_count("verbose")));

    let mut input: Map<String, Value> = match m.get_one::<String>("input") {
        None => Map::new(),
        Some(src) => {
            let text = if src == "-" {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s).map_err(|e| Failure::usage(format!("reading stdin: {e}")))?;
                s
            } else {
                std::fs::read_to_string(src).map_err(|e| Failure::usage(format!("reading {src}: {e}")))?
            };
            match serde_json::from_str(&text) {
                Ok(Value::Object(o)) => o,
                Ok(_) => return Err(Failure::usage("--input must hold a JSON object")),
                Err(e) => return Err(Failure::usage(format!("--input is not JSON: {e}"))),
            }
        }
    };
    // JSON never names a local file (the SDK refuses file markers in it): each file (`--file`, or
    // a media flag given a path on disk) stands in the input as a placeholder URL, replaced by the
    // file once the input has been checked.
    let mut files: Vec<(String, Value)> = Vec::new();
    for p in &params {
        let Some(raw) = m.get_many::<String>(&format!("param:{}", p.name)) else { continue };
        let media = info.media.contains(&p.name.as_str());
        let mut values = Vec::new();
        for r in raw {
            let looks_like_url = r.contains("://") || r.starts_with("data:");
            if media && !looks_like_url && std::path::Path::new(r).is_file() {
                eprintln!("mediagen: --{} {r}: uploading the local file", p.flag);
                values.push(file_placeholder(&mut files, r)?);
            } else {
                values.push(p.value(r).map_err(Failure::usage)?);
            }
        }
        let value = if p.array { Value::Array(values) } else { values.into_iter().next().unwrap_or(Value::Null) };
        input.insert(p.name.clone(), value);
    }
    for spec in m.get_many::<String>("file").into_iter().flatten() {
        let (name, path) =
            spec.split_once('=').ok_or_else(|| Failure::usage(format!("--file {spec:?}: expected PARAM=PATH")))?;
        let p = params
            .iter()
            .find(|p| p.name == name || p.flag == name)
            .ok_or_else(|| Failure::usage(format!("--file: {} has no parameter {name:?}", info.id)))?;
        if !info.media.contains(&p.name.as_str()) {
            let media = if info.media.is_empty() { "none".to_string() } else { info.media.join(", ") };
            return Err(Failure::usage(format!(
                "--file {name}: {} takes no file (its media parameters: {media})",
                p.name
            )));
        }
        if !std::path::Path::new(path).is_file() {
            return Err(Failure::usage(format!("--file {name}={path}: no such file")));
        }
        let marker =
            serde_json::to_value(mediagen::MediaInput::path(path)).map_err(|e| Failure::usage(e.to_string()))?;
        let placeholder = format!("https://file.mediagen.invalid/{}", files.len());
        files.push((placeholder.clone(), marker));
        let file = Value::String(placeholder);
        if p.array {
            match input.entry(p.name.clone()).or_insert_with(|| Value::Array(vec![])) {
                Value::Array(items) => items.push(file),
                other => *other = Value::Array(vec![file]),
            }
        } else {
            input.insert(p.name.clone(), file);
        }
    }
    // The typed input checks every constraint before anything is sent.
    let mut body =
        (info.parse)(Value::Object(input)).map_err(|e| Failure::usage(format!("invalid input: {}", one_line(&e))))?;
    put_files(&mut body, &files);
    if m.get_flag("no-wait") && m.get_one::<String>("download").is_some() {
        return Err(Failure::usage(
            "--download needs the job to finish: drop --no-wait, or save later with `mediagen status <model> <id> --wait --download DIR`",
        ));
    }
    let opts = exec::Options {
        wait: !m.get_flag("no-wait"),
        timeout: parse_duration(m.get_one::<String>("timeout").expect("default"))?,
        stream: m.get_flag("stream"),
        idempotency_key: m.get_one::<String>("idempotency-key").cloned(),
        download: m.get_one::<String>("download").map(Into::into),
        base_url: m.get_one::<String>("base-url").cloned(),
        json: m.get_flag("json"),
        poll_interval: parse_duration(m.get_one::<String>("poll-interval").expect("default"))?,
        cancel_on_timeout: m.get_flag("cancel-on-timeout"),
        looked_up: false,
    };
    exec::run(info, body, &opts).await
}

/// A placeholder URL for a local file, remembered with the file it stands for.
fn file_placeholder(files: &mut Vec<(String, Value)>, path: &str) -> Result<Value, Failure> {
    let marker = serde_json::to_value(mediagen::MediaInput::path(path)).map_err(|e| Failure::usage(e.to_string()))?;
    let placeholder = format!("https://file.mediagen.invalid/{}", files.len());
    files.push((placeholder.clone(), marker));
    Ok(Value::String(placeholder))
}

/// Replace each file placeholder in the checked body by the file it stands for.
fn put_files(body: &mut Value, files: &[(String, Value)]) {
    match body {
        Value::String(s) => {
            if let Some((_, marker)) = files.iter().find(|(placeholder, _)| placeholder == s) {
                *body = marker.clone();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| put_files(v, files)),
        Value::Object(map) => map.values_mut().for_each(|v| put_files(v, files)),
        _ => {}
    }
}

/// `--poll-interval`, shared by `run` and `status`.
pub fn poll_interval_arg() -> Arg {
    Arg::new("poll-interval")
        .long("poll-interval")
        .default_value("2s")
        .help("First interval between polls (grows with backoff)")
}
