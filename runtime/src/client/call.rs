//! One model invocation on one platform, and [`Submit`], which every call implements.

use std::future::Future;

use serde_json::Value;
use tracing::Instrument as _;

use super::Client;
use crate::input::CallInput;
use crate::protocol::Submission;
use crate::{Job, JobState as _, Protocol, Result, WaitOptions};

/// One model invocation on platform `P`, not yet sent. The input is checked against the schema
/// when it is sent; nothing reaches the network when a check fails.
///
/// - [`submit`](Self::submit): one `POST`; returns a [`Job`] to wait on.
/// - [`run`](Self::run): submit and wait.
/// - [`body`](Self::body): what would be sent.
///
/// A platform's extras are methods for that platform alone: `Call<'_, SkillsVideo, _>::stream`
/// (submit over SSE), `Call<'_, MindVideo, _>::idempotency_key`.
#[must_use = "a Call does nothing until it is submitted"]
pub struct Call<'a, P: Protocol, M> {
    pub(crate) client: &'a Client<P>,
    pub(crate) input: M,
    pub(crate) wait: Option<WaitOptions>,
    pub(crate) options: P::CallOptions,
}

impl<P: Protocol, M: std::fmt::Debug> std::fmt::Debug for Call<'_, P, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("platform", &P::PLATFORM)
            .field("input", &self.input)
            .field("options", &self.options)
            .field("wait", &self.wait)
            .finish()
    }
}

impl<'a, P: Protocol, M: CallInput> Call<'a, P, M> {
    pub(crate) fn new(client: &'a Client<P>, input: M) -> Self {
        Call { client, input, wait: None, options: P::CallOptions::default() }
    }

    pub(crate) fn submission(&self) -> Submission<'_, P> {
        Submission { input: &self.input, options: &self.options }
    }

    /// Wait options for [`run`](Self::run) (and skills.video's `stream`) instead of the client's.
    pub fn wait_options(mut self, options: WaitOptions) -> Self {
        self.wait = Some(options);
        self
    }

    /// The input this call sends.
    pub fn input(&self) -> &M {
        &self.input
    }

    /// The wait options in force: the call's, else the client's.
    pub(crate) fn options(&self) -> WaitOptions {
        self.wait.clone().unwrap_or_else(|| self.client.wait_options().clone())
    }

    /// The request body this call sends, after the schema checks: local files appear as
    /// [`MediaInput`](crate::MediaInput) markers where the platform takes multipart uploads
    /// (skills.video) and as `data:` URIs elsewhere; the platform's envelope (MindVideo's
    /// `{model, input}`, the relays' `model`) is included.
    pub async fn body(&self) -> Result<Value> {
        let body = P::body(self.submission()).await?;
        match P::DATA_URIS {
            true => crate::media::inline_files(body).await,
            false => Ok(body),
        }
    }

    /// Submit: one `POST`. Returns the job without waiting for it. Retried only where no second
    /// job can result (on 429, 503 and when no connection could be opened), except where the
    /// platform deduplicates submits (MindVideo's idempotency key).
    pub async fn submit(self) -> Result<Job<P>> {
        let span = crate::telemetry::submit_span(P::PLATFORM, self.input.model_path());
        let job = P::submit(self.client, self.submission()).instrument(span.clone()).await;
        match &job {
            Ok(job) => {
                span.record("job.id", job.id());
                span.in_scope(|| tracing::info!(job.id = job.id(), status = job.submitted().raw_status(), "submitted"));
            }
            Err(e) => span.in_scope(|| tracing::info!(error = %e, "submit failed")),
        }
        job
    }

    /// Submit, then wait until the job ends (see [`Job::wait`]).
    pub async fn run(self) -> Result<P::State> {
        let options = self.options();
        self.submit().await?.wait_with(options).await
    }
}

/// A model invocation that can be submitted: every platform's [`Call`]. Write application code
/// once against this trait and it runs a model on any platform.
pub trait Submit: Sized + Send {
    /// The platform the job will run on.
    type Protocol: Protocol;

    /// Send the request (the input is checked first); the job comes back without waiting.
    fn submit(self) -> impl Future<Output = Result<Job<Self::Protocol>>> + Send;

    /// Submit, then wait until the job ends (see [`Job::wait`]).
    fn run(self) -> impl Future<Output = Result<<Self::Protocol as Protocol>::State>> + Send {
        async move { self.submit().await?.wait().await }
    }
}

impl<P: Protocol, M: CallInput> Submit for Call<'_, P, M> {
    type Protocol = P;
    fn submit(self) -> impl Future<Output = Result<Job<P>>> + Send {
        Call::submit(self)
    }
    /// Submit, then wait with the call's wait options (else the client's).
    fn run(self) -> impl Future<Output = Result<P::State>> + Send {
        Call::run(self)
    }
}
