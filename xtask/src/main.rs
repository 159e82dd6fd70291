//! `cargo xtask codegen [--check]` regenerates the models; `diff` and `sync` follow schema changes;
//! `cargo xtask ci` runs every check CI runs.

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask codegen [--check] | cargo xtask diff [OLD] [NEW] [--json] [--fail-on ERR|WARN] | cargo xtask sync [PLATFORM] [--only ID...] [--new] [--fal-site URL] [--fal-api URL] | cargo xtask corpus <DIR> [--platform P] | cargo xtask corpus-crate <OUT> | cargo xtask fuzz [--count N] [--seed S] [--out DIR] | cargo xtask bench [--smoke] | cargo xtask ci";

fn main() -> ExitCode {
    // typify panics on a few constructs; codegen turns those into located errors, so the
    // default hook's message would only be noise.
    std::panic::set_hook(Box::new(|_| {}));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root =
        match std::env::current_dir().map_err(anyhow::Error::from).and_then(|dir| xtask::find_workspace_root(&dir)) {
            Ok(root) => root,
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::FAILURE;
            }
        };
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["codegen"] => xtask::codegen(&root, false),
        ["codegen", "--check"] => xtask::codegen(&root, true),
        ["corpus", dir] => {
            xtask::corpus(&root, std::path::Path::new(dir), "aimlapi").and_then(|rows| xtask::report_corpus(&rows))
        }
        ["corpus", dir, "--platform", p] => {
            xtask::corpus(&root, std::path::Path::new(dir), p).and_then(|rows| xtask::report_corpus(&rows))
        }
        ["corpus-crate", out] => xtask::corpus_crate(&root, std::path::Path::new(out))
            .map(|n| format!("wrote a workspace with {n} corpus models to {out}")),
        ["diff", rest @ ..] => xtask::diff::DiffOptions::parse(rest)
            .and_then(|o| xtask::diff::diff(&root, &o))
            .and_then(|(text, failed)| {
                print!("{text}");
                match failed {
                    Some(why) => Err(anyhow::anyhow!(why)),
                    None => Ok(String::new()),
                }
            }),
        ["sync", rest @ ..] => xtask::SyncOptions::parse(rest).and_then(|o| xtask::sync(&root, &o)),
        ["fuzz", rest @ ..] => fuzz_options(&root, rest).and_then(|o| xtask::fuzz(&root, &o)),
        ["bench"] => xtask::bench(&root, false),
        ["bench", "--smoke"] => xtask::bench(&root, true),
        ["ci"] => xtask::ci(&root).map(|()| "all checks passed".to_string()),
        _ => Err(anyhow::anyhow!("{USAGE}")),
    };
    match result {
        Ok(summary) => {
            if !summary.is_empty() {
                println!("{summary}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `--count N --seed S --out DIR`, each optional.
fn fuzz_options(root: &std::path::Path, args: &[&str]) -> anyhow::Result<xtask::FuzzOptions> {
    let mut options = xtask::FuzzOptions { count: 1000, seed: 1, out: root.join("target/fuzz-failures") };
    for pair in args.chunks(2) {
        match pair {
            ["--count", n] => options.count = n.parse()?,
            ["--seed", s] => options.seed = s.parse()?,
            ["--out", d] => options.out = d.into(),
            _ => anyhow::bail!("{USAGE}"),
        }
    }
    Ok(options)
}
