//! `cargo xtask ci`: every check CI runs, and the drop-in check among them.

use std::ffi::OsStr;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::codegen::codegen;
use crate::corpus::{corpus, report_corpus};
use crate::fs::{copy_dir, files_under};
use crate::fuzz::{fuzz, FuzzOptions};

/// Everything CI checks, in one command: formatting, freshness, lints, each platform feature
/// alone, the drop-in build, the corpora, a fuzz batch, every test, a smoke run of the benchmarks.
pub fn ci(root: &Path) -> Result<()> {
    // The whole workspace: `generated/` is formatted by prettyplease, and its modules carry
    // `#[rustfmt::skip]` so rustfmt leaves them as they are.
    run(root, "cargo", &["fmt", "--all", "--check"], &[])?;
    println!("{}", codegen(root, true)?);
    run(root, "cargo", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"], &[])?;
    // Docs build without a broken link or a missing doc anywhere.
    run(root, "cargo", &["doc", "--workspace", "--no-deps", "-q"], &[("RUSTDOCFLAGS", OsStr::new("-D warnings"))])?;
    // Per-platform features are additive: each one alone compiles.
    for feature in ["skills-video", "mindvideo", "v2", "aimlapi", "fal"] {
        run(root, "cargo", &["check", "-q", "-p", "mediagen", "--no-default-features", "--features", feature], &[])?;
    }
    // The README's install command, as written (into a scratch root, reusing the build).
    let target = root.join("target");
    let install_root = target.join("install-check");
    run(
        root,
        "cargo",
        &[
            "install",
            "-q",
            "--locked",
            "--path",
            "cli",
            "--debug",
            "--force",
            "--root",
            &install_root.to_string_lossy(),
        ],
        &[("CARGO_TARGET_DIR", target.as_os_str())],
    )?;
    drop_in_check(root)?;
    // The small schemas of tests/fixtures/cases (one real-world construct each), compiled together.
    println!("{}", report_corpus(&corpus(root, &root.join("tests/fixtures/cases"), "mindvideo")?)?);
    // The real-world corpus, where the shared folder is checked out beside the workspace.
    let shared = root.join("../shared/corpus");
    if shared.is_dir() {
        // Each platform's published documents as that platform's models.
        for platform in ["aimlapi", "fal"] {
            println!("{}", report_corpus(&corpus(root, &shared.join(platform), platform)?)?);
        }
    } else {
        println!("corpus check skipped: {} is not there", shared.display());
    }
    // The promise "a schema codegen accepts compiles", on a small fixed batch of random schemas.
    let out = root.join("target/fuzz-failures");
    println!("{}", fuzz(root, &FuzzOptions { count: 200, seed: 1, out })?);
    run(root, "cargo", &["test", "--workspace"], &[])?;
    // `cargo xtask bench` still measures every figure (small sizes, unoptimized).
    println!("{}", crate::bench::bench(root, true)?);
    Ok(())
}

/// The promise "a new model is a schema drop-in followed by a regen", checked for real: copy the
/// workspace, drop in the schemas of `xtask/drop-in/` (one per platform, both file forms, an AI/ML
/// API speech document as published) at the same paths under `schemas/`, regenerate, and compile
/// the generated crate.
pub fn drop_in_check(root: &Path) -> Result<()> {
    let drop_ins = files_under(&root.join("xtask/drop-in"), Some("json"))?;
    let scratch = std::env::temp_dir().join(format!("mediagen-drop-in-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    for dir in ["codegen", "runtime", "generated", "examples", "schemas", "xtask", "tests", "cli", ".cargo"] {
        copy_dir(&root.join(dir), &scratch.join(dir))?;
    }
    for file in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(root.join(file), scratch.join(file))?;
    }
    for (rel, path) in &drop_ins {
        let target = scratch.join("schemas").join(rel);
        std::fs::create_dir_all(target.parent().unwrap_or(&scratch))?;
        std::fs::copy(path, &target).with_context(|| format!("copying {}", path.display()))?;
    }
    let summary = codegen(&scratch, false)?;
    println!("drop-in: {summary}");
    let expected = format!("{} new model modules", drop_ins.len());
    if !summary.contains(&expected) {
        bail!("drop-in: expected {expected}, got: {summary}");
    }
    let target = root.join("target");
    run(
        &scratch,
        "cargo",
        &["clippy", "-q", "-p", "mediagen", "--", "-D", "warnings"],
        &[("CARGO_TARGET_DIR", target.as_os_str())],
    )?;
    std::fs::remove_dir_all(&scratch)?;
    println!(
        "drop-in check: {} new schemas (xtask/drop-in/: one per platform, both forms, an AI/ML API speech document) regenerated and the crate builds under clippy -D warnings",
        drop_ins.len()
    );
    Ok(())
}

/// Run a command in `dir`, failing with its name when it fails.
fn run(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &OsStr)]) -> Result<()> {
    println!("$ {program} {}", args.join(" "));
    let mut cmd = std::process::Command::new(program);
    cmd.args(args).current_dir(dir);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let status = cmd.status().with_context(|| format!("starting {program}"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}
