//! The mediagen integration tests, one binary: each module was a test binary of its own, each
//! linking the whole SDK. Shared servers, answers and test models live in the `mediagen-tests`
//! library (`tests/src/`), which the CLI's tests use too.
//!
//! The `*_config` modules change process environment variables; each touches only its own
//! platform's variables, which no other test reads.

mod aimlapi_jobs;
mod cases;
mod codegen;
mod downloads;
mod fal_jobs;
mod fal_webhooks;
mod lifecycle_jobs;
mod mindvideo_config;
mod mindvideo_tasks;
mod models;
mod never_panics;
mod polling;
mod schema_diff;
mod schema_sync;
mod skills_video_config;
mod skills_video_errors;
mod skills_video_jobs;
mod skills_video_multipart;
mod skills_video_retry;
mod skills_video_sse;
mod tracing_secrets;
mod v2_config;
mod v2_relay;
