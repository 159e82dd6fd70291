//! A Unix tool's manners: a closed pipe ends the program quietly, `--version` and `run --help`
//! work, wrong values list the right ones, unknown models suggest the nearest, and messages name
//! the flag or variable to set.

use std::process::Stdio;

use crate::{command, mediagen, stderr};

#[tokio::test]
async fn a_closed_pipe_ends_the_program_quietly() {
    // A pipe whose reading end is already closed: the first write fails with EPIPE.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = command(&["models"]).stdout(Stdio::from(writer)).stderr(Stdio::piped()).output().await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "quietly: {}", stderr(&out));
}

#[tokio::test]
async fn version_and_run_help_work() {
    let out = mediagen(&["--version"]).await;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("mediagen {}", env!("CARGO_PKG_VERSION")));
    for help in ["--help", "-h"] {
        let out = mediagen(&["run", help]).await;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("mediagen run <model> --help") && text.contains("--input"), "{text}");
    }
    let out = mediagen(&["run"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("which model? `mediagen models` lists them"), "{}", stderr(&out));
}

#[tokio::test]
async fn wrong_values_and_unknown_models_say_what_would_be_right() {
    let out = mediagen(&["models", "--platform", "skillsvideo"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[possible values: skills-video, mindvideo, v2, aimlapi, fal]"), "{}", stderr(&out));

    let out = mediagen(&["describe", "veo-3.1"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean skills-video/google/veo-3.1?"), "{}", stderr(&out));
    let out = mediagen(&["run", "skills-video/google/veo-3.2", "--prompt", "x"]).await;
    assert!(stderr(&out).contains("did you mean one of skills-video/google/veo-3.1"), "{}", stderr(&out));
}

#[tokio::test]
async fn messages_name_the_variable_or_flag_to_set() {
    let out = command(&["run", "v2/videos/veo3", "--prompt", "x"]).output().await.unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no base URL: pass --base-url or set V2_BASE_URL"), "{}", stderr(&out));
    let out = command(&["run", "v2/videos/veo3", "--prompt", "x", "--base-url", "http://127.0.0.1:9"])
        .env_remove("V2_API_KEY")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("no API key: set V2_API_KEY") && !err.contains("builder"), "{err}");
}
