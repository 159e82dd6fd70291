//! Runs Veo 3.1 end to end against the configured skills.video API: submit, follow the job,
//! download the outputs.
//!
//! ```text
//! SKILLS_VIDEO_API_KEY=sk-... cargo run -p mediagen-examples --example veo -- "a cat in neon rain" out/
//! SKILLS_VIDEO_BASE_URL=http://127.0.0.1:8080/api ...   # any server that speaks the protocol
//! ... --example veo -- --poll "..."                     # submit + poll instead of SSE
//! ```

use std::process::ExitCode;

use futures_util::StreamExt as _;
use mediagen::skills_video::{google::veo_3_1, Client, Generation};
use mediagen::{Error, ErrorKind, Family};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            // Typed errors let a program say what to do next.
            match err {
                Error::Api { kind: ErrorKind::InsufficientCredits, .. } => eprintln!("hint: top up your credits"),
                Error::Api { kind: ErrorKind::Unauthorized, .. } => eprintln!("hint: check SKILLS_VIDEO_API_KEY"),
                Error::JobFailed { kind: ErrorKind::ContentRejected, .. } => eprintln!("hint: rewrite the prompt"),
                Error::Deadline { id, .. } => eprintln!("hint: the job {id} may still finish; look it up later"),
                e if e.is_retryable() => eprintln!("hint: this may work if you try again later"),
                _ => {}
            }
            ExitCode::FAILURE
        }
    }
}

async fn run() -> mediagen::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let poll = args.first().is_some_and(|a| a == "--poll");
    if poll {
        args.remove(0);
    }
    let prompt = args.first().cloned().unwrap_or_else(|| "sunrise over mountains in watercolor style".into());
    let out_dir = args.get(1).cloned().unwrap_or_else(|| "out".into());

    let client = Client::from_env()?;
    let input = veo_3_1::Input::builder()
        .prompt(prompt)
        .aspect_ratio(veo_3_1::AspectRatio::R16x9)
        .resolution(veo_3_1::Resolution::P720)
        .duration(8)
        .build()?; // schema constraints are checked here, before anything is sent
    println!("veo-3.1 at {}", client.base_url());

    let done = if poll {
        let job = client.call(input).submit().await?;
        println!("{}  {}", job.id(), job.submitted().status);
        job.wait().await?
    } else {
        follow(client.call(input).stream().await?).await?
    };

    if let Some(usage) = done.usage {
        println!("credits: {} ({} subscription, {} permanent)", usage.total, usage.subscription, usage.permanent);
    }
    let outputs = done.outputs();
    if outputs.is_empty() {
        println!("completed without output files; data: {}", done.data.unwrap_or_default());
    }
    for output in outputs {
        let path = client.download(&output, &out_dir).await?;
        println!("saved {}", path.display());
    }
    Ok(())
}

/// Print each status change of the stream; the terminal generation, or its error.
async fn follow(mut events: mediagen::skills_video::GenerationStream) -> mediagen::Result<Generation> {
    let started = std::time::Instant::now();
    while let Some(event) = events.next().await {
        let generation = event?;
        let secs = started.elapsed().as_secs();
        println!("{}  {:<12} {:02}:{:02}", generation.id, generation.status, secs / 60, secs % 60);
        if generation.is_terminal() {
            return match generation.error(Some(Family::Video)) {
                Some(err) => Err(err),
                None => Ok(generation),
            };
        }
    }
    Err(Error::Stream { message: "the stream ended without a terminal status".into() })
}
