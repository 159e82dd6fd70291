//! The built `mediagen` binary against local servers on 127.0.0.1 that speak each platform's
//! protocol: exit statuses, the `--json` object field by field, downloads, and no request at all
//! when the input is invalid. One test binary; each module a topic.

mod fal;
mod input;
mod manners;
mod orphans;
mod readme;
mod runs;
mod verbose;

use std::process::Output;

use mediagen_tests::KEY;
use serde_json::Value;

/// The binary with the platform keys set and no base URLs from the environment.
pub fn command(args: &[&str]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_mediagen"));
    cmd.args(args)
        .env("SKILLS_VIDEO_API_KEY", KEY)
        .env("MINDVIDEO_API_KEY", KEY)
        .env("V2_API_KEY", KEY)
        .env("AIMLAPI_API_KEY", KEY)
        .env("FAL_KEY", KEY)
        .env_remove("FAL_QUEUE_URL")
        .env_remove("FAL_REST_URL")
        .env_remove("SKILLS_VIDEO_BASE_URL")
        .env_remove("MINDVIDEO_BASE_URL")
        .env_remove("V2_BASE_URL")
        .env_remove("AIMLAPI_BASE_URL");
    cmd
}

/// Run the binary to the end (see [`command`]).
pub async fn mediagen(args: &[&str]) -> Output {
    command(args).output().await.expect("the mediagen binary runs")
}

pub fn stdout_json(out: &Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.trim().lines().count(), 1, "exactly one JSON line on stdout: {text:?}");
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {text}"))
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub const FAST: &[&str] = &["--poll-interval", "20ms", "--json"];
