//! `cargo xtask bench [--smoke]`: every speed and size figure beside its baseline, measured in the
//! same run, as one table.
//!
//! The runtime figures (regeneration, loopback throughput, live heap, uploads, waiting) come from
//! the `figures` bench of `mediagen-tests` (release; `--smoke` runs it unoptimized at small sizes,
//! only to show it still works). Compile times are measured here, in scratch workspaces under
//! `target/bench/` with their own target folders, so the workspace's files and build are never
//! touched: crate-only rebuilds (the generated crate's `lib.rs` touched) and cold builds.

use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::corpus::{corpus_crate, scratch_base};
use crate::fs::copy_dir;

/// One line of the table.
struct Row {
    figure: String,
    mediagen: String,
    baseline: String,
    ratio: Option<f64>,
    goal: String,
    pass: bool,
}

/// Run every figure; the table, and an error when a figure could not be measured. Goals that
/// are missed are marked in the table, not errors: a benchmark reports, CI's smoke run only shows
/// that it still works.
pub fn bench(root: &Path, smoke: bool) -> Result<String> {
    let mut rows = Vec::new();
    let shipped_secs = runtime_figures(root, smoke, &mut rows)?;
    codegen_wall(root, shipped_secs, &mut rows)?;
    compile_figures(root, smoke, &mut rows)?;
    Ok(table(&rows, smoke))
}

/// The `figures` bench's rows; the in-process generation time of the shipped schemas.
fn runtime_figures(root: &Path, smoke: bool, rows: &mut Vec<Row>) -> Result<f64> {
    let mut args = vec!["bench", "-q", "-p", "mediagen-tests", "--bench", "figures"];
    if smoke {
        // The test suite's build, not a release one.
        args.extend(["--profile", "dev"]);
    }
    args.push("--");
    if smoke {
        args.push("--smoke");
    }
    println!("$ cargo {}", args.join(" "));
    let out = std::process::Command::new("cargo")
        .args(&args)
        .current_dir(root)
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("starting cargo bench")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("the figures bench failed ({}):\n{stdout}", out.status);
    }
    let mut shipped = None;
    for line in stdout.lines() {
        if let Some(json) = line.strip_prefix("ROW ") {
            let v: Value = serde_json::from_str(json).with_context(|| format!("a row of the figures bench: {json}"))?;
            let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            rows.push(Row {
                figure: text("figure"),
                mediagen: text("mediagen"),
                baseline: text("baseline"),
                ratio: v["ratio"].as_f64(),
                goal: text("goal"),
                pass: v["pass"].as_bool().unwrap_or(false),
            });
        } else if let Some(secs) = line.strip_prefix("SHIPPED_GENERATE_SECS ") {
            shipped = secs.trim().parse().ok();
        }
    }
    shipped.context("the figures bench did not time the shipped schemas")
}

/// `cargo xtask codegen --check` as a maintainer runs it (warm), against the same generation
/// in-process.
fn codegen_wall(root: &Path, in_process: f64, rows: &mut Vec<Row>) -> Result<()> {
    let args = ["xtask", "codegen", "--check"];
    timed(root, "cargo", &args, &[])?;
    let wall = timed(root, "cargo", &args, &[])?;
    let ratio = wall.as_secs_f64() / in_process;
    rows.push(Row {
        figure: "`cargo xtask codegen --check` (shipped schemas, wall time, warm)".into(),
        mediagen: secs(wall),
        baseline: format!("the same generation in-process {:.2} s", in_process),
        ratio: Some(ratio),
        goal: String::new(),
        pass: true,
    });
    Ok(())
}

/// Crate-only and cold compile times of the shipped crate and the corpus crate, against the
/// runtime alone.
fn compile_figures(root: &Path, smoke: bool, rows: &mut Vec<Row>) -> Result<()> {
    let dir = root.join("target/bench");
    let shipped = dir.join("shipped");
    scratch_base(root, &shipped)?;
    copy_dir(&root.join("generated"), &shipped.join("generated"))?;
    let target = dir.join("shipped-target");
    let env = [("CARGO_TARGET_DIR", target.as_os_str())];

    // Cold: the runtime and its dependencies, then the shipped crate with its largest platform.
    if !smoke {
        let _ = std::fs::remove_dir_all(&target);
        let runtime_cold = timed(&shipped, "cargo", &["build", "-q", "-p", "mediagen-runtime"], &env)?;
        let _ = std::fs::remove_dir_all(&target);
        let one = ["build", "-q", "-p", "mediagen", "--no-default-features", "--features", "aimlapi"];
        let crate_cold = timed(&shipped, "cargo", &one, &env)?;
        let ratio = crate_cold.as_secs_f64() / runtime_cold.as_secs_f64();
        rows.push(Row {
            figure: "cold build, shipped crate with one platform (aimlapi, the largest)".into(),
            mediagen: secs(crate_cold),
            baseline: format!("the runtime and its dependencies {}", secs(runtime_cold)),
            ratio: Some(ratio),
            goal: "≤ 1.3×".into(),
            pass: ratio <= 1.3,
        });
    }

    // Crate-only: everything built once, then only the crate under test rebuilt.
    let runtime_only = crate_only(&shipped, "runtime", &["-p", "mediagen-runtime"], &env)?;
    let configs: &[(&str, &[&str])] = if smoke {
        &[("one platform (v2)", &["--no-default-features", "--features", "v2"])]
    } else {
        &[
            ("all platforms", &["--all-features"]),
            ("skills-video", &["--no-default-features", "--features", "skills-video"]),
            ("mindvideo", &["--no-default-features", "--features", "mindvideo"]),
            ("v2", &["--no-default-features", "--features", "v2"]),
            ("aimlapi", &["--no-default-features", "--features", "aimlapi"]),
            ("fal", &["--no-default-features", "--features", "fal"]),
        ]
    };
    for (name, features) in configs {
        let mut args = vec!["-p", "mediagen"];
        args.extend(*features);
        let t = crate_only(&shipped, "generated", &args, &env)?;
        rows.push(Row {
            figure: format!("crate-only build, shipped crate, {name}"),
            mediagen: secs(t),
            baseline: format!("the runtime alone {}", secs(runtime_only)),
            ratio: Some(t.as_secs_f64() / runtime_only.as_secs_f64()),
            goal: String::new(),
            pass: true,
        });
    }
    if smoke {
        return Ok(());
    }
    let corpus = dir.join("corpus");
    let models = corpus_crate(root, &corpus)?;
    let target = dir.join("corpus-target");
    let env = [("CARGO_TARGET_DIR", target.as_os_str())];
    let runtime_only = crate_only(&corpus, "runtime", &["-p", "mediagen-runtime"], &env)?;
    let t = crate_only(&corpus, "generated", &["-p", "mediagen", "--all-features"], &env)?;
    rows.push(Row {
        figure: format!("crate-only build, corpus crate ({models} models)"),
        mediagen: secs(t),
        baseline: format!("the runtime alone {}", secs(runtime_only)),
        ratio: Some(t.as_secs_f64() / runtime_only.as_secs_f64()),
        goal: "≤ 30 s".into(),
        pass: t <= Duration::from_secs(30),
    });
    Ok(())
}

/// Build `args` once, then touch `crate_dir/src/lib.rs` and time the rebuild of that crate alone.
fn crate_only(ws: &Path, crate_dir: &str, args: &[&str], env: &[(&str, &OsStr)]) -> Result<Duration> {
    let mut build = vec!["build", "-q"];
    build.extend(args);
    timed(ws, "cargo", &build, env)?;
    let lib = ws.join(crate_dir).join("src/lib.rs");
    std::fs::File::options()
        .append(true)
        .open(&lib)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .with_context(|| format!("touching {}", lib.display()))?;
    timed(ws, "cargo", &build, env)
}

/// Run a command in `dir`; its wall time, or an error naming it when it fails.
fn timed(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &OsStr)]) -> Result<Duration> {
    println!("$ {program} {}", args.join(" "));
    let mut cmd = std::process::Command::new(program);
    cmd.args(args).current_dir(dir);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let status = cmd.status().with_context(|| format!("starting {program}"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(started.elapsed())
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// The rows as a Markdown table.
fn table(rows: &[Row], smoke: bool) -> String {
    let mut out = String::from("| figure | mediagen | baseline (same run) | ratio | goal |\n|---|---|---|---|---|\n");
    for r in rows {
        let ratio = r.ratio.map_or("–".to_string(), |x| format!("{x:.2}×"));
        let goal = match (r.goal.is_empty(), r.pass) {
            (true, _) => String::new(),
            (false, true) => format!("{} met", r.goal),
            (false, false) => format!("{} MISSED", r.goal),
        };
        out.push_str(&format!("| {} | {} | {} | {ratio} | {goal} |\n", r.figure, r.mediagen, r.baseline));
    }
    let goals: Vec<&Row> = rows.iter().filter(|r| !r.goal.is_empty()).collect();
    let met = goals.iter().filter(|r| r.pass).count();
    if smoke {
        out.push_str("smoke run: small sizes, unoptimized; the figures only show that every measurement works");
    } else {
        out.push_str(&format!("{met} of {} goals met", goals.len()));
    }
    out
}
