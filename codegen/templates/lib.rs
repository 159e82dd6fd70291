//! Typed SDK for hosted AI media-generation APIs: skills.video, MindVideo, new-api based
//! "v2 generations" relays and AI/ML API.
//!
//! Every platform has the same shape: build a model's typed input (every schema constraint is
//! checked before anything is sent), submit it, follow the job to the end, get typed results or
//! a typed [`Error`].
//!
//! ```no_run
//! use mediagen::skills_video::{google::veo_3_1, Client};
//!
//! # async fn run() -> mediagen::Result<()> {
//! let client = Client::from_env()?; // SKILLS_VIDEO_API_KEY, optional SKILLS_VIDEO_BASE_URL
//! let input = veo_3_1::Input::builder()
//!     .prompt("sunrise over mountains in watercolor style")
//!     .aspect_ratio(veo_3_1::AspectRatio::R9x16) // wire value "9:16"
//!     .build()?; // every schema constraint is checked here
//! let job = client.google_veo_3_1(input).submit().await?; // one POST
//! let done = job.wait().await?; // polls with backoff until a terminal status
//! for output in done.outputs() {
//!     job.download(&output, "out/").await?; // streamed, safe file name
//! }
//! # Ok(()) }
//! ```
//!
//! - [`skills_video`], skills.video: `POST /v1/generation/{provider}/{model}`, SSE, multipart uploads
//! - [`mindvideo`], MindVideo: `POST /api/v1/tasks`, idempotency keys, task events
//! - [`v2`], new-api based relays: `POST /v2/{scope}/generations`
//! - [`aimlapi`], AI/ML API: the POST path of each model's document
//!
//! Per-model types live under the platform module, named after the schema path:
//! `mediagen::skills_video::google::veo_3_1::Input`. [`registry`] lists every model at run time.
//! Each platform is a Cargo feature (`skills-video`, `mindvideo`, `v2`, `aimlapi`), all on by
//! default.
//!
//! # One lifecycle on every platform
//!
//! Every platform's client is a [`Client<P>`] (each platform module's `Client` adds one method
//! per model), every call implements [`Submit`] and every job is a [`Job<P>`], so one generic
//! function runs a model on any platform:
//!
//! ```no_run
//! use std::path::{Path, PathBuf};
//! use mediagen::{JobState as _, Submit, WaitOptions};
//!
//! async fn render<S: Submit>(call: S, dir: &Path) -> mediagen::Result<Vec<PathBuf>> {
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
//! # async fn demo() -> mediagen::Result<()> {
//! use mediagen::{mindvideo, skills_video, v2};
//! let dir = Path::new("out");
//! let sv = skills_video::Client::from_env()?;
//! render(sv.google_veo_3_1(skills_video::google::veo_3_1::Input::builder().prompt("a cat").build()?), dir).await?;
//! let mv = mindvideo::Client::from_env()?;
//! render(mv.skyreels_v4_fast(mindvideo::skyreels_v4_fast::Input::builder().prompt("a cat").build()?), dir).await?;
//! let relay = v2::Client::from_env()?;
//! render(relay.videos_veo3(v2::videos::veo3::Input::builder().prompt("a cat").build()?), dir).await?;
//! # Ok(()) }
//! ```
//!
//! A model is tied to its platform in the types: a MindVideo input given to a skills.video client
//! does not compile.
//!
//! ```compile_fail,E0271
//! # async fn demo() -> mediagen::Result<()> {
//! use mediagen::{mindvideo::skyreels_v4_fast, skills_video::Client};
//! let client = Client::from_env()?;
//! let input = skyreels_v4_fast::Input::builder().prompt("a cat").build()?;
//! client.call(input).submit().await?; // error: expected `SkillsVideo`, found `MindVideo`
//! # Ok(()) }
//! ```
//!
//! The same call on its own platform's client compiles:
//!
//! ```no_run
//! # async fn demo() -> mediagen::Result<()> {
//! use mediagen::mindvideo::{skyreels_v4_fast, Client};
//! let client = Client::from_env()?;
//! let input = skyreels_v4_fast::Input::builder().prompt("a cat").build()?;
//! client.call(input).submit().await?;
//! # Ok(()) }
//! ```
#![allow(clippy::result_large_err)]

pub use ::mediagen_runtime::{
    Call, CallInput, Client, ClientBuilder, Cost, CostUnit, Error, ErrorKind, Family, Job, JobHandle, JobKey, JobRef,
    JobState, JobStatus, Kind, MediaInput, Model, ModelInfo, Output, Platform, Protocol, RawInput, Result, RetryPolicy,
    Submit, Updates, WaitOptions,
};

/// What only generated code calls. Not part of the public API.
#[doc(hidden)]
pub use ::mediagen_runtime::__private;

#[rustfmt::skip]
pub mod registry;
