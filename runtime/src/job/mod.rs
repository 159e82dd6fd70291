//! One job lifecycle for every platform: submit, follow, wait, resume, download.
//!
//! Each platform's job answer implements [`JobState`] (`skills_video::Generation`,
//! `mindvideo::Task`, `v2::Task`, `aimlapi::Generation`). [`Job`] follows a submitted job
//! on any of them: [`Job::wait`] with a deadline and backoff, preferring the platform's push
//! channel (MindVideo's task events) and polling where there is none or it breaks;
//! [`Job::updates`] as a stream; [`Job::handle`] to store it as JSON and [`Job::resume`] it in
//! another process. Every platform's `Call` implements [`Submit`], so one generic function runs
//! a model on any of them (the generated `mediagen` crate shows it with real models):
//!
//! ```no_run
//! use std::path::{Path, PathBuf};
//! use mediagen_runtime::{JobState as _, Submit, WaitOptions};
//!
//! async fn render<S: Submit>(call: S, dir: &Path) -> mediagen_runtime::Result<Vec<PathBuf>> {
//!     let job = call.submit().await?;
//!     let done = job
//!         .wait_reporting(WaitOptions::default(), |state| {
//!             eprintln!("{} {} {:?}", state.job_id(), state.raw_status(), state.progress());
//!         })
//!         .await?;
//!     let mut files = Vec::new();
//!     for output in done.outputs() {
//!         files.push(job.download(&output, dir).await?);
//!     }
//!     Ok(files)
//! }
//!
//! ```

mod follow;
mod handle;
mod schedule;
mod state;
mod wait;

pub use follow::Updates;
pub(crate) use follow::{follow, Start};
pub use handle::{Job, JobHandle};
pub use state::{Cost, CostUnit, JobState, JobStatus};
pub use wait::WaitOptions;
