//! A submitted job, and the handle that stores it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tokio::io::AsyncWrite;

use super::follow::{follow, Start};
use crate::output::Output;
use crate::protocol::{JobKey as _, JobRef};
use crate::{Client, Family, JobState as _, Platform, Protocol, Result, Updates, WaitOptions};

/// A submitted job on platform `P`. Owns a clone of its client, so it can be moved into a task.
/// Store [`Job::handle`] to pick it up later with [`Client::resume`].
#[derive(Debug, Clone)]
pub struct Job<P: Protocol> {
    client: Client<P>,
    job: JobRef<P>,
    submitted: P::State,
    /// The state the job succeeded with, once a wait saw it: a later wait or `output` sends nothing.
    done: std::sync::OnceLock<P::State>,
}

impl<P: Protocol> Job<P> {
    /// The job of a submit answer. `key` says where to look it up later.
    pub(crate) fn new(client: Client<P>, submitted: P::State, family: Option<Family>, key: P::JobKey) -> Self {
        let job = JobRef { id: submitted.job_id().to_string(), family, key };
        Job::from_parts(client, job, submitted)
    }

    fn from_parts(client: Client<P>, job: JobRef<P>, mut submitted: P::State) -> Self {
        P::attach(&mut submitted, &job);
        Job { client, job, submitted, done: std::sync::OnceLock::new() }
    }

    /// A job from a stored [`JobHandle`]; nothing is sent.
    pub fn resume(client: &Client<P>, handle: JobHandle<P>) -> Self {
        let job = JobRef { id: handle.id, family: handle.family, key: handle.key };
        Job::from_parts(client.clone(), job, handle.submitted)
    }

    /// What it takes to resume this job later; serializes to JSON.
    pub fn handle(&self) -> JobHandle<P> {
        JobHandle {
            id: self.job.id.clone(),
            family: self.job.family,
            key: self.job.key.clone(),
            submitted: self.submitted.clone(),
        }
    }

    /// The job id.
    pub fn id(&self) -> &str {
        &self.job.id
    }

    /// Where the job lives: its id and the platform's key.
    pub fn job_ref(&self) -> &JobRef<P> {
        &self.job
    }

    /// The platform the job runs on.
    pub fn platform(&self) -> Platform {
        P::PLATFORM
    }

    /// The client the job uses.
    pub fn client(&self) -> &Client<P> {
        &self.client
    }

    /// The job as the submit answered it.
    pub fn submitted(&self) -> &P::State {
        &self.submitted
    }

    /// The current state of the job: one `GET`.
    pub async fn status(&self) -> Result<P::State> {
        P::fetch(&self.client, &self.job).await
    }

    /// Follow the job until it ends, with the client's [`WaitOptions`]. A job that succeeded is
    /// returned; a failed one is [`Error::JobFailed`](crate::Error::JobFailed), a canceled one
    /// [`Error::JobCanceled`](crate::Error::JobCanceled), one still running at the deadline
    /// [`Error::Deadline`](crate::Error::Deadline). Once a wait has seen the job succeed, waiting
    /// again (and [`output`](Self::output)) returns that state without a request.
    pub async fn wait(&self) -> Result<P::State> {
        self.wait_with(self.client.wait_options().clone()).await
    }

    /// [`wait`](Self::wait) with other options.
    pub async fn wait_with(&self, options: WaitOptions) -> Result<P::State> {
        self.wait_reporting(options, |_| {}).await
    }

    /// [`wait`](Self::wait) that reports every update (each status or progress change) to
    /// `on_update`, the submit answer first.
    ///
    /// With [`WaitOptions::cancel_on_timeout`], a job still running at the deadline is canceled
    /// (once) before [`Error::Deadline`](crate::Error::Deadline) is returned.
    pub async fn wait_reporting(
        &self,
        options: WaitOptions,
        mut on_update: impl FnMut(&P::State) + Send,
    ) -> Result<P::State> {
        if let Some(done) = self.done.get() {
            on_update(done);
            return Ok(done.clone());
        }
        let cancel = options.cancel_on_timeout;
        let result = self.updates(options).wait_reporting(on_update).await;
        if let Ok(done) = &result {
            let _ = self.done.set(done.clone());
        }
        if cancel && matches!(result, Err(crate::Error::Deadline { .. })) {
            // The deadline is what the caller sees; a failed cancel does not hide it.
            let _ = self.cancel().await;
        }
        result
    }

    /// The job's updates as a stream: the submit answer, then each change of status or progress
    /// until the terminal state. Read from the platform's push channel where it has one for a
    /// submitted job (MindVideo's task events, fal's status stream), by polling otherwise or when
    /// the channel breaks. skills.video's channel is its SSE submit, so a job submitted with
    /// `Call::submit` is polled there; `Call<'_, SkillsVideo, _>::stream` submits over it.
    pub fn updates(&self, options: WaitOptions) -> Updates<P::State> {
        follow(self.client.clone(), self.job.clone(), Start::Known(self.submitted.clone()), options)
    }

    /// Ask the platform to stop the job (fal: `PUT .../requests/{id}/cancel`). A job that already
    /// finished stays as it is. [`Error::Unsupported`](crate::Error::Unsupported) on platforms
    /// that document no way to cancel.
    pub async fn cancel(&self) -> Result<()> {
        P::cancel(&self.client, &self.job).await
    }

    /// Wait for the job to succeed, then read its result as the model's typed output
    /// (`let out: veo3::Output = job.output().await?`). Unknown fields are ignored, so a paid
    /// result is never lost to a field the document did not list.
    pub async fn output<O: serde::de::DeserializeOwned>(&self) -> Result<O> {
        let done = self.wait().await?;
        crate::output::typed(P::result(&self.client, &self.job, &done).await?)
    }

    /// Download an output into `dir` (created if missing) under its
    /// [safe file name](Output::safe_file_name), streaming it to disk through a `.part` file.
    /// The API key is not sent to the output's host. Returns the file's path.
    pub async fn download(&self, output: &Output, dir: impl AsRef<Path>) -> Result<PathBuf> {
        self.client.download(output, dir).await
    }

    /// Stream an output into any writer (a file, a socket, a `Vec<u8>`); the bytes written.
    pub async fn download_to<W: AsyncWrite + Unpin + ?Sized>(&self, output: &Output, writer: &mut W) -> Result<u64> {
        self.client.download_to(output, writer).await
    }
}

/// A stored [`Job`]: its id, what the platform needs to look it up, and the submit answer.
/// Serializes to JSON with the platform's name (`{"platform": "v2", "id": .., "family": ..,
/// "scope": "videos", "submitted": {..}}`); deserializing a handle of another platform fails.
///
/// ```
/// # fn demo(client: &mediagen_runtime::Client<mediagen_runtime::mindvideo::MindVideo>,
/// #         job: &mediagen_runtime::Job<mediagen_runtime::mindvideo::MindVideo>) -> serde_json::Result<()> {
/// let saved = serde_json::to_string(&job.handle())?;
/// // ... later, perhaps in another process:
/// let job = client.resume(serde_json::from_str(&saved)?);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JobHandle<P: Protocol> {
    /// Job id.
    pub id: String,
    /// Family of the model's error codes.
    pub family: Option<Family>,
    /// What the platform needs beside the id (the v2 relay scope); stored as `scope`.
    pub key: P::JobKey,
    /// The submit answer.
    pub submitted: P::State,
}

impl<P: Protocol> JobHandle<P> {
    /// The platform the job runs on.
    pub fn platform(&self) -> Platform {
        P::PLATFORM
    }
}

/// The JSON form of a handle; the same before and after the key was typed.
#[derive(Serialize, Deserialize)]
struct HandleWire<S> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    platform: Option<String>,
    id: String,
    #[serde(default)]
    family: Option<Family>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    submitted: S,
}

impl<P: Protocol> Serialize for JobHandle<P> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> std::result::Result<Z::Ok, Z::Error> {
        HandleWire {
            platform: Some(P::PLATFORM.as_str().to_string()),
            id: self.id.clone(),
            family: self.family,
            scope: self.key.to_scope(),
            submitted: &self.submitted,
        }
        .serialize(serializer)
    }
}

impl<'de, P: Protocol> Deserialize<'de> for JobHandle<P> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let w = HandleWire::<P::State>::deserialize(deserializer)?;
        if let Some(p) = w.platform.as_deref().filter(|p| *p != P::PLATFORM.as_str()) {
            return Err(serde::de::Error::custom(format!("a job handle of {p}, not {}", P::PLATFORM)));
        }
        let key = P::JobKey::from_scope(w.scope.as_deref()).map_err(serde::de::Error::custom)?;
        Ok(JobHandle { id: w.id, family: w.family, key, submitted: w.submitted })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::JobHandle;
    use crate::aimlapi::{Aimlapi, Answer};
    use crate::mindvideo::MindVideo;
    use crate::v2::{Scope, V2};

    #[test]
    fn handles_written_before_keys_were_typed_still_load() {
        // The JSON form of 0.1 handles: the key was a free `scope` string.
        let old = json!({"platform": "v2", "id": "t1", "family": "image", "scope": "images",
            "submitted": {"task_id": "t1", "status": "SUBMITTED"}});
        let h: JobHandle<V2> = serde_json::from_value(old.clone()).unwrap();
        assert_eq!((h.id.as_str(), h.key), ("t1", Scope::Images));
        assert_eq!(serde_json::to_value(&h).unwrap()["scope"], "images");

        // v2 handles stored without a scope were video tasks.
        let mut no_scope = old.clone();
        no_scope.as_object_mut().unwrap().remove("scope");
        assert_eq!(serde_json::from_value::<JobHandle<V2>>(no_scope).unwrap().key, Scope::Videos);

        let direct = json!({"platform": "aimlapi", "id": "g", "scope": "direct", "submitted": {"id": "g", "status": "completed"}});
        assert_eq!(serde_json::from_value::<JobHandle<Aimlapi>>(direct).unwrap().key, Answer::Direct);
        let followed = json!({"platform": "aimlapi", "id": "g", "submitted": {"id": "g", "status": "queued"}});
        assert_eq!(serde_json::from_value::<JobHandle<Aimlapi>>(followed).unwrap().key, Answer::Followed);
    }

    #[test]
    fn a_handle_of_another_platform_or_an_unknown_scope_is_refused() {
        let v2 = json!({"platform": "v2", "id": "t1", "scope": "videos", "submitted": {"task_id": "t1", "status": "SUBMITTED"}});
        let err = serde_json::from_value::<JobHandle<MindVideo>>(v2.clone()).unwrap_err();
        assert!(err.to_string().contains("a job handle of v2, not mindvideo"), "{err}");
        let mut odd = v2;
        odd["scope"] = json!("music");
        let err = serde_json::from_value::<JobHandle<V2>>(odd).unwrap_err();
        assert!(err.to_string().contains("\"music\" is not a relay scope"), "{err}");
    }
}
