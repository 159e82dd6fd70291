//! What a job answer tells, in the same words on every platform.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::output::Output;
use crate::{Error, Family, Platform};

/// Where a job is, in the same words for every platform. The platform's own status is kept
/// beside it ([`JobState::raw_status`]).
///
/// | | skills.video | MindVideo | v2 relay |
/// |---|---|---|---|
/// | `Queued` | `IN_QUEUE`, `starting` | `queued` | `NOT_START`, `SUBMITTED`, `QUEUED` |
/// | `Running` | `IN_PROGRESS`, `processing` | `processing` | `IN_PROGRESS` |
/// | `Succeeded` | `COMPLETED`, `succeeded` | `succeeded` | `SUCCESS` |
/// | `Failed` | `FAILED`, `failed` | `failed` | `FAILURE` |
/// | `Canceled` | `CANCELED`, `canceled` | `cancelled` | |
/// | `Unknown` | anything else | anything else | anything else |
///
/// An unknown status is not terminal: waiting goes on until a known terminal one or the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    /// Accepted, not started.
    Queued,
    /// Being generated.
    Running,
    /// Finished with outputs.
    Succeeded,
    /// Finished with an error.
    Failed,
    /// Canceled before it finished.
    Canceled,
    /// A status the SDK does not know.
    Unknown,
}

impl JobStatus {
    /// Whether the job has ended (succeeded, failed or canceled).
    pub fn is_terminal(self) -> bool {
        matches!(self, JobStatus::Succeeded | JobStatus::Failed | JobStatus::Canceled)
    }

    /// `queued`, `running`, `succeeded`, `failed`, `canceled` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Canceled => "canceled",
            JobStatus::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for JobStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// What a job costs, as the platform reports it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    /// The price announced before the job ran (MindVideo's `cost_estimate`).
    pub estimated: Option<f64>,
    /// What was charged (skills.video's `usage.total`, MindVideo's `cost_actual`).
    pub charged: Option<f64>,
    /// What the numbers count.
    pub unit: CostUnit,
}

/// The unit of a [`Cost`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CostUnit {
    /// Platform credits (skills.video).
    Credits,
    /// Money in the account's billing currency (MindVideo; its documentation does not name the
    /// currency, and shows amounts like `0.2475`).
    Currency,
}

/// What every platform's job answer tells, normalized. Implemented by
/// `skills_video::Generation`, `mindvideo::Task` and `v2::Task`; the typed answer stays
/// available with all its platform fields.
pub trait JobState: Clone + std::fmt::Debug + Serialize + DeserializeOwned + Send + Sync + Unpin + 'static {
    /// The platform whose answer this is.
    const PLATFORM: Platform;
    /// The job (generation, task) id.
    fn job_id(&self) -> &str;
    /// The normalized status.
    fn job_status(&self) -> JobStatus;
    /// The status exactly as the platform sent it.
    fn raw_status(&self) -> &str;
    /// How far the job is, from 0.0 to 1.0, where the platform reports it.
    fn progress(&self) -> Option<f64> {
        None
    }
    /// What the job is doing, in words, where the platform says (fal: `queue position 3`, or the
    /// last log line): for progress displays.
    fn activity(&self) -> Option<String> {
        None
    }
    /// The output media, in the order the platform lists them.
    fn outputs(&self) -> Vec<Output>;
    /// The cost, where the platform reports it.
    fn cost(&self) -> Option<Cost> {
        None
    }
    /// The error a job that ended badly stands for ([`Error::JobFailed`], [`Error::JobCanceled`]);
    /// `None` otherwise. `family_hint` types failure codes that name no family.
    fn error(&self, family_hint: Option<Family>) -> Option<Error>;
    /// Whether the job has ended.
    fn is_terminal(&self) -> bool {
        self.job_status().is_terminal()
    }
}
