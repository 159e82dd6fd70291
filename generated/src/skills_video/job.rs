//! Following a submitted generation to its end: the crate's [`crate::Job`] on skills.video.

use super::{Client, Generation};
use crate::job::{follow, sealed, Start};
use crate::{Result, WaitOptions};

/// A submitted generation; see [`crate::Job`].
pub type Job = crate::Job<Client>;

/// A stored [`Job`]; see [`crate::JobHandle`].
pub type JobHandle = crate::JobHandle<Generation>;

/// The updates of one generation; see [`crate::Updates`].
pub type GenerationStream = crate::Updates<Generation>;

impl sealed::Lookup for Generation {
    type Client = Client;

    fn fetch<'a>(client: &'a Client, job: &'a sealed::JobRef) -> futures_util::future::BoxFuture<'a, Result<Self>> {
        Box::pin(client.get(&job.id))
    }
}

impl Client {
    /// Poll a generation until it ends. The completed generation is returned; a failed one is
    /// [`crate::Error::JobFailed`], a canceled one [`crate::Error::JobCanceled`], one still
    /// running at the deadline [`crate::Error::Deadline`].
    pub async fn wait(&self, id: &str, options: WaitOptions) -> Result<Generation> {
        let job = sealed::JobRef {
            id: id.to_string(),
            family: None,
            scope: None,
        };
        follow(self.clone(), job, Start::Id, options).wait().await
    }
}
