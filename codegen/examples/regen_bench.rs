//! Regeneration speed against the parse floor (issue 15): every document of the shared corpus
//! (`../shared/corpus/{aimlapi,fal}`, or the folder given as the first argument) parsed with
//! `serde_json::from_str::<Value>`, then generated as `cargo xtask corpus-crate` does (one
//! `generate_model` per file, then `module_tree`). Best of 5 of each.
//!
//! `cargo run --release -p mediagen-codegen --example regen_bench [CORPUS_DIR] [--runs N]
//! [--only seq|par] [--dump DIR]` (`--dump` writes what generation gives, to diff two builds).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mediagen_codegen::{SchemaFile, Settings};

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("reading the corpus").flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// The schema paths `xtask`'s `corpus_models` gives: lower-cased, `corpus/` for a bare fal
/// endpoint, numbered when two land on one module.
fn corpus_schemas(root: &Path, platform: &str) -> Vec<SchemaFile> {
    let dir = root.join(platform);
    let mut paths = Vec::new();
    json_files(&dir, &mut paths);
    let mut used = std::collections::BTreeSet::new();
    let mut files: Vec<(String, PathBuf)> =
        paths.into_iter().map(|p| (p.strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/"), p)).collect();
    files.sort();
    files
        .into_iter()
        .map(|(rel, path)| {
            let mut mapped: String = rel
                .to_ascii_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/') { c } else { '-' })
                .collect();
            if platform == "fal" && !mapped.contains('/') {
                mapped = format!("corpus/{mapped}");
            }
            let stem = mapped.trim_end_matches(".json").to_string();
            let key = |s: &str| s.split('/').map(mediagen_codegen::snake).collect::<Vec<_>>().join("::");
            let mut n = 1;
            while !used.insert(key(&if n == 1 { stem.clone() } else { format!("{stem}-{n}") })) {
                n += 1;
            }
            if n > 1 {
                mapped = format!("{stem}-{n}.json");
            }
            SchemaFile { path: format!("{platform}/{mapped}"), text: std::fs::read_to_string(&path).unwrap() }
        })
        .collect()
}

fn best_of<T: Default>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        best = best.min(start.elapsed());
        last = Some(out);
    }
    (best, last.unwrap_or_default())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dump = args.iter().position(|a| a == "--dump").map(|i| PathBuf::from(&args[i + 1]));
    let root = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    let settings = Settings::default().with_schemas_dir(root.display().to_string());
    let files: Vec<SchemaFile> = ["aimlapi", "fal"].iter().flat_map(|p| corpus_schemas(&root, p)).collect();
    if let Some(out) = dump {
        // Everything generation gives, to compare two builds byte for byte.
        let mut models = Vec::new();
        let mut log = String::new();
        for (f, result) in files.iter().zip(mediagen_codegen::generate_models(&files, &settings)) {
            match result {
                Ok(m) => {
                    log +=
                        &format!("{}: ok {:?} {} {:?}\n", f.path, m.loose_fields, m.has_output, m.loose_output_fields);
                    models.push(m);
                }
                Err(e) => log += &format!("{}: {e}\n", f.path),
            }
        }
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("log.txt"), log).unwrap();
        for g in mediagen_codegen::module_tree(&models, &settings).unwrap() {
            let path = out.join(&g.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, g.text).unwrap();
        }
        return;
    }
    let bytes: usize = files.iter().map(|f| f.text.len()).sum();

    let runs_parse = args.iter().position(|a| a == "--runs").map_or(5, |i| args[i + 1].parse().expect("--runs N"));
    let (parse, parsed) = best_of(runs_parse, || {
        files.iter().filter(|f| serde_json::from_str::<serde_json::Value>(&f.text).is_ok()).count()
    });
    let sequential = |files: &[SchemaFile]| {
        let models: Vec<_> = files.iter().filter_map(|f| mediagen_codegen::generate_model(f, &settings).ok()).collect();
        mediagen_codegen::module_tree(&models, &settings).unwrap().len()
    };
    let parallel = |files: &[SchemaFile]| {
        let models: Vec<_> =
            mediagen_codegen::generate_models(files, &settings).into_iter().filter_map(Result::ok).collect();
        mediagen_codegen::module_tree(&models, &settings).unwrap().len()
    };
    let only = args.iter().position(|a| a == "--only").map(|i| args[i + 1].clone()).unwrap_or_default();
    let n: usize = args.iter().position(|a| a == "--runs").map_or(5, |i| args[i + 1].parse().expect("--runs N"));
    let runs = |phase: &str| if only.is_empty() || only == phase { n } else { 0 };
    let (seq, out) = best_of(runs("seq"), || sequential(&files));
    let (par, _) = best_of(runs("par"), || parallel(&files));
    println!("{} files, {} bytes, {parsed} parse, {out} files out", files.len(), bytes);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("parse floor       {:>8.1} ms", ms(parse));
    println!("generate (seq)    {:>8.1} ms  {:.2}x", ms(seq), seq.as_secs_f64() / parse.as_secs_f64());
    println!("generate (par)    {:>8.1} ms  {:.2}x", ms(par), par.as_secs_f64() / parse.as_secs_f64());
}
