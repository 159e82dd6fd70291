//! The one generic client: [`Client<P>`] for platform `P`, the [`Call`] of one model on it, and
//! [`Submit`], which every call implements.

mod builder;
mod call;

use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncWrite;

pub use builder::ClientBuilder;
pub use call::{Call, Submit};

use crate::http::Transport;
use crate::input::RawInput;
use crate::job::{follow, Start};
use crate::output::Output;
use crate::protocol::JobRef;
use crate::{Job, JobHandle, Model, Platform, Protocol, Result, Updates, WaitOptions};

/// What one client holds; shared by its clones.
#[derive(Debug)]
pub(crate) struct Core {
    pub(crate) transport: Transport,
    pub(crate) wait: WaitOptions,
    pub(crate) idle_timeout: Duration,
    /// The platform's webhook signing keys, fetched on first use (fal's JWKS).
    pub(crate) webhook_keys: crate::fal::KeyCache,
}

/// A client of platform `P` (`Client<SkillsVideo>`, `Client<MindVideo>`, ...). Cheap to clone:
/// clones share one connection pool. The generated `mediagen` crate wraps it per platform
/// (`mediagen::skills_video::Client`) with one method per model.
///
/// Every platform's client is built the same way ([`Client::builder`], [`Client::from_env`],
/// [`Client::new`], all returning [`Result`]) and does the same things: [`call`](Self::call) a
/// model, [`resume`](Self::resume) a stored job, [`lookup`](Self::lookup) or
/// [`follow`](Self::follow) a job by id, [`download`](Self::download) outputs. A platform's
/// extras are methods of its client alone (`Client<SkillsVideo>::tts`,
/// `Client<MindVideo>::events`).
pub struct Client<P> {
    pub(crate) core: Arc<Core>,
    _platform: PhantomData<fn() -> P>,
}

impl<P> Clone for Client<P> {
    fn clone(&self) -> Self {
        Client { core: self.core.clone(), _platform: PhantomData }
    }
}

impl<P: Protocol> std::fmt::Debug for Client<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The transport's Debug redacts the API key.
        f.debug_struct("Client").field("platform", &P::PLATFORM).field("core", &self.core).finish()
    }
}

impl<P: Protocol> Client<P> {
    /// Settings for a client; unset values come from the platform's environment variables.
    pub fn builder() -> ClientBuilder<P> {
        ClientBuilder::new()
    }

    /// A client configured from the platform's `*_API_KEY` and, if set, `*_BASE_URL` variables.
    /// [`Error::Config`](crate::Error::Config) when the key (or a relay's base URL) is missing
    /// or the base URL is not an http(s) URL.
    pub fn from_env() -> Result<Self> {
        Self::builder().build()
    }

    /// A client with this API key; the base URL from the platform's `*_BASE_URL` variable or
    /// its default host. [`Error::Config`](crate::Error::Config) as for [`from_env`](Self::from_env).
    pub fn new(api_key: impl Into<String>) -> Result<Self> {
        Self::builder().api_key(api_key).build()
    }

    /// The platform this client talks to.
    pub fn platform(&self) -> Platform {
        P::PLATFORM
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.core.transport.base_url()
    }

    /// The default [`WaitOptions`] of [`Job::wait`].
    pub fn wait_options(&self) -> &WaitOptions {
        &self.core.wait
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.core.transport
    }

    /// A request for one model of this platform, not yet sent; see [`Call`]. A model of another
    /// platform does not compile. Generated code calls this from each model's method.
    pub fn call<M: Model<Protocol = P>>(&self, input: M) -> Call<'_, P, M> {
        Call::new(self, input)
    }

    /// A request for a model named at run time, with a JSON body (see [`RawInput`]).
    pub fn call_raw(&self, input: RawInput) -> Call<'_, P, RawInput> {
        Call::new(self, input)
    }

    /// A job from a stored [`JobHandle`]; nothing is sent.
    pub fn resume(&self, handle: JobHandle<P>) -> Job<P> {
        Job::resume(self, handle)
    }

    /// The current state of a job by id: one `GET`.
    pub async fn lookup(&self, job: &JobRef<P>) -> Result<P::State> {
        P::fetch(self, job).await
    }

    /// Follow a job by id until it ends: its push channel where the platform has one, polling
    /// otherwise. The job is never submitted.
    pub fn follow(&self, job: JobRef<P>, options: WaitOptions) -> Updates<P::State> {
        follow(self.clone(), job, Start::Id, options)
    }

    /// Ask the platform to stop a job by id (fal: `PUT .../cancel`);
    /// [`Error::Unsupported`](crate::Error::Unsupported) where it documents no way.
    pub async fn cancel(&self, job: &JobRef<P>) -> Result<()> {
        P::cancel(self, job).await
    }

    /// Download an output into `dir` (created if missing) under its
    /// [safe file name](Output::safe_file_name), streaming it to disk through a `.part` file.
    /// The API key is not sent to the output's host. Returns the file's path.
    pub async fn download(&self, output: &Output, dir: impl AsRef<Path>) -> Result<PathBuf> {
        crate::http::download_into(self.transport(), output, dir.as_ref()).await
    }

    /// Stream an output into any writer (a file, a socket, a `Vec<u8>`); the bytes written.
    pub async fn download_to<W: AsyncWrite + Unpin + ?Sized>(&self, output: &Output, writer: &mut W) -> Result<u64> {
        self.transport().download_to(&output.url, writer).await
    }
}

#[cfg(test)]
mod tests {
    use crate::aimlapi::Aimlapi;
    use crate::mindvideo::MindVideo;
    use crate::skills_video::SkillsVideo;
    use crate::v2::V2;
    use crate::{Client, Error, Protocol};

    /// The same constructor on every platform; a bad setting is an error, never a panic.
    fn bad_settings_are_errors<P: Protocol>() {
        let bad_url = Client::<P>::builder().api_key("k").base_url("ftp://example.com").build();
        assert!(matches!(bad_url, Err(Error::Config(_))), "{:?}", P::PLATFORM);
        let bad_key = Client::<P>::builder().api_key("line\nbreak").base_url("http://127.0.0.1:9").build();
        assert!(matches!(bad_key, Err(Error::Config(_))), "{:?}", P::PLATFORM);
        let good = Client::<P>::builder().api_key("sk-secret").base_url("http://127.0.0.1:9/").build().unwrap();
        assert_eq!(good.platform(), P::PLATFORM);
        assert!(!format!("{good:?}").contains("sk-secret"));
    }

    #[test]
    fn every_platform_builds_the_same_way() {
        bad_settings_are_errors::<SkillsVideo>();
        bad_settings_are_errors::<MindVideo>();
        bad_settings_are_errors::<V2>();
        bad_settings_are_errors::<Aimlapi>();
    }
}
