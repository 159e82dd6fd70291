//! File-system helpers shared by the commands.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// The workspace `cargo xtask` runs in: see [`find_workspace_root`], from the current directory.
///
/// # Panics
/// When the current directory is not inside a cargo workspace.
pub fn workspace_root() -> PathBuf {
    std::env::current_dir()
        .context("reading the current directory")
        .and_then(|dir| find_workspace_root(&dir))
        .unwrap_or_else(|e| panic!("{e:#}"))
}

/// The nearest directory at or above `start` whose `Cargo.toml` has a `[workspace]` table.
///
/// Found at run time rather than from `CARGO_MANIFEST_DIR`: with a shared `CARGO_TARGET_DIR`, one
/// xtask binary serves every clone, and it must act on the clone it is run in. `cargo xtask` runs
/// from wherever the user is, so the walk starts at the current directory.
pub fn find_workspace_root(start: &Path) -> Result<PathBuf> {
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        if text.lines().any(|l| l.trim() == "[workspace]") {
            return Ok(dir.to_path_buf());
        }
    }
    bail!("no Cargo.toml with [workspace] at or above {}: run cargo xtask inside the workspace", start.display())
}

/// Every file under `dir` whose name ends in `.{ext}` (every file when `ext` is `None`): its path
/// relative to `dir` with `/` separators, and its full path; sorted by the relative path.
pub fn files_under(dir: &Path, ext: Option<&str>) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if ext.is_none_or(|ext| path.extension().is_some_and(|e| e == ext)) {
                let rel = path
                    .strip_prefix(dir)?
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, path));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Copy the directory `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_root_is_the_nearest_manifest_with_a_workspace_table() {
        let scratch = std::env::temp_dir().join(format!("xtask-walk-up-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        let outer = scratch.join("outer");
        let root = outer.join("clone");
        let member = root.join("tests");
        let deep = member.join("src/nested");
        std::fs::create_dir_all(&deep).unwrap();
        // An enclosing workspace farther up must not win over the nearer one.
        std::fs::write(outer.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
        // `[workspace.package]` alone does not make a workspace root; a member manifest is skipped.
        std::fs::write(
            root.join("Cargo.toml"),
            "[workspace.package]\nedition = \"2021\"\n\n[workspace]\nmembers = [\"tests\"]\n",
        )
        .unwrap();
        std::fs::write(member.join("Cargo.toml"), "[package]\nname = \"t\"\n\n[workspace.package]\n").unwrap();

        assert_eq!(find_workspace_root(&deep).unwrap(), root);
        assert_eq!(find_workspace_root(&member).unwrap(), root);
        assert_eq!(find_workspace_root(&root).unwrap(), root);
        assert_eq!(find_workspace_root(&outer).unwrap(), outer);
        std::fs::remove_dir_all(&scratch).unwrap();
    }

    #[test]
    fn no_workspace_above_is_an_error() {
        let err = find_workspace_root(Path::new("/")).unwrap_err();
        assert!(err.to_string().contains("no Cargo.toml with [workspace]"), "{err}");
    }
}
